"""French dates: "31/12/2026", "31.12.2026", "31 décembre 2026", "1er janvier 2026", "1er janvier".

A date written without its year ("du 1er janvier au 31 décembre 2026") takes the year of the
next date in the same sentence when that keeps them in order; otherwise it has no year and
cannot become a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
}  # fmt: skip
_DAY_WORDS = {"premier": 1}
_NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?![\d/])")
_WRITTEN = re.compile(
    r"(?<![\w])(?P<day>\d{1,2}|premier)\s*(?:er|ER|re|e)?\s+(?P<month>"
    + "|".join(MONTHS)
    + r")(?:\s+(?P<year>\d{4}))?(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    """A date in the text; `value` is None when it has no year or is not a real day."""

    value: date | None
    start: int
    end: int
    problem: str = ""


def dates(text: str) -> list[DateMention]:
    """Every date written in `text`, in order."""
    found: list[tuple[int, int, int, int, int | None]] = []
    for match in _NUMERIC.finditer(text):
        numeric = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
        found.append((match.start(), match.end(), *numeric))
    for match in _WRITTEN.finditer(text):
        raw_day = match.group("day").lower()
        day = _DAY_WORDS.get(raw_day) or int(raw_day)
        month = MONTHS[match.group("month").lower()]
        written = int(match.group("year")) if match.group("year") else None
        found.append((match.start(), match.end(), day, month, written))
    found.sort()
    mentions: list[DateMention] = []
    for index, (start, end, day, month, year) in enumerate(found):
        if year is None:
            year = _year_from_next(found[index + 1 :], day, month)
        if year is None:
            mentions.append(DateMention(None, start, end, "written without its year"))
            continue
        try:
            mentions.append(DateMention(date(year, month, day), start, end))
        except ValueError:
            mentions.append(DateMention(None, start, end, "not a day of the calendar"))
    return mentions


def _year_from_next(
    following: list[tuple[int, int, int, int, int | None]], day: int, month: int
) -> int | None:
    """The year of the next dated mention, if this day comes before it in that year."""
    for _, _, next_day, next_month, next_year in following:
        if next_year is not None:
            return next_year if (month, day) <= (next_month, next_day) else None
    return None
