"""Values as people read them, in French: a term an amendment changes, an event's input.

Emails and the dashboard show the same things the same way: '31 décembre 2025', '250 000,00 €',
'90, 60 jours', a party's name rather than its key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency

from notifications import date_fr, days_fr
from states.calendar import PARIS, french_date
from states.convention import Convention
from states.inputs import parse_amount, parse_day, parse_flag

_LETTER_DATES = ("received", "dispatched", "presented")  # a date, or an instant in Paris
_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_INPUT_FLAGS = ("uncollected", "electronic", "balance")


def term_text(key: str, text: str) -> str:
    """A term an amendment changes: '31 décembre 2025', '250 000,00 €', '90, 60 jours'."""
    if not text:
        return "—"
    if key == "end_date":
        return date_fr(date.fromisoformat(text))
    if key == "amount" or (key.startswith("instalment.") and key.endswith(".amount")):
        return euros(Decimal(text))
    if key.startswith("reminders.") and key not in ("reminders.court_possible",):
        return _days_listed(text)
    if key.startswith("signatory."):
        people = (item.split("|") for item in text.split(";"))
        return "\u00a0; ".join(f"{name} ({title}, {email})" for name, title, email in people)
    if key == "reminders.court_possible":
        return "oui" if text == "yes" else "non"
    return text


def _days_listed(text: str) -> str:
    """Offsets in days as French says them: '90, 60 jours'; one alone with its own number,
    '0 jour', '1 jour' (French keeps the singular below two)."""
    items = [item.strip() for item in text.split(",")]
    if len(items) == 1 and items[0].lstrip("-").isdigit():
        return days_fr(int(items[0]))
    unit = "jour" if all(item.isdigit() and int(item) < 2 for item in items) else "jours"
    return f"{', '.join(items)} {unit}"


_REPORTS = {"financial": "compte rendu financier", "instalment": "document d'un versement"}
"""What `report_received report=` names (states.rules.REPORTS), as a reader says it."""


def recorded_text(value: object) -> str:
    """An input as recorded, for the CSV and the command line: text as it is, the terms a
    line records (a mapping) as sorted JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def terms_text(value: object) -> str:
    """The terms a history line records (states.terms), as people read them: '200 000,00 € ;
    terme : 31 décembre 2026 ; [versement n° 1 : 120 000,00 € ; …] Métropole… ; Martial
    Alvarez (Vice-président, m.a@…)'."""
    if not isinstance(value, Mapping):
        return str(value)
    said = []
    if value.get("amount"):
        said.append(term_text("amount", str(value["amount"])))
    if value.get("end_date"):
        said.append("terme\u00a0: " + term_text("end_date", str(value["end_date"])))
    instalments = value.get("instalments")
    amounts = instalments.items() if isinstance(instalments, Mapping) else ()
    for number, amount in sorted(amounts, key=lambda item: (len(str(item[0])), str(item[0]))):
        said.append(f"versement n°\u00a0{number}\u00a0: " + term_text("amount", str(amount)))
    parties = value.get("parties")
    for text in parties.values() if isinstance(parties, Mapping) else ():
        said.append(str(text).split("|")[0])
    people = value.get("signatories")
    for text in people.values() if isinstance(people, Mapping) else ():
        said += [_person(item) for item in str(text).split(";") if item]
    return "\u00a0; ".join(said)


def _person(item: str) -> str:
    name, _, rest = item.partition("|")
    title, _, email = rest.rpartition("|")
    return f"{name} ({title}, {email})"


def input_text(key: str, value: str, convention: Convention | None = None) -> str:
    """One input of an event: French dates and amounts, oui/non, and (given the convention)
    a party's or a signatory's name; what cannot be read, as it was recorded."""
    party = convention.party(value) if convention and key == "party" else None
    signatory = convention.signatory(value) if convention and key == "signatory" else None
    if party is not None:
        return party.name
    if signatory is not None:
        return f"{signatory.name}, {signatory.title} ({signatory.email})"
    if key == "report" and value in _REPORTS:
        return _REPORTS[value]
    try:
        if key == "amount":
            return euros(parse_amount(value, key))
        if key in _LETTER_DATES or _DAY.match(value):
            return date_fr(parse_day(value, key))
        if key in _INPUT_FLAGS:
            return "oui" if parse_flag(value, key) else "non"
    except ValueError:  # InvalidInput included
        pass
    return value


def euros(amount: Decimal | str) -> str:
    """An amount the French way: '200 000,00 €'."""
    return _euros(str(amount) if isinstance(amount, Decimal) else amount)


@lru_cache(maxsize=1024)
def _euros(text: str) -> str:
    # Cached (an event's email words its amount): keyed by text, which gives back exactly the
    # same Decimal (equal Decimals may differ in sign or exponent); a refused text is not kept.
    return format_currency(Decimal(text), "EUR", locale="fr_FR")


def long_date(value: date | str | None) -> str:
    """A date the French way with its weekday: 'mercredi 31 décembre 2025'."""
    if value is None:
        return "—"
    return french_date(date.fromisoformat(value) if isinstance(value, str) else value)


def paris_time(value: datetime | str | None) -> str:
    """An instant in Paris time: 'jeudi 1er janvier 2026 à 00:00 (heure de Paris)'."""
    if value is None:
        return "—"
    instant = (
        datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
    )
    local = instant.astimezone(PARIS)
    return f"{french_date(local.date())} à {local:%H:%M} (heure de Paris)"


def countdown_text(days: int) -> str:
    """How far a deadline's day is, as a reminder says it: 'aujourd’hui', 'demain',
    'dans 27 jours', 'il y a 3 jours' (the emails' `countdown` macro)."""
    if days == 0:
        return "aujourd’hui"
    if days == 1:
        return "demain"
    if days < 0:
        return f"il y a {days_fr(-days)}"
    return f"dans {days_fr(days)}"
