"""The steering committee article 3 creates (the reference convention's *Comité technique*): its
meetings as recorded, and when the next one is due when the service sets a cadence
(docs/LEGAL-DEADLINES.md, rule 23).

Pure rules. Article 3 fixes no frequency: the cadence is the service's own choice, off until set,
and the deadline it gives is information (convflow reminds the Métropole to convene; nothing
happens to the convention when it passes).
"""

from __future__ import annotations

import re
import unicodedata
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


MODEL_NAME = "Comité technique"
"""The committee of the Métropole's model convention (the reference convention's article 3),
the one convflow speaks of when a convention does not name its own."""

HEAD_NOUNS = {
    "comité": False, "commission": True, "instance": True, "conseil": False, "groupe": False,
    "cellule": True,
}  # fmt: skip
"""The nouns a committee's name starts with, as convention files and documents write them
(the same the reading of a document looks for), and whether each is feminine: « du Comité de
pilotage », « de la Commission de suivi », « de l'Instance de suivi »."""

_VOWELS = "aeiouy"


def _bare(word: str) -> str:
    """A word in lower case without its accents, to look it up."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_HEADS_BARE = {_bare(noun): noun for noun in HEAD_NOUNS}


@dataclass(frozen=True)
class CommitteeWords:
    """How French sentences name a convention's committee, and with which article, from its
    name alone (no guess): the name's first word, when it is one of HEAD_NOUNS, gives the
    gender and the elision (« la Commission de suivi », « l'Instance de suivi »); a name that
    starts otherwise (« COPIL », « Bureau des partenaires ») is named through the noun
    « comité », masculine, and quoted: « le comité « COPIL » ».

    `model`: the committee is the model convention's Comité technique (the convention names
    none, or names that one), whose role its article 3 says (« afin de valider les orientations
    et l'ensemble des actions »): only then is that role told."""

    name: str
    article: str
    noun: str
    """The committee as a sentence names it: its name, or « comité « NAME » »."""
    head: str
    """Its head noun, for a short mention: « comité », « commission »."""
    feminine: bool
    elided: bool
    model: bool

    def the(self, short: bool = False) -> str:
        """« le Comité de pilotage », « la Commission de suivi », « l'Instance de suivi »;
        `short`: its head noun alone, « le comité »."""
        return self._with("l'", "la ", "le ", short)

    def of(self, short: bool = False) -> str:
        """« du Comité de pilotage », « de la Commission de suivi », « de l'Instance... »."""
        return self._with("de l'", "de la ", "du ", short)

    def a(self) -> str:
        """« un Comité de pilotage », « une Commission de suivi »."""
        return ("une " if self.feminine else "un ") + self.noun

    @property
    def pronoun(self) -> str:
        """« le » or « la » (« le service a choisi de le réunir »)."""
        return "la" if self.feminine else "le"

    def _with(self, elided: str, feminine: str, masculine: str, short: bool) -> str:
        word = self.head if short else self.noun
        if self.elided:
            return elided + word
        return (feminine if self.feminine else masculine) + word


def committee_words(name: str | None, article: str) -> CommitteeWords:
    """How sentences name the committee called `name` (None: the model's Comité technique)
    at `article`."""
    given = (name or "").strip()
    if not given or _bare(given) == _bare(MODEL_NAME):
        return CommitteeWords(given or MODEL_NAME, article, given or MODEL_NAME, "comité",
                              feminine=False, elided=False, model=True)  # fmt: skip
    first = re.match(r"[^\W\d_]+", given)
    head = _HEADS_BARE.get(_bare(first.group(0))) if first else None
    if head is None:
        return CommitteeWords(given, article, f"comité «\u00a0{given}\u00a0»", "comité",
                              feminine=False, elided=False, model=False)  # fmt: skip
    elided = _bare(head)[0] in _VOWELS
    return CommitteeWords(given, article, given, head, HEAD_NOUNS[head], elided, model=False)


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
    words = committee_words(committee.name, article)
    since = (
        f"sa dernière réunion, le {french_date(start)}"
        if last is not None
        else f"l'entrée en vigueur de la convention, le {french_date(start)}"
    )
    lines = [
        _cadence_line(words, months),
        f"Calcul\u00a0: de quantième à quantième, depuis {since}\u00a0: + {months} mois = "
        f"{french_date(due)}\u00a0; pas de report au jour ouvrable suivant (une réunion à "
        "convoquer, pas un délai légal).",
        f"Information seulement\u00a0: la Métropole convoque {words.the(short=True)}\u00a0; "
        "rien ne change pour la convention si la date passe. Le service enregistre la réunion "
        "une fois tenue.",
    ]
    return information_deadline("committee", start, due, due, lines)


def _cadence_line(words: CommitteeWords, months: int) -> str:
    """The committee and its cadence: the model's with what its article 3 says (it fixes no
    frequency); another's by its name and article alone (convflow has not read its article)."""
    if words.model:
        return (
            f"Comité technique ({words.article}\u00a0: «\u00a0Un Comité technique sera mis en "
            "place afin de valider les orientations et l'ensemble des actions\u00a0»)\u00a0: "
            f"l'article ne fixe pas de fréquence\u00a0; le service a choisi de le réunir tous les "
            f"{months} mois."
        )
    return (
        f"{words.noun} ({words.article})\u00a0: le service a choisi de {words.pronoun} réunir tous "
        f"les {months} mois."
    )
