"""A PDF's text layer (pdfminer.six), read within bounds no convention comes near.

pdfminer inflates a compressed stream whole, and keeps each letter of a page as an object
until the page is laid out: a 300 kB PDF holding 300 MB of compressed spaces took 600 MB, one
of 1.6 kB writing a million letters on one page took 750 MB and 12 s. So what it inflates, the
pages it reads and the letters of one page are bounded; past a bound the PDF is refused, never
read in part. Its drawings and pictures are not kept: only the text is read.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from pdfminer import pdftypes
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTPage, LTTextBox, LTTextLine
from pdfminer.lzw import LZWDecoder
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from .lines import MIB, Line, UnreadableDocument, clean, megabytes, unreadable

MAX_INFLATED = 64 * MIB
"""The most pdfminer may inflate while reading one PDF, all its streams together. What it
inflates is the pages' text and drawing instructions and the fonts (never the pictures): a
hundred-page convention exported by Word holds a few MB of them."""
MAX_PAGES = 500
"""The most pages read: a convention with its annexes has a few dozen."""
MAX_PAGE_LETTERS = 25_000
"""The most letters one page may write: a dense A4 page in 8 pt holds about 8 000."""

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d+\s*(?:(?:/|sur)\s*\d+)?\s*$", re.IGNORECASE)


class _Past(Exception):
    """A bound was crossed: the refusal's code and parameters, the file named by the caller."""

    def __init__(self, code: str, **params: int) -> None:
        self.code, self.params = code, params
        super().__init__(code)


class _Budget:
    """What is left to inflate while reading one PDF; once spent, every inflation fails."""

    def __init__(self, most: int) -> None:
        self.most, self.spent = most, 0

    def room(self) -> int:
        if self.spent > self.most:
            raise _Past("document_too_big_unpacked", size_mb=megabytes(self.spent),
                        most_mb=self.most // MIB)  # fmt: skip
        return self.most - self.spent

    def spend(self, size: int) -> None:
        self.spent += size
        self.room()


_budget: ContextVar[_Budget | None] = ContextVar("convflow_pdf_budget", default=None)
"""The budget of the PDF being read in this thread; None outside `pdf_lines` (another use of
pdfminer in the process inflates as pdfminer does)."""


class _Inflater:
    """zlib's decompressor, its output counted against the budget of the PDF being read."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj()

    @property
    def eof(self) -> bool:
        return self._zlib.eof

    def decompress(self, data: bytes) -> bytes:
        budget = _budget.get()
        if budget is None:
            return self._zlib.decompress(data)
        inflated = self._zlib.decompress(data, budget.room() + 1)  # never more than allowed
        budget.spend(len(inflated))
        return inflated


class _BoundedZlib:
    """What pdfminer.pdftypes calls of the zlib module (decompress, decompressobj, error),
    bounded: pdfminer inflates a stream whole with zlib.decompress and has no limit to set."""

    error = zlib.error

    @staticmethod
    def decompress(data: bytes) -> bytes:
        inflater = _Inflater()
        inflated = inflater.decompress(data)
        if not inflater.eof:  # as zlib.decompress: pdfminer then reads it as damaged
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return inflated

    @staticmethod
    def decompressobj() -> _Inflater:
        return _Inflater()


def _bounded_lzw(data: bytes) -> bytes:
    """pdfminer's LZW decoding (an older compression, as able to multiply), bounded too."""
    budget, parts = _budget.get(), []
    for part in LZWDecoder(io.BytesIO(data)).run():
        if budget is not None:
            budget.spend(len(part))
        parts.append(part)
    return b"".join(parts)


# pdfminer inflates through the budget, for the whole process: outside a reading of
# `pdf_lines` there is no budget, and it inflates as it always did.
pdftypes.__dict__["zlib"] = _BoundedZlib
pdftypes.__dict__["lzwdecode"] = _bounded_lzw


def pdf_lines(content: bytes, source: str) -> list[Line]:
    """The text layer's lines, page by page (a page's lone page number left out); refused as
    locked by a password, too big, or no readable PDF."""
    budget = _Budget(MAX_INFLATED)
    token = _budget.set(budget)
    try:
        lines = list(_read(content))
        budget.room()  # spent past it, even if pdfminer swallowed the refusal somewhere
        return lines
    except _Past as past:
        raise UnreadableDocument(source, past.code, **past.params) from None
    except PDFPasswordIncorrect:
        raise UnreadableDocument(source, "document_pdf_password") from None
    except MemoryError:
        raise
    except Exception as error:  # pdfminer raises many kinds on a hostile file
        raise unreadable(source, "document_not_pdf", error) from None
    finally:
        _budget.reset(token)


def _read(content: bytes) -> Iterator[Line]:
    manager = PDFResourceManager(caching=True)
    # Justified lines have wide gaps between words: with pdfminer's default margin a line's
    # last words become a box of their own, read after the paragraph.
    device = _TextOnly(manager, laparams=LAParams(char_margin=4.0))
    interpreter = PDFPageInterpreter(manager, device)
    pages = PDFPage.get_pages(io.BytesIO(content), maxpages=MAX_PAGES + 1)
    for number, page in enumerate(pages, start=1):
        if number > MAX_PAGES:
            raise _Past("pdf_too_many_pages", most=MAX_PAGES)
        device.letters = 0
        interpreter.process_page(page)
        yield from _page_lines(device.get_result(), number)


def _page_lines(page: LTPage, number: int) -> Iterator[Line]:
    for box in page:
        if not isinstance(box, LTTextBox):
            continue
        texts = [line.get_text() for line in box if isinstance(line, LTTextLine)]
        # A page number alone in its box is the page's footer, not the convention's text.
        if len(texts) == 1 and _PAGE_NUMBER.match(texts[0]):
            continue
        for text in texts:
            yield Line(clean(text), f"page {number}")
        yield Line("", f"page {number}")


class _TextOnly(PDFPageAggregator):
    """pdfminer's page aggregator keeping only the text, as its own TextConverter does to save
    memory, and counting the letters of the page (`letters`, set to 0 by the reader)."""

    letters = 0

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.letters += 1
        if self.letters > MAX_PAGE_LETTERS:
            raise _Past("pdf_page_too_full", page=self.pageno, most=MAX_PAGE_LETTERS)
        return super().render_char(*args, **kwargs)

    def render_image(self, *args: Any, **kwargs: Any) -> None:
        pass

    def paint_path(self, *args: Any, **kwargs: Any) -> None:
        pass
