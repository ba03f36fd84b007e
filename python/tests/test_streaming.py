"""A Structured Streaming run from Python: file source, Trigger.AvailableNow, the same stage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from conftest import rows, texts_frame
from pyspark.sql import SparkSession

import modernbert_spark as mb

TEXTS = ["the river flows", "music and film", "science", "history of art"]


def test_embedder_in_a_stream(spark: SparkSession, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for part in range(2):
        lines = [json.dumps({"id": i, "text": TEXTS[i]}) for i in range(part * 2, part * 2 + 2)]
        (source / f"part-{part}.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    embedder = mb.ModernBertEmbedder(modelPath="demo", normalize=True)
    stream = spark.readStream.schema("id INT, text STRING").json(str(source))
    query = (
        embedder.transform(stream)
        .writeStream.format("parquet")
        .option("checkpointLocation", str(tmp_path / "checkpoint"))
        .trigger(availableNow=True)
        .start(str(tmp_path / "out"))
    )
    query.awaitTermination(300)
    assert query.exception() is None
    got = rows(spark.read.parquet(str(tmp_path / "out")))
    want = rows(embedder.transform(texts_frame(spark, TEXTS)))
    assert [(r["id"], r["text"]) for r in got] == [(r["id"], r["text"]) for r in want]
    # The stream embeds in other batches (two files): equal up to the last float bits.
    assert np.allclose([r["embedding"] for r in got], [r["embedding"] for r in want], rtol=1e-5, atol=1e-6)
