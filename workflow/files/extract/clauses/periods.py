"""Periods of the dispute and termination clauses: "un délai de trente (30) jours calendaires
à compter de la réception", "un préavis de six mois", "soixante (60) jours après la réception"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numbers import quantity_before
from .common import start_of_period

_UNIT = re.compile(
    r"\b(?P<unit>jours?|mois|semaines?|ans?|années?)\b"
    r"(?:\s+(?P<kind>calendaires?|ouvrables|ouvrés|francs|pleins|civils|consécutifs))?",
    re.IGNORECASE,
)
_KINDS = {"calendaire": "calendar", "calendaires": "calendar", "civils": "calendar",
          "consécutifs": "calendar", "ouvrables": "working", "ouvrés": "business"}  # fmt: skip


@dataclass(frozen=True)
class Period:
    """A period written in a sentence."""

    count: int
    unit: str  # "days", "months", "weeks", "years"
    kind: str | None  # calendar / working / business; "francs" and the like as written
    start: str | None  # receipt / dispatch / first presentation / the word written
    conflict: tuple[int, int] | None  # "trente (60) jours": (words, figures) that disagree


def periods(text: str) -> list[Period]:
    """The periods of a sentence, each with what starts it when the sentence says."""
    found: list[Period] = []
    for match in _UNIT.finditer(text):
        quantity = quantity_before(text, match.start())
        if quantity is None:
            continue
        unit = match.group("unit").lower()
        unit = ("days" if unit.startswith("jour") else "months" if unit == "mois"
                else "weeks" if unit.startswith("semaine") else "years")  # fmt: skip
        kind_word = (match.group("kind") or "").lower()
        kind = _KINDS.get(kind_word, kind_word or None)
        conflict = (
            (quantity.words, quantity.figures)
            if quantity.conflict and quantity.words is not None and quantity.figures is not None
            else None
        )
        found.append(
            Period(quantity.value, unit, kind, start_of_period(text[match.end() :]), conflict)
        )
    return found
