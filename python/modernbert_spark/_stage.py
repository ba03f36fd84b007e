"""What every generated stage class shares: the Java object, validation, errors and persistence."""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Type

from pyspark.ml.util import JavaMLReadable, JavaMLReader, JavaMLWritable
from pyspark.ml.wrapper import JavaTransformer
from pyspark.sql import DataFrame

from modernbert_spark._errors import ModernBertSparkError, java_errors
from modernbert_spark._jar import active_context


class ModernBertStage(JavaTransformer, JavaMLReadable, JavaMLWritable):
    """A pyspark.ml wrapper of a dev.modernbert.spark.ml stage: Params live on the Python side as in
    any pyspark stage, are checked by the Java stage's own validators when set, and go to the JVM at
    transform/save time; rows never pass through Python."""

    _java_class: ClassVar[str]
    _java_defaults: ClassVar[Dict[str, Any]]
    _input_kwargs: Dict[str, Any]  # set by pyspark's @keyword_only

    def __init__(self) -> None:
        super().__init__()
        active_context()
        self._java_obj = self._new_java_obj(self._java_class, self.uid)
        self._setDefault(**self._java_defaults)

    def _set(self, **kwargs: Any) -> Any:
        """Sets Params, then lets the Java Param validate each value (a bad one raises here, at
        the setter, with the Param's doc, rather than later in transform)."""
        try:
            super()._set(**kwargs)
        except TypeError as e:
            raise ModernBertSparkError(f"{type(self).__name__}: {e}") from None
        for name, value in kwargs.items():
            if value is None:
                continue
            param = self.getParam(name)
            try:
                with java_errors():
                    self._make_java_param_pair(param, self._paramMap[param])
            except ModernBertSparkError as e:
                raise ModernBertSparkError(
                    f"{type(self).__name__}: {name}={value!r} is not valid ({param.doc})",
                    java_class=e.java_class,
                    java_error=e.java_error,
                ) from None
        return self

    def _transform(self, dataset: DataFrame) -> DataFrame:
        with java_errors():
            return super()._transform(dataset)

    @classmethod
    def read(cls) -> "JavaMLReader[Any]":
        """A reader of a stage saved from Python or Java (the Java class's own reader)."""
        active_context()
        return _StageReader(cls)

    def save(self, path: str) -> None:
        with java_errors():
            super().save(path)


class _StageReader(JavaMLReader):
    """pyspark's JavaMLReader derives the Java class from the Python module (pyspark.ml ->
    org.apache.spark.ml); ours names it on the class."""

    @classmethod
    def _java_loader_class(cls, clazz: Type[Any]) -> str:
        return clazz._java_class

    def load(self, path: str) -> Any:
        with java_errors():
            return super().load(path)
