"""decode_vector / to_numpy against the Java encoding (dev.modernbert.spark.ml.VectorPrecision)."""

from __future__ import annotations

from typing import Any, List

import numpy as np
import pytest
from conftest import texts_frame
from pyspark.ml.linalg import DenseVector
from pyspark.sql import SparkSession

import modernbert_spark as mb

# 65520.0 rounds up to infinity in half precision, 1e-6 is a half subnormal.
VALUES: List[float] = [0.0, -0.0, 1.0, -2.5, 1e-6, 65504.0, 65520.0, 0.333333, -1e-8, 3.14159, 1e-3]


def java_pack(jvm: Any, gateway: Any, precision: str, values: List[float]) -> bytes:
    array = gateway.new_array(jvm.float, len(values))
    for i, v in enumerate(values):
        array[i] = v
    return bytes(jvm.dev.modernbert.spark.ml.VectorPrecision.parse(precision).pack(array))


@pytest.mark.parametrize("precision", ["float16", "binary", "ubinary"])
def test_decode_matches_the_java_encoding(spark: SparkSession, precision: str) -> None:
    sc = spark.sparkContext
    packed = java_pack(sc._jvm, sc._gateway, precision, VALUES)
    decoded = mb.decode_vector(packed, precision)
    x = np.asarray(VALUES, dtype=np.float32)
    if precision == "float16":
        with np.errstate(over="ignore"):
            expected = x.astype(np.float16)
        assert decoded.dtype == np.float16
        assert decoded.tobytes() == expected.tobytes()
    else:
        bits = np.packbits(x > 0)
        expected = bits if precision == "ubinary" else (bits.astype(np.int16) - 128).astype(np.int8)
        assert decoded.dtype == expected.dtype
        assert np.array_equal(decoded, expected)


def test_decode_float32_and_errors() -> None:
    from pyspark.ml.linalg import Vectors

    assert np.array_equal(mb.decode_vector([1.0, 2.0]), np.array([1.0, 2.0], dtype=np.float32))
    assert mb.decode_vector(Vectors.dense([1.0, 2.0])).dtype == np.float32
    assert mb.decode_vector(None, "float16") is None
    with pytest.raises(ValueError, match="packed precision"):
        mb.decode_vector(b"\x00\x01")
    with pytest.raises(ValueError, match="not one of"):
        mb.decode_vector(b"\x00", "int4")


def test_to_numpy_of_array_vector_and_float16_columns(spark: SparkSession) -> None:
    df = texts_frame(spark, ["the river flows", "music and film", "science"])
    arrays = mb.ModernBertEmbedder(modelPath="demo").transform(df).orderBy("id")
    assert isinstance(arrays.first()["embedding"], list)
    full = mb.to_numpy(arrays, "embedding")
    vectors = mb.ModernBertEmbedder(modelPath="demo", outputType="vector").transform(df).orderBy("id")
    assert isinstance(vectors.first()["embedding"], DenseVector)
    assert np.array_equal(mb.to_numpy(vectors, "embedding"), full)
    halves_df = mb.ModernBertEmbedder(modelPath="demo", precision="float16").transform(df).orderBy("id")
    with pytest.raises(ValueError, match="precision='float16'"):
        mb.to_numpy(halves_df, "embedding")
    halves = mb.to_numpy(halves_df, "embedding", precision="float16")
    assert full.shape == (3, 64) and full.dtype == np.float32
    assert halves.shape == (3, 64)
    assert np.array_equal(halves, full.astype(np.float16))
