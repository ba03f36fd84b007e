"""Result columns as NumPy: vectors, and the packed ``precision`` encodings of
dev.modernbert.spark.ml.VectorPrecision (float16, binary, ubinary)."""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
from pyspark.ml.linalg import Vector
from pyspark.sql import DataFrame
from pyspark.sql.types import BinaryType

PRECISIONS = ("float32", "float16", "binary", "ubinary")


def decode_vector(value: Any, precision: str = "float32") -> Optional[np.ndarray]:
    """One embedding as a 1-D array, None for a null.

    - float32: a list of floats or an ML vector -> float32 values;
    - float16: little-endian IEEE halves -> float16 values (``.astype(np.float32)`` widens exactly);
    - ubinary: sign bits, numpy.packbits(x > 0) -> uint8 bytes, as sentence-transformers'
      ``quantize_embeddings(x, "ubinary")``; ``np.unpackbits`` gives the bits;
    - binary: the same bytes minus 128 -> int8, as ``quantize_embeddings(x, "binary")``.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    if value is None:
        return None
    if precision == "float32":
        if isinstance(value, (bytes, bytearray)):
            raise ValueError(
                "a binary value is a packed precision: pass the stage's precision "
                "(float16, binary or ubinary) to decode it"
            )
        return (value.toArray() if isinstance(value, Vector) else np.asarray(value)).astype(np.float32)
    if not isinstance(value, (bytes, bytearray)):
        raise ValueError(f"precision {precision} is stored as bytes, not {type(value).__name__}")
    dtype = np.dtype({"float16": "<f2", "ubinary": "u1", "binary": "i1"}[precision])
    return np.frombuffer(bytes(value), dtype=dtype)


def to_numpy(df: DataFrame, column: str, precision: Optional[str] = None) -> np.ndarray:
    """A 2-D array of ``column`` (one row per DataFrame row, collected to the driver).

    ``precision`` is the stage's precision Param; a binary column needs it (float16, binary or
    ubinary: the bytes do not say which), an array or vector column is float32. A null row fails,
    naming its index: filter nulls (``onError=null``) first.
    """
    field = df.schema[column]
    if precision is None:
        if isinstance(field.dataType, BinaryType):
            raise ValueError(
                f"column {column!r} is binary (a packed precision): pass precision='float16', "
                "'binary' or 'ubinary', the stage's precision Param"
            )
        precision = "float32"
    rows = []
    for i, row in enumerate(df.select(column).toLocalIterator()):
        vector = decode_vector(row[0], precision)
        if vector is None:
            raise ValueError(f"to_numpy: row {i} of column {column!r} is null; filter nulls first")
        rows.append(vector)
    if not rows:
        return np.empty((0, 0), dtype=np.float32)
    return np.stack(rows)
