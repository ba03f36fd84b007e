"""Failures surface as ModernBertSparkError with the project's own message, not a Java trace."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import texts_frame
from pyspark.sql import SparkSession

import modernbert_spark as mb
from modernbert_spark import _jar


def test_invalid_param_fails_at_the_setter(spark: SparkSession) -> None:
    stage = mb.ModernBertEmbedder(modelPath="demo")
    with pytest.raises(mb.ModernBertSparkError, match=r"^ModernBertEmbedder: maxLength=-1 is not valid \(tokens per"):
        stage.setMaxLength(-1)
    with pytest.raises(mb.ModernBertSparkError, match=r"onError='skip' is not valid \(fail \| null"):
        mb.ModernBertEmbedder(onError="skip")
    with pytest.raises(mb.ModernBertSparkError, match=r"batchTokens"):
        stage.setBatchTokens("many")  # type: ignore[arg-type]


def test_wrong_head_is_the_projects_message(spark: SparkSession) -> None:
    df = texts_frame(spark, ["a text"])
    with pytest.raises(mb.ModernBertSparkError) as e:
        mb.ModernBertClassifier(modelPath="demo").transform(df)
    assert str(e.value).startswith("ModernBertClassifier: modelPath demo: classify needs a")
    assert "\n" not in str(e.value) and e.value.java_error is not None


def test_a_required_param_left_unset_names_it_and_how_to_set_it(spark: SparkSession) -> None:
    df = texts_frame(spark, ["a query"])
    with pytest.raises(mb.ModernBertSparkError) as e:
        mb.ModernBertColBERT(modelPath="demo").transform(df)
    assert str(e.value) == 'ModernBertColBERT: role is not set (setRole("query") or setRole("document"))'
    with pytest.raises(mb.ModernBertSparkError) as e:
        mb.register_output(spark, "colbert", "colbert_no_role", "demo")
    assert str(e.value) == 'option "role" is required: role=query or role=document'


def test_missing_model_fails_naming_it(spark: SparkSession, tmp_path: Any) -> None:
    missing = str(tmp_path / "no-such-model")
    df = texts_frame(spark, ["a text"])
    with pytest.raises(mb.ModernBertSparkError) as e:
        mb.ModernBertEmbedder(modelPath=missing).transform(df).collect()
    assert missing in str(e.value) and "\n" not in str(e.value)
    assert "at org.apache" not in str(e.value)


def broken_vocab_model(jvm: Any, tmp: Path) -> str:
    """The demo model whose tokenizer maps "zzzfail" to id 900, outside its 512-token vocabulary (as
    the Java tests' SparkTesting.brokenVocabModel)."""
    demo = Path(str(jvm.dev.modernbert.encoder.demo.DemoModel.ensure().toString()))
    shutil.copytree(demo, tmp)
    tokenizer = json.loads((tmp / "tokenizer.json").read_text(encoding="utf-8"))
    tokenizer["model"]["vocab"]["zzzfail"] = 900
    (tmp / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    return str(tmp)


def test_bad_row_under_on_error_fail_and_null(spark: SparkSession, jvm: Any, tmp_path: Path) -> None:
    model = broken_vocab_model(jvm, tmp_path / "broken")
    df = texts_frame(spark, ["good text", "bad zzzfail text"])
    with pytest.raises(mb.ModernBertSparkError) as e:
        mb.ModernBertEmbedder(modelPath=model).transform(df).collect()
    assert "token id 900 at position 2 is outside the vocabulary [0, 512)" in str(e.value)
    assert "\n" not in str(e.value) and "Job aborted" not in str(e.value)
    assert e.value.java_class is not None and e.value.java_class.startswith("dev.modernbert.")
    kept = mb.ModernBertEmbedder(modelPath=model, onError="null", errorCol="error").transform(df).orderBy("id")
    good, bad = kept.collect()
    assert good["embedding"] is not None and good["error"] is None
    assert bad["embedding"] is None
    assert bad["error"] == "token id 900 at position 2 is outside the vocabulary [0, 512)"


def test_a_session_without_the_jar_names_the_fix(spark: SparkSession, monkeypatch: Any) -> None:
    monkeypatch.setattr(_jar, "has_class", lambda sc, name: False)
    with pytest.raises(mb.ModernBertSparkError, match=r"not on this Spark session's class path.*modernbert_spark.session"):
        mb.ModernBertEmbedder(modelPath="demo")
    with pytest.raises(mb.ModernBertSparkError, match=r"python -m modernbert_spark jar"):
        mb.register_maxsim(spark, "maxsim")


def test_the_class_check_sees_the_jar(spark: SparkSession) -> None:
    assert _jar.has_class(spark.sparkContext, "dev.modernbert.spark.ml.ModernBertStage")
    assert not _jar.has_class(spark.sparkContext, "dev.modernbert.spark.ml.NoSuchStage")


def test_unknown_hub_id_offline_names_the_id(spark: SparkSession, jvm: Any) -> None:
    system = jvm.java.lang.System
    before = system.getProperty("HF_HUB_OFFLINE")
    system.setProperty("HF_HUB_OFFLINE", "1")  # no network in tests: the id cannot be resolved
    try:
        with pytest.raises(mb.ModernBertSparkError) as e:
            mb.ModernBertEmbedder(modelPath="no-such-org/no-such-model").transform(texts_frame(spark, ["a"]))
    finally:
        if before is None:
            system.clearProperty("HF_HUB_OFFLINE")
        else:
            system.setProperty("HF_HUB_OFFLINE", before)
    assert str(e.value).startswith("ModernBertEmbedder: modelPath no-such-org/no-such-model: ")
    assert "\n" not in str(e.value)
