"""The SQL functions of dev.modernbert.spark.udf.ModernBertUdfs, registered from Python."""

from __future__ import annotations

from typing import Any, Dict

from pyspark.sql import SparkSession

from modernbert_spark._errors import java_errors
from modernbert_spark._jar import active_context

_UDFS = "dev.modernbert.spark.udf.ModernBertUdfs"


def register(spark: SparkSession, name: str, model_path: str, **options: Any) -> None:
    """Registers the SQL functions ``name(text) -> array<float>`` and ``name_batch(texts)``.

    ``options`` are ModernBertEmbedder Params by name (pooling="mean", normalize=True,
    truncateDim=256, longText="chunk", ...), as for ModernBertUdfs.register.
    """
    with java_errors():
        _udfs().register(spark._jsparkSession, name, _java_options(model_path, options))


def register_output(spark: SparkSession, output: str, name: str, model_path: str, **options: Any) -> None:
    """Registers ``name(text)`` and ``name_batch(texts)`` computing ``output``: embed, classify,
    token-classify, fill-mask or colbert (the registry's ids), as its stage computes it.

    A text's value is the stage's output columns: the column itself when the stage adds one (e.g.
    fill-mask's ``array<struct<position, token_id, token, score>>``), a struct of them when it adds
    several. ``options`` are that stage's Params by name (topK=3, role="query", ...), as for
    ModernBertUdfs.register(spark, output, name, options).
    """
    with java_errors():
        _udfs().register(spark._jsparkSession, output, name, _java_options(model_path, options))


def register_classifier(spark: SparkSession, name: str, model_path: str, **options: Any) -> None:
    """Registers ``name(text) -> struct<label: string, score: float>`` (sequence classification);
    ``options`` are ModernBertClassifier Params by name."""
    with java_errors():
        _udfs().registerClassifier(spark._jsparkSession, name, _java_options(model_path, options))


def register_maxsim(spark: SparkSession, name: str = "maxsim") -> None:
    """Registers ``name(q array<array<float>>, d array<array<float>>) -> float``: ColBERT MaxSim."""
    with java_errors():
        _udfs().registerMaxSim(spark._jsparkSession, name)


def _udfs() -> Any:
    jvm: Any = active_context()._jvm
    for part in _UDFS.split("."):
        jvm = getattr(jvm, part)
    return jvm


def _java_options(model_path: str, options: Dict[str, Any]) -> Any:
    """A java.util.Map of Param name to value as a string (booleans as true/false, as Spark writes)."""
    jvm: Any = active_context()._jvm
    java_map = jvm.java.util.LinkedHashMap()
    java_map.put("modelPath", model_path)
    for key, value in options.items():
        java_map.put(key, str(value).lower() if isinstance(value, bool) else str(value))
    return java_map
