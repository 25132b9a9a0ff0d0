"""A payment schedule as people read it: each instalment and where it stands (the status view,
the dashboard and the emails' facts say it the same way)."""

from __future__ import annotations

from typing import TypedDict

from states.convention import Convention
from states.payments import progress_of
from workflow.usecases.iso import day


class InstalmentView(TypedDict):
    """One instalment of a payment schedule (article 2) and where it stands."""

    number: int
    amount: str
    trigger: str
    on: str | None
    report: str | None
    report_received_on: str | None
    paid_on: str | None
    paid_amount: str | None


def instalment_views(convention: Convention) -> list[InstalmentView]:
    """The payment schedule (empty for a single payment) and each instalment's progress."""
    views: list[InstalmentView] = []
    for instalment in convention.clauses.instalments:
        progress = progress_of(convention.payments, instalment.number)
        views.append({
            "number": instalment.number,
            "amount": str(instalment.amount),
            "trigger": instalment.trigger,
            "on": day(instalment.on),
            "report": instalment.report,
            "report_received_on": day(progress.report_received_on),
            "paid_on": day(progress.paid_on),
            "paid_amount": str(progress.paid_amount) if progress.paid_amount else None,
        })  # fmt: skip
    return views
