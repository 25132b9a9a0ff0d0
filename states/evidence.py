"""Whether the record rests on its papers (issue 12, point 2): an event without the paper that
proves it is flagged « sans pièce » (never refused), and an acknowledgement of receipt whose
date, as the administrator read it, differs from the recorded one is flagged too.

Pure: the history's lines and the papers' descriptions in, the flags out, in French.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from states.calendar import french_date

LETTER_PROOF = ("registered_letter", "acknowledgement")
"""What proves a registered letter's event: the letter, or its acknowledgement of receipt."""


@dataclass(frozen=True)
class Line:
    """A history line, as far as its proof goes."""

    seq: int
    event: str
    to_state: str
    inputs: Mapping[str, str]
    amendment: int | None = None


@dataclass(frozen=True)
class Paper:
    """A paper, as far as what it proves goes."""

    kind: str
    event: int | None
    received_on: date | None = None


@dataclass(frozen=True)
class Flag:
    """What is said of one history line: `sans pièce`, or a date that disagrees."""

    seq: int
    event: str
    problem: str  # "sans pièce", "date différente"
    detail: str


def flags(lines: Sequence[Line], papers: Sequence[Paper]) -> list[Flag]:
    """Every flag of a convention's record, in the history's order."""
    found: list[Flag] = []
    signed = any(p.kind == "signed_convention" for p in papers)
    for line in lines:
        if line.amendment is not None:
            continue
        own = [p for p in papers if p.event == line.seq]
        if line.event == "sign" and line.to_state == "notification" and not signed:
            found.append(Flag(line.seq, line.event, "sans pièce",
                              "la convention signée n'est pas jointe"))  # fmt: skip
        if line.event in ("open_dispute", "give_notice"):
            if not any(p.kind in LETTER_PROOF for p in own):
                found.append(Flag(line.seq, line.event, "sans pièce",
                                  "ni la lettre recommandée ni son avis de réception ne sont "
                                  "joints à cette ligne"))  # fmt: skip
            found += _receipt_dates(line, own)
    return found


def _receipt_dates(line: Line, own: Sequence[Paper]) -> list[Flag]:
    recorded = line.inputs.get("received")
    flagged = []
    for paper in own:
        if paper.kind != "acknowledgement" or paper.received_on is None:
            continue
        if recorded is None or paper.received_on.isoformat() != recorded:
            said = french_date(date.fromisoformat(recorded)) if recorded else "aucune"
            flagged.append(Flag(
                line.seq, line.event, "date différente",
                f"l'avis de réception joint porte le {french_date(paper.received_on)} ; date de "
                f"réception enregistrée : {said}",
            ))  # fmt: skip
    return flagged
