"""How long a convention's file is kept once it is closed (docs/LEGAL-DEADLINES.md, rule 21).

Pure: the convention and the retention period in, the dates out. The file closes at the latest
of the convention's effective end, its last payment, the financial report's receipt (rule 20)
and the end of a dispute (rule 24); while something is still open after the end, the file is
not closed: a dispute (amicable or in court), an instalment still to pay, a report owed and not
received (:func:`open_because`). It is kept `years` years from its closure, de quantième à
quantième. Only then may the signatories' personal data be erased from convflow's working
copy, with the archives' reference; the signed convention itself is an archive, never erased.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from states.calendar import add_months, french_date, french_euros
from states.convention import Convention
from states.lifecycle import END_STATES, ENDED_IN_FORCE
from states.payments import SINGLE_PAYMENT

OpenBecause = Literal["dispute", "litigation", "instalment_unpaid", "financial_report"]
OPEN_BECAUSE: tuple[OpenBecause, ...] = (
    "dispute", "litigation", "instalment_unpaid", "financial_report",
)  # fmt: skip
"""Why the file of an ended convention is still open, in the order they are said: a dispute
still amicable, a dispute in court, an instalment still to pay, the financial report owed."""

DISPUTE_ENDS = ("settle", "close_litigation")
"""The history's events that end a dispute: settled, or its court case closed."""


@dataclass(frozen=True)
class Retention:
    """When the file closed, until when it is kept, and from when erasure is possible."""

    closed_on: date
    kept_until: date
    erasable_from: date
    explanation: str


@dataclass(frozen=True)
class OpenFile:
    """The file of an ended convention still open: why, and the sentences that say it."""

    because: tuple[OpenBecause, ...]
    explanation: str


def dispute_ended_on(events: Iterable[tuple[str, date]]) -> date | None:
    """The day the last dispute ended (settled, or its court case closed), from the history's
    events as (name, day): the convention forgets a dispute once it is over (states.rules), its
    history keeps the day. None if no dispute ever ended."""
    ends = [day for name, day in events if name in DISPUTE_ENDS]
    return max(ends) if ends else None


def open_because(convention: Convention) -> tuple[OpenBecause, ...]:
    """Why the file of an ended convention is not closed yet: its dispute still open, amicable
    or in court (rule 24), an instalment not paid in full, the financial report owed and not
    received (rule 20). Empty once nothing is open, and for a convention not ended."""
    if convention.state not in END_STATES:
        return ()
    found: list[OpenBecause] = []
    in_force_once = convention.state in ENDED_IN_FORCE
    if in_force_once and convention.dispute is not None:
        found.append("litigation" if convention.dispute.in_court else "dispute")
    if in_force_once and convention.effective_date is not None and convention.unpaid_instalments():
        found.append("instalment_unpaid")
    if convention.awaiting_financial_report():
        found.append("financial_report")
    return tuple(found)


def closed_on(convention: Convention, dispute_ended: date | None) -> date | None:
    """The day the file closed: the latest of its end, its last payment, the financial report's
    receipt and `dispute_ended` (the day its last dispute ended, :func:`dispute_ended_on`);
    None while the convention has not ended or something is still open (:func:`open_because`)."""
    if convention.state not in END_STATES or open_because(convention):
        return None
    known = [day for _, day in _closing_days(convention, dispute_ended)]
    return max(known) if known else None


def _closing_days(convention: Convention, dispute_ended: date | None) -> list[tuple[str, date]]:
    """What closes the file, and its day: the end, each payment or instalment forgone (rule
    25: the day the Métropole said it will not pay ends that obligation as a payment would),
    the report, the dispute."""
    ended = convention.ends_on() if convention.effective_date else convention.last_event_on
    paid = [p.paid_on for p in convention.payments if p.paid_on is not None]
    if convention.paid_on is not None:
        paid.append(convention.paid_on)
    forgone = [p.forgone_on for p in convention.payments if p.forgone_on is not None]
    report = convention.financial_report.received_on
    days = [("end", ended), *(("payment", day) for day in paid),
            *(("forgone", day) for day in forgone), ("report", report),
            ("dispute", dispute_ended)]  # fmt: skip
    return [(what, day) for what, day in days if day is not None]


_CLOSED_BY = {
    "end": "jour de sa fin",
    "payment": "jour de son dernier versement",
    "forgone": "jour de la renonciation au dernier versement dû",
    "report": "jour de la réception du compte rendu financier",
    "dispute": "jour de la fin du litige",
}


def retention(convention: Convention, years: int, dispute_ended: date | None) -> Retention | None:
    """Rule 21 for `convention`, whose last dispute ended on `dispute_ended` (if any): None while
    it has not ended or its file is still open."""
    closed = closed_on(convention, dispute_ended)
    if closed is None:
        return None
    # what came last, named: the dispute's end before the report, the payment, the end itself
    last = [what for what, day in _closing_days(convention, dispute_ended) if day == closed]
    reason = next(
        _CLOSED_BY[what]
        for what in ("dispute", "report", "forgone", "payment", "end")
        if what in last
    )
    kept = add_months(closed, 12 * years)
    erasable = kept + timedelta(days=1)
    lines = [
        f"Dossier clos le {french_date(closed)}, {reason} (la plus tardive de sa fin, de son "
        "dernier versement ou de la renonciation à celui-ci, de la réception du compte rendu "
        "financier s'il est dû et de la fin du litige).",
        f"Conservé {years} ans (durée d'utilité administrative des pièces comptables, fixée "
        f"dans les réglages du service), soit jusqu'au {french_date(kept)}.",
        f"À partir du {french_date(erasable)}, les données personnelles des signataires peuvent "
        "être effacées de convflow, avec la référence du versement aux archives ou du visa "
        "d'élimination (Code du patrimoine R212-14)\u00a0; la convention signée, archive publique, "
        "n'est jamais effacée.",
    ]
    return Retention(closed, kept, erasable, "\n".join(lines))


def open_file(convention: Convention) -> OpenFile | None:
    """The file of an ended convention still open after its end, and why, in sentences; None
    when the convention has not ended or its file is closed (:func:`retention` then says it)."""
    because = open_because(convention)
    if not because:
        return None
    lines = []
    dispute = convention.dispute
    if "dispute" in because and dispute is not None:
        lines.append(
            f"Le litige ouvert le {french_date(dispute.opened_on)} (article 6) reste ouvert après "
            "la fin de la convention\u00a0: période amiable jusqu'au "
            f"{french_date(dispute.window_end)} inclus, saisine du tribunal possible à partir du "
            f"{french_date(dispute.earliest_court_date)}."
        )
    if "litigation" in because and dispute is not None:
        lines.append(
            f"Le tribunal est saisi du litige ouvert le {french_date(dispute.opened_on)} "
            "(article 6)\u00a0; reste à enregistrer la clôture de l'instance."
        )
    if "instalment_unpaid" in because:
        unpaid = convention.unpaid_instalments()
        owed = sum((convention.still_due(i) for i in unpaid), start=Decimal("0"))
        if [i.number for i in unpaid] == [SINGLE_PAYMENT]:
            lines.append(f"La subvention reste à payer ({french_euros(owed)}).")
        else:
            named = ", ".join(f"n°\u00a0{i.number}" for i in unpaid)
            kind, verb = (
                ("Le versement", "reste") if len(unpaid) == 1 else ("Les versements", "restent")
            )
            lines.append(f"{kind} {named} {verb} à payer ({french_euros(owed)}).")
    if "financial_report" in because:
        lines.append("Le compte rendu financier est encore attendu.")
    lines.append(
        "La durée de conservation courra de la clôture du dossier, la plus tardive de sa fin, de "
        "son dernier versement, de la réception du compte rendu financier s'il est dû et de la "
        "fin du litige\u00a0; les données personnelles des signataires ne peuvent pas être "
        "effacées avant."
    )
    return OpenFile(because, "\n".join(lines))
