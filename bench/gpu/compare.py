#!/usr/bin/env python3
"""Golden parity of a gpu-check run: compare.py OUT_DIR [REPO_ROOT].

Reads OUT_DIR/tiny-{float32,float16}.jsonl (encode --pooling none on .gpu/tiny.jsonl, ids seq0..5)
against golden/tiny-modernbert/golden.safetensors (HF's batched.seqI.last_hidden_state), and
OUT_DIR/st-{float32,float16}.jsonl (encode on golden/st-mean-normalize) against its expected.jsonl
(case "default"). Tolerances: max |diff| <= 1e-4 in float32 (GoldenParityTest's HIDDEN_ATOL),
<= 0.05 in float16 (GoldenParityTest.float16ComputeStaysCloseToHf). Pure Python (no numpy), so
it runs anywhere. Prints one line per file and writes OUT_DIR/compare.txt; exit 1 on any failure
or missing file.
"""
import json
import os
import struct
import sys

ATOL = {"float32": 1e-4, "float16": 0.05}


def safetensors_floats(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        out = {}
        for name, t in header.items():
            if name == "__metadata__" or t["dtype"] != "F32":
                continue
            start, end = t["data_offsets"]
            f.seek(base + start)
            raw = f.read(end - start)
            out[name] = list(struct.unpack("<%df" % ((end - start) // 4), raw))
        return out


def flat(rows):
    out = []
    for r in rows:
        if isinstance(r, list):
            out.extend(flat(r))
        else:
            out.append(float(r))
    return out


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def max_diff(expected, actual):
    if len(expected) != len(actual):
        return float("inf")
    worst = 0.0
    for e, a in zip(expected, actual):
        d = abs(e - a)
        if d != d:  # NaN
            return float("nan")
        worst = max(worst, d)
    return worst


def check_tiny(out_dir, golden, dtype):
    path = os.path.join(out_dir, "tiny-%s.jsonl" % dtype)
    rows = {r["id"]: r for r in read_jsonl(path)}
    worst = 0.0
    for i in range(6):
        exp = golden["batched.seq%d.last_hidden_state" % i]
        act = flat(rows["seq%d" % i]["last_hidden_state"])
        d = max_diff(exp, act)
        worst = d if d != d else max(worst, d)
    return worst, len(rows)


def check_st(out_dir, root, dtype):
    path = os.path.join(out_dir, "st-%s.jsonl" % dtype)
    fixture = os.path.join(root, "encoder/src/test/resources/golden/st-mean-normalize")
    expected = {
        r["id"]: r["embedding"]
        for r in read_jsonl(os.path.join(fixture, "expected.jsonl"))
        if r["case"] == "default"
    }
    rows = read_jsonl(path)
    worst = 0.0
    for r in rows:
        d = max_diff(expected[r["id"]], flat(r["embedding"]))
        worst = d if d != d else max(worst, d)
    if len(rows) != len(expected):
        worst = float("inf")
    return worst, len(rows)


def main():
    out_dir = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../..")
    golden = safetensors_floats(
        os.path.join(root, "encoder/src/test/resources/golden/tiny-modernbert/golden.safetensors")
    )
    lines, ok = [], True
    for dtype in ("float32", "float16"):
        for name, check in (("tiny", lambda: check_tiny(out_dir, golden, dtype)),
                            ("st", lambda: check_st(out_dir, root, dtype))):
            try:
                worst, n = check()
                good = worst <= ATOL[dtype]
                lines.append("%s %s-%s rows=%d max_abs=%.3g atol=%g" %
                             ("PASS" if good else "FAIL", name, dtype, n, worst, ATOL[dtype]))
            except (OSError, KeyError, ValueError) as e:
                good = False
                lines.append("FAIL %s-%s: %s: %s" % (name, dtype, type(e).__name__, e))
            ok = ok and good
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(out_dir, "compare.txt"), "w") as f:
        f.write(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
