"""How long a convention's file is kept once it is closed (docs/LEGAL-DEADLINES.md, rule 21).

Pure: the convention and the retention period in, the dates out. The file closes at the latest
of the convention's effective end, its last payment and the financial report's receipt (rule
20); while a report is owed and not received, the file is not closed. It is kept `years`
years from then, de quantième à quantième. Only then may the signatories' personal data be
erased from convflow's working copy, with the archives' reference; the signed convention itself
is an archive, never erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from states.calendar import add_months, french_date
from states.convention import Convention
from states.lifecycle import END_STATES


@dataclass(frozen=True)
class Retention:
    """When the file closed, until when it is kept, and from when erasure is possible."""

    closed_on: date
    kept_until: date
    erasable_from: date
    explanation: str


def closed_on(convention: Convention) -> date | None:
    """The day the file closed: the latest of its end, its last payment and the financial
    report's receipt; None while the convention has not ended or a report is still owed."""
    if convention.state not in END_STATES or convention.awaiting_financial_report():
        return None
    ended = convention.ends_on() if convention.effective_date else convention.last_event_on
    paid = [p.paid_on for p in convention.payments if p.paid_on is not None]
    if convention.paid_on is not None:
        paid.append(convention.paid_on)
    report = convention.financial_report.received_on
    known = [day for day in (ended, *paid, report) if day is not None]
    return max(known) if known else None


def retention(convention: Convention, years: int) -> Retention | None:
    """Rule 21 for `convention`: None while it has not ended."""
    closed = closed_on(convention)
    if closed is None:
        return None
    kept = add_months(closed, 12 * years)
    erasable = kept + timedelta(days=1)
    lines = [
        f"Dossier clos le {french_date(closed)} (la plus tardive de sa fin, de son dernier "
        "versement et de la réception du compte rendu financier s'il est dû).",
        f"Conservé {years} ans (durée d'utilité administrative des pièces comptables, fixée "
        f"dans les réglages du service), soit jusqu'au {french_date(kept)}.",
        f"À partir du {french_date(erasable)}, les données personnelles des signataires peuvent "
        "être effacées de convflow, avec la référence du versement aux archives ou du visa "
        "d'élimination (Code du patrimoine R212-14)\u00a0; la convention signée, archive publique, "
        "n'est jamais effacée.",
    ]
    return Retention(closed, kept, erasable, "\n".join(lines))
