"""A convention's document as lines of text, each knowing where it came from.

`.txt` is read as written; `.pdf` through its text layer (pdfminer.six: a scanned PDF without
one has no text to read); `.docx` through its paragraphs and tables (python-docx), in the order
Word shows them. A blank line separates paragraphs in all three, so that what follows reads
paragraphs the same way whatever the format.

What a file is comes from its bytes first: a PDF named `.docx` is read as a PDF, a Word document
named `.pdf` as a Word document, on the command line as through the API. The name only says
what the bytes do not: a `.pdf` or `.docx` that is neither is damaged, an `.odt` or `.rtf`
that is neither is of a kind convflow does not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .lines import LIBRARY_WORDS, MIB, Line, UnreadableDocument, clean, library_words
from .regular_file import NotAFile, read_regular
from .word import is_word_package, word_lines

__all__ = [
    "KINDS",
    "LIBRARY_WORDS",
    "MAX_DOCUMENT",
    "Document",
    "Line",
    "UnreadableDocument",
    "document_from_text",
    "kind_of",
    "library_words",
    "read_document",
    "read_upload",
]

KINDS = (".txt", ".pdf", ".docx")
MAX_DOCUMENT = 20 * MIB
"""The largest document read, from the command line or uploaded (a convention is a few
hundred kB; its PDF with scanned signatures a few MB)."""


@dataclass(frozen=True)
class Document:
    """A convention's text, line by line; `source` names the file in messages."""

    source: str
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        """The whole text, one line per line."""
        return "\n".join(line.text for line in self.lines)


def read_document(path: Path | str) -> Document:
    """The text of a convention in `.txt`, `.pdf` or `.docx`; raise naming what is wrong."""
    path = Path(path)
    try:
        content = read_regular(path, MAX_DOCUMENT)
    except NotAFile as missing:  # a folder, /dev/null, a named pipe is no file to read
        raise UnreadableDocument(str(path), missing.code) from None
    _refuse_too_large(content, str(path))
    return Document(str(path), _lines(content, str(path), path.suffix.lower()))


def read_upload(content: bytes, source: str = "file", name: str | None = None) -> Document:
    """The text of an uploaded document, read as `read_document` reads a file; a refusal names
    `source` (the form's field), the document is named `name` (the file's name as uploaded,
    without its folders)."""
    _refuse_too_large(content, source)
    uploaded = PurePosixPath((name or "").replace("\\", "/")).name
    lines = _lines(content, source, PurePosixPath(uploaded).suffix.lower())
    return Document(uploaded or source, lines)


def _refuse_too_large(content: bytes, source: str) -> None:
    if len(content) > MAX_DOCUMENT:
        raise UnreadableDocument(source, "document_too_large", most=str(MAX_DOCUMENT))


_MAGIC = ((b"%PDF", ".pdf"), (b"PK\x03\x04", ".docx"))


def kind_of(head: bytes) -> str:
    """A document's kind from its first bytes (never from its name): PDF, DOCX, else text."""
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), ".txt")


def _lines(content: bytes, source: str, suffix: str) -> tuple[Line, ...]:
    """The document's lines, read as what its bytes say it is; `suffix`, its name's, says
    what the bytes do not (see `_kind`)."""
    if not content:  # nothing in it, whatever its name says
        raise UnreadableDocument(source, "document_without_text")
    kind = _kind(content, suffix, source)
    if kind == ".pdf":
        from .pdf import pdf_lines

        lines = tuple(pdf_lines(content, source))
    elif kind == ".docx":
        lines = tuple(word_lines(content, source))
    else:
        lines = tuple(_numbered(_text(content, source).splitlines()))
    if not any(line.text.strip() for line in lines):
        empty = "document_without_text_layer" if kind == ".pdf" else "document_without_text"
        raise UnreadableDocument(source, empty)
    return lines


def _kind(content: bytes, suffix: str, source: str) -> str:
    """What to read the bytes as: a PDF or a Word document when they are one, whatever the
    name; else what the name says (a .pdf or .docx that is none is damaged: its reader says
    so), text for a .txt or a name without extension; refused as `document_kind_unknown` when
    named as another kind (.odt, .rtf, .xlsx)."""
    kind = kind_of(content[:8])
    if kind == ".pdf" or (kind == ".docx" and is_word_package(content)):
        return kind
    if suffix and suffix not in KINDS:
        raise UnreadableDocument(source, "document_kind_unknown", kind=suffix)
    if suffix in (".pdf", ".docx"):
        return suffix
    return kind  # .docx for an archive holding no Word document: refused as one


# A running header or footer a text export keeps: "Convention AMP / ALJPA – 2026   page 2/3".
_RUNNING = re.compile(r"^.{0,100}\bpage\s+\d+\s*(?:/|sur)\s*\d+\s*$", re.IGNORECASE)


def document_from_text(text: str, source: str = "text") -> Document:
    """A document from text already in memory (an upload, a test)."""
    return Document(source, tuple(_numbered(text.splitlines())))


def _numbered(texts: list[str]) -> Iterator[Line]:
    for number, text in enumerate(texts, start=1):
        yield Line("" if _RUNNING.match(text) else clean(text), f"line {number}")


def _text(data: bytes, source: str) -> str:
    if b"\x00" in data[:4096]:  # an image, a program, UTF-16: not a text convflow reads
        raise UnreadableDocument(source, "document_not_text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Word's "plain text" export on Windows: cp1252 decodes any byte that is text there.
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableDocument(source, "document_not_text") from None
