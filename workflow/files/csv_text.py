"""A CSV text read as its rows, each with its line, as the spreadsheet program wrote it.

- A row ends as Windows (`\\r\\n`), Linux (`\\n`) or an old Mac ends a line (`\\r` alone: Excel
  for Mac's « CSV (Macintosh) »): csv's own reading of a file opened with `newline=""`, so a
  line break inside a quoted cell stays in the cell, as written.
- The separator is the one the header line holds most of: `,`, `;` (Excel in French) or a
  tab (Excel's « Texte (séparateur : tabulation) », cells copied from a sheet). The header's
  names are known words, so a wrong guess cannot pass unseen: it is refused as an unknown
  column.
- A cell longer than the csv module's limit (131 072 characters) is read whole, by this
  module, rather than raising that limit: the limit is the whole process's (the dashboard's
  threads share it), and it is already far above any cell a convention holds (its object, the
  longest, takes 5 000 characters), so only a cell to refuse ever meets it. Read whole, it is
  refused as too long by the column's own check, with its row and column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

__all__ = ["csv_rows", "delimiter_of", "first_line"]

SEPARATORS = (",", ";", "\t")
"""The separators a header line may use, the first one winning a tie."""
_LINE_END = re.compile(r"[\r\n]")


def first_line(text: str) -> str:
    """The text up to its first line end, whichever it is."""
    found = _LINE_END.search(text)
    return text if found is None else text[: found.start()]


def delimiter_of(line: str) -> str:
    """The separator a header line uses: the one it holds most of."""
    return max(SEPARATORS, key=line.count)


def csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header row of a CSV text, and each further row with the line it ends on."""
    rows = _rows(text, delimiter_of(first_line(text)))
    header = next(rows, (0, []))[1]
    return header, rows


class _Lines:
    """A text's lines, each ending as it was written, counted as they are given."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.count = 0
        self.offset = 0
        """The characters given so far: where the next line begins."""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        self.offset += len(line)
        return line

    def skip_to(self, end: int) -> None:
        """Pass the lines before `end` (a row read here rather than by csv)."""
        for _ in self:
            if self.offset >= end:
                return


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        start = lines.offset  # csv reads no further than the row it gives
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:  # a cell past csv's limit: read here, whole
            cells, end = row_at(text, start, delimiter)
            if lines.offset < end:
                lines.skip_to(end)
        yield lines.count, cells


def row_at(text: str, start: int, delimiter: str) -> tuple[list[str], int]:
    """The cells of the row beginning at `start`, read as csv reads them (a cell in double
    quotes may hold the separator, line breaks and "" for a quote), and where the next row
    begins."""
    stops = re.compile(f"[{re.escape(delimiter)}\r\n]")
    cells: list[str] = []
    at = start
    while True:
        cell, at = _cell_at(text, at, stops)
        cells.append(cell)
        if text.startswith(delimiter, at):
            at += len(delimiter)
            continue
        return cells, at + (2 if text.startswith("\r\n", at) else 1 if at < len(text) else 0)


def _cell_at(text: str, at: int, stops: re.Pattern[str]) -> tuple[str, int]:
    """One cell from `at`, and where it stops (its separator, its line end or the text's end):
    what follows a closing quote is the cell's too, as csv takes it."""
    parts: list[str] = []
    if text.startswith('"', at):
        at += 1
        while True:
            close = text.find('"', at)
            if close < 0:  # never closed: the rest of the text
                parts.append(text[at:])
                return "".join(parts), len(text)
            parts.append(text[at:close])
            if not text.startswith('"', close + 1):
                at = close + 1
                break
            parts.append('"')
            at = close + 2
    stop = stops.search(text, at)
    end = len(text) if stop is None else stop.start()
    parts.append(text[at:end])
    return "".join(parts), end
