"""Pipelines mixing our stages with pyspark's save and load both ways: Python <-> JVM."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import java_stage, rows, texts_frame
from pyspark.ml import Pipeline, PipelineModel
from pyspark.ml.clustering import KMeans
from pyspark.sql import DataFrame, SparkSession

import modernbert_spark as mb

TEXTS = ["the river flows", "rivers and lakes", "music and film", "a film score", "science", "history"]


def test_python_pipeline_saves_and_loads_in_python_and_java(spark: SparkSession, jvm: Any, tmp_path: Path) -> None:
    df = texts_frame(spark, TEXTS)
    embedder = mb.ModernBertEmbedder(modelPath="demo", outputType="vector", normalize=True)
    model = Pipeline(stages=[embedder, KMeans(k=2, seed=7, featuresCol="embedding")]).fit(df)
    expected = rows(model.transform(df))
    path = str(tmp_path / "pipeline")
    model.save(path)

    loaded = PipelineModel.load(path)
    assert isinstance(loaded.stages[0], mb.ModernBertEmbedder)
    assert loaded.stages[0].getNormalize() is True
    assert rows(loaded.transform(df)) == expected

    in_java = jvm.org.apache.spark.ml.PipelineModel.load(path)
    assert rows(DataFrame(in_java.transform(df._jdf), spark)) == expected

    # Saved from the JVM, loaded back in Python (pyspark finds the class by its Java name).
    java_path = str(tmp_path / "pipeline-from-java")
    in_java.write().save(java_path)
    from_java = PipelineModel.load(java_path)
    assert type(from_java.stages[0]) is mb.ModernBertEmbedder
    assert rows(from_java.transform(df)) == expected


def test_java_saved_stage_loads_in_python(spark: SparkSession, jvm: Any, tmp_path: Path) -> None:
    path = str(tmp_path / "colbert")
    java_stage(jvm, "ModernBertColBERT", {"modelPath": "demo", "role": "query", "queryLength": 12}).write().save(path)
    stage = mb.ModernBertColBERT.load(path)
    assert (stage.getModelPath(), stage.getRole(), stage.getQueryLength()) == ("demo", "query", 12)
    assert stage.getOutputCol() == "embeddings"  # a default, from the saved metadata

    saved_from_python = str(tmp_path / "colbert-python")
    stage.setQueryLength(16).save(saved_from_python)
    back = jvm.dev.modernbert.spark.ml.ModernBertColBERT.load(saved_from_python)
    assert [back.getOrDefault(back.getParam(n)) for n in ("role", "queryLength")] == ["query", 16]
