"""Cells of a spreadsheet that give no value to read (an XLSX formula never computed, a cell
merged into another...: workflow/files/xlsx_sheet.py), each the refusal of its row's column.
Apart from the XLSX reader so that a CSV import does not load openpyxl to look for them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Unread:
    """A cell that gives no value to read, and the refusal it makes (its code and params)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


def unread_problems(
    number: int, columns: Sequence[str], cells: Sequence[Any]
) -> list[dict[str, Any]]:
    """The problems of a row's cells that give no value to read, each on its column (a cell
    past the header's last column on the file, as a shifted row's cell is); a column without a
    name is not read, nor are its cells."""
    found = []
    for position, cell in enumerate(cells):
        name = columns[position] if position < len(columns) else "file"
        if isinstance(cell, Unread) and name:
            found.append({"field": name, "line": number, "code": cell.code,
                          "params": dict(cell.params)})  # fmt: skip
    return found
