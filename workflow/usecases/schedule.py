"""A payment schedule as people read it: each instalment and where it stands (the status view,
the dashboard and the emails' facts say it the same way)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypedDict

from states.convention import Convention
from states.payments import (
    SINGLE_PAYMENT,
    Instalment,
    InstalmentProgress,
    balance_forgone,
    first_paid_on,
    paid_parts,
    progress_of,
)
from workflow.usecases.iso import day


class PartView(TypedDict):
    """One payment made on an instalment: its day and its amount."""

    on: str
    amount: str


class InstalmentView(TypedDict):
    """One instalment of a payment schedule (article 2) and where it stands."""

    number: int
    amount: str
    trigger: str
    on: str | None
    report: str | None
    report_received_on: str | None
    paid_on: str | None
    """The day of its first payment (a balance an amendment left is paid later: `parts`)."""
    paid_amount: str | None
    """What was paid on it, every part added up."""
    forgone_on: str | None
    """The day the Métropole recorded it will not pay it (rule 25, `forgo_payment`): the whole
    instalment, or, once paid in part, the balance an amendment left (`balance_forgone`)."""
    balance_due: str | None
    """Paid, then raised by an amendment: the balance left to pay on it (None when none)."""
    parts: list[PartView]
    """Each payment made on it, in order, each with its own day and amount (one while it was
    paid at once; a first payment, then the balance an amendment left)."""
    forgone_amount: str | None
    """What the Métropole gave up on it: its amount, or the balance (None when not forgone)."""
    balance_forgone: bool
    """The Métropole gave up the balance an amendment left on it, what was paid staying paid."""
    balance_by: int | None
    """The number of the amendment that raised it once paid, whose balance it is (None when
    none did)."""


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
            "paid_on": day(first_paid_on(progress)),
            "paid_amount": str(progress.paid_amount) if progress.paid_amount else None,
            "forgone_on": day(progress.forgone_on),
            "balance_due": _balance_due(convention, instalment, progress.paid_on),
            "parts": part_views(progress),
            "forgone_amount": _forgone_amount(instalment, progress),
            "balance_forgone": balance_forgone(progress),
            "balance_by": progress.balance_by,
        })  # fmt: skip
    return views


def part_views(progress: InstalmentProgress) -> list[PartView]:
    """Each payment made on an instalment (or the single payment), each with its day."""
    return [{"on": part.on.isoformat(), "amount": str(part.amount)}
            for part in paid_parts(progress)]  # fmt: skip


def _forgone_amount(instalment: Instalment, progress: InstalmentProgress) -> str | None:
    """What the Métropole gave up on `instalment`, as text: the amount it recorded; its whole
    amount when forgone before that was kept (None when not forgone)."""
    if progress.forgone_on is None:
        return None
    return str(progress.forgone_amount if progress.forgone_amount is not None
               else instalment.amount)  # fmt: skip


def single_payment_forgone(convention: Convention) -> tuple[str | None, bool]:
    """What the Métropole gave up of the single payment of a convention paid in one payment, as
    text, and whether it is the balance an amendment left once it was paid; (None, False)
    when it gave up nothing, or for a schedule."""
    if convention.clauses.instalments:
        return None, False
    progress = progress_of(convention.paid_so_far(), SINGLE_PAYMENT)
    forgone = _forgone_amount(convention.schedule()[0], progress)
    return forgone, balance_forgone(progress)


def single_payment_balance_by(convention: Convention) -> int | None:
    """The amendment that raised the single payment once it was made (its balance's), if any."""
    if convention.clauses.instalments:
        return None
    return progress_of(convention.paid_so_far(), SINGLE_PAYMENT).balance_by


def _balance_due(
    convention: Convention, instalment: Instalment, paid_on: date | None
) -> str | None:
    """What an amendment raising `instalment` once paid left to pay on it, as text."""
    if paid_on is None:
        return None
    balance = convention.still_due(instalment)
    return str(balance) if balance else None


def settled_late(convention: Convention, number: int, due: date) -> tuple[date | None, date | None]:
    """How a payment target of payment `number` (0: the single payment) that passed unmet was
    settled since: the day of the first payment made on it after its day (`met_on`: met late),
    else the day the Métropole gave it up (`forgone_on`); (None, None) while neither."""
    progress = progress_of(convention.paid_so_far(), number)
    late = [part.on for part in paid_parts(progress) if part.on > due]
    if late:
        return late[0], None
    return None, progress.forgone_on


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
    balance: bool
    """What remains is the balance an amendment left on a payment already made (its condition
    is then the amendment, not the trigger: `balance_by`)."""
    balance_by: int | None
    """The number of the amendment that fixed that balance (None when not known, or none)."""
    paid_amount: str | None
    """What was paid on it already (None while nothing was)."""


def remaining_payments(convention: Convention) -> list[RemainingView]:
    """The instalments not paid in full nor forgone, in order, each with what remains of it."""
    remaining: list[RemainingView] = []
    for instalment in convention.unpaid_instalments():
        progress = progress_of(convention.paid_so_far(), instalment.number)
        paid = progress.paid_amount if progress.paid_on is not None else None
        remaining.append({
            "number": instalment.number,
            "amount": str(convention.still_due(instalment)),
            "trigger": instalment.trigger,
            "on": day(instalment.on),
            "report": instalment.report,
            "report_received_on": day(progress.report_received_on),
            "balance": progress.paid_on is not None,
            "balance_by": progress.balance_by if progress.paid_on is not None else None,
            "paid_amount": str(paid) if paid else None,
        })  # fmt: skip
    return remaining


class PaymentView(TypedDict):
    """One payment made, as the history recorded it (a `pay` line)."""

    on: str
    amount: str
    instalment: int
    """The instalment it paid; 0: the single payment, or a further part of it."""
    balance: bool
    """A further part of a payment already made (the single payment, or an instalment): the
    balance an amendment raising it left to pay once it was paid."""


def payment_views(lines: Iterable[Any]) -> list[PaymentView]:
    """Every payment made, in the order recorded, from the convention's history lines: the
    convention keeps its first payment's date and the total paid (`paid_on`, `paid_amount`),
    and each instalment's parts only since they were kept; the history has every one."""
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
            "balance": any(p["instalment"] == number for p in made),
        })  # fmt: skip
    return made
