"""What every reader of a convention's document gives (its lines, each knowing where it is
in the file) and how it refuses a file it cannot read."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from states.errors import InvalidInput

log = logging.getLogger("convflow.extract")

MIB = 1024 * 1024
"""A mebibyte: sizes are said in Mo (1 Mo = 1 048 576 octets, as Windows counts them)."""


@dataclass(frozen=True)
class Line:
    """One line of the document's text and where it is in the file ("page 2", "line 14")."""

    text: str
    origin: str


class UnreadableDocument(InvalidInput):
    """The file cannot be read as a convention: missing, of another kind, damaged, empty or
    too large to be one."""

    def __init__(self, source: str, code: str, /, **params: str | int) -> None:
        super().__init__(source, code, **params)


LIBRARY_WORDS = 160
"""At most this many characters of a library's own words in a refusal's `detail`."""


def library_words(error: BaseException) -> str:
    """What a library said when it could not read a file (pdfminer, python-docx, openpyxl),
    on one line and short: its message (a KeyError's without quotes), its type's name if it
    said none. A document's refusal keeps it as its `detail` for a script and the log, and
    does not say it: it is the library's English."""
    said = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    said = " ".join(said.split()) or type(error).__name__
    return said if len(said) <= LIBRARY_WORDS else said[: LIBRARY_WORDS - 1] + "…"


def unreadable(source: str, code: str, error: BaseException) -> UnreadableDocument:
    """The refusal of a document a library could not read: its words logged (DEBUG) and kept
    as the refusal's `detail`, never said."""
    detail = library_words(error)
    log.debug("%s: %s (%s: %s)", source, code, type(error).__name__, detail)
    return UnreadableDocument(source, code, detail=detail)


_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\u2007]+")


def clean(text: str) -> str:
    """One line without its line break, typographic spaces made plain ones."""
    return _SPACES.sub(" ", text.rstrip("\r\n\f")).rstrip()


def megabytes(size: int) -> int:
    """A size in whole Mo, rounded up: a size past a limit is never said equal to it."""
    return -(-size // MIB)
