"""Python wrapper overhead: rows/s of the same ModernBertEmbedder transform from Python and from Java.

Both sides run in one JVM, on one cached DataFrame, with the same Params and the same (warm)
executor model: the Python side through ``modernbert_spark.ModernBertEmbedder``, the Java side
through the Java stage itself (``dev.modernbert.spark.ml.ModernBertEmbedder`` set up with its
Java setters, ``transform`` on the JVM Dataset). Each pass writes every row to Spark's ``noop``
sink, so the whole transform runs and nothing is collected. After one warm-up pass of each, the
sides alternate ``--repeats`` times; each repetition gives one paired ratio (Python's rows/s over
Java's), and the figure is the median ratio with the spread over pairs. On a loaded machine that
ratio is mostly noise, so two figures that load does not move come with it: the CPU time of this
Python process per pass (a few milliseconds, whatever the rows, when no row passes through
Python) and the stage set-up time per pass; and the Python side's physical plan is checked to hold
no Python evaluation node (the rows never reach a Python worker).

    python python/bench/wrapper_overhead.py [--rows 3000] [--repeats 5] [--partitions 2]

Needs pyspark and modernbert_spark (pip install ./python, or bin/test's target/python-venv).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

from pyspark.sql import DataFrame, SparkSession

import modernbert_spark as mb

REPO = Path(__file__).resolve().parents[2]
PARAMS: Dict[str, Any] = {
    "modelPath": "demo",
    "inputCol": "text",
    "outputCol": "embedding",
    "pooling": "mean",
    "normalize": True,
}
# Physical operators that would mean rows go through a Python worker.
PYTHON_NODES = ("BatchEvalPython", "ArrowEvalPython", "PythonUDF", "MapInPandas", "FlatMapGroupsInPandas")


def sample_rows(spark: SparkSession, rows: int, partitions: int) -> DataFrame:
    """``rows`` texts from samples/docs (repeated as needed), cached, in ``partitions`` partitions."""
    texts = [json.loads(line)["text"]
             for part in sorted((REPO / "samples" / "docs").glob("*.jsonl"))
             for line in part.read_text(encoding="utf-8").splitlines() if line.strip()]
    data = [(i, texts[i % len(texts)]) for i in range(rows)]
    df = spark.createDataFrame(data, "id INT, text STRING").repartition(partitions).cache()
    df.count()
    return df


def python_pass(spark: SparkSession, df: DataFrame) -> DataFrame:
    return mb.ModernBertEmbedder(**PARAMS).transform(df)


def java_pass(spark: SparkSession, df: DataFrame) -> DataFrame:
    stage = spark.sparkContext._jvm.dev.modernbert.spark.ml.ModernBertEmbedder()
    for name, value in PARAMS.items():
        getattr(stage, "set" + name[0].upper() + name[1:])(value)
    return DataFrame(stage.transform(df._jdf), spark)


def timed(spark: SparkSession, df: DataFrame, side: Callable[[SparkSession, DataFrame], DataFrame]) -> Tuple[float, float, float]:
    """Seconds to set up the stage and its transform on this side (a fixed cost per pass: Params
    through Py4J), seconds to write every row to the noop sink, and the CPU seconds this Python
    process spent on the whole pass (what per-row Python work would make grow with the rows)."""
    c0, t0 = time.process_time(), time.perf_counter()
    out = side(spark, df)
    t1 = time.perf_counter()
    out.write.format("noop").mode("overwrite").save()
    return t1 - t0, time.perf_counter() - t1, time.process_time() - c0


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=3000, help="rows per pass (samples/docs, repeated)")
    p.add_argument("--repeats", type=int, default=5, help="timed passes of each side, alternated")
    p.add_argument("--partitions", type=int, default=2, help="partitions of the input (local[2])")
    args = p.parse_args()
    if args.rows < 1 or args.repeats < 1 or args.partitions < 1:
        p.error("--rows, --repeats and --partitions must be at least 1")

    spark = mb.session(app_name="modernbert-wrapper-overhead", master="local[2]",
                       **{"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false"})
    spark.sparkContext.setLogLevel("WARN")
    df = sample_rows(spark, args.rows, args.partitions)

    plan = python_pass(spark, df)._jdf.queryExecution().executedPlan().toString()
    found = [n for n in PYTHON_NODES if n in plan]
    if found:
        raise SystemExit(f"the Python side's plan evaluates rows in Python ({found}):\n{plan}")

    print(f"CPU: {cpu_model()}; Spark {spark.version}, local[2], {args.rows} rows of samples/docs "
          f"in {args.partitions} partitions, demo model, pooling mean, normalize")
    warm_up = [sum(timed(spark, df, side)[:2]) for side in (python_pass, java_pass)]  # model load, codegen
    print(f"warm-up: python {warm_up[0]:.1f} s, java {warm_up[1]:.1f} s", flush=True)
    seconds: Dict[str, List[float]] = {"python": [], "java": []}
    setup: Dict[str, List[float]] = {"python": [], "java": []}
    driver_cpu: Dict[str, List[float]] = {"python": [], "java": []}
    for r in range(args.repeats):
        # Alternate which side goes first, so that a drift in load favours neither.
        order = [("python", python_pass), ("java", java_pass)]
        for name, side in order if r % 2 == 0 else reversed(order):
            built, ran, cpu = timed(spark, df, side)
            setup[name].append(built)
            driver_cpu[name].append(cpu)
            seconds[name].append(built + ran)
        print(f"repetition {r + 1}: python {args.rows / seconds['python'][-1]:.1f} rows/s, "
              f"java {args.rows / seconds['java'][-1]:.1f} rows/s", flush=True)

    print(f"stage set-up per pass (in the times above), median: python "
          f"{statistics.median(setup['python']) * 1000:.0f} ms, java "
          f"{statistics.median(setup['java']) * 1000:.0f} ms")
    print(f"CPU time of this Python process per pass of {args.rows} rows, median: python "
          f"{statistics.median(driver_cpu['python']) * 1000:.0f} ms, java "
          f"{statistics.median(driver_cpu['java']) * 1000:.0f} ms")
    rate = {k: [args.rows / s for s in v] for k, v in seconds.items()}
    ratios = [py / jv for py, jv in zip(rate["python"], rate["java"])]
    print(f"median rows/s: python {statistics.median(rate['python']):.1f}, "
          f"java {statistics.median(rate['java']):.1f}")
    print(f"python/java, paired per repetition: {', '.join(f'{x:.3f}' for x in ratios)}; "
          f"median {statistics.median(ratios):.3f} (range {min(ratios):.3f}-{max(ratios):.3f})")
    print("physical plan of the Python side: no Python evaluation node")
    df.unpersist()
    spark.stop()


if __name__ == "__main__":
    main()
