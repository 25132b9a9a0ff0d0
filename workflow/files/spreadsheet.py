"""Conventions from a spreadsheet (CSV or XLSX): one convention per row, checked like a file.

The columns are the convention file's fields, flattened (docs/spreadsheet-import.md): the
parties as `party1_key`, `party1_name`, `party1_signatory_name`, `party1_signatory_title`,
`party1_signatory_email`, then `party2_...` (a third party is optional); the clauses by their
name. Every row is read before anything is written, and every bad cell is reported with its
row number and column; a file with one bad row loads nothing.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from states.convention import Convention
from states.spelling import closest
from workflow.files.convention_file import (
    ConventionFileError,
    ConventionIn,
    FileProblems,
    problem_of,
    refuse_rows,
    to_domain,
)
from workflow.files.csv_text import csv_rows
from workflow.files.regular import check_regular_file
from workflow.files.unread_cells import unread_problems
from workflow.files.utf8 import read_utf8

KINDS = (".csv", ".xlsx")
MAX_PARTIES = 3
CONVENTION_COLUMNS = ("reference", "title", "object", "amount", "end_date", "place")
PARTY_FIELDS = ("key", "name", "signatory_name", "signatory_title", "signatory_email")
CLAUSE_COLUMNS = (
    "dispute_window_days", "termination_notice_months", "payment_target_days",
    "signature_target_days",
)  # fmt: skip
REQUIRED = (*CONVENTION_COLUMNS, *(f"party{n}_{f}" for n in (1, 2) for f in PARTY_FIELDS))
COLUMNS = (
    *CONVENTION_COLUMNS,
    *(f"party{n}_{f}" for n in range(1, MAX_PARTIES + 1) for f in PARTY_FIELDS),
    *CLAUSE_COLUMNS,
)
_FRENCH_DATE = re.compile(r"^\s*([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})\s*$")


@dataclass(frozen=True)
class Row:
    """One convention read from a row, and the row's number as the spreadsheet shows it."""

    number: int
    convention: Convention
    hidden: bool = False
    """Hidden in Excel: read like the others, said in the report (workflow.wording.hidden_rows)."""


def cells_of(convention: Convention) -> dict[str, str]:
    """A convention as a row of the spreadsheet would give it, each column's value as text
    (an amount as its number, a date as YYYY-MM-DD), to tell whether a row says what a stored
    convention says; a party's first signatory only, as a row has one."""
    cells = {"reference": convention.reference, "title": convention.title,
             "object": convention.object, "amount": str(convention.amount.normalize()),
             "end_date": convention.end_date.isoformat(), "place": convention.place}  # fmt: skip
    for n, party in enumerate(convention.parties[:MAX_PARTIES], start=1):
        cells[f"party{n}_key"], cells[f"party{n}_name"] = party.key, party.name
        signatory = next((s for s in convention.signatories if s.party == party.key), None)
        if signatory is not None:
            cells[f"party{n}_signatory_name"] = signatory.name
            cells[f"party{n}_signatory_title"] = signatory.title
            cells[f"party{n}_signatory_email"] = signatory.email
    for name in CLAUSE_COLUMNS:
        cells[name] = str(getattr(convention.clauses, name))
    return cells


def differing_columns(read: Convention, stored: Convention) -> list[str]:
    """The columns where a row read says otherwise than the stored convention, in the
    spreadsheet's order."""
    mine, theirs = cells_of(read), cells_of(stored)
    return [name for name in COLUMNS if mine.get(name) != theirs.get(name)]


def template_csv() -> str:
    """The header line and the reference convention as an example row (the dashboard's
    template and docs/spreadsheet-import.md)."""
    example = {
        "reference": "AMP-CRPV-PACA-2025", "title": "Convention de partenariat ...",
        "object": "Accompagnement ...", "amount": "200000.00", "end_date": "2025-12-31",
        "place": "Marseille", "party1_key": "metropole",
        "party1_name": "Métropole Aix-Marseille-Provence",
        "party1_signatory_name": "Martial Alvarez",
        "party1_signatory_title": "Vice-Président délégué",
        "party1_signatory_email": "martial.alvarez@example.org", "party2_key": "crpv",
        "party2_name": "GIP CRPV PACA", "party2_signatory_name": "Mustapha Berra",
        "party2_signatory_title": "Directeur-ordonnateur",
        "party2_signatory_email": "mustapha.berra@example.org",
        "dispute_window_days": "30", "termination_notice_months": "6",
    }  # fmt: skip
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(example)
    return out.getvalue()


def read_spreadsheet(
    path: Path, *, payment_target_days: int, signature_target_days: int,
    also: Callable[[list[Row]], Sequence[Mapping[str, Any]]] | None = None,
) -> list[Row]:  # fmt: skip
    """Every row of a CSV or XLSX file as a convention; raise naming every bad cell. A file
    refused names too, each on its row, the problems `also` finds among the rows that read well
    (a reference already loaded): every problem at once, not those of a second try."""
    source = str(path)
    check_regular_file(path)
    if not path.is_file():
        raise ConventionFileError(source, None, "file", "file_not_found")
    header, rows, hidden = (_xlsx_rows(path) if path.suffix.lower() == ".xlsx"
                            else (*_csv_rows(path), frozenset()))  # fmt: skip
    columns = _columns(source, header)
    found: list[Row] = []
    problems = FileProblems()
    seen: dict[str, int] = {}
    for number, cells in rows:
        values = dict(zip(columns, cells, strict=False))
        if all(_blank(value) is None for value in values.values()):
            continue  # an empty row
        unread = unread_problems(number, columns, cells)  # an XLSX cell with no value to read
        if unread:
            problems.add(*unread)
            continue
        beyond = _beyond(number, columns, cells)
        if beyond is not None:
            problems.add(beyond)
            continue
        cents, noisy = _to_the_cent(number, columns, cells)
        if noisy is not None:
            problems.add(noisy)
            continue
        if cents is not None:
            values["amount"] = cents
        try:
            parsed = ConventionIn.model_validate(_nested(values))
        except ValidationError as error:
            problems.add(*(_problem(number, item, values) for item in error.errors()))
            continue
        same = parsed.reference.upper()  # AMP-X and amp-x: one reference, as a person reads
        if same in seen:
            again = {"value": parsed.reference, "first": seen[same]}
            problems.add({"field": "reference", "line": number, "code": "duplicate_in_file",
                          "params": again})  # fmt: skip
            continue
        seen[same] = number
        convention = to_domain(parsed, payment_target_days, signature_target_days)
        found.append(Row(number, convention, hidden=number in hidden))
    if problems and also is not None and found:
        problems = _with(problems, also(found))
    refuse_rows(source, problems, len(found))
    return found


def _with(problems: FileProblems, more: Sequence[Mapping[str, Any]]) -> FileProblems:
    """A file's problems with some more, all in the order of their rows."""
    merged = FileProblems()
    merged.add(*sorted([*problems.kept, *more], key=lambda problem: problem["line"] or 0))
    merged.not_kept += problems.not_kept
    return merged


FLOAT_NOISE = 1e-6
"""How far from a whole number of cents an amount's number cell may be and still be read as
those cents: the binary rounding of a formula's result (=45500*0.7 stores 31849.999999999996,
0.1+0.2 stores 0.30000000000000004) is some 1e-12 of a cent; an amount a person typed or a
formula computed past the cent (=12500/3, 12500.001) is farther."""


def _to_the_cent(
    number: int, columns: Sequence[str], cells: Sequence[Any]
) -> tuple[str | None, dict[str, Any] | None]:
    """A row's amount given as a number cell (XLSX: a float) as the text of its cents, when it
    is a whole number of cents but for the binary rounding of its computation (FLOAT_NOISE),
    or the problem of an amount past the cent, naming its cell: rounded here, it would be an
    amount no one wrote. None for any other amount: a whole number, and a text, which keeps
    the rules of text (no rounding)."""
    position = columns.index("amount") if "amount" in columns else len(cells)
    value = cells[position] if position < len(cells) else None
    if not isinstance(value, float) or not math.isfinite(value) or value.is_integer():
        return None, None
    cents = value * 100
    if abs(cents - round(cents)) >= FLOAT_NOISE:
        cell = f"{column_letter(position + 1)}{number}"
        return None, {"field": "amount", "line": number, "code": "sheet_amount_past_the_cent",
                      "params": {"cell": cell, "value": repr(value)}}  # fmt: skip
    return str(Decimal(round(cents)).scaleb(-2)), None


def _beyond(number: int, columns: Sequence[str], cells: Sequence[Any]) -> dict[str, Any] | None:
    """A cell given past the header's last column, as a problem of its row: most often the row
    was shifted by a « ; » typed in a cell without quotes, every value after it in the wrong
    column. Empty cells there (as Excel leaves them) are no problem."""
    for position, cell in enumerate(cells[len(columns) :], start=len(columns) + 1):
        if _blank(cell) is not None:
            params = {"column": position, "value": str(cell)[:80]}
            return {"field": "file", "line": number, "code": "cell_beyond_columns",
                    "params": params}  # fmt: skip
    return None


_REPEATED = {"duplicate_party_keys": "key", "duplicate_signatory_emails": "signatory_email"}
"""A row's problems about its parties as a whole, and the column each repeats a value of."""


def _problem(number: int, item: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    code, params = problem_of(item)
    if code == "file_not_a_date":  # a spreadsheet takes 31/12/2025: its example is that form
        value = str(params.get("value", ""))
        code = "sheet_not_a_calendar_date" if is_french_date(value) else "sheet_not_a_date"
    field = column_of(tuple(item["loc"]))
    if code in _REPEATED and not item["loc"]:  # the party's column that repeats, not the row's
        field = _repeated_column(values, _REPEATED[code]) or field
    return {"field": field, "line": number, "code": code, "params": params}


def _repeated_column(values: Mapping[str, Any], name: str) -> str | None:
    """The first party's column (`party2_key`) holding what an earlier party's holds, case and
    spaces aside."""
    seen: set[str] = set()
    for n in range(1, MAX_PARTIES + 1):
        column = f"party{n}_{name}"
        held = str(_cell(values.get(column)) or "").strip().lower()
        if held and held in seen:
            return column
        seen.add(held)
    return None


def column_of(loc: Sequence[int | str]) -> str:
    """The spreadsheet column a validation problem is about."""
    if not loc:
        return "reference"
    if loc[0] == "parties":
        if len(loc) == 1:
            return "party2_key"  # fewer than two parties: the second is missing
        party = f"party{int(loc[1]) + 1}"
        if len(loc) >= 3 and loc[2] == "signatories":
            return f"{party}_signatory_{loc[4]}" if len(loc) >= 5 else f"{party}_signatory_name"
        return f"{party}_{loc[2]}" if len(loc) >= 3 else f"{party}_key"
    if loc[0] == "clauses" and len(loc) >= 2:
        return str(loc[1])
    return str(loc[0])


def _columns(source: str, header: Sequence[Any]) -> list[str]:
    names = [str(name or "").strip().lower() for name in header]
    return checked_header(source, names, COLUMNS, REQUIRED)


def checked_header(
    source: str, names: list[str], allowed: Sequence[str], required: Sequence[str]
) -> list[str]:
    """A file's header, its first unknown column (with the known one it most likely means), a
    column named twice or its missing ones refused on line 1."""
    unknown = [name for name in names if name and name not in allowed]
    if unknown:
        raise ConventionFileError(source, 1, unknown[0], "unknown_column", allowed=list(allowed),
                                  closest=closest(unknown[0], allowed))  # fmt: skip
    refuse_twice(source, names)
    missing = [name for name in required if name not in names]
    if missing:
        raise ConventionFileError(source, 1, missing[0], "missing_columns", columns=missing)
    return names


def refuse_twice(source: str, names: Sequence[str]) -> None:
    """A header naming a column twice, refused on line 1 with both columns' letters: a row
    would hold two values for one field, and only one of them would be read."""
    first: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name and name in first:
            raise ConventionFileError(source, 1, name, "duplicate_column",
                                      first=column_letter(first[name]),
                                      second=column_letter(position))  # fmt: skip
        first.setdefault(name, position)


def column_letter(position: int) -> str:
    """A column's letters as a spreadsheet shows them: 1 is A, 26 Z, 27 AA."""
    letters = ""
    while position > 0:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _nested(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row as the convention file's structure: its values in their tables."""
    data: dict[str, Any] = {}
    for name in CONVENTION_COLUMNS:
        value = _cell(values.get(name))
        if value is not None:
            data[name] = _date_text(value) if name == "end_date" else value
    clauses = {name: _whole(_cell(values.get(name))) for name in CLAUSE_COLUMNS}
    data["clauses"] = {name: value for name, value in clauses.items() if value is not None}
    parties = []
    for n in range(1, MAX_PARTIES + 1):
        cells = {f: _cell(values.get(f"party{n}_{f}")) for f in PARTY_FIELDS}
        if n > 2 and all(value is None for value in cells.values()):
            continue
        signatory = {key: cells[f"signatory_{key}"] for key in ("name", "title", "email")}
        given = {k: v for k, v in signatory.items() if v is not None}
        parties.append({"key": cells["key"], "name": cells["name"], "signatories": [given]})
    data["parties"] = [{k: v for k, v in p.items() if v is not None} for p in parties]
    return data


def _whole(value: Any) -> Any:
    """A whole number typed in a text cell ("30") as the number; anything else as it is."""
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value):
        return int(value)
    return value


def _blank(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _cell(value: Any) -> Any:
    """A cell's value as the file would hold it: text stays text, whole numbers stay numbers,
    an amount typed as a number becomes its exact text, a date cell its date."""
    value = _blank(value)
    if isinstance(value, float):
        return str(Decimal(str(value))) if not value.is_integer() else int(value)
    if isinstance(value, datetime):
        return value.date()
    return value.strip() if isinstance(value, str) else value


def _date_text(value: Any) -> Any:
    """A date typed the French way (31/12/2025) read as the date it says."""
    if isinstance(value, str) and is_french_date(value):
        return french_date(value) or value  # refused below as not a date, with the value shown
    return value


def is_french_date(text: str) -> bool:
    """Whether `text` is written JJ/MM/AAAA (31/12/2025, 1/2/2026), whatever the day it names."""
    return _FRENCH_DATE.match(text) is not None


def french_date(text: str) -> date | None:
    """The day `text` writes JJ/MM/AAAA (31/12/2025); None when it is not written so, or names
    no day of the calendar (31/02/2025). The spreadsheet's reading, which the dashboard's date
    fields share: a date typed by hand the French way is read as the date it says."""
    match = _FRENCH_DATE.match(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    return csv_rows(read_utf8(path, spreadsheet=True))


def _xlsx_rows(
    path: Path,
) -> tuple[list[Any], Iterator[tuple[int, list[Any]]], frozenset[int]]:
    from workflow.files.xlsx_sheet import sheet_rows  # only XLSX pays for openpyxl

    return sheet_rows(path)
