"""Java exceptions as Python ones: the project's own message (its first line), not a Java trace."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator, Optional, Tuple

from py4j.protocol import Py4JJavaError
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


def project_message(error: BaseException) -> Optional[Tuple[str, str]]:
    """(Java class, first line of its message) of the exception that says what went wrong, or None
    when ``error`` did not come from the JVM."""
    throwable = _java_throwable(error)
    if throwable is None:
        return None
    chosen = throwable
    current = throwable
    for _ in range(_MAX_CAUSES):
        if current is None:
            break
        if not current.getClass().getName().startswith(_WRAPPER_PREFIXES):
            chosen = current
            break
        current = current.getCause()
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
