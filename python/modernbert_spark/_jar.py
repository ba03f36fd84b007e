"""The shaded jar inside the package, and a SparkSession that has it on its class path."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from pyspark import SparkContext
from pyspark.sql import SparkSession

from modernbert_spark._errors import ModernBertSparkError, install_error_hook

_PACKAGED_JAR = Path(__file__).resolve().parent / "jars" / "modernbert-spark-jobs.jar"

NOT_ON_CLASS_PATH = (
    "the modernbert-spark jar is not on this Spark session's class path. Create the session with "
    "modernbert_spark.session(app_name=..., master=...), or start Spark with "
    '--jars "$(python -m modernbert_spark jar)" (spark.jars=modernbert_spark.jar_path()); '
    "a session that is already running has to be stopped first (spark.stop())"
)


def jar_path() -> str:
    """The modernbert-spark jar (every stage and SQL function, libtorch included) in this package."""
    if not _PACKAGED_JAR.is_file():
        raise ModernBertSparkError(
            f"modernbert_spark has no jar at {_PACKAGED_JAR}: this package was not built with it. "
            "From the repository root: mvn -B -DskipTests package && pip install ./python"
        )
    return str(_PACKAGED_JAR)


def session(app_name: str = "modernbert-spark", master: Optional[str] = None, **conf: Any) -> SparkSession:
    """A SparkSession (getOrCreate) with this package's jar in spark.jars.

    ``conf`` are Spark settings by their full key, e.g. ``session(master="local[2]",
    **{"spark.driver.memory": "4g"})``; a ``spark.jars`` given there is kept, with the jar added.
    """
    jars = [j for j in str(conf.pop("spark.jars", "")).split(",") if j] + [jar_path()]
    builder = SparkSession.builder.appName(app_name).config("spark.jars", ",".join(jars))
    if master is not None:
        builder = builder.master(master)
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    install_error_hook()
    return spark


def active_context() -> SparkContext:
    """The running SparkContext that has the jar, else a ModernBertSparkError naming the fix."""
    sc = SparkContext._active_spark_context
    if sc is None or sc._jvm is None:
        raise ModernBertSparkError(
            "no Spark session is running: create one with modernbert_spark.session(app_name=..., master=...)"
        )
    if not has_class(sc, "dev.modernbert.spark.ml.ModernBertStage"):
        raise ModernBertSparkError(NOT_ON_CLASS_PATH)
    install_error_hook()
    return sc


def has_class(sc: SparkContext, name: str) -> bool:
    """Whether the driver JVM can load ``name`` (Py4J answers a JavaPackage for a missing class)."""
    from py4j.java_gateway import JavaClass  # type: ignore[import-untyped]

    node: Any = sc._jvm
    for part in name.split("."):
        node = getattr(node, part)
    return isinstance(node, JavaClass)
