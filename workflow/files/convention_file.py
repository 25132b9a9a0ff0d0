"""Convention files: a declarative TOML description of a convention, checked field by field.

A malformed file is refused with the field (and its line) named; nothing reaches the
database until the whole file is valid.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from states.convention import Articles, Clauses, Convention, Party, ReminderOffsets, Signatory
from states.errors import InvalidInput
from states.inputs import parse_amount

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
Offsets = Annotated[list[Annotated[int, Field(ge=0, le=730)]], Field(max_length=12)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignatoryIn(_Strict):
    """A signatory as written in the file."""

    name: str = Field(min_length=1, max_length=300)
    title: str = Field(min_length=1, max_length=300)
    email: str = Field(max_length=320)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"'{value}' is not an email address")
        return value


class PartyIn(_Strict):
    """A party as written in the file."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str = Field(min_length=1, max_length=300)
    signatories: list[SignatoryIn] = Field(min_length=1)


class RemindersIn(_Strict):
    """Reminder offsets (days before each deadline); missing ones take the defaults."""

    expiry: Offsets = list(ReminderOffsets.expiry)
    termination: Offsets = list(ReminderOffsets.termination)
    dispute_window: Offsets = list(ReminderOffsets.dispute_window)
    court_possible: bool = ReminderOffsets.court_possible
    signature_every_days: int = Field(default=ReminderOffsets.signature_every_days, ge=1, le=90)
    payment: Offsets = list(ReminderOffsets.payment)


class ArticlesIn(_Strict):
    """Which article of the convention holds each clause, for explanations."""

    payment: str = Articles.payment
    term: str = Articles.term
    amendment: str = Articles.amendment
    dispute: str = Articles.dispute
    termination: str = Articles.termination


class ClausesIn(_Strict):
    """The clause parameters; payment and signature targets default to the settings."""

    dispute_window_days: int = Field(default=30, ge=1, le=365)
    termination_notice_months: int = Field(default=6, ge=1, le=120)
    payment_target_days: int | None = Field(default=None, ge=1, le=365)
    signature_target_days: int | None = Field(default=None, ge=1, le=365)
    articles: ArticlesIn = ArticlesIn()


class ConventionIn(_Strict):
    """A whole convention file."""

    reference: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
    title: str = Field(min_length=1)
    object: str = Field(min_length=1)
    amount: Decimal
    end_date: date
    place: str = Field(min_length=1, max_length=200)
    parties: list[PartyIn] = Field(min_length=2)
    clauses: ClausesIn = ClausesIn()
    reminders: RemindersIn = RemindersIn()

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal:
        if isinstance(value, float):
            raise ValueError(
                f"{value} is a TOML float and would not stay exact; write it as a string, "
                'e.g. amount = "200000.00"'
            )
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError('expected an amount in euros, e.g. "200000.00"')
        try:
            return parse_amount(str(value))
        except InvalidInput as error:
            raise ValueError(error.problem) from None

    @model_validator(mode="after")
    def _unique(self) -> ConventionIn:
        keys = [p.key for p in self.parties]
        if len(set(keys)) != len(keys):
            raise ValueError(f"party keys must be unique: {', '.join(keys)}")
        emails = [s.email.lower() for p in self.parties for s in p.signatories]
        duplicates = sorted({e for e in emails if emails.count(e) > 1})
        if duplicates:
            raise ValueError(f"a signatory email appears twice: {', '.join(duplicates)}")
        return self


class ConventionFileError(InvalidInput):
    """A convention file is malformed: the message names the file, line and field."""

    def __init__(self, source: str, line: int | None, field: str, problem: str) -> None:
        self.source, self.line = source, line
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {field}", problem)


def read_convention_file(
    path: Path, *, payment_target_days: int, signature_target_days: int
) -> Convention:
    """The convention a TOML file describes, in `draft`; raise naming what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConventionFileError(str(path), None, "file", "not found") from None
    except UnicodeDecodeError as error:
        raise ConventionFileError(str(path), None, "file", f"not UTF-8 text ({error})") from None
    return parse_convention(
        text,
        str(path),
        payment_target_days=payment_target_days,
        signature_target_days=signature_target_days,
    )


def parse_convention(
    text: str, source: str, *, payment_target_days: int, signature_target_days: int
) -> Convention:
    """The convention a TOML text describes; `source` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = toml_position(str(error))
        raise ConventionFileError(source, line, "TOML syntax", message) from None
    try:
        parsed = ConventionIn.model_validate(data)
    except ValidationError as error:
        raise _file_error(text, source, error) from None
    return _to_domain(parsed, payment_target_days, signature_target_days)


_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def toml_position(message: str) -> tuple[str, int | None]:
    """tomllib (before Python 3.14) puts the position only in its message."""
    found = _POSITION.search(message)
    if not found:
        return message, None
    return f"{message[: found.start()]} (column {found.group(2)})", int(found.group(1))


def _file_error(text: str, source: str, error: ValidationError) -> ConventionFileError:
    """One error naming the first problem's field and line, and every other problem after it."""
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        line = locate(text, loc)
        problems.append((line is None, line or 0, _dotted(loc) or "file", _problem(item), line))
    problems.sort(key=lambda p: p[:2])
    _, _, field, problem, line = problems[0]
    others = [f"{f}: {p}" + (f" (line {n})" if n else "") for _, _, f, p, n in problems[1:]]
    if others:
        problem += "; also " + "; ".join(others)
    return ConventionFileError(source, line, field, problem)


def _problem(error: Any) -> str:
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "missing":
        return "required field is missing"
    if str(error["type"]).startswith(("date_", "datetime_")):
        return f'{error["input"]!r} is not a date: write it 2025-12-31 (TOML date) or "2025-12-31"'
    return message


def _dotted(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _to_domain(parsed: ConventionIn, payment_days: int, signature_days: int) -> Convention:
    reminders = parsed.reminders
    clauses = Clauses(
        dispute_window_days=parsed.clauses.dispute_window_days,
        termination_notice_months=parsed.clauses.termination_notice_months,
        payment_target_days=parsed.clauses.payment_target_days or payment_days,
        signature_target_days=parsed.clauses.signature_target_days or signature_days,
        reminders=ReminderOffsets(
            expiry=tuple(sorted(set(reminders.expiry), reverse=True)),
            termination=tuple(sorted(set(reminders.termination), reverse=True)),
            dispute_window=tuple(sorted(set(reminders.dispute_window), reverse=True)),
            court_possible=reminders.court_possible,
            signature_every_days=reminders.signature_every_days,
            payment=tuple(sorted(set(reminders.payment), reverse=True)),
        ),
        articles=Articles(**parsed.clauses.articles.model_dump()),
    )
    return Convention(
        reference=parsed.reference,
        title=parsed.title,
        object=parsed.object,
        place=parsed.place,
        amount=parsed.amount,
        end_date=parsed.end_date,
        clauses=clauses,
        parties=[Party(p.key, p.name) for p in parsed.parties],
        signatories=[
            Signatory(party=p.key, name=s.name, title=s.title, email=s.email)
            for p in parsed.parties
            for s in p.signatories
        ],
    )


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def locate(text: str, loc: Sequence[int | str]) -> int | None:
    """The line of the field at `loc` (e.g. ('parties', 1, 'signatories', 0, 'email')).

    A small reader of TOML's line structure (table headers and `key =` lines): enough to point
    at the field a validation error names, or at its table when the field is missing.
    """
    wanted = tuple(loc)
    counters: dict[tuple[int | str, ...], int] = {}
    table: tuple[int | str, ...] = ()
    best: tuple[int, int] | None = None  # (matched depth, line)
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _table_path(header.group(1) == "[[", header.group(2), table, counters)
            path = table
        elif (key := _KEY.match(line)) is not None:
            path = (*table, key.group(1))
        else:
            continue
        depth = _common_prefix(path, wanted)
        if depth == len(path) and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best else None


def _table_path(
    is_array: bool,
    name: str,
    current: tuple[int | str, ...],
    counters: dict[tuple[int | str, ...], int],
) -> tuple[int | str, ...]:
    parts = [part.strip().strip("\"'") for part in name.split(".")]
    path: tuple[int | str, ...] = ()
    for i, part in enumerate(parts):
        path = (*path, part)
        last = i == len(parts) - 1
        if last and is_array:
            index = counters.get(path, -1) + 1
            counters[path] = index
            for key in [k for k in counters if len(k) > len(path) and k[: len(path)] == path]:
                del counters[key]
            path = (*path, index)
        elif not last and path in counters:
            path = (*path, counters[path])
    return path


def _common_prefix(path: tuple[int | str, ...], wanted: tuple[int | str, ...]) -> int:
    depth = 0
    for mine, theirs in zip(path, wanted, strict=False):
        if mine != theirs:
            break
        depth += 1
    return depth
