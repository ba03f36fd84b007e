"""The installed package carries the jar (libtorch included) and names it for spark-submit."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from pyspark.sql import SparkSession

import modernbert_spark as mb


def test_python_m_modernbert_spark_jar_prints_the_packaged_jar() -> None:
    out = subprocess.run([sys.executable, "-m", "modernbert_spark", "jar"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == mb.jar_path()
    assert Path(mb.jar_path()).parent.parent == Path(mb.__file__).parent
    usage = subprocess.run([sys.executable, "-m", "modernbert_spark"], capture_output=True, text=True)
    assert usage.returncode == 2 and "python -m modernbert_spark jar" in usage.stderr


def test_the_jar_holds_the_stages_and_the_cpu_libtorch() -> None:
    with zipfile.ZipFile(mb.jar_path()) as jar:
        names = set(jar.namelist())
    assert "dev/modernbert/spark/ml/ModernBertEmbedder.class" in names
    assert "dev/modernbert/spark/udf/ModernBertUdfs.class" in names
    # Nothing downloads at run time: the native libraries are inside.
    assert any(n.startswith("pytorch/cpu/") and "libtorch" in n for n in names)
    assert not any(n.startswith("org/apache/spark/") for n in names), "Spark comes from pyspark"


def test_session_has_the_jar(spark: SparkSession) -> None:
    assert mb.jar_path() in spark.conf.get("spark.jars").split(",")
