#!/usr/bin/env bash
# Side-by-side whole-step comparison: the Java loop (WholeStepBenchmark) against the PyTorch
# peer (peer/peer_step.py), run alternately, never concurrently, with the matrix-product rate of
# DJL's libtorch measured in the same run for MFU.
#
#   bash benchmarks/compare.sh --methods full,lora,houlsby,bitfit,prompt --rounds 3 --steps 5
#   bash benchmarks/compare.sh --shape small --methods full,lora --rounds 1 --steps 1 --warmup 1
#
# Options (defaults in brackets):
#   --methods LIST   comma-separated: full, lora, houlsby, bitfit, prompt   [all five]
#   --rounds N       rounds; each round runs every method once on each side [3]
#   --steps N        measured steps per run                                 [5]
#   --warmup N       steps per run left out of its median                   [2]
#   --shape NAME     minilm (32 x 128) or small (8 x 32)                    [minilm]
#   --weights W      Java side: random (like the peer) or embedded (real all-MiniLM-L6-v2,
#                    --shape minilm only)                                   [random]
#   --allocator A    keep: both sides run with GLIBC_TUNABLES=glibc.malloc.arena_max=1:
#                    glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736, so
#                    freed tensors stay in the process instead of being page-faulted back in
#                    every step (docs/PERFORMANCE.md, "Memory allocator"); default: glibc as
#                    it comes                                               [keep]
#   --out DIR        results folder                                         [benchmarks/results]
# Environment: PYTHON (default /usr/bin/python3, Debian's torch, see peer/install.sh),
# SKIP_BUILD=1 to reuse the last build; FINETUNE_MVN_ARGS adds Maven arguments ("-o" to stay
# offline; Maven runs online otherwise, so a fresh clone downloads what it needs), and
# MAVEN_OPTS="-Dmaven.repo.local=DIR" picks another local repository (benchmarks/build-classpath.sh).
#
# Order: rounds are the outer loop, methods the inner one; within each (round, method) Java and
# PyTorch alternate and the side that goes first alternates between rounds. Each run is a fresh
# process (JVM or Python) that prints a RESULT line; the summary takes, per method and side, the
# median over rounds of each run's median step time, and reports tokens/s, the ratio
# Java/PyTorch, and MFU = (FLOPs per step / median step time) / measured matmul rate (DJL
# libtorch, best of a 512^3 and a MiniLM FFN-shaped product; FLOP formula in StepFlops.java and
# docs/PERFORMANCE.md). Results: compare-<UTC time>.{log,csv,md} in the results folder.
#
# Duration at the defaults on the 2-core machine: a Java run ≈ 10 s start-up + 7 steps, a peer
# run ≈ 3 s + 7 steps, steps 1-4 s: ≈ 40-60 s per (round, method), ≈ 12-16 minutes in all.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
METHODS=full,lora,houlsby,bitfit,prompt
ROUNDS=3
STEPS=5
WARMUP=2
SHAPE=minilm
WEIGHTS=random
OUT_DIR=$ROOT/benchmarks/results
ALLOCATOR=keep
PYTHON=${PYTHON:-/usr/bin/python3}
usage() { awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --methods) METHODS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --steps) STEPS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --shape) SHAPE=$2; shift 2 ;;
    --weights) WEIGHTS=$2; shift 2 ;;
    --out) OUT_DIR=$2; shift 2 ;;
    --allocator) ALLOCATOR=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$ROUNDS" "$STEPS" "$WARMUP"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "error: --rounds, --steps and --warmup take whole numbers, got '$n'" >&2; exit 2; }
done
[ "$ROUNDS" -ge 1 ] && [ "$STEPS" -ge 1 ] || { echo "error: --rounds and --steps must be >= 1" >&2; exit 2; }
IFS=',' read -r -a METHOD_LIST <<< "$METHODS"
for method in "${METHOD_LIST[@]}"; do
  case "$method" in
    full|lora|houlsby|bitfit|prompt) ;;
    *) echo "error: --methods: '$method' is unknown; use full, lora, houlsby, bitfit, prompt" >&2; exit 2 ;;
  esac
done
case "$SHAPE" in minilm|small) ;; *) echo "error: --shape must be minilm or small, got '$SHAPE'" >&2; exit 2 ;; esac
case "$ALLOCATOR" in
  keep) export GLIBC_TUNABLES=glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736 ;;
  default) unset GLIBC_TUNABLES ;;
  *) echo "error: --allocator must be keep or default, got '$ALLOCATOR'" >&2; exit 2 ;;
esac
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  echo "error: $PYTHON cannot import torch; run: bash benchmarks/peer/install.sh (or set PYTHON)" >&2
  exit 1
fi
LOAD=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$LOAD" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
  echo "warning: load average $LOAD on $(nproc) cores: other work is running, the numbers will be noisy" >&2
fi
mkdir -p "$OUT_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOG="$OUT_DIR/compare-$STAMP.log"
CP=$(bash "$ROOT/benchmarks/build-classpath.sh")
JAVA=(java -Xmx6g -Dai.djl.offline=true -cp "$CP")
cd "$ROOT"
{
  echo "# compare $STAMP shape=$SHAPE weights=$WEIGHTS rounds=$ROUNDS steps=$STEPS warmup=$WARMUP methods=$METHODS allocator=$ALLOCATOR"
  echo "# host: $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$LOG"

run_java() {
  "${JAVA[@]}" dev.finetune.bench.WholeStepBenchmark --method "$1" --shape "$SHAPE" \
    --weights "$WEIGHTS" --steps "$STEPS" --warmup "$WARMUP" 2>&1 \
    | grep -E '^(RESULT|per-step)' | sed "s/^RESULT /RESULT round=$2 /" | tee -a "$LOG" \
    || echo "# FAILED: java $1 round $2 (rerun WholeStepBenchmark by hand to see why)" | tee -a "$LOG"
}
run_peer() {
  "$PYTHON" "$ROOT/benchmarks/peer/peer_step.py" --method "$1" --shape "$SHAPE" \
    --steps "$STEPS" --warmup "$WARMUP" 2>&1 \
    | grep -E '^RESULT' | sed "s/^RESULT /RESULT round=$2 /" | tee -a "$LOG" \
    || echo "# FAILED: pytorch $1 round $2 (rerun peer_step.py by hand to see why)" | tee -a "$LOG"
}

"${JAVA[@]}" dev.finetune.bench.MatmulRate --seconds 3 2>&1 | grep -E '^MATMUL' | tee -a "$LOG"
"$PYTHON" "$ROOT/benchmarks/peer/peer_step.py" --matmul | tee -a "$LOG"
for ((round = 1; round <= ROUNDS; round++)); do
  for method in "${METHOD_LIST[@]}"; do
    echo "# round $round/$ROUNDS, $method ($(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg))" | tee -a "$LOG"
    if (( round % 2 == 1 )); then
      run_java "$method" "$round"; run_peer "$method" "$round"
    else
      run_peer "$method" "$round"; run_java "$method" "$round"
    fi
  done
done
"${JAVA[@]}" dev.finetune.bench.MatmulRate --seconds 3 2>&1 | grep -E '^MATMUL' | tee -a "$LOG"
"$PYTHON" "$ROOT/benchmarks/peer/summarize.py" "$LOG"
