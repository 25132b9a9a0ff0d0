"""A payment schedule as people read it: each instalment and where it stands (the status view,
the dashboard and the emails' facts say it the same way)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypedDict

from states.convention import Convention
from states.payments import SINGLE_PAYMENT, Instalment, progress_of
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
    forgone_on: str | None
    """The day the Métropole recorded it will not pay it (rule 25, `forgo_payment`)."""
    balance_due: str | None
    """Paid, then raised by an amendment: the balance left to pay on it (None when none)."""


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
            "forgone_on": day(progress.forgone_on),
            "balance_due": _balance_due(convention, instalment, progress.paid_on),
        })  # fmt: skip
    return views


def _balance_due(
    convention: Convention, instalment: Instalment, paid_on: date | None
) -> str | None:
    """What an amendment raising `instalment` once paid left to pay on it, as text."""
    if paid_on is None:
        return None
    balance = convention.still_due(instalment)
    return str(balance) if balance else None


def single_payment_forgone_on(convention: Convention) -> date | None:
    """The day the Métropole forwent the single payment of a convention paid in one payment
    (rule 25); None otherwise (an instalment's is on its own view)."""
    if convention.clauses.instalments:
        return None
    return progress_of(convention.payments, SINGLE_PAYMENT).forgone_on


class RemainingView(TypedDict):
    """An instalment still to pay (rule 25: after the end too): its number (0: the single
    payment), what remains of it, and its condition: what makes it due, the report it waits for
    and whether that report is received."""

    number: int
    amount: str
    trigger: str
    on: str | None
    report: str | None
    report_received_on: str | None


def remaining_payments(convention: Convention) -> list[RemainingView]:
    """The instalments not paid in full nor forgone, in order, each with what remains of it."""
    remaining: list[RemainingView] = []
    for instalment in convention.unpaid_instalments():
        progress = progress_of(convention.payments, instalment.number)
        remaining.append({
            "number": instalment.number,
            "amount": str(convention.still_due(instalment)),
            "trigger": instalment.trigger,
            "on": day(instalment.on),
            "report": instalment.report,
            "report_received_on": day(progress.report_received_on),
        })  # fmt: skip
    return remaining


class PaymentView(TypedDict):
    """One payment made, as the history recorded it (a `pay` line)."""

    on: str
    amount: str
    instalment: int
    """The instalment it paid; 0: the single payment, or a further part of it."""
    balance: bool
    """A further part of the single payment: the balance an amendment raising the amount left
    to pay once it was paid."""


def payment_views(lines: Iterable[Any]) -> list[PaymentView]:
    """Every payment made, in the order recorded, from the convention's history lines: the
    convention keeps only its first payment's date and the total paid (`paid_on`,
    `paid_amount`), and each instalment's latest payment, not each part of a single payment
    an amendment completed with a balance."""
    made: list[PaymentView] = []
    for line in lines:
        if line.name != "pay" or line.amendment is not None:
            continue
        inputs = line.inputs or {}
        number = int(inputs.get("instalment", SINGLE_PAYMENT))
        made.append({
            "on": line.occurred_on.isoformat(),
            "amount": inputs.get("amount", ""),
            "instalment": number,
            "balance": number == SINGLE_PAYMENT
            and any(p["instalment"] == SINGLE_PAYMENT for p in made),
        })  # fmt: skip
    return made
