"""Each Python wrapper gives exactly the Java stage's output on the same DataFrame (the same JVM code
runs; rows never pass through Python): the demo model and golden fixtures of the encoder's tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest
from conftest import golden, golden_texts, java_stage, rows, texts_frame
from pyspark.sql import DataFrame, SparkSession

import modernbert_spark as mb

DEMO_TEXTS = ["the river flows", "a [MASK] model runs fast", "music film science", "Café über 中文"]


def head_checkpoint(jvm: Any, tmp: Path, golden_name: str) -> str:
    """A golden head checkpoint (config + weights, linked in place) with the demo model's tokenizer,
    which fits its 512-token vocabulary (as the Java tests' TinyHeadCheckpoint does)."""
    demo = Path(str(jvm.dev.modernbert.encoder.demo.DemoModel.ensure().toString()))
    tmp.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "model.safetensors"):
        (tmp / name).symlink_to(Path(golden(golden_name)) / name)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (tmp / name).symlink_to(demo / name)
    return str(tmp)


def assert_same_output(spark: SparkSession, cls: Any, params: Dict[str, Any], texts: List[str]) -> None:
    df = texts_frame(spark, texts)
    python_out = cls(**params).transform(df)
    java_out = DataFrame(java_stage(spark.sparkContext._jvm, cls.__name__, params).transform(df._jdf), spark)
    assert python_out.schema == java_out.schema
    got, want = rows(python_out), rows(java_out)
    assert len(got) == len(texts)
    assert got == want


def test_embedder_demo(spark: SparkSession) -> None:
    assert_same_output(spark, mb.ModernBertEmbedder, {"modelPath": "demo", "normalize": True}, DEMO_TEXTS)


def test_embedder_sentence_transformers_golden(spark: SparkSession) -> None:
    texts = golden_texts("st-mean-normalize")
    assert_same_output(spark, mb.ModernBertEmbedder, {"modelPath": golden("st-mean-normalize")}, texts)


def test_colbert_golden(spark: SparkSession) -> None:
    texts = golden_texts("colbert")
    assert_same_output(spark, mb.ModernBertColBERT, {"modelPath": golden("colbert"), "role": "query"}, texts)


def test_fill_mask_demo(spark: SparkSession) -> None:
    texts = [t for t in DEMO_TEXTS if "[MASK]" in t]
    assert_same_output(spark, mb.ModernBertFillMask, {"modelPath": "demo", "topK": 3}, texts)


@pytest.mark.parametrize(
    "cls, fixture",
    [(mb.ModernBertClassifier, "tiny-modernbert-seqcls"), (mb.ModernBertTokenClassifier, "tiny-modernbert-tokcls")],
    ids=["classifier", "token-classifier"],
)
def test_task_heads(spark: SparkSession, jvm: Any, tmp_path: Path, cls: Any, fixture: str) -> None:
    model = head_checkpoint(jvm, tmp_path / fixture, fixture)
    assert_same_output(spark, cls, {"modelPath": model}, DEMO_TEXTS)
