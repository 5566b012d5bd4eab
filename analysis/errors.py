"""The project's own typed errors.

Every error a user can cause names where the problem is (file, record or line, field)
and says what to do about it. The CLI prints these without a traceback.

A broken internal invariant is not the user's doing: it is an :class:`InternalError`,
deliberately *not* a :class:`FramingError`, so no handler of user errors (nor a test
expecting one) can swallow it. The CLI prints it as a bug report with its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable

# Values of environment variables that study.yaml paths name (``${DATA}/a.jsonl``), and
# how the file wrote them: messages show the variable, never its value (which may be a
# private location or a token someone put in a path).
_HIDDEN: dict[str, str] = {}


def hide_in_messages(value: str, written: str) -> None:
    """Show ``written`` (e.g. ``${DATA}``) wherever ``value`` would appear in an error."""
    if len(value) > 1:
        _HIDDEN[value] = written


def _hidden(text: str) -> str:
    for value in sorted(_HIDDEN, key=len, reverse=True):  # longest first: nested values
        text = text.replace(value, _HIDDEN[value])
    return text


class FramingError(Exception):
    """Base class of every error the project raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = _hidden(message)
        self.hint = None if hint is None else _hidden(hint)
        text = self.message if hint is None else f"{self.message}\n  → {self.hint}"
        super().__init__(text)


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


def require_columns(columns: Iterable[str], required: Iterable[str], path, hint: str) -> None:
    """Raise a :class:`CorpusError` when a file at ``path`` lacks a ``required`` column."""
    present = set(columns)
    missing = [c for c in required if c not in present]
    if missing:
        raise CorpusError(
            f"missing column(s) {missing}", path=str(path), field=missing[0], hint=hint
        )


class ModelUnavailableError(FramingError):
    """An embedding model cannot be loaded (typically: offline and not installed)."""


class StageError(FramingError):
    """A pipeline stage was asked to run without the tables it needs."""


class CacheError(FramingError):
    """The embedding cache cannot be used as it is; the message names the file."""


class CacheCorruptError(CacheError):
    """The embedding cache file is not a readable SQLite database."""


class CacheFullError(CacheError):
    """The disk holding the embedding cache is full."""


class CacheUnwritableError(CacheError):
    """The embedding cache's folder cannot be created or written."""


class OutputError(FramingError):
    """An output cannot be written: a read-only folder or a full disk."""


class InternalError(Exception):
    """A bug: an invariant the code guarantees is broken (e.g. a record lost in ingestion).

    Not a FramingError on purpose: code and tests that handle user errors let it through.
    """

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
