"""The cells of an XLSX workbook's sheet as the file stores them: what `convflow import` (and
the dashboard's import page) read of a workbook (docs/spreadsheet-import.md).

openpyxl's rows are padded to the sheet's size, as its <dimension> declares it or as its
farthest cell gives it: one stray cell at XFD1048576 made 17 billion empty cells to walk, for
minutes. Here only the cells the file holds are read (by openpyxl's own parser of a sheet), so
the time taken follows the file's content, never the address of its farthest cell; and the
declared dimension is never used (any program can write one that lies).

A cell that gives no value as typed is kept as an `Unread` mark, with the refusal it makes: a
formula never computed (a file saved by a program, not by Excel), a formula showing an error
(#DIV/0!), a cell merged into another (Excel keeps the value of the range's first cell only,
the others are empty whatever the sheet shows), a cell past the header's last column. Each is
refused rather than read as empty or guessed: a vertically merged « Marseille » may well mean
Marseille for each row, but a range across `title` and `object` means nothing sure, and one
rule, said with the cell's address, is easier to act on than a guess to check.
"""

from __future__ import annotations

import warnings
import zlib
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zipfile import BadZipFile, ZipFile

from openpyxl import load_workbook  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from openpyxl.worksheet._read_only import ReadOnlyWorksheet  # type: ignore[import-untyped]
from openpyxl.worksheet._reader import (  # type: ignore[import-untyped]
    FORMULA_TAG,
    VALUE_TAG,
    WorkSheetParser,
)

from workflow.files.convention_file import ConventionFileError
from workflow.files.extract.documents import library_words
from workflow.files.unread_cells import Unread

MAX_UNPACKED_MB = 20
"""A workbook larger than this once unpacked (its XML parts, as its ZIP directory declares
them) is refused before it is read: a few kilobytes of ZIP can unpack to gigabytes of XML, hours
of parsing (a megabyte of cells takes about half a second). Ten thousand conventions take about
14 MB as openpyxl writes them, less as Excel does (it shares repeated texts)."""
_MB = 1024 * 1024
_READ = (".xml", ".rels")  # the parts openpyxl reads; an image, a macro is never unpacked
_BROKEN = (BadZipFile, InvalidFileException, KeyError, IndexError, OSError, ValueError,
           TypeError, AttributeError, SyntaxError, EOFError, zlib.error)  # fmt: skip
"""What openpyxl and the XML and ZIP readers raise on a damaged workbook (SyntaxError: the XML
parser's ParseError; AttributeError: openpyxl reading a chart sheet without its parts)."""


@dataclass(frozen=True)
class _Range:
    """A merged range: its bounds and the address of its first cell, the one with a value."""

    first_row: int
    last_row: int
    first_column: int
    last_column: int
    anchor: str


def sheet_rows(
    path: Path,
) -> tuple[list[Any], Iterator[tuple[int, list[Any]]], frozenset[int]]:
    """The active sheet's header (row 1, to its last named column) and each later row that
    holds something, with its number: its values to the header's width, an `Unread` where a
    cell gives none, and past the header one more, the first cell there holding something;
    and the numbers of the rows hidden in Excel (by hand, a filter or a folded group)."""
    stored, ranges, hidden = _stored(path)
    first = stored.pop(1, {})
    header = [None if isinstance(value, Unread) else value for value in _row(first)]
    while header and _blank(header[-1]):
        header.pop()
    width = len(header)
    numbers = sorted(number for number in stored if number > 1)
    covered = _covered(ranges, numbers, width)
    rows = ((n, _values(n, stored[n], width, covered)) for n in numbers)
    return header, rows, hidden


def _stored(path: Path) -> tuple[dict[int, dict[int, Any]], list[_Range], frozenset[int]]:
    """The active sheet's cells that hold something ({row: {column: value}}) and its merged
    ranges; a damaged or oversized workbook refused."""
    try:
        _check_unpacked(path)
        with warnings.catch_warnings():
            # openpyxl's English warnings (an unsupported extension, a style missing) say
            # nothing a person importing conventions can act on; a damaged cell is refused.
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
            try:
                return _parse(book)
            finally:
                book.close()
    except ConventionFileError:
        raise  # a refusal of ours (a ValueError too): as it is
    except _BROKEN as error:
        raise ConventionFileError(str(path), None, "file", "spreadsheet_unreadable",
                                  detail=library_words(error)) from None  # fmt: skip


def _check_unpacked(path: Path) -> None:
    """Refuse a workbook whose XML takes more than MAX_UNPACKED_MB once unpacked."""
    with ZipFile(path) as archive:
        size = sum(member.file_size for member in archive.infolist()
                   if member.filename.endswith(_READ))  # fmt: skip
    if size > MAX_UNPACKED_MB * _MB:
        raise ConventionFileError(str(path), None, "file", "workbook_too_large",
                                  size=-(-size // _MB), most=MAX_UNPACKED_MB)  # fmt: skip


class _Parser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's parser of a sheet, reading the value Excel last computed for a formula (as
    data_only does), and saying which formula has none."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if element.find(FORMULA_TAG) is not None and not _computed(element):
            cell["data_type"] = "formula without value"
        elif cell["data_type"] == "e" and element.get("t") != "e":
            # a date cell whose number is no date: openpyxl says #VALUE!, the file the number
            cell["value"], cell["data_type"] = element.findtext(VALUE_TAG), "n"
        return cell


def _computed(element: Any) -> bool:
    """A formula's cell holds the value Excel computed: a <v>, empty only for an empty text
    (openpyxl and other programs that compute nothing write an empty <v> or none)."""
    value = element.find(VALUE_TAG)
    return value is not None and (bool(value.text) or element.get("t") == "str")


def _parse(book: Any) -> tuple[dict[int, dict[int, Any]], list[_Range], frozenset[int]]:
    sheet = book.active
    if not isinstance(sheet, ReadOnlyWorksheet):
        return {}, [], frozenset()  # none, or a chart: no cells, no columns
    # The parser openpyxl's read-only sheet makes for its rows, with the same workbook facts.
    parser = _Parser(sheet._get_source(), sheet._shared_strings, data_only=True,
                     epoch=book.epoch, date_formats=book._date_formats,
                     timedelta_formats=book._timedelta_formats)  # fmt: skip
    stored: dict[int, dict[int, Any]] = {}
    try:
        for number, cells in parser.parse():
            held = {cell["column"]: _value(cell) for cell in cells}
            held = {column: value for column, value in held.items() if not _blank(value)}
            if held:
                stored.setdefault(number, {}).update(held)
    finally:
        parser.source.close()
    merged = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
    hidden = frozenset(int(number) for number, attrs in parser.row_dimensions.items()
                       if attrs.get("hidden") in _TRUE)  # fmt: skip
    return stored, [_range(cells.bounds) for cells in merged], hidden


_TRUE = ("1", "true")
"""An XML boolean's true (a row's `hidden`)."""


def _value(cell: Mapping[str, Any]) -> Any:
    """A stored cell's value, or the `Unread` mark of a formula that gives none."""
    address = f"{get_column_letter(cell['column'])}{cell['row']}"
    if cell["data_type"] == "formula without value":
        return Unread("sheet_formula_without_value", {"cell": address})
    if cell["data_type"] == "e":
        return Unread("sheet_formula_error", {"cell": address, "value": str(cell["value"])})
    return cell["value"]


def _range(bounds: tuple[int, int, int, int]) -> _Range:
    first_column, first_row, last_column, last_row = bounds
    anchor = f"{get_column_letter(first_column)}{first_row}"
    return _Range(first_row, last_row, first_column, last_column, anchor)


def _covered(
    ranges: Sequence[_Range], numbers: Sequence[int], width: int
) -> dict[tuple[int, int], str]:
    """The cells of rows `numbers` (sorted), to column `width`, that a merged range covers
    but does not start, each with the range's first cell. Column by column, the rows swept
    once: ranges that overlap (no valid file has them) cost no more than others."""
    if not numbers:
        return {}
    useful = sorted((r for r in ranges if r.first_column <= width and r.first_row <= numbers[-1]
                     and r.last_row >= numbers[0]), key=lambda r: r.first_row)  # fmt: skip
    covered: dict[tuple[int, int], str] = {}
    for column in range(1, width + 1):
        spans = [r for r in useful if r.first_column <= column <= r.last_column]
        covered.update(_swept(spans, numbers, column))
    return covered


def _swept(
    spans: Sequence[_Range], numbers: Sequence[int], column: int
) -> dict[tuple[int, int], str]:
    """The cells of `column` in rows `numbers` (sorted) that `spans` (merged ranges sorted by
    their first row) cover past their first cell, each with that first cell."""
    found: dict[tuple[int, int], str] = {}
    reach, widest, started = 0, None, 0
    for number in numbers[bisect_left(numbers, spans[0].first_row) :] if spans else ():
        while started < len(spans) and spans[started].first_row <= number:
            if spans[started].last_row > reach:
                reach, widest = spans[started].last_row, spans[started]
            started += 1
        first = widest is not None and (number, column) == (widest.first_row, widest.first_column)
        if widest is not None and number <= reach and not first:
            found[(number, column)] = widest.anchor
    return found


def _values(
    number: int, held: Mapping[int, Any], width: int, covered: Mapping[tuple[int, int], str]
) -> list[Any]:
    """A row's values to the header's width, its merged cells marked, and past the header its
    first cell holding something, marked too."""
    values = _row(held, width)
    for column in range(1, width + 1):
        anchor = covered.get((number, column))
        if anchor is not None:
            here = f"{get_column_letter(column)}{number}"
            values[column - 1] = Unread("sheet_merged_cell", {"cell": here, "merged_with": anchor})
    beyond = sorted(column for column in held if column > width)
    if beyond:
        value = held[beyond[0]]
        said = value.params.get("value", "") if isinstance(value, Unread) else str(value)[:80]
        address = f"{get_column_letter(beyond[0])}{number}"
        last = get_column_letter(width) if width else ""
        values.append(Unread("sheet_cell_beyond_columns",
                             {"cell": address, "value": said, "last": last}))  # fmt: skip
    return values


def _row(held: Mapping[int, Any], width: int | None = None) -> list[Any]:
    """Cells by column as a list from column A: to `width`, or to the last cell held."""
    size = max(held, default=0) if width is None else width
    values: list[Any] = [None] * size
    for column, value in held.items():
        if 1 <= column <= size:
            values[column - 1] = value
    return values


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
