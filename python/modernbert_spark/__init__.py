"""modernbert-spark from Python: ModernBERT Spark ML stages and SQL functions running in the JVM,
with the project's shaded jar inside this package (see python/README.md and docs/python.md).

    import modernbert_spark as mb
    spark = mb.session(app_name="demo", master="local[2]")
    embedder = mb.ModernBertEmbedder(modelPath="demo", inputCol="text")
    embedder.transform(df)
"""

from modernbert_spark._errors import ModernBertSparkError
from modernbert_spark._jar import jar_path, session

try:
    from modernbert_spark._stages import (
        ModernBertClassifier,
        ModernBertColBERT,
        ModernBertEmbedder,
        ModernBertFillMask,
        ModernBertTokenClassifier,
    )
except ModuleNotFoundError as e:  # a source checkout that was not built
    if e.name != "modernbert_spark._stages":
        raise
    raise ImportError(
        "modernbert_spark/_stages.py is generated when the package is built: from the repository "
        "root, mvn -B -DskipTests package && pip install ./python (or python python/build_tools/prepare.py)"
    ) from None
from modernbert_spark.sql import register, register_classifier, register_maxsim, register_output
from modernbert_spark.vectors import decode_vector, to_numpy

__all__ = [
    "ModernBertClassifier",
    "ModernBertColBERT",
    "ModernBertEmbedder",
    "ModernBertFillMask",
    "ModernBertSparkError",
    "ModernBertTokenClassifier",
    "decode_vector",
    "jar_path",
    "register",
    "register_classifier",
    "register_maxsim",
    "register_output",
    "session",
    "to_numpy",
]
