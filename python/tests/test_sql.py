"""The SQL functions registered from Python equal the stages' output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import texts_frame
from pyspark.sql import SparkSession
from test_parity import head_checkpoint

import modernbert_spark as mb

TEXTS = ["the river flows", "music and film"]


def test_register_embeds_as_the_embedder(spark: SparkSession) -> None:
    mb.register(spark, "embed_demo", model_path="demo", normalize=True, truncateDim=16)
    texts_frame(spark, TEXTS).createOrReplaceTempView("texts")
    got = spark.sql("SELECT id, embed_demo(text) AS e FROM texts ORDER BY id").collect()
    want = (
        mb.ModernBertEmbedder(modelPath="demo", normalize=True, truncateDim=16)
        .transform(texts_frame(spark, TEXTS))
        .orderBy("id")
        .collect()
    )
    # Rows batched differently may differ in the last float bits (padding changes the kernels' sums).
    assert np.allclose([r["e"] for r in got], [r["embedding"] for r in want], rtol=1e-5, atol=1e-6)
    assert len(got[0]["e"]) == 16
    batch = spark.sql("SELECT embed_demo_batch(array('the river flows', 'music and film')) AS b").collect()
    assert np.allclose(batch[0]["b"], [r["embedding"] for r in want], rtol=1e-5, atol=1e-6)


def test_register_classifier(spark: SparkSession, jvm: Any, tmp_path: Path) -> None:
    model = head_checkpoint(jvm, tmp_path / "seqcls", "tiny-modernbert-seqcls")
    mb.register_classifier(spark, "classify_tiny", model_path=model)
    got = spark.sql("SELECT classify_tiny('the river flows') AS c").collect()[0]["c"]
    want = mb.ModernBertClassifier(modelPath=model).transform(texts_frame(spark, ["the river flows"])).collect()[0]
    assert got["label"] == want["label"]
    assert got["score"] == pytest.approx(max(want["probability"]), abs=1e-6)


def test_register_output_fill_mask_as_the_stage(spark: SparkSession) -> None:
    text = "a [MASK] model runs fast"
    mb.register_output(spark, "fill-mask", "fill_demo", model_path="demo", topK=3)
    got = spark.sql(f"SELECT fill_demo('{text}') AS p").collect()[0]["p"]
    want = mb.ModernBertFillMask(modelPath="demo", topK=3).transform(texts_frame(spark, [text])).collect()[0]
    assert len(got) == 3
    assert [(p["position"], p["token_id"], p["token"]) for p in got] == [
        (p["position"], p["token_id"], p["token"]) for p in want["predictions"]
    ]
    assert [p["score"] for p in got] == pytest.approx([p["score"] for p in want["predictions"]], abs=1e-6)


def test_register_output_refuses_an_unknown_output(spark: SparkSession) -> None:
    with pytest.raises(mb.ModernBertSparkError, match="unknown output"):
        mb.register_output(spark, "summarize", "summarize_demo", model_path="demo")


def test_register_maxsim(spark: SparkSession) -> None:
    mb.register_maxsim(spark, "maxsim")
    q = "array(array(1.0F, 0.0F), array(0.0F, 1.0F))"
    d = "array(array(0.5F, 0.0F), array(0.0F, 2.0F))"
    assert spark.sql(f"SELECT maxsim({q}, {d}) AS s").collect()[0]["s"] == pytest.approx(2.5)


def test_register_refuses_a_bad_option(spark: SparkSession) -> None:
    with pytest.raises(mb.ModernBertSparkError, match="pooling"):
        mb.register(spark, "embed_bad", model_path="demo", pooling="median")
