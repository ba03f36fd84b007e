#!/usr/bin/env python3
"""ONNX Runtime on the CPU benchmark workloads: ort_bench.py [--workload W1,W2b:128] [--reps 3] ...

The baseline of issue 25: the random ModernBERT-base of export_onnx.py in ONNX Runtime (CPU execution
provider, GraphOptimizationLevel.ORT_ENABLE_ALL, 2 intra-op threads, 1 inter-op thread, sequential
execution), fed the workloads of docs/workloads.md token for token and batched as the project's naive
path does (fixed rows in processing order: 8 for W1, 16 for W2a/W2b; each batch right-padded to its
longest sequence, with attention_mask). The protocol of docs/workloads.md: build the session and every
batch first; --warmup untimed passes over all batches; then --reps timed repetitions, the workloads
interleaved one repetition each in turn (as `bin/modernbert bench` does with several workloads); one
RESULT line per workload in the style of `bin/modernbert bench`, with impl=ort. real_tok_s = real
(unpadded) tokens / median repetition time; peak_rss_mb is the process's (ru_maxrss, at the end),
over all its workloads; cpu_per_wall is process CPU time / wall time over the timed repetitions.

--limit-batches N times only the first N batches of each workload (a smoke test; its figures are
not the workload's). Needs only numpy and onnxruntime (no torch in the timed process). Pinned (tested)
versions: onnxruntime 1.32.0, numpy 2.4.6; see bench/ort/README.md.
"""
import argparse
import os
import resource
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402

DEFAULT_MODEL = "/tmp/modernbert-ort/modernbert-base-random.onnx"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "%.2f" % os.getloadavg()[0]


def session(path, threads):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def one_pass(sess, batches):
    """Forward passes of all batches, back to back; reads the last output's first element."""
    out = None
    for ids, mask in batches:
        out = sess.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0]
    return float(out[0, 0, 0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=DEFAULT_MODEL, help=f"ONNX file from export_onnx.py (default {DEFAULT_MODEL})")
    ap.add_argument("--workload", default="W1,W2b:128", help="comma-separated: W1, W2a[:N], W2b[:N], W3")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2, help="intra-op threads")
    ap.add_argument("--limit-batches", type=int, default=0, help="smoke test: only the first N batches of each")
    a = ap.parse_args()
    if a.reps < 1 or a.warmup < 0 or a.threads < 1 or a.limit_batches < 0:
        ap.error("--reps and --threads must be >= 1, --warmup and --limit-batches >= 0")
    if not os.path.isfile(a.model):
        ap.error(f"no model at {a.model}: run export_onnx.py --out {a.model} first")
    import onnxruntime as ort

    print(f"ORT onnxruntime={ort.__version__} numpy={np.__version__} python={sys.version.split()[0]}"
          f" model={a.model} threads={a.threads} inter_op=1 opt=ORT_ENABLE_ALL sequential")
    print(f"CPU {cpu_model()}, {os.cpu_count()} CPUs")
    runs = []
    for name in a.workload.split(","):
        label, seqs, rows = workloads.by_name(name.strip())
        bs = workloads.batches(seqs, rows)
        if a.limit_batches:
            bs = bs[: a.limit_batches]
            label += f"(first{a.limit_batches}batches)"
        runs.append((label, bs))
    sess = session(a.model, a.threads)
    for _ in range(a.warmup):
        for _, bs in runs:
            one_pass(sess, bs)
    seconds = [[] for _ in runs]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(a.reps):
        for i, (_, bs) in enumerate(runs):
            t0 = time.perf_counter()
            one_pass(sess, bs)
            seconds[i].append(time.perf_counter() - t0)
    cpu_per_wall = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    for (label, bs), secs in zip(runs, seconds):
        real = int(sum(int(m.sum()) for _, m in bs))
        slots = int(sum(m.size for _, m in bs))
        median = statistics.median(secs)
        print(f"RESULT impl=ort workload={label} dtype=float32 device=cpu batches={len(bs)}"
              f" real_tokens={real} computed_rows={slots} padded_slots={slots} median_s={median:.3f}"
              f" real_tok_s={real / median:.1f} padded_tok_s={slots / median:.1f} peak_rss_mb={peak_mb:.0f}"
              f" cpu_per_wall={cpu_per_wall:.2f} load={load_average()}"
              f" reps=[{', '.join(repr(s) for s in secs)}]", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
