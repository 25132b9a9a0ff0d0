"""The SCDL « subventions » CSV read back: each row a draft convention to complete.

The open-data file (docs/scdl/README.md; `convflow export scdl` writes it) says who grants to
whom (names, SIRET), the object, the amount and how it is paid, the award decision's reference
and the convention's date; not what a convention file requires besides (reference, title,
term, place, the parties' keys, the signatories). So a row is read into the convention file's
fields it gives, by their dotted names (workflow.files.fields), with the list of the required
fields it leaves to a person; nothing is guessed (docs/spreadsheet-import.md, the mapping).
The other columns are kept as they were written (`facts`), for the person who completes it.

The file is checked whole, every bad cell named with its line and column; one bad row and the
file gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from states.inputs import EARLIEST, LARGEST_AMOUNT, LATEST, MAX_INPUT
from states.open_data import COLUMNS, MAX_OBJECT, is_rna, is_siret
from states.visible import has_format_characters
from workflow.files.convention_file import (
    NAME_MOST,
    ConventionFileError,
    FileProblems,
    refuse_rows,
)
from workflow.files.csv_text import csv_rows
from workflow.files.spreadsheet import checked_header
from workflow.files.utf8 import read_utf8

REQUIRED = (
    "nomAttribuant", "idAttribuant", "dateConvention", "nomBeneficiaire", "objet", "montant",
    "nature", "conditionsVersement", "datesPeriodeVersement", "notificationUE",
    "pourcentageSubvention",
)  # fmt: skip
"""The schema's required columns (docs/scdl/subventions-schema.json)."""
NATURES = (
    "aide en numéraire", "aide en nature", "aide en numéraire;aide en nature",
    "aide en nature;aide en numéraire",
)  # fmt: skip
MAPPED = {
    "nomAttribuant": "parties[0].name",
    "idAttribuant": "parties[0].siret",
    "nomBeneficiaire": "parties[1].name",
    "idBeneficiaire": "parties[1].siret",
    "rnaBeneficiaire": "parties[1].rna",
    "objet": "object",
    "montant": "amount",
}
"""Each SCDL column that is a convention file's field, and that field (the mapping)."""
TO_COMPLETE = (
    "reference", "title", "end_date", "place",
    "parties[0].key", "parties[0].signatories[0].name", "parties[0].signatories[0].title",
    "parties[0].signatories[0].email",
    "parties[1].key", "parties[1].signatories[0].name", "parties[1].signatories[0].title",
    "parties[1].signatories[0].email",
)  # fmt: skip
"""The convention file's required fields no SCDL column gives: a person fills them."""
SCHEDULE = "payment.instalments"
"""Missing too when the payment is `échelonné`: the SCDL row does not say the instalments."""
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_LONGEST = {
    "nomAttribuant": NAME_MOST, "nomBeneficiaire": NAME_MOST,  # a party's name in a file
    "objet": MAX_OBJECT, "conditionsVersement": MAX_OBJECT,
    "referenceDecision": MAX_INPUT, "dispositifAide": MAX_INPUT,  # as `convflow award` takes
    "idRAE": 5,
    "pourcentageSubvention": MAX_INPUT,  # a number, kept as written in the draft's facts
}  # fmt: skip
"""The most characters of each text column: what the field it becomes takes, or the schema's
(an idRAE has 5), or what any input typed in convflow takes (a share of 100 000 digits is a
number between 0 and 1, and was kept whole in its draft)."""
_YES_NO = {"oui": True, "true": True, "1": True, "non": False, "false": False, "0": False}
MAX_ROWS = 10_000


@dataclass(frozen=True)
class ScdlRow:
    """One row of the file: the convention file's fields it gives (dotted names, as text),
    the other columns as written, the required fields still missing, and its line."""

    line: int
    fields: dict[str, str]
    facts: dict[str, str]
    missing: tuple[str, ...]
    decision: str = ""
    """The award decision's reference (`referenceDecision`), "" when the row has none."""
    beneficiary: str = ""
    """The beneficiary's SIRET, or its RNA number."""

    @property
    def key(self) -> str:
        """What identifies the subsidy (dedupe): its award decision and its beneficiary;
        without a decision's reference, the beneficiary, the convention's date and amount."""
        return f"{self.decision}|{self.beneficiary}" if self.decision else self.content_key

    @property
    def content_key(self) -> str:
        """The subsidy by its beneficiary, the convention's date and the amount."""
        return f"|{self.beneficiary}|{self.facts.get('dateConvention')}|{self.fields['amount']}"


@dataclass
class _Checked:
    line: int
    problems: list[dict[str, Any]] = field(default_factory=list)

    def refuse(self, column: str, code: str, **params: Any) -> None:
        self.problems.append({"field": column, "line": self.line, "code": code,
                              "params": params})  # fmt: skip


def is_scdl_header(header: Sequence[Any]) -> bool:
    """True when a first row names SCDL columns: three or more of the schema's names (none
    is a column of convflow's own spreadsheet), so that a file missing one is still read as
    SCDL, and refused naming the column."""
    names = {str(name or "").strip() for name in header}
    return len(names & set(COLUMNS)) >= 3


def csv_header(path: Path) -> list[str]:
    """The first row of a CSV file ([] if it cannot be read as UTF-8 text, or is no regular
    file: a named pipe would wait for a writer here; its reading refuses it)."""
    if not path.is_file():
        return []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):
        return []
    return csv_header_of(first)


def csv_header_of(text: str) -> list[str]:
    """The first row of a CSV text."""
    return csv_rows(text)[0]


def is_scdl_file(path: Path) -> bool:
    """A CSV file whose header is the SCDL's."""
    return path.suffix.lower() == ".csv" and is_scdl_header(csv_header(path))


def read_scdl(path: Path, source: str | None = None) -> list[ScdlRow]:
    """Every row of an SCDL « subventions » CSV; raise naming every bad cell (line, column)."""
    source = source or str(path)
    text = read_utf8(path, source, spreadsheet=True)
    return parse_scdl(text, source)


def parse_scdl(text: str, source: str) -> list[ScdlRow]:
    """The rows of an SCDL CSV's text (see read_scdl)."""
    header, rows = csv_rows(text)
    columns = _columns(source, header)
    found: list[ScdlRow] = []
    problems = FileProblems()
    seen: dict[str, int] = {}
    for line, cells in rows:
        values = {name: cell.strip() for name, cell in zip(columns, cells, strict=False) if name}
        if not any(values.values()):
            continue
        if len(found) + len(problems) >= MAX_ROWS:
            raise ConventionFileError(source, line, "file", "too_many_items", most=MAX_ROWS)
        checked = _Checked(line)
        row = _row(values, checked)
        if checked.problems:
            problems.add(*checked.problems)
            continue
        assert row is not None
        if row.decision and row.key in seen:
            again = {"value": row.decision, "first": seen[row.key]}
            problems.add({"field": "referenceDecision", "line": line,
                          "code": "duplicate_in_file", "params": again})  # fmt: skip
            continue
        seen[row.key] = line
        found.append(row)
    refuse_rows(source, problems, len(found))
    return found


def _columns(source: str, header: Sequence[str]) -> list[str]:
    return checked_header(source, [name.strip() for name in header], COLUMNS, REQUIRED)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _row(values: dict[str, str], checked: _Checked) -> ScdlRow | None:
    for name, value in values.items():
        if _CONTROL.search(value):
            checked.refuse(name, "control_characters")
    for name in REQUIRED:
        if not values.get(name):
            checked.refuse(name, "required_field")
    for name in ("idAttribuant", "idBeneficiaire"):
        given = values.get(name, "").replace(" ", "")
        if given and not is_siret(given):
            checked.refuse(name, "not_a_siret", value=values[name])
        values[name] = given if name in values else ""
    rna = values.get("rnaBeneficiaire", "")
    if rna and not is_rna(rna):
        checked.refuse("rnaBeneficiaire", "not_an_rna", value=rna)
    if not values.get("idBeneficiaire") and not rna:
        checked.refuse("idBeneficiaire", "scdl_identifier_missing")
    _check_day(values.get("dateConvention", ""), "dateConvention", checked)
    _check_period(values.get("datesPeriodeVersement", ""), checked)
    amount = _amount(values.get("montant", ""), checked)
    for name, most in _LONGEST.items():
        if len(values.get(name, "")) > most:
            checked.refuse(name, "text_too_long", most=most, given=len(values[name]))
    decision = values.get("referenceDecision", "")
    if has_format_characters(decision):  # DEL\u200b-1 is not DEL-1: the dedupe would miss it
        checked.refuse("referenceDecision", "invisible_characters", value=decision)
    nature = values.get("nature", "")
    if nature and nature not in NATURES:
        checked.refuse("nature", "not_one_of", value=nature, choices=list(NATURES))
    condition = values.get("conditionsVersement", "")
    told = values.get("notificationUE", "")
    if told and told.lower() not in _YES_NO:
        checked.refuse("notificationUE", "not_yes_or_no", value=told)
    _share(values.get("pourcentageSubvention", ""), checked)
    if checked.problems or amount is None:
        return None
    fields = {target: values[column] for column, target in MAPPED.items() if values.get(column)}
    fields["amount"] = str(amount)
    facts = {name: values[name] for name in COLUMNS
             if name not in MAPPED and values.get(name)}  # fmt: skip
    missing = list(TO_COMPLETE)
    if condition.lower() not in ("unique", "versement unique"):
        missing.append(SCHEDULE)
    return ScdlRow(
        checked.line, fields, facts, tuple(missing), values.get("referenceDecision", ""),
        values.get("idBeneficiaire") or rna,
    )  # fmt: skip


def _check_day(text: str, column: str, checked: _Checked, shown: str | None = None) -> date | None:
    """The day a cell writes AAAA-MM-JJ, between convflow's bounds (states.inputs: a date of
    this century, as everywhere else); None, refused, otherwise."""
    if not text:
        return None
    try:
        if not _DAY.match(text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        checked.refuse(column, "scdl_not_a_date", value=shown or text)
        return None
    if not EARLIEST <= day <= LATEST:
        checked.refuse(column, "date_out_of_range", value=text, low=EARLIEST.isoformat(),
                       high=LATEST.isoformat())  # fmt: skip
        return None
    return day


def _check_period(period: str, checked: _Checked) -> None:
    """A day, or a period AAAA-MM-JJ/AAAA-MM-JJ that starts before it ends."""
    if not period:
        return
    if period.count("/") > 1:
        checked.refuse("datesPeriodeVersement", "scdl_not_a_date", value=period)
        return
    days = [_check_day(part, "datesPeriodeVersement", checked, shown=period)
            for part in period.split("/")]  # fmt: skip
    if len(days) == 2 and days[0] is not None and days[1] is not None and days[1] < days[0]:
        checked.refuse("datesPeriodeVersement", "scdl_period_reversed", value=period,
                       start=days[0].isoformat(), end=days[1].isoformat())  # fmt: skip


def _amount(text: str, checked: _Checked) -> Decimal | None:
    """The schema's number: a point as decimal separator, no thousands separator."""
    if not text:
        return None
    try:
        if not re.fullmatch(r"-?\d+(\.\d{1,2})?", text):
            raise InvalidOperation(text)
        amount = Decimal(text)
    except InvalidOperation:
        checked.refuse("montant", "scdl_not_an_amount", value=text)
        return None
    if amount <= 0:
        checked.refuse("montant", "amount_not_positive")
        return None
    if amount > LARGEST_AMOUNT:  # what a convention's amount can be (states.inputs)
        checked.refuse("montant", "amount_too_large", most=str(LARGEST_AMOUNT))
        return None
    return amount.quantize(Decimal("0.01"))


def _share(text: str, checked: _Checked) -> None:
    if not text:
        return
    try:
        share = Decimal(text)
    except InvalidOperation:
        share = Decimal(-1)
    if not share.is_finite() or not Decimal("0.01") <= share <= 1:
        checked.refuse("pourcentageSubvention", "scdl_share_out_of_range", value=text)
