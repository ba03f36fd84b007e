"""Java exceptions as Python ones: the project's own message (its first line), not a Java trace."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Optional, Tuple

import py4j.java_gateway  # type: ignore[import-untyped]
from py4j.protocol import Py4JJavaError  # type: ignore[import-untyped]
from pyspark.errors.exceptions.captured import CapturedException

# Exceptions that only wrap the one that says what went wrong (Spark's job/task failures, Py4J's
# reflection): the message is taken from the first exception in the cause chain that is none of them.
_WRAPPER_PREFIXES = (
    "org.apache.spark.",
    "py4j.",
    "scala.",
    "java.util.concurrent.ExecutionException",
    "java.util.concurrent.CompletionException",
    "java.lang.reflect.InvocationTargetException",
)
_MAX_CAUSES = 32
_PROJECT_PREFIX = "dev.modernbert."


class ModernBertSparkError(Exception):
    """A modernbert-spark failure. ``str()`` is the project's message; ``java_class`` names the Java
    exception it came from (None when it did not come from the JVM); ``java_error`` keeps the
    original Py4J/pyspark exception, with its full Java trace, for debugging."""

    def __init__(
        self, message: str, java_class: Optional[str] = None, java_error: Optional[BaseException] = None
    ) -> None:
        super().__init__(message)
        self.java_class = java_class
        self.java_error = java_error


def _java_throwable(error: BaseException) -> Any:
    if isinstance(error, Py4JJavaError):
        return error.java_exception
    if isinstance(error, CapturedException):
        return getattr(error, "_origin", None)
    return None


def _cause(throwable: Any) -> Any:
    """The first exception in the cause chain that is not a wrapper (else the outermost one)."""
    current = throwable
    for _ in range(_MAX_CAUSES):
        if current is None:
            break
        if not current.getClass().getName().startswith(_WRAPPER_PREFIXES):
            return current
        current = current.getCause()
    return throwable


def _thrown_by_project(throwable: Any) -> bool:
    """Whether the project's code threw it: its class, or the method that threw it, is ours."""
    if throwable.getClass().getName().startswith(_PROJECT_PREFIX):
        return True
    frames = throwable.getStackTrace()
    return len(frames) > 0 and frames[0].getClassName().startswith(_PROJECT_PREFIX)


def project_message(error: BaseException, thrown_by_project: bool = False) -> Optional[Tuple[str, str]]:
    """(Java class, first line of its message) of the exception that says what went wrong; None
    when ``error`` did not come from the JVM, or (with ``thrown_by_project``) when that exception
    was not thrown by the project's code."""
    throwable = _java_throwable(error)
    if throwable is None:
        return None
    chosen = _cause(throwable)
    if thrown_by_project and not _thrown_by_project(chosen):
        return None
    message = chosen.getMessage() or chosen.getClass().getName()
    return chosen.getClass().getName(), message.strip().splitlines()[0]


@contextmanager
def java_errors() -> Iterator[None]:
    """Re-raises a JVM exception from the block as a ModernBertSparkError with the project's message."""
    try:
        yield
    except (Py4JJavaError, CapturedException) as e:
        found = project_message(e)
        if found is None:
            raise
        raise ModernBertSparkError(found[1], java_class=found[0], java_error=e) from None


def install_error_hook() -> None:
    """Makes every Py4J call raise a ModernBertSparkError for a failure the project's code threw
    (a bad row under onError=fail, a missing model, ...) wherever it surfaces, e.g. in
    ``df.collect()``, instead of a Py4JJavaError with the whole Java trace. Other failures are
    untouched. Idempotent; re-installed on each use, as pyspark installs its own hook per session."""
    current = py4j.java_gateway.get_return_value
    if getattr(current, "_modernbert_spark", False):
        return

    def get_return_value(*args: Any, **kwargs: Any) -> Any:
        try:
            return current(*args, **kwargs)
        except Py4JJavaError as e:
            found = project_message(e, thrown_by_project=True)
            if found is None:
                raise
            raise ModernBertSparkError(found[1], java_class=found[0], java_error=e) from None

    setattr(get_return_value, "_modernbert_spark", True)
    py4j.java_gateway.get_return_value = get_return_value
