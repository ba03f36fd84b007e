"""The Python classes under the Java stages' package name, so that pyspark finds them when it
loads a pipeline saved from Java or Scala: pyspark's JavaParams._from_java imports a stage's Python
class by the Java class name (dev.modernbert.spark.ml.ModernBertEmbedder). Use modernbert_spark."""

from modernbert_spark import (  # noqa: F401
    ModernBertClassifier,
    ModernBertColBERT,
    ModernBertEmbedder,
    ModernBertFillMask,
    ModernBertTokenClassifier,
)
