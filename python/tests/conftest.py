"""One local SparkSession (local[2]) for the whole test session, with the package's jar."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest
from pyspark.sql import DataFrame, SparkSession

import modernbert_spark as mb

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "encoder" / "src" / "test" / "resources" / "golden"


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    session = mb.session(
        app_name="modernbert-spark-pytest",
        master="local[2]",
        **{
            "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "2",
            "spark.driver.memory": "2g",
            "spark.ui.showConsoleProgress": "false",
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def jvm(spark: SparkSession) -> Any:
    return spark.sparkContext._jvm


def golden(name: str) -> str:
    """A golden fixture folder of the encoder's test resources (used in place, never copied)."""
    path = GOLDEN / name
    assert path.is_dir(), f"{path} is missing"
    return str(path)


def golden_texts(name: str) -> List[str]:
    lines = (GOLDEN / name / "inputs.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()]


def texts_frame(spark: SparkSession, texts: List[str]) -> DataFrame:
    return spark.createDataFrame([(i, t) for i, t in enumerate(texts)], "id INT, text STRING").coalesce(1)


def java_stage(jvm: Any, name: str, params: Dict[str, Any]) -> Any:
    """The Java stage dev.modernbert.spark.ml.<name> with ``params`` set through its Java setters."""
    stage = getattr(jvm.dev.modernbert.spark.ml, name)()
    for key, value in params.items():
        getattr(stage, "set" + key[0].upper() + key[1:])(value)
    return stage


def rows(df: DataFrame) -> List[Any]:
    return sorted(df.collect(), key=lambda r: r["id"])
