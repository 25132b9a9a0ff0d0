"""A convention's document as lines of text, each knowing where it came from.

`.txt` is read as written; `.pdf` through its text layer (pdfminer.six: a scanned PDF without
one has no text to read); `.docx` through its paragraphs and tables (python-docx), in the order
Word shows them. A blank line separates paragraphs in all three, so that what follows reads
paragraphs the same way whatever the format.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from states.errors import InvalidInput

KINDS = (".txt", ".pdf", ".docx")


@dataclass(frozen=True)
class Line:
    """One line of the document's text and where it is in the file ("page 2", "line 14")."""

    text: str
    origin: str


@dataclass(frozen=True)
class Document:
    """A convention's text, line by line; `source` names the file in messages."""

    source: str
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        """The whole text, one line per line."""
        return "\n".join(line.text for line in self.lines)


class UnreadableDocument(InvalidInput):
    """The file cannot be read as a convention: missing, of another kind, damaged or empty."""

    def __init__(self, source: str, code: str, /, **params: str) -> None:
        super().__init__(source, code, **params)


def read_document(path: Path | str) -> Document:
    """The text of a convention in `.txt`, `.pdf` or `.docx`; raise naming what is wrong."""
    path = Path(path)
    kind = path.suffix.lower()
    if not path.is_file():  # missing, whatever its name ends with (a folder is no file either)
        raise UnreadableDocument(str(path), "file_not_found")
    if kind not in KINDS:
        raise UnreadableDocument(str(path), "document_kind_unknown", kind=kind)
    reader = {".txt": _text_lines, ".pdf": _pdf_lines, ".docx": _docx_lines}[kind]
    lines = tuple(reader(path))
    if not any(line.text.strip() for line in lines):
        empty = "document_without_text_layer" if kind == ".pdf" else "document_without_text"
        raise UnreadableDocument(str(path), empty)
    return Document(str(path), lines)


LIBRARY_WORDS = 160
"""At most this many characters of a library's own words at the end of a refusal."""


def library_words(error: BaseException) -> str:
    """What a library said when it could not read a file (pdfminer, python-docx, openpyxl),
    on one line and short, for the end of convflow's own sentence (as workflow.failures keeps
    a server's): its message (a KeyError's without quotes), its type's name if it said none."""
    said = str(error.args[0]) if isinstance(error, KeyError) and error.args else str(error)
    said = " ".join(said.split()) or type(error).__name__
    return said if len(said) <= LIBRARY_WORDS else said[: LIBRARY_WORDS - 1] + "…"


_MAGIC = ((b"%PDF", ".pdf"), (b"PK\x03\x04", ".docx"))


def kind_of(head: bytes) -> str:
    """A document's kind from its first bytes (never from its name): PDF, DOCX, else text."""
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), ".txt")


def read_upload(content: bytes, source: str = "file", name: str | None = None) -> Document:
    """The text of an uploaded document, its kind sniffed from its content; a refusal names
    `source` (the form's field), the document is named `name` (the file's name as uploaded,
    without its folders), never the temporary file it was read from."""
    kind = kind_of(content[:8])
    if kind == ".txt" and b"\x00" in content[:4096]:  # an image, an archive: not a text
        raise UnreadableDocument(source, "document_not_text")
    with tempfile.TemporaryDirectory(prefix="convflow-extract-") as folder:
        path = Path(folder) / f"document{kind}"
        path.write_bytes(content)
        try:
            document = read_document(path)
        except UnreadableDocument as error:
            raise UnreadableDocument(source, error.code, **error.own_params) from None
    uploaded = PurePosixPath((name or "").replace("\\", "/")).name
    return replace(document, source=uploaded or source)


def document_from_text(text: str, source: str = "text") -> Document:
    """A document from text already in memory (an upload, a test)."""
    return Document(source, tuple(_numbered(text.splitlines())))


# A running header or footer a text export keeps: "Convention AMP / ALJPA – 2026   page 2/3".
_RUNNING = re.compile(r"^.{0,100}\bpage\s+\d+\s*(?:/|sur)\s*\d+\s*$", re.IGNORECASE)


def _numbered(texts: list[str]) -> Iterator[Line]:
    for number, text in enumerate(texts, start=1):
        yield Line("" if _RUNNING.match(text) else _clean(text), f"line {number}")


def _text_lines(path: Path) -> Iterator[Line]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Word's "plain text" export on Windows: cp1252 decodes any byte that is text there.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableDocument(str(path), "document_not_text") from None
    yield from _numbered(text.splitlines())


_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d+\s*(?:(?:/|sur)\s*\d+)?\s*$", re.IGNORECASE)


def _pdf_lines(path: Path) -> Iterator[Line]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextBox, LTTextLine
    from pdfminer.psexceptions import PSException  # every pdfminer error: syntax, encryption

    try:
        # Justified lines have wide gaps between words: with pdfminer's default margin a
        # line's last words become a box of their own, read after the paragraph.
        pages = list(extract_pages(path, laparams=LAParams(char_margin=4.0)))
    except (PSException, ValueError, KeyError, TypeError) as error:
        raise UnreadableDocument(
            str(path), "document_not_pdf", detail=library_words(error)
        ) from None
    for number, page in enumerate(pages, start=1):
        for box in page:
            if not isinstance(box, LTTextBox):
                continue
            texts = [line.get_text() for line in box if isinstance(line, LTTextLine)]
            # A page number alone in its box is the page's footer, not the convention's text.
            if len(texts) == 1 and _PAGE_NUMBER.match(texts[0]):
                continue
            for text in texts:
                yield Line(_clean(text), f"page {number}")
            yield Line("", f"page {number}")


def _docx_lines(path: Path) -> Iterator[Line]:
    import docx
    from docx.document import Document as WordDocument
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        word: WordDocument = docx.Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocument(
            str(path), "document_not_docx", detail=library_words(error)
        ) from None
    paragraph_number = table_number = 0
    for block in word.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraph_number += 1
            yield from _paragraph_lines(block.text, f"paragraph {paragraph_number}")
        elif isinstance(block, Table):
            table_number += 1
            yield from _table_lines(block, table_number)


def _table_lines(table: object, number: int) -> Iterator[Line]:
    from docx.table import Table

    assert isinstance(table, Table)
    seen: set[int] = set()
    for r, row in enumerate(table.rows, start=1):
        for c, cell in enumerate(row.cells, start=1):
            if id(cell._tc) in seen:  # a merged cell is listed once per grid column it spans
                continue
            seen.add(id(cell._tc))
            for paragraph in cell.paragraphs:
                yield from _paragraph_lines(paragraph.text, f"table {number}, row {r}, cell {c}")


def _paragraph_lines(text: str, origin: str) -> Iterator[Line]:
    for part in text.split("\n"):
        yield Line(_clean(part), origin)
    yield Line("", origin)


_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\u2007]+")


def _clean(text: str) -> str:
    """One line without its line break, typographic spaces made plain ones."""
    return _SPACES.sub(" ", text.rstrip("\r\n\f")).rstrip()
