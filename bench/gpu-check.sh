#!/usr/bin/env bash
# bench/gpu-check.sh: the prepared first run on a GPU machine (docs/gpu.md, "A first run on a GPU
# machine"). Needs .gpu/ from bench/gpu-prepare.sh next to the git tree, and on the GPU machine a
# Python torch with CUDA (transformers for the HF baseline), a C++ compiler, and no JDK or internet.
#
#   bash bench/gpu-check.sh                 # on the GPU machine, results under $OUT (default gpu-out/)
#   bash bench/gpu-check.sh --cpu-dry-run   # here: the same JRE, jars and commands with --device cpu
#                                           # and the CPU libtorch (steps A and B only checked)
# Steps (each line "STEP name rc=N seconds=S" in $OUT/steps.txt; a failed step does not stop the
# others unless they need it):
#   A probe.py: attention kernels, varlen flash vs the banded scheme, HF ModernBERT fp16/sdpa
#   B DJL's JNI built against this torch (bench/gpu/build-jni.sh), put where DJL looks for it
#   C the GPU count and CUDA version as DJL sees them (CudaUtils), libtorch's start and one op on
#     the device (EngineCheck, with every cause on a failure), and `modernbert doctor` if built
#   D golden parity: encode on the goldens in float32 and float16, compare.py (1e-4 / 0.05)
#   E bench W1/W2b and W3 at two token budgets in float16 (+ the GEMM rate), nvidia-smi dmon alongside
# The whole run stops itself before BUDGET_S seconds (default 520).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
DRY=0
[ "${1:-}" = --cpu-dry-run ] && DRY=1
OUT="${OUT:-$root/gpu-out}"
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
exec 3>&1 # the log, for STEP lines of steps whose output goes to their own file
GPU="$root/.gpu"
T0=$(date +%s)
[ $DRY = 1 ] && BUDGET_S="${BUDGET_S:-1500}" # the CPU is slow at float16
DEADLINE=$((T0 + ${BUDGET_S:-520}))
: > "$OUT/steps.txt"

if [ ! -d "$GPU/lib" ] || [ ! -f "$GPU/jre.tar.xz" ]; then
  echo "gpu-check: no .gpu/ (lib/, jre.tar.xz): run bench/gpu-prepare.sh on the development machine"
  echo "and carry .gpu/ along with the git tree"
  exit 2
fi

# seconds for a step: its own limit, or what is left before the deadline
limit() {
  local left=$((DEADLINE - $(date +%s)))
  [ "$left" -lt "$1" ] && set -- "$left"
  [ "$1" -lt 5 ] && set -- 5
  echo "$1"
}
step() {
  local name="$1" s rc
  shift
  s=$(date +%s)
  echo "=== step $name: $* ===" >&3
  "$@"
  rc=$?
  echo "STEP $name rc=$rc seconds=$(($(date +%s) - s))" | tee -a "$OUT/steps.txt" >&3
  return $rc
}

echo "gpu-check: $(date -u +%FT%TZ) commit $(git rev-parse --short HEAD 2>/dev/null || echo '?') dry_run=$DRY"
echo "gpu-check: carried .gpu/ $(du -sh "$GPU" | cut -f1), djl $(cat "$GPU/djl/VERSION" 2>/dev/null)"
if [ $DRY = 0 ]; then
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$OUT/nvidia-smi.txt"
fi

# The carried JRE, always (the same one the dry run checked)
JRE=/tmp/modernbert-jre
rm -rf "$JRE" && mkdir -p "$JRE" && tar -xJf "$GPU/jre.tar.xz" -C "$JRE" --strip-components=1
JAVA="$JRE/bin/java"
"$JAVA" -version 2>&1 | head -1
export DJL_CACHE_DIR=/tmp/modernbert-djl-cache ENGINE_CACHE_DIR=/tmp/modernbert-djl-cache
mkdir -p "$DJL_CACHE_DIR"
CP="$GPU/lib/*"
# DJL's PyTorch engine at info: which libtorch, flavor and JNI it loaded, in every process's log
JOPTS=(-Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.ai.djl.pytorch=info)

if [ $DRY = 1 ]; then
  DEV=cpu
  # the CPU libtorch and its JNI, which .gpu/lib leaves out, from the build
  for j in encoder/target/lib/pytorch-native-cpu-*.jar encoder/target/lib/pytorch-jni-*.jar; do
    CP="$CP:$root/$j"
  done
  JOPTS+=(-Xmx3g)
  step A-syntax python3 -c 'import ast, sys; [ast.parse(open(f).read(), f) for f in sys.argv[1:]]' \
    bench/gpu/probe.py bench/gpu/compare.py
  step B-syntax bash -n bench/gpu/build-jni.sh
else
  DEV=cuda
  JOPTS+=(-Xmx16g)
  step A timeout "$(limit 120)" python3 bench/gpu/probe.py > "$OUT/probe.txt" 2>&1
  grep '^PROBE' "$OUT/probe.txt"

  # B: the JNI for this torch, where DJL's LibUtils.findJniLibrary looks:
  #    $ENGINE_CACHE_DIR/pytorch/<version>-<flavor>-linux-x86_64/0.35.1-libdjl_torch.so
  eval "$(python3 - <<'PY'
import os, torch
print("TD=%s" % os.path.dirname(torch.__file__))
print("V=%s" % torch.__version__.split("+")[0])
print("FLAVOR=cu%s" % (torch.version.cuda or "").replace(".", ""))
print("ABI=%d" % int(torch.compiled_with_cxx11_abi()))
PY
)"
  if [ -z "${TD:-}" ] || [ "$FLAVOR" = cu ]; then
    echo "gpu-check: python3 has no CUDA torch (import torch failed or torch.version.cuda is None)"
    exit 4
  fi
  echo "gpu-check: torch $V at $TD, flavor $FLAVOR, cxx11 abi $ABI"
  JNI_SO="$ENGINE_CACHE_DIR/pytorch/$V-$FLAVOR-linux-x86_64/0.35.1-libdjl_torch.so"
  export CXX11_ABI=$ABI
  if ! step B timeout "$(limit 240)" bash bench/gpu/build-jni.sh "$TD" "$GPU/djl" \
    "$GPU/jni" "$JNI_SO" > "$OUT/build-jni.txt" 2>&1; then
    tail -40 "$OUT/build-jni.txt"
    pre="$GPU/jni-prebuilt/$V-$FLAVOR/libdjl_torch.so"
    if [ -f "$pre" ]; then
      # e.g. no C++ compiler on this machine: the JNI gpu-prepare.sh built for this torch
      echo "gpu-check: B failed; using the JNI prebuilt for torch $V-$FLAVOR ($pre)"
      mkdir -p "$(dirname "$JNI_SO")" && cp "$pre" "$JNI_SO"
    else
      echo "gpu-check: B failed: DJL 0.35.1's JNI does not build against torch $V (see build-jni.txt)"
      echo "and .gpu/jni-prebuilt/ has none for $V-$FLAVOR"
      exit 3
    fi
  fi
  tail -3 "$OUT/build-jni.txt"
  # libtorch from the Python torch; a libcudart.so that JNA's Native.load("cudart") finds
  CUDART=/tmp/modernbert-cudart
  mkdir -p "$CUDART"
  # torch's own runtime first (the version libtorch_cuda was built with), else the system's
  rt="$(find "$TD/.." -maxdepth 5 -path '*nvidia*' -name 'libcudart.so*' 2>/dev/null | sort | tail -1)"
  [ -n "$rt" ] || rt="$(ls /usr/local/cuda/lib64/libcudart.so* 2>/dev/null | head -1)"
  if [ -n "$rt" ]; then ln -sf "$rt" "$CUDART/libcudart.so"; fi
  echo "gpu-check: cudart ${rt:-NOT FOUND}"
  export PYTORCH_LIBRARY_PATH="$TD/lib" PYTORCH_VERSION="$V" PYTORCH_FLAVOR="$FLAVOR"
  # DJL loads every library in that folder; libshm.so (Python's shared-memory tensors) is not
  # needed and pulls in libcupti: leave it out
  export PYTORCH_LIBRARY_EXCLUSION="${PYTORCH_LIBRARY_EXCLUSION:-libshm.so}"
  export LD_LIBRARY_PATH="$CUDART:$TD/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
  JOPTS+=(-Djna.library.path="$CUDART")
fi

J=("$JAVA" "${JOPTS[@]}" -cp "$CP")
M=("${J[@]}" dev.modernbert.encoder.cli.Main)
G=encoder/src/test/resources/golden

# C: GPUs as DJL sees them ("count,cuda version,compute capability"; the dry run prints 0,-1)
step C timeout "$(limit 60)" "${J[@]}" ai.djl.util.cuda.CudaUtils | tee "$OUT/cudautils.txt"
# libtorch started as the encoder starts it, one op on the device read back; on a failure the
# whole chain of causes (the library dlopen missed, a JNI/libtorch mismatch, ...)
step C-engine timeout "$(limit 60)" "${J[@]}" dev.modernbert.encoder.bench.EngineCheck "$DEV" \
  > "$OUT/engine.txt" 2>&1
grep -v '^\s*at ' "$OUT/engine.txt" | head -30
if "${M[@]}" help 2>/dev/null | grep -q doctor; then
  step C-doctor timeout "$(limit 60)" "${M[@]}" doctor > "$OUT/doctor.txt" 2>&1
  cat "$OUT/doctor.txt"
fi

# D: golden parity in float32 and float16
for dt in float32 float16; do
  step "D-tiny-$dt" timeout "$(limit 60)" "${M[@]}" encode --model "$G/tiny-modernbert" \
    --input "$GPU/tiny.jsonl" --pooling none --device "$DEV" --dtype "$dt" \
    --output "$OUT/tiny-$dt.jsonl"
  step "D-st-$dt" timeout "$(limit 60)" "${M[@]}" encode --model "$G/st-mean-normalize" \
    --input "$G/st-mean-normalize/inputs.jsonl" --device "$DEV" --dtype "$dt" \
    --output "$OUT/st-$dt.jsonl"
done
step D-compare python3 bench/gpu/compare.py "$OUT" "$root"

# E: throughput; on the CPU only the command lines are exercised, on small workloads
if [ $DRY = 1 ]; then
  WL1=W2b:8 WL3=W2b:4 REPS=1
else
  WL1=W1,W2b WL3=W3 REPS=3
  nvidia-smi dmon -s um -d 1 > "$OUT/dmon.txt" 2>&1 &
  DMON=$!
fi
step E-gemm timeout "$(limit 60)" "${M[@]}" bench --impl gemm --device "$DEV" --dtype float16 \
  --reps "$REPS" > "$OUT/bench-gemm.txt" 2>&1
for bt in 4096 32768; do
  step "E-$WL1-$bt" timeout "$(limit 120)" "${M[@]}" bench --impl ours --workload "$WL1" \
    --device "$DEV" --dtype float16 --batch-tokens "$bt" --reps "$REPS" > "$OUT/bench-w1-$bt.txt" 2>&1
done
for bt in 32768 131072; do
  step "E-$WL3-$bt" timeout "$(limit 120)" "${M[@]}" bench --impl ours --workload "$WL3" \
    --device "$DEV" --dtype float16 --batch-tokens "$bt" --reps "$REPS" > "$OUT/bench-w3-$bt.txt" 2>&1
done
if [ -n "${DMON:-}" ]; then kill "$DMON"; fi

grep -h '^DEVICE\|^RESULT\|^PAIR' "$OUT"/bench-*.txt | tee "$OUT/bench.txt"
{
  cat "$OUT/steps.txt"
  grep -h '^PROBE' "$OUT/probe.txt" 2>/dev/null
  cat "$OUT/cudautils.txt" 2>/dev/null
  grep -h '^ENGINE' "$OUT/engine.txt" 2>/dev/null
  cat "$OUT/compare.txt" "$OUT/bench.txt" 2>/dev/null
} > "$OUT/summary.txt"
echo "gpu-check: done in $(($(date +%s) - T0)) s; results in $OUT (summary.txt first)"
# exit 0 only when every step passed
! grep -qv ' rc=0 ' "$OUT/steps.txt"
