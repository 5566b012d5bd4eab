"""The project's own typed errors.

Every error a user can cause names where the problem is (file, record or line, field)
and says what to do about it. The CLI prints these without a traceback.

A broken internal invariant is not the user's doing: it is an :class:`InternalError`,
deliberately *not* a :class:`FramingError`, so no handler of user errors (nor a test
expecting one) can swallow it. The CLI prints it as a bug report with its traceback.
"""

from __future__ import annotations


class FramingError(Exception):
    """Base class of every error the project raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if hint is None else f"{message}\n  → {hint}")


class StudyConfigError(FramingError):
    """study.yaml (or a file it points to) is missing or invalid."""


class CorpusError(FramingError):
    """A corpus file cannot be read as a whole (not a single bad record)."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ):
        self.path, self.line, self.field = path, line, field
        where = ", ".join(
            part
            for part in (
                path,
                f"line {line}" if line is not None else None,
                f"field {field!r}" if field else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message, hint=hint)


class ModelUnavailableError(FramingError):
    """An embedding model cannot be loaded (typically: offline and not installed)."""


class StageError(FramingError):
    """A pipeline stage was asked to run without the tables it needs."""


class InternalError(Exception):
    """A bug: an invariant the code guarantees is broken (e.g. a record lost in ingestion).

    Not a FramingError on purpose: code and tests that handle user errors let it through.
    """

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
