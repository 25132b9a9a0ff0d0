"""The steering committee article 3 creates (the reference convention's *Comité technique*): its
meetings as recorded, and when the next one is due when the service sets a cadence
(docs/LEGAL-DEADLINES.md, rule 23).

Pure rules. Article 3 fixes no frequency: the cadence is the service's own choice, off until set,
and the deadline it gives is information (convflow reminds the Métropole to convene; nothing
happens to the convention when it passes).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from states.calendar import add_months, end_of_day, french_date
from states.deadlines import ComputedDeadline, closed_by_end, information_deadline

MAX_CADENCE = 36
"""The longest cadence accepted, in months (a longer one is a typo)."""
MAX_MINUTES = 20000
"""The longest minutes kept as text; a longer record is a paper (convflow attach)."""


@dataclass(frozen=True)
class Meeting:
    """One meeting of the committee: its day, who attended, what it decided, its minutes."""

    held_on: date
    attendees: str
    decisions: str
    minutes: str = ""


@dataclass(frozen=True)
class Committee:
    """The committee's record on a convention: the cadence the service set (months, None: no
    cadence), its meetings in date order, and its name as the convention names it (the
    convention file's `[committee]` name, « Comité de pilotage »; None when none was given)."""

    cadence_months: int | None = None
    meetings: tuple[Meeting, ...] = ()
    name: str | None = None

    def last_meeting(self) -> Meeting | None:
        """The latest meeting held, if any."""
        return max(self.meetings, key=lambda m: m.held_on) if self.meetings else None

    def with_meeting(self, meeting: Meeting) -> Committee:
        """This record with one more meeting, kept in date order."""
        meetings = sorted((*self.meetings, meeting), key=lambda m: m.held_on)
        return replace(self, meetings=tuple(meetings))

    def with_cadence(self, months: int | None) -> Committee:
        """This record with another cadence (None: none)."""
        return replace(self, cadence_months=months)


def next_meeting(
    committee: Committee, effective_date: date | None, ends_on: date, article: str
) -> ComputedDeadline | None:
    """When the next meeting is due (rule 23): `cadence_months` after the last meeting, or
    after the entry into force when none was held, de quantième à quantième, not extended.
    None without a cadence, before the entry into force, or when the convention's end (24:00
    on `ends_on`, its last day) would close it: it falls on that day or after it
    (:func:`states.deadlines.closed_by_end`, the due pass's own rule, which would cancel it
    with the end rather than let it fall)."""
    months = committee.cadence_months
    if months is None or effective_date is None:
        return None
    last = committee.last_meeting()
    start = last.held_on if last is not None else effective_date
    due = add_months(start, months)
    if closed_by_end("committee", end_of_day(due), end_of_day(ends_on)):
        return None
    since = (
        f"sa dernière réunion, le {french_date(start)}"
        if last is not None
        else f"l'entrée en vigueur de la convention, le {french_date(start)}"
    )
    lines = [
        f"Comité technique ({article}\u00a0: «\u00a0Un Comité technique sera mis en place afin de "
        "valider "
        "les orientations et l'ensemble des actions\u00a0»)\u00a0: l'article ne fixe pas de "
        "fréquence\u00a0; le "
        f"service a choisi de le réunir tous les {months} mois.",
        f"Calcul\u00a0: de quantième à quantième, depuis {since}\u00a0: + {months} mois = "
        f"{french_date(due)}\u00a0; pas de report au jour ouvrable suivant (une réunion à "
        "convoquer, "
        "pas un délai légal).",
        "Information seulement\u00a0: la Métropole convoque le comité\u00a0; rien ne change pour "
        "la "
        "convention si la date passe. Le service enregistre la réunion une fois tenue.",
    ]
    return information_deadline("committee", start, due, due, lines)
