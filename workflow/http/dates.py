"""The dates a dashboard page shows: in French words, as the command line and the emails say
them, each in a `<time>` element whose `datetime` keeps the exact value for machines.

Every template writes a date through one filter, `when`, and the value's kind says whether an
hour goes with it (a civil date has none; an instant has one, in Paris time):

- in a sentence or a fact, `{{ value|when }}`: « mardi 10 juin 2025 », « mardi 10 juin 2025
  à 14:05 (heure de Paris) » (the command line's words, `Words.long_date`, `Words.instant`);
- in a table's column, `{{ value|when("short") }}`: « 10 juin 2025 », « 10 juin 2025 à 14:05 »,
  without the weekday nor the time zone, which every page's footer gives once;
- the instant a deadline ends, `end=True`: « mercredi 2 juillet 2025 à 24 h (heure de Paris) »,
  as the emails and the command line say it (midnight ends the day before, never « 00:00 »
  of the next).

A numeric « 10/06/2025 » is read as 6 October by a partner from abroad: no page writes one.
The words are the shared formatters' own, save one no-break space: the day's number never ends
a line without its month (« 19 avril » / « 2025 » in a narrow column, never « 19 » / « avril »).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

from markupsafe import Markup, escape

from notifications import datetime_fr, end_fr
from workflow.usecases import iso
from workflow.wording.words import Words

Form = Literal["long", "short"]
"""`long`: with the weekday (sentences, facts); `short`: without it (a table's column)."""
NOTHING = "—"
"""What a page shows where a date is not known (not yet submitted, never sent)."""
_FRENCH = Words("fr")
_DAY_NUMBER = re.compile(r"\b([0-9]{1,2}(?:er)?) ")
"""The day's number and the space after it: « 1er », « 19 » (never a year's last digits)."""


def when(
    value: date | datetime | str | None, form: Form = "long", *, end: bool = False
) -> Markup | str:
    """A civil date or an instant (a `date`, a `datetime` or their ISO 8601 text, as the read
    models give them) as French words in a `<time>` element, or a dash when there is none."""
    if value is None or value == "":
        return NOTHING
    try:
        moment = _read(value)
    except ValueError:
        # A value stored in some other shape is shown as it was recorded, not as a 500.
        return str(value)
    machine = iso.instant(moment) if isinstance(moment, datetime) else moment.isoformat()
    return Markup(f'<time datetime="{escape(machine)}">{escape(_words(moment, form, end))}</time>')


def _read(value: date | datetime | str) -> date | datetime:
    if isinstance(value, str):
        day = len(value) == len("2025-06-10")
        value = date.fromisoformat(value) if day else datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.utcoffset() is None:
        raise ValueError(f"a naive instant has no place in time: {value!r}")
    return value


# Cached: /echeances shows up to 2000 dates, mostly the same few hundred days, and Babel takes
# tens of microseconds a date. Typed: a datetime is never mistaken for the equal date.
@lru_cache(maxsize=4096, typed=True)
def _words(moment: date, form: Form, end: bool) -> str:
    if isinstance(moment, datetime):
        said = _instant(moment, form, end)
    else:
        said = _FRENCH.long_date(moment) if form == "long" else _FRENCH.date(moment)
    # French typography: a no-break space between the day's number and its month.
    return _DAY_NUMBER.sub("\\1\u00a0", said, count=1)


def _instant(moment: datetime, form: Form, end: bool) -> str:
    if form == "long":
        return _FRENCH.end(moment) if end else _FRENCH.instant(moment)
    return end_fr(moment, weekday=False) if end else datetime_fr(moment, weekday=False)
