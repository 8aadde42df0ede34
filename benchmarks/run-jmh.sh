#!/usr/bin/env bash
# Runs the JMH suite of the benchmarks module and writes JSON results.
#
#   bash benchmarks/run-jmh.sh                      # the whole suite (about 35 minutes, see below)
#   bash benchmarks/run-jmh.sh TrainingStepBenchmark -p shape=minilm
#   bash benchmarks/run-jmh.sh 'TrainingStep' -p shape=small -p method=lora -wi 1 -i 1 -w 1s -r 1s
#
# Arguments go to JMH unchanged (a benchmark regex, -p name=value, -wi/-i/-w/-r, -l to list...).
# Results: benchmarks/results/jmh-<UTC time>.json (RESULTS_DIR overrides the folder), plus the
# human table on stdout. Each benchmark's secondary metric "tokens" is real tokens per second
# (JMH @AuxCounters); OptimizerBenchmark reports ms per update instead.
#
# Suite defaults (annotations): fork 1, warm-up 3 × 10 s and measurement 8 × 10 s per training
# step configuration (10 of them), 3 × 5 s + 8 × 5 s for the others (7 configurations): about
# 10 × 2 min + 7 × 1 min ≈ 27 min of iterations plus ~10-20 s of model set-up per fork, so
# ≈ 30-35 minutes. Run it alone on a quiet machine: one libtorch process at a time.
# SKIP_BUILD=1 reuses the last build; FINETUNE_MVN_ARGS=-o keeps Maven offline (it runs online
# otherwise, so a fresh clone downloads what it needs; benchmarks/build-classpath.sh). Runs with GLIBC_TUNABLES=glibc.malloc.arena_max=1:
# glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736 (freed tensors stay in the process; docs/PERFORMANCE.md,
# "Memory allocator") unless GLIBC_TUNABLES is already set (set it to "" for glibc's defaults).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP=$(bash "$ROOT/benchmarks/build-classpath.sh")
OUT_DIR=${RESULTS_DIR:-$ROOT/benchmarks/results}
mkdir -p "$OUT_DIR"
OUT="$OUT_DIR/jmh-$(date -u +%Y%m%dT%H%M%SZ).json"
cd "$ROOT"
export GLIBC_TUNABLES=${GLIBC_TUNABLES-glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736}
java -Dai.djl.offline=true -cp "$CP" org.openjdk.jmh.Main -rf json -rff "$OUT" "$@"
echo "JMH results: $OUT"
