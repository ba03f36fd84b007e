"""The Python classes list exactly the Java stages' Params: names, docs, defaults (read from the JVM
through Spark's Param API), and a value set in Python reaches the Java Param."""

from __future__ import annotations

import json
from typing import Any, Dict

import pytest

import modernbert_spark as mb

STAGES = [
    mb.ModernBertEmbedder,
    mb.ModernBertClassifier,
    mb.ModernBertTokenClassifier,
    mb.ModernBertFillMask,
    mb.ModernBertColBERT,
]


def java_params(java_stage: Any) -> Dict[str, Dict[str, Any]]:
    out = {}
    for p in java_stage.params():
        default = java_stage.getDefault(p)
        out[p.name()] = {
            "doc": p.doc(),
            "default": json.loads(p.jsonEncode(default.get())) if default.isDefined() else None,
        }
    return out


def python_params(stage: Any) -> Dict[str, Dict[str, Any]]:
    return {
        p.name: {"doc": p.doc, "default": stage.getOrDefault(p) if stage.hasDefault(p) else None}
        for p in stage.params
    }


@pytest.mark.parametrize("cls", STAGES, ids=lambda c: c.__name__)
def test_python_and_java_list_the_same_params(spark: Any, cls: Any) -> None:
    stage = cls()
    fresh_java = stage._new_java_obj(cls._java_class, "fresh")
    assert python_params(stage) == java_params(fresh_java)
    for p in stage.params:
        cap = p.name[0].upper() + p.name[1:]
        assert callable(getattr(stage, "set" + cap)) and callable(getattr(stage, "get" + cap))


def test_every_java_stage_has_a_python_class(jvm: Any) -> None:
    assert {c._java_class for c in STAGES} == {
        "dev.modernbert.spark.ml." + n for n in mb._stages.__all__
    }
    for cls in STAGES:
        assert cls.__name__ == cls._java_class.rsplit(".", 1)[1]


def test_values_set_in_python_reach_the_java_stage(spark: Any) -> None:
    stage = mb.ModernBertEmbedder(modelPath="demo", normalize=True, truncateDim=16, pooling="mean")
    stage.setMaxLength(64).setPrompt("query: ")
    stage._transfer_params_to_java()
    j = stage._java_obj
    assert (j.getModelPath(), j.getNormalize(), j.getTruncateDim()) == ("demo", True, 16)
    assert (j.getPooling(), j.getMaxLength(), j.getPrompt()) == ("mean", 64, "query: ")
    assert stage.getTruncateDim() == 16 and stage.getBatchTokens() == j.getBatchTokens()


def test_constructor_is_keyword_only(spark: Any) -> None:
    with pytest.raises(TypeError):
        mb.ModernBertEmbedder("demo")  # type: ignore[misc]
