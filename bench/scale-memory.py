#!/usr/bin/env python3
"""Memory of each executor over a scale-check run (bench/scale-check.sh), split into its parts.

    bench/scale-memory.py [target/scale-check]

From the executors' own logs and the samples the script took:
- the native trim's log (-Xlog:trimnative, every 10 s, in each executor's stdout): resident memory
  just before and just after each malloc_trim. After the trim is the live floor (what the process
  really holds); before it, the floor plus what the batches of the last 10 s left in glibc's free
  lists.
- with NMT=1, jcmd VM.native_memory every 60 s (nmt.samples): what the JVM itself holds, per
  category; "JVM non-heap" = all categories but the Java heap. RSS - NMT total is the memory the JVM
  does not track: libtorch, the tokenizer, glibc's free lists.
Each series is shown as medians over the four quarters of the encoding stage (after the first 90 s,
the input stage), so that growth with rows shows as a trend from quarter to quarter.
"""
import collections
import glob
import re
import statistics
import sys

TRIM = re.compile(r"\[([\d.]+)s\]\[info\]\[trimnative\] Periodic Trim \(\d+\): (\d+)([KMG])->(\d+)([KMG])")
PID = re.compile(r"Started daemon with process name: (\d+)@")
UNIT = {"K": 1 / 1024, "M": 1, "G": 1024}
INPUT_STAGE_S = 90  # samples before this are the input stage, left out


def quarters(values):
    n = len(values)
    if n < 4:
        return "-"
    return ", ".join(str(round(statistics.median(values[i * n // 4:(i + 1) * n // 4]))) for i in range(4))


def main(out):
    nmt = collections.defaultdict(lambda: collections.defaultdict(dict))  # pid -> t -> category -> MiB
    try:
        with open(f"{out}/nmt.samples") as f:
            for line in f:
                t, pid, category, kib = line.split()
                nmt[pid][int(t)][category] = int(kib) / 1024
    except FileNotFoundError:
        pass
    for stdout in sorted(glob.glob(f"{out}/worker-*/app-*/*/stdout")):
        pid = None
        with open(stdout.rsplit("/", 1)[0] + "/stderr") as f:
            for line in f:
                m = PID.search(line)
                if m:
                    pid = m.group(1)
                    break
        trims = []
        with open(stdout) as f:
            for line in f:
                m = TRIM.search(line)
                if m:
                    trims.append((float(m.group(1)), int(m.group(2)) * UNIT[m.group(3)], int(m.group(4)) * UNIT[m.group(5)]))
        encoding = [t for t in trims if t[0] > INPUT_STAGE_S]
        print(f"executor {pid} ({stdout.split('/')[-4]}), MiB, medians per quarter of the encoding stage:")
        if encoding:
            print(f"  RSS after each trim (live floor):  {quarters([t[2] for t in encoding])}; max {max(t[2] for t in encoding):.0f}")
            print(f"  RSS before each trim:              {quarters([t[1] for t in encoding])}; max {max(t[1] for t in encoding):.0f}")
        samples = [s for t, s in sorted(nmt.get(pid, {}).items()) if t > INPUT_STAGE_S and "Total" in s]
        if not encoding and not samples:
            print(f"  no samples after the first {INPUT_STAGE_S} s (a short run, or one without NMT=1 and without the trim)")
        if samples:
            heap = [s.get("Java_Heap", 0) for s in samples]
            print(f"  Java heap committed (NMT):         {quarters(heap)}")
            print(f"  JVM non-heap (NMT total - heap):   {quarters([s['Total'] - s.get('Java_Heap', 0) for s in samples])}")
            rss = [s["RSS"] - s["Total"] for s in samples if "RSS" in s]
            if rss:
                print(f"  not tracked by the JVM (RSS - NMT): {quarters(rss)}")
            last = samples[-1]
            parts = sorted(((v, k) for k, v in last.items() if k not in ("Total", "Java_Heap", "RSS")), reverse=True)
            print("  JVM non-heap at the end: " + ", ".join(f"{k} {v:.0f}" for v, k in parts if v >= 1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/scale-check")
