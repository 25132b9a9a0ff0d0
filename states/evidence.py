"""Whether the record rests on its papers (issue 12, point 2): an event without the paper that
proves it is flagged « sans pièce » (never refused); an acknowledgement of receipt whose date,
as the administrator read it, differs from the recorded one is flagged, and so is a PDF signed
electronically (PAdES) when none of its signing times falls on the day recorded for the event it
proves, or when its bytes changed after a signature.

Pure: the history's lines and the papers' descriptions in, the flags out, in French.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from states.calendar import civil_date, french_date

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
    recorded_on: date | None = None


@dataclass(frozen=True)
class Signing:
    """One electronic signature a PDF carries: who signed (the certificate's name), when the
    signer says it was (the signing time in the signed attributes), and whether the bytes it
    covers are still those signed."""

    signer: str
    signed_at: datetime | None
    intact: bool

    @property
    def signed_on(self) -> date | None:
        """The day it was signed, in France (a signature may state no time)."""
        return None if self.signed_at is None else civil_date(self.signed_at)


@dataclass(frozen=True)
class Paper:
    """A paper, as far as what it proves goes."""

    kind: str
    event: int | None
    received_on: date | None = None
    signings: tuple[Signing, ...] = field(default=())


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
        found += _signing_dates(line, own)
    found += _convention_signings(lines, [p for p in papers if p.event is None])
    return found


def _signing_dates(line: Line, own: Sequence[Paper]) -> list[Flag]:
    """A signed paper attached to this line: none of its signing days is the recorded day."""
    flagged = []
    for paper in own:
        flagged += _altered(line, paper)
        days = {s.signed_on for s in paper.signings if s.signed_on is not None}
        if not days or line.recorded_on is None or line.recorded_on in days:
            continue
        flagged.append(Flag(
            line.seq, line.event, "date différente",
            f"{_signed_by(paper.signings)}\u00a0; date enregistrée\u00a0: "
            f"{french_date(line.recorded_on)}",
        ))  # fmt: skip
    return flagged


def _convention_signings(lines: Sequence[Line], papers: Sequence[Paper]) -> list[Flag]:
    """The signed convention, attached to the convention rather than to one line: each of its
    signatures must fall on a day a signature is recorded."""
    signs = [line for line in lines if line.event == "sign" and line.amendment is None]
    recorded = {line.recorded_on for line in signs if line.recorded_on is not None}
    if not signs or not recorded:
        return []
    last = signs[-1]
    flagged = []
    for paper in papers:
        if paper.kind != "signed_convention":
            continue
        flagged += _altered(last, paper)
        apart = tuple(s for s in paper.signings if s.signed_on and s.signed_on not in recorded)
        if apart:
            days = ", ".join(french_date(d) for d in sorted(recorded))
            flagged.append(Flag(
                last.seq, last.event, "date différente",
                f"{_signed_by(apart)}\u00a0; aucune signature n'est enregistrée ce jour-là "
                f"(signatures enregistrées\u00a0: {days})",
            ))  # fmt: skip
    return flagged


def _altered(line: Line, paper: Paper) -> list[Flag]:
    """A signature whose bytes changed after signing proves nothing: say whose."""
    broken = [s.signer for s in paper.signings if not s.intact]
    if not broken:
        return []
    who = ", ".join(broken)
    return [Flag(line.seq, line.event, "signature altérée",
                 f"le document joint a été modifié après la signature de {who}")]  # fmt: skip


def _signed_by(signings: Sequence[Signing]) -> str:
    """« la signature électronique de X porte le … », for each signing."""
    return "\u00a0; ".join(
        f"la signature électronique de {s.signer} porte le {french_date(s.signed_on)}"
        for s in signings
        if s.signed_on is not None
    )


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
                f"l'avis de réception joint porte le {french_date(paper.received_on)}\u00a0; date "
                "de "
                f"réception enregistrée\u00a0: {said}",
            ))  # fmt: skip
    return flagged
