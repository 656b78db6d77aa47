"""The one exception the source modules raise, and helpers to turn it into a Failure.

Every source module reports a bad input by raising :class:`SourceError` with a reason a person
can act on (what is wrong, then what to do). The layer that knows the input's name catches it and
yields a :class:`~watchfloor.records.Failure`, so no single input can stop a run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from watchfloor.records import Failure, RawDocument

logger = logging.getLogger(__name__)

Result = RawDocument | Failure

# Powers of 1024, labelled the way the CLI documents --max-bytes ("20 MB" = 20 * 1024 * 1024).
_KIB = 1024
_MIB = 1024 * 1024


class SourceError(Exception):
    """An input that cannot be ingested; ``reason`` says what is wrong and what to do."""

    def __init__(self, reason: str, *, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line

    def to_failure(self, source: str) -> Failure:
        return Failure(source=source, reason=self.reason, line=self.line)


def format_size(size: int) -> str:
    """Bytes for people: ``31.2 MB``, ``20 MB``, ``1.5 kB``, ``100 bytes``."""
    if size >= _MIB:
        value, unit = size / _MIB, "MB"
    elif size >= _KIB:
        value, unit = size / _KIB, "kB"
    else:
        return f"{size} bytes"
    text = f"{value:.1f}".removesuffix(".0")
    return f"{text} {unit}"


def too_large_reason(what: str, size: int | None, limit: int) -> str:
    """The reason given when an input is over ``settings.max_bytes``."""
    amount = f"is {format_size(size)}" if size is not None else "is larger than that"
    return (
        f"{what} {amount}, over the {format_size(limit)} limit; "
        "raise it with --max-bytes or split the file"
    )


def guarded(source: str, results: Iterator[Result]) -> Iterator[Result]:
    """Yield from ``results``; an unexpected error ends this input only, as a Failure."""
    try:
        yield from results
    except SourceError as exc:
        yield exc.to_failure(source)
    # Last resort for one input: a bug or an unforeseen library error (pypdf, lxml, feedparser
    # on hostile input) must not take the other inputs down. It is logged with its traceback and
    # reported as this input's failure; GeneratorExit and KeyboardInterrupt are not caught.
    except Exception as exc:
        logger.exception("unexpected error while reading %s", source)
        yield Failure(
            source=source,
            reason=(
                f"unexpected error ({type(exc).__name__}: {exc}); the other inputs were not "
                "affected — please report this with the input attached"
            ),
        )
