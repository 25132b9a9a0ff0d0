"""A Word document's text (.docx): its paragraphs and tables in the order Word shows them.

A .docx is a ZIP archive of XML parts. Its parts' sizes are checked before python-docx and
lxml see any of them: a 1.5 MB file can unpack to 1.5 GB (a « zip bomb »), which lxml would
hold in memory before refusing it. What python-docx or lxml cannot read (a damaged archive,
entities declared to multiply, elements nested thousands deep) is refused as no readable
Word document, in convflow's words.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .lines import MIB, Line, UnreadableDocument, clean, megabytes, unreadable

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.table import Table

MAX_UNPACKED = 50 * MIB
"""The most a Word document's parts may hold once unpacked, all together. A convention's text
is a few hundred kB of XML, its logos and scanned signatures a few MB (pictures are stored
compressed already: they unpack to about their packed size, so a document of at most 20 MB,
the most read, stays below this). Past it, the file is made to fill the memory."""
MAX_MARKUP = 10 * MIB
"""The most its XML parts may hold once unpacked, all together: python-docx builds them in
memory as lxml trees, some fifteen times their size, and reading 10 MB of short paragraphs
(87 000 of them, where a long convention has a few thousand) took 15 s and 240 MB. A 200 kB
file holding 45 MB of paragraphs took a minute and 1 GB."""

_CHUNK = 64 * 1024
# How an XML text may begin, in each encoding libxml2 recognises from its first bytes (UTF-8
# with or without its mark, UTF-16, UTF-32, EBCDIC): such a part is read as XML.
_MARKUP = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff",
           b"\x00\x00\x00<", b"\x00\x00<\x00", b"\x00<\x00", b"Lo\xa7\x94")  # fmt: skip


def is_word_package(content: bytes) -> bool:
    """Whether `content` is a ZIP archive holding a Word document's parts (word/...)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return any(name.startswith("word/") for name in archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, OverflowError):
        return False  # no archive, or a damaged one


def word_lines(content: bytes, source: str) -> list[Line]:
    """The document's lines: its paragraphs and tables in the order Word shows them, a table
    cell by cell; refused as too big once unpacked, or as no readable Word document."""
    _check_unpacked(content, source)
    import docx

    try:
        return list(_blocks(docx.Document(io.BytesIO(content))))
    except MemoryError:
        raise
    except Exception as error:  # python-docx and lxml raise many kinds on a hostile file
        raise unreadable(source, "document_not_docx", error) from None


def _check_unpacked(content: bytes, source: str) -> None:
    """Refuse the archive if its parts would unpack past MAX_UNPACKED, or its XML parts past
    MAX_MARKUP: by the sizes it declares, and by what unpacking them gives, chunk by chunk
    (zipfile stops a part at its declared size and checks its CRC: a part lying about its
    size is refused as damaged)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            _refuse_past(sum(part.file_size for part in parts), MAX_UNPACKED, source)
            unpacked = markup = 0
            for part in parts:
                with archive.open(part) as stream:
                    chunk = stream.read(_CHUNK)
                    if chunk.lstrip(b" \t\r\n").startswith(_MARKUP):
                        markup += part.file_size
                        _refuse_past(markup, MAX_MARKUP, source)
                    while chunk:
                        unpacked += len(chunk)
                        _refuse_past(unpacked, MAX_UNPACKED, source)
                        chunk = stream.read(_CHUNK)
    except UnreadableDocument:
        raise
    except MemoryError:
        raise
    except Exception as error:  # not a ZIP, truncated, a part encrypted or lying: damaged
        raise unreadable(source, "document_not_docx", error) from None


def _refuse_past(size: int, most: int, source: str) -> None:
    if size > most:
        raise UnreadableDocument(source, "document_too_big_unpacked",
                                 size_mb=megabytes(size), most_mb=most // MIB)  # fmt: skip


def _blocks(word: WordDocument) -> Iterator[Line]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    paragraph_number = table_number = 0
    for block in word.iter_inner_content():
        if isinstance(block, Paragraph):
            paragraph_number += 1
            yield from _paragraph_lines(block.text, f"paragraph {paragraph_number}")
        elif isinstance(block, Table):
            table_number += 1
            yield from _table_lines(block, table_number)


def _table_lines(table: Table, number: int) -> Iterator[Line]:
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
        yield Line(clean(part), origin)
    yield Line("", origin)
