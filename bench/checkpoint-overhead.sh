#!/usr/bin/env bash
# bench/checkpoint-overhead.sh [REPS] [FILES_PER_TRIGGER]
# The batch job against --checkpoint on the same input (16 JSON Lines files of 500 rows, 20-200
# words each, demo model, local[2]), alternating runs with the same options; prints each run's
# rows_per_s from _SUMMARY.json. Needs the jars: mvn -B -DskipTests package.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
reps="${1:-2}"
per_trigger="${2:-4}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$work/in" <<'PY'
import json, os, random, sys
random.seed(7)
words = ("the of and to in is was for on that with as by at from it an be this are or which "
         "spark model text token search query document language").split()
os.makedirs(sys.argv[1])
rid = 0
for f in range(16):
    with open(f"{sys.argv[1]}/part-{f:02d}.jsonl", "w") as out:
        for _ in range(500):
            n = random.randint(20, 200)
            out.write(json.dumps({"id": rid, "text": " ".join(random.choice(words) for _ in range(n))}) + "\n")
            rid += 1
PY
for rep in $(seq 1 "$reps"); do
  for mode in batch checkpoint; do
    out="$work/out-$mode-$rep"
    extra=()
    [ "$mode" = checkpoint ] && extra=(--checkpoint "$work/ck-$rep" --max-files-per-trigger "$per_trigger")
    "$root/bin/modernbert-spark" embed --master 'local[2]' --input "$work/in" --output "$out" \
      --model demo --output-format json --pooling mean --normalize --progress-interval 0 \
      "${extra[@]}" > "$work/log-$mode-$rep" 2>&1
    python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(sys.argv[2], sys.argv[3], 'rows', s['rows_out'], 'wall_s', s['wall_s'], 'rows_per_s', s['rows_per_s'], 'micro_batches', s.get('micro_batches'))" \
      "$out/_SUMMARY.json" "$mode" "$rep"
  done
done
