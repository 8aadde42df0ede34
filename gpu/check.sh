#!/usr/bin/env bash
# The GPU visit in one run (issue 21): run from the repository root with gpu/bundle/ present
# (gpu/make-bundle.sh builds it; it travels as a carried path), results into $OUT:
#
#   bash gpu/check.sh [--precision bf16|fp16|none] [--quick]
#
# 1. records the machine (nvidia-smi, torch/transformers/peft versions)      -> env.txt
# 2. unpacks the jlink'd JRE
# 3. points DJL at the machine's own libtorch (PYTORCH_LIBRARY_PATH/VERSION/FLAVOR, offline)
#    with DJL's cu128 JNI, and records whether the JNI links against it: the first missing
#    symbol from dlopen, `ldd -r`, and `nm -D` undefined symbols no torch library defines -> abi.txt
# 4. EngineProbe: does the engine start, see the GPU, multiply on it            -> check.log
# 5. the JUnit `gpu` group (GpuTestMain)                                          -> gpu-tests.txt
# 6. GpuBenchmark (Java) and benchmarks/peer/gpu_peer.py (HF transformers + peft) on the same
#    grid: MiniLM shape 32x128, BERT-base shape 32x128 and 32x512, full and LoRA, fp32 and the
#    --precision given, plus BERT-base 32x512 full with gradient checkpointing -> java-bench.csv,
#    peer-bench.csv
# 7. summary.txt: each step's exit code and time.
# Without a GPU (torch missing or seeing no CUDA) it takes the CPU path: DJL's own CPU
# libtorch (cached, offline), tiny shapes, so the script itself can be tested on a CPU machine.
# Every step has its own timeout, cut to what is left of a 450 s budget (CHECK_BUDGET_S), so the
# whole run ends in under 8 minutes whatever hangs.
set -uo pipefail
PRECISION=bf16
QUICK=0
PYTHON=${PYTHON:-python3}   # the Python with torch (and transformers + peft for the reference)
while [[ $# -gt 0 ]]; do
  case $1 in
    --precision) PRECISION=${2:?--precision needs a value: bf16, fp16 or none}; shift 2 ;;
    --quick) QUICK=1; shift ;;
    *) echo "check.sh: unknown option $1; use --precision bf16|fp16|none, --quick" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$ROOT/gpu/bundle
OUT=${OUT:-$ROOT/gpu/out}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/check.log") 2>&1
START=$(date +%s)
SUMMARY=$OUT/summary.txt
: > "$SUMMARY"
BUDGET=${CHECK_BUDGET_S:-450}   # the whole run; each step's limit is cut to what is left
step() { # step NAME LIMIT_SECONDS COMMAND...: runs with a timeout, records rc and seconds
  local name=$1 limit=$2 t0 rc left
  shift 2
  t0=$(date +%s)
  left=$(( START + BUDGET - t0 ))
  if (( left < 15 )); then
    echo "$name SKIPPED: the ${BUDGET}s budget is spent" | tee -a "$SUMMARY"
    return 124
  fi
  (( limit > left - 5 )) && limit=$(( left - 5 ))
  echo "=== $name (limit ${limit}s) $(date -u +%T)"
  timeout -k 10 "$limit" "$@"
  rc=$?
  echo "=== $name rc=$rc $(( $(date +%s) - t0 ))s"
  echo "$name rc=$rc seconds=$(( $(date +%s) - t0 ))$([[ $rc == 124 || $rc == 137 ]] && echo ' TIMED OUT')" >> "$SUMMARY"
  return $rc
}
[[ -f $B/jre.tar.xz && -d $B/lib ]] || { echo "check.sh: $B missing: run gpu/make-bundle.sh and carry gpu/bundle" | tee -a "$SUMMARY"; exit 2; }

# 1. the machine
{
  date -u
  nvidia-smi 2>&1 || echo "nvidia-smi: not available"
  "$PYTHON" -c 'import sys, torch; print("python", sys.version.split()[0]); print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())' 2>&1
  "$PYTHON" -c 'import transformers, peft; print("transformers", transformers.__version__, "peft", peft.__version__)' 2>&1
  nproc; free -g 2>/dev/null | head -2
} > "$OUT/env.txt"
cat "$OUT/env.txt"
MODE=cpu
if "$PYTHON" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  MODE=gpu
fi
echo "mode: $MODE" | tee -a "$SUMMARY"

# 2. the JRE
JRE=/tmp/finetune-jre
rm -rf "$JRE" && mkdir -p "$JRE"
step unpack-jre 60 tar -xJf "$B/jre.tar.xz" -C "$JRE" --strip-components=1 || exit 1
JAVA=$JRE/bin/java
"$JAVA" -version 2>&1 | head -1
JOPTS=(-Dai.djl.offline=true -Xmx16g -cp "$B/lib/*")

# 3. the machine's libtorch and DJL's JNI: on a GPU machine torch's own lib folder with the
# bundle's cu128 JNI; on the CPU path DJL's cached CPU libtorch 2.7.1 through the same override
if [[ $MODE == gpu ]]; then
  TORCH_LIB=$("$PYTHON" -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  TORCH_VERSION=$("$PYTHON" -c 'import torch; print(torch.__version__.split("+")[0])')
  FLAVOR=cu128
  export DJL_CACHE_DIR=/tmp/finetune-djl
  JNI_DIR=$DJL_CACHE_DIR/pytorch/$TORCH_VERSION-$FLAVOR-linux-x86_64
  mkdir -p "$JNI_DIR"
  cp "$B/native/cu128/libdjl_torch.so" "$JNI_DIR/0.35.1-libdjl_torch.so"
  JNI=$JNI_DIR/0.35.1-libdjl_torch.so
  # DJL counts GPUs through cudart loaded by JNA as "libcudart.so"; pip's CUDA runtime ships only
  # a versioned libcudart.so.NN, so link it under the plain name (else DJL sees 0 GPUs)
  CUDART=$("$PYTHON" - <<'PY'
import glob, os, torch
site = os.path.dirname(os.path.dirname(torch.__file__))
found = sorted(glob.glob(os.path.join(site, "nvidia", "**", "libcudart.so*"), recursive=True))
found += sorted(glob.glob(os.path.join(os.path.dirname(torch.__file__), "lib", "libcudart*.so*")))
print(found[0] if found else "")
PY
)
  if [[ -n $CUDART ]]; then
    mkdir -p /tmp/finetune-cudart
    ln -sf "$CUDART" /tmp/finetune-cudart/libcudart.so
    export LD_LIBRARY_PATH=/tmp/finetune-cudart:$(dirname "$CUDART")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
    JOPTS+=(-Djna.library.path=/tmp/finetune-cudart)
  fi
  echo "cudart for DJL's GPU count: ${CUDART:-none found (DJL may see 0 GPUs)}" | tee -a "$SUMMARY"
else
  TORCH_LIB=${CPU_LIBTORCH:-$(ls -d "$HOME"/.djl.ai/pytorch/2.7.1-*cpu-linux-x86_64 2>/dev/null | head -1)}
  [[ -n $TORCH_LIB && -f $TORCH_LIB/0.35.1-libdjl_torch.so ]] || {
    echo "CPU path: no cached CPU libtorch 2.7.1 with its JNI under ~/.djl.ai/pytorch; set CPU_LIBTORCH" | tee -a "$SUMMARY"; exit 2; }
  TORCH_VERSION=2.7.1
  FLAVOR=cpu
  JNI=$TORCH_LIB/0.35.1-libdjl_torch.so
fi
export PYTORCH_LIBRARY_PATH=$TORCH_LIB PYTORCH_VERSION=$TORCH_VERSION PYTORCH_FLAVOR=$FLAVOR
{
  echo "libtorch: $TORCH_LIB (version $TORCH_VERSION, flavor $FLAVOR); JNI: $JNI (DJL 0.35.1, built for libtorch 2.7.1)"
  if [[ $MODE == gpu ]]; then
    echo "--- dlopen after importing torch (the first missing symbol, if any)"
    "$PYTHON" - "$JNI" <<'PY' 2>&1
import ctypes, sys, torch
try:
    ctypes.CDLL(sys.argv[1], mode=ctypes.RTLD_GLOBAL | 2)  # RTLD_NOW
    print("DLOPEN=ok")
except OSError as e:
    print("DLOPEN=failed", e)
PY
  fi
  echo "--- ldd -r (undefined symbols, missing libraries)"
  LD_LIBRARY_PATH=$TORCH_LIB ldd -r "$JNI" 2>&1 | grep -E "undefined|not found" | head -40 || true
  if command -v nm >/dev/null; then
    nm -D --defined-only "$TORCH_LIB"/lib*.so 2>/dev/null | awk '{print $3}' | sort -u > /tmp/torch-defined.txt
    nm -D --undefined-only "$JNI" | awk '{print $2}' | grep -v '@' | sort -u > /tmp/jni-needs.txt
    grep -E '^_ZN(2at|3c10|5torch|6caffe2)|^_ZN?K?(2at|3c10|5torch)' /tmp/jni-needs.txt \
      | comm -23 - /tmp/torch-defined.txt > /tmp/jni-missing.txt || true
    echo "--- nm: $(wc -l < /tmp/jni-needs.txt) symbols needed; $(wc -l < /tmp/jni-missing.txt) torch/c10/at symbols defined by no library in $TORCH_LIB (first 60, demangled)"
    head -60 /tmp/jni-missing.txt | (command -v c++filt >/dev/null && c++filt || cat)
  else
    echo "--- nm not installed: symbol list skipped"
  fi
} > "$OUT/abi.txt"
head -30 "$OUT/abi.txt"

# 4. the engine
step engine-probe 90 "$JAVA" "${JOPTS[@]}" dev.finetune.bench.EngineProbe $([[ $MODE == gpu ]] && echo --expect-gpu) | tee /tmp/probe.txt
PROBE_OK=0
grep -q '^PROBE=ok' /tmp/probe.txt && PROBE_OK=1
HAS_PRECISION=$(grep -oP '^PRECISION_SETTING=\K\w+' /tmp/probe.txt || echo no)
PRECISIONS=fp32
if [[ $PRECISION != none ]]; then
  if [[ $HAS_PRECISION == yes ]]; then
    PRECISIONS=fp32,$PRECISION
  else
    echo "--precision $PRECISION: this build has no 'precision' training setting (mixed precision);" \
      "the Java side runs fp32 only, the peer both" | tee -a "$SUMMARY"
  fi
fi
PEER_PRECISIONS=fp32$([[ $PRECISION == bf16 ]] && echo ,bf16)

if [[ $MODE == gpu ]]; then
  SHAPES_SHORT="--shapes minilm,bert-base --lengths 128"
  SHAPES_LONG="--shapes bert-base --lengths 512"
  STEPS="--steps 10 --warmup 3"
  [[ $QUICK == 1 ]] && STEPS="--steps 3 --warmup 1"
  DEV=cuda
else
  SHAPES_SHORT="--shapes small --lengths 32"
  SHAPES_LONG="--shapes small --lengths 64"
  STEPS="--steps 2 --warmup 1 --peak-size 256"
  DEV=cpu
fi

# 5. the GPU test group, 6. the benchmarks
if [[ $PROBE_OK == 1 ]]; then
  step gpu-tests 150 "$JAVA" "${JOPTS[@]}" dev.finetune.peft.gpu.GpuTestMain > "$OUT/gpu-tests.txt" 2>&1
  grep -E '^GPUTEST|tests (successful|failed|skipped)' "$OUT/gpu-tests.txt" | tee -a "$SUMMARY"
  step java-bench 150 "$JAVA" "${JOPTS[@]}" dev.finetune.bench.GpuBenchmark --device $DEV \
    $SHAPES_SHORT --methods full,lora --precisions $PRECISIONS $STEPS --out /tmp/java-short.csv
  step java-bench-512 120 "$JAVA" "${JOPTS[@]}" dev.finetune.bench.GpuBenchmark --device $DEV \
    $SHAPES_LONG --methods full,lora --precisions $PRECISIONS $STEPS --out /tmp/java-long.csv
  step java-bench-checkpointing 60 "$JAVA" "${JOPTS[@]}" dev.finetune.bench.GpuBenchmark --device $DEV \
    $SHAPES_LONG --methods full --precisions fp32 --gradient-checkpointing true $STEPS --out /tmp/java-ckpt.csv
  cat /tmp/java-short.csv > "$OUT/java-bench.csv" 2>/dev/null
  for f in /tmp/java-long.csv /tmp/java-ckpt.csv; do tail -n +2 "$f" >> "$OUT/java-bench.csv" 2>/dev/null; done
else
  echo "engine probe failed: Java tests and benchmark skipped (see abi.txt and check.log)" | tee -a "$SUMMARY"
fi
IMPL=hf
"$PYTHON" -c 'import transformers, peft' 2>/dev/null || IMPL=plain
step peer-bench 150 env PYTHONUNBUFFERED=1 "$PYTHON" "$ROOT/benchmarks/peer/gpu_peer.py" --impl $IMPL --device $DEV \
  $SHAPES_SHORT --methods full,lora --precisions $PEER_PRECISIONS $STEPS --out /tmp/peer-short.csv
step peer-bench-512 90 env PYTHONUNBUFFERED=1 "$PYTHON" "$ROOT/benchmarks/peer/gpu_peer.py" --impl $IMPL --device $DEV \
  $SHAPES_LONG --methods full,lora --precisions $PEER_PRECISIONS $STEPS --out /tmp/peer-long.csv
cat /tmp/peer-short.csv > "$OUT/peer-bench.csv" 2>/dev/null
tail -n +2 /tmp/peer-long.csv >> "$OUT/peer-bench.csv" 2>/dev/null
echo "total seconds=$(( $(date +%s) - START ))" | tee -a "$SUMMARY"
cat "$SUMMARY"
sleep 1 # let tee flush check.log before the caller collects $OUT
