"""The inputs each event takes, parsed from text the same way for the CLI and the HTTP API.

`key=value` pairs arrive as strings; each event declares which keys it accepts and which it
requires, and every value is checked here so a bad one is refused before anything changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from states.calendar import civil_date, start_of_day
from states.committee import MAX_MINUTES
from states.deadlines import RegisteredLetter
from states.errors import InvalidInput


@dataclass(frozen=True)
class InputSpec:
    """The keys an event accepts and the ones it requires."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every key the event accepts."""
        return self.required + self.optional


INPUTS: dict[str, InputSpec] = {
    "record_award": InputSpec(
        required=("decision", "adopted"), optional=("published", "notified", "transmitted", "note")
    ),
    "publish": InputSpec(required=("url",), optional=("note",)),
    "committee_meeting": InputSpec(
        required=("attendees", "decisions"), optional=("minutes", "note")
    ),
    "committee_cadence": InputSpec(required=("months",), optional=("note",)),
    "submit": InputSpec(optional=("note",)),
    "sign": InputSpec(required=("signatory",)),
    "cancel": InputSpec(optional=("reason",)),
    "notify": InputSpec(optional=("note",)),
    "pay": InputSpec(required=("amount",), optional=("instalment", "mandate", "note")),
    "report_received": InputSpec(optional=("report", "instalment", "note")),
    "forgo_payment": InputSpec(required=("reason",), optional=("instalment", "note")),
    "open_dispute": InputSpec(
        required=("party",),
        optional=("received", "dispatched", "presented", "uncollected", "electronic", "subject"),
    ),
    "settle": InputSpec(optional=("agreement",)),
    "go_to_court": InputSpec(optional=("court",)),
    "close_litigation": InputSpec(optional=("ruling",)),
    "give_notice": InputSpec(
        required=("party",),
        optional=("received", "dispatched", "presented", "uncollected", "electronic"),
    ),
    "expire": InputSpec(),
    "terminate": InputSpec(),
}


AMENDMENT_INPUTS: dict[str, InputSpec] = {
    "record_award": InputSpec(
        required=("decision", "adopted"), optional=("published", "notified", "transmitted", "note")
    ),
    "submit": InputSpec(optional=("note",)),
    "sign": InputSpec(required=("signatory",)),
    "abandon": InputSpec(optional=("reason", "note")),
    "lapse": InputSpec(),  # recorded by the service when the convention ends
}
"""The inputs of an amendment's events."""


def check_keys(
    trigger: str, inputs: Mapping[str, str], specs: Mapping[str, InputSpec] = INPUTS
) -> dict[str, str]:
    """Refuse unknown or missing keys; return the inputs with surrounding spaces stripped.

    An optional input given blank (`note=''`, `mandate='   '`) is left out, as not given: the
    dashboard's forms send their empty fields so, and the history, `status --json` and the
    emails then show no input with nothing in it, whether it came from the command line, the
    API or a form. A required one given blank stays refused (`required_input`); an optional
    one of invisible characters only (« \u200b ») is refused (`empty_text`): no form sends it."""
    spec = specs[trigger]
    stripped = {key.strip(): value.strip() for key, value in inputs.items()}
    for key in stripped:
        if key not in spec.accepted:
            if not spec.accepted:
                raise InvalidInput(key, "no_input_accepted", event=trigger)
            raise InvalidInput(key, "unknown_input", event=trigger, accepted=spec.accepted)
    for key in spec.required:
        if not stripped.get(key):
            raise InvalidInput(key, "required_input", event=trigger)
    cleaned = {key: value for key, value in stripped.items() if value}
    for key, value in cleaned.items():
        check_text(value, key, LONG_INPUTS.get(key, MAX_INPUT))
        if not shows_something(value):  # « \u202e\u200b »: says nothing, looks blank
            if key in spec.required:
                raise InvalidInput(key, "required_input", event=trigger)
            raise InvalidInput(key, "empty_text")
    return cleaned


MAX_INPUT, MAX_ACTOR = 1000, 200
PROSE_INPUTS = ("note", "reason", "agreement", "ruling", "subject", "attendees", "decisions",
                "minutes")  # fmt: skip
"""The inputs a person writes as prose, on several lines if they like (a committee's minutes,
a note): a text area on the dashboard, their line breaks kept wherever they are read."""
"""The longest input a person types, and the longest name recorded as who did it."""
LONG_INPUTS = {"minutes": MAX_MINUTES}
"""The inputs that may be longer: a committee's minutes as text (rule 23)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
"""NUL, the terminal controls, and the bidirectional embeddings, overrides and isolates
(U+202A-U+202E, U+2066-U+2069): « \u202e » turns the rest of a line around in an email or a
terminal, so that what is read is not what was typed. The direction marks (U+200E, U+200F,
U+061C), which text mixing Arabic or Hebrew and Latin letters needs, stay."""
_BLANK_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp")
"""Characters that show nothing: controls, invisible format characters (zero-width spaces and
joiners, direction marks), spaces and separators."""


def shows_something(value: str) -> bool:
    """Whether `value` has a character that shows: not only spaces and invisible characters."""
    return any(unicodedata.category(c) not in _BLANK_CATEGORIES for c in value)


def check_text(value: str, field: str, most: int) -> str:
    """Text a person typed: at most `most` characters, no NUL, terminal control character nor
    bidirectional override (they would corrupt what is shown or read the rest backwards, and
    PostgreSQL refuses NUL)."""
    if len(value) > most:
        raise InvalidInput(field, "text_too_long", most=most, given=len(value))
    if _CONTROL.search(value):
        raise InvalidInput(field, "control_characters")
    return value


def check_actor(actor: str) -> str:
    """Who records something, as the history will name them: a name (not empty nor only
    spaces), at most MAX_ACTOR characters, no control character."""
    check_text(actor, "by", MAX_ACTOR)
    if not shows_something(actor):
        raise InvalidInput("by", "empty_text")
    return actor


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
"""The dates convflow accepts: a convention of this century. Beyond them a date is a typo
(9999-12-31 was accepted, then every deadline computed from it overflowed)."""


def check_day(day: date, field: str) -> date:
    """`day` if it lies between EARLIEST and LATEST; a refusal naming the bounds otherwise."""
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(field, "date_out_of_range", value=day.isoformat(),
                           low=EARLIEST.isoformat(), high=LATEST.isoformat())  # fmt: skip
    return day


_DAY_WRITTEN = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]|$)")
"""A date written AAAA-MM-JJ, alone or at the head of an instant."""


def _not_a_day(text: str, field: str, otherwise: str) -> InvalidInput:
    """The refusal of a date or instant that does not parse: `not_a_calendar_date` when it is
    written in the right format but names no day of the calendar (2025-02-30, 2025-13-01),
    so that nobody is told to mend a format that is right; else `otherwise`."""
    written = _DAY_WRITTEN.match(text)
    if written:
        try:
            date(*map(int, written.groups()))
        except ValueError:
            return InvalidInput(field, "not_a_calendar_date", value=text)
    return InvalidInput(field, otherwise, value=text)


def parse_day(text: str, field: str = "date") -> date:
    """A civil date from `YYYY-MM-DD`, or from an ISO instant converted to Europe/Paris,
    between EARLIEST and LATEST."""
    text = text.strip()
    try:
        if "T" not in text and " " not in text:
            day = date.fromisoformat(text)
            return check_day(day, field)  # (outside the ValueError a refusal also is)
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except InvalidInput:
        raise
    except ValueError:
        raise _not_a_day(text, field, "not_a_date") from None
    if instant.tzinfo is None:
        raise InvalidInput(field, "instant_needs_timezone", value=text)
    try:
        return check_day(civil_date(instant), field)
    except OverflowError:  # 9999-12-31T23:59:59Z is a day after the calendar's last in Paris
        raise InvalidInput(field, "date_out_of_range", value=text, low=EARLIEST.isoformat(),
                           high=LATEST.isoformat()) from None  # fmt: skip


def parse_instant(text: str, field: str = "now") -> datetime:
    """An aware instant from ISO text; a bare date means 00:00 in Paris that day."""
    text = text.strip()
    if len(text) == 10:
        return start_of_day(parse_day(text, field))
    try:
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _not_a_day(text, field, "not_an_instant") from None
    if instant.tzinfo is None:
        raise InvalidInput(field, "instant_needs_timezone", value=text)
    try:
        check_day(civil_date(instant), field)
    except OverflowError:
        raise InvalidInput(field, "date_out_of_range", value=text, low=EARLIEST.isoformat(),
                           high=LATEST.isoformat()) from None  # fmt: skip
    return instant


_AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,2})?$")


def parse_amount(text: str, field: str = "amount") -> Decimal:
    """An amount in euros, exact to the cent: `200000`, `200000.00`, or the French way
    `200 000,00` (spaces, narrow or no-break, between thousands; a comma for cents), with or
    without the euro sign after it, as convflow writes amounts (`200 000,00 €`)."""
    compact = text.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    compact = compact.removesuffix("€")
    if "," in compact and "." not in compact:
        compact = compact.replace(",", ".")
    if not _AMOUNT.match(compact):
        unsigned = compact.removeprefix("-").removeprefix("\u2212")  # a minus sign typed
        if unsigned != compact and _AMOUNT.match(unsigned):  # a negative amount, well written
            raise InvalidInput(field, "amount_not_positive")
        raise InvalidInput(field, "not_an_amount", value=text)
    if len(compact.split(".")[0].lstrip("0")) > _LARGEST_DIGITS:  # 10**30: no cent to round to
        raise InvalidInput(field, "amount_too_large", most=str(LARGEST_AMOUNT))
    try:
        amount = Decimal(compact).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the regex already refused it
        raise InvalidInput(field, "not_an_amount", value=text) from None
    if amount <= 0:
        raise InvalidInput(field, "amount_not_positive")
    if amount > LARGEST_AMOUNT:  # what the database's Numeric(14, 2) holds
        raise InvalidInput(field, "amount_too_large", most=str(LARGEST_AMOUNT))
    return amount


LARGEST_AMOUNT = Decimal("999999999999.99")
_LARGEST_DIGITS = 12
"""How many digits LARGEST_AMOUNT has before its point: more and the amount is too large,
however many (an amount of 30 digits exceeds what Decimal rounds to the cent)."""

_WHOLE = re.compile(r"^[+-]?[0-9]+$")


def is_digits(text: str) -> bool:
    """Whether `text` is ASCII digits and nothing else. Not `str.isdigit()`: it also takes
    '²', which int() then refuses, and '١' or '１', which int() reads as 1: a number a person
    types in convflow is written with 0-9."""
    return text.isascii() and text.isdigit()


def parse_whole(text: str, field: str) -> int:
    """A whole number as a person types it (an instalment's number), sign allowed: whether
    it is one the command accepts (its range) is the command's to say."""
    if not _WHOLE.match(text.strip()):
        raise InvalidInput(field, "not_a_whole_number", value=text)
    return int(text)


def parse_flag(text: str, field: str) -> bool:
    """`yes`/`no` (also true/false, oui/non, 1/0)."""
    value = text.strip().lower()
    if value in ("yes", "true", "oui", "1"):
        return True
    if value in ("no", "false", "non", "0", ""):
        return False
    raise InvalidInput(field, "not_yes_or_no", value=text)


def parse_letter(inputs: Mapping[str, str]) -> RegisteredLetter:
    """A registered letter from `received`, `dispatched`, `presented`, `uncollected`, ..."""

    def day(key: str) -> date | None:
        value = inputs.get(key)
        return parse_day(value, key) if value else None

    letter = RegisteredLetter(
        dispatched=day("dispatched"),
        presented=day("presented"),
        received=day("received"),
        uncollected=parse_flag(inputs.get("uncollected", "no"), "uncollected"),
        electronic=parse_flag(inputs.get("electronic", "no"), "electronic"),
    )
    letter.validate()
    return letter


def letter_inputs(letter: RegisteredLetter) -> dict[str, str]:
    """A letter back as normalised inputs, for the history."""
    values = {
        "dispatched": letter.dispatched,
        "presented": letter.presented,
        "received": letter.received,
    }
    out = {key: day.isoformat() for key, day in values.items() if day is not None}
    if letter.uncollected:
        out["uncollected"] = "yes"
    if letter.electronic:
        out["electronic"] = "yes"
    return out


def letter_date(inputs: Mapping[str, str]) -> date | None:
    """The date a letter event happened: its receipt, else its first presentation."""
    for key in ("received", "presented"):
        if inputs.get(key):
            return parse_day(inputs[key], key)
    return None


__all__ = [
    "AMENDMENT_INPUTS",
    "INPUTS",
    "PROSE_INPUTS",
    "InputSpec",
    "check_actor",
    "check_keys",
    "letter_date",
    "letter_inputs",
    "parse_amount",
    "parse_day",
    "parse_flag",
    "parse_instant",
    "parse_letter",
    "shows_something",
]
