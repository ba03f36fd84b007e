#!/usr/bin/env bash
# bench/ort/compare.sh VENV [PAIRS] [REPS] [WORKLOADS]
# Issue 25's ONNX Runtime lead, on this machine: P alternated pairs of ours
# (bin/modernbert bench --impl ours --workload WORKLOADS --reps REPS --warmup 1 --threads 2) and ONNX
# Runtime (ort_bench.py --workload WORKLOADS --reps REPS --warmup 1 --threads 2), one process each,
# the order flipped every pair (ours first in odd pairs) so that drift in the machine's load falls
# on both; then per workload the ratio ours / ORT of real_tok_s in each pair and their median.
# Targets (issue 25): W1 >= 1.5x, W2b[:128] >= 2x.
#   VENV       the venv of bench/ort/README.md (torch, transformers, onnx, onnxruntime)
#   PAIRS      alternated pairs (default 3); REPS: repetitions per process (default 3)
#   WORKLOADS  default W1,W2b:128; a small one (e.g. W2b:8) to smoke-test the script
# ORT_MODEL (default /tmp/modernbert-ort/modernbert-base-random.onnx) is exported first when
# missing (export_onnx.py; ORT_ATTN picks its attention, default eager,sdpa: the first that passes).
# MODERNBERT (default this checkout's bin/modernbert) runs ours; it needs the jars
# (mvn -B -DskipTests package). Outside the build; run it on a quiet machine.
set -euo pipefail
venv="${1:?usage: bench/ort/compare.sh VENV [PAIRS] [REPS] [WORKLOADS]}"
pairs="${2:-3}" reps="${3:-3}" workloads="${4:-W1,W2b:128}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py="$venv/bin/python"
modernbert="${MODERNBERT:-$root/bin/modernbert}"
model="${ORT_MODEL:-/tmp/modernbert-ort/modernbert-base-random.onnx}"
[[ -x "$py" ]] || { echo "no python at $py: make the venv first (bench/ort/README.md)" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if [[ ! -f "$model" ]]; then
  echo "== exporting $model"
  "$py" "$here/export_onnx.py" --out "$model" --attn "${ORT_ATTN:-eager,sdpa}" 2>&1 \
    | grep -E '^(torch|check|EXPORTED|attn=)' || true
  [[ -f "$model" ]] || { echo "export failed" >&2; exit 1; }
fi

ours() {
  "$modernbert" bench --impl ours --workload "$workloads" --reps "$reps" --warmup 1 --threads 2
}
ort() {
  "$py" "$here/ort_bench.py" --model "$model" --workload "$workloads" --reps "$reps" --warmup 1 --threads 2
}
echo "== $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null || echo 'model name: unknown'), $(nproc) CPUs," \
  "$pairs pairs x $reps reps, workloads $workloads, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((p = 1; p <= pairs; p++)); do
  if ((p % 2)); then order="ours ort"; else order="ort ours"; fi
  for impl in $order; do
    echo "-- pair $p: $impl"
    "$impl" 2>"$out/$impl.$p.err" | tee "$out/$impl.$p" || {
      echo "$impl failed in pair $p:" >&2
      tail -20 "$out/$impl.$p.err" >&2
      exit 1
    }
  done
done

python3 - "$out" "$pairs" <<'PY'
import re, statistics, sys
d, pairs = sys.argv[1], int(sys.argv[2])
def tok_s(path):
    out = {}
    for line in open(path):
        if line.startswith("RESULT"):
            f = dict(re.findall(r"(\w+)=(\S+)", line))
            out[f["workload"]] = float(f["real_tok_s"])
    return out
print("\n=== ours / ORT, real tok/s (issue 25: W1 >= 1.5x, W2b[:128] >= 2x) ===")
runs = [(tok_s(f"{d}/ours.{p}"), tok_s(f"{d}/ort.{p}")) for p in range(1, pairs + 1)]
for w in runs[0][0]:
    ratios = [o[w] / r[w] for o, r in runs if w in o and w in r]
    if not ratios:
        print(f"{w}: no ORT result")
        continue
    each = ", ".join(f"{o[w]:.1f}/{r[w]:.1f}={o[w] / r[w]:.2f}" for o, r in runs)
    print(f"{w}: median {statistics.median(ratios):.2f}x  pairs [{each}]")
PY
