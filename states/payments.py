"""How a convention's amount is paid (article 2): a schedule of instalments, and what is paid.

The reference convention pays its whole amount in one payment after the notification of the
award: that is the schedule with no instalment declared, and its payment deadline carries
instalment number 0 ("the single payment"). A convention paid in instalments declares them in
order, numbered from 1, each with its amount and its trigger:

- ``notification``: due `payment_target_days` after the notification of the award;
- ``date``: due on a date the convention fixes;
- ``report``: due `payment_target_days` after the beneficiary's report is received
  (the `report_received` event names the instalment).

The amounts add up to the convention's amount, to the cent; the convention is in `execution`
from its first payment.

An amendment in force may raise the amount of a payment already made (article 5), the single
payment or an instalment: the difference is a balance, paid later as a further part of the same
payment. Its progress then keeps each part with its own day (`parts`: the partner's books show
each sum on the day it was received), adds up what was paid (`paid_amount`), and its `paid_on`
is the day of its latest part (what completed it, the file's closure counts from it); what
people read (`status`, the dashboard, the emails, `instalments[].paid_on` in JSON) dates the
payment by its first part and each further part by its own day. It is unpaid while what was
paid falls short of its amount (:func:`outstanding`). The Métropole may give up such a balance
as it gives up a payment not made (`forgo_payment`, rule 25): `forgone_amount` is then the
balance, and what was paid stays paid.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Literal

InstalmentTrigger = Literal["notification", "date", "report"]
INSTALMENT_TRIGGERS: tuple[InstalmentTrigger, ...] = ("notification", "date", "report")
SINGLE_PAYMENT = 0
"""The instalment number of the payment of a convention paid in one payment."""
MAX_INSTALMENTS = 24


@dataclass(frozen=True)
class Instalment:
    """One payment of the schedule: its number (from 1), amount, and what makes it due."""

    number: int
    amount: Decimal
    trigger: InstalmentTrigger = "notification"
    on: date | None = None
    report: str | None = None


@dataclass(frozen=True)
class PaidPart:
    """One payment made on an instalment (or on the single payment): its day and its amount."""

    on: date
    amount: Decimal


@dataclass(frozen=True)
class InstalmentProgress:
    """What has happened to one instalment: its report received, its payment made."""

    number: int
    report_received_on: date | None = None
    paid_on: date | None = None
    """The day of its latest payment (the balance an amendment left, if any was paid): what
    completed it. People read the first part's day (:func:`paid_parts`)."""
    paid_amount: Decimal | None = None
    """What was paid on it, all its parts added up."""
    forgone_on: date | None = None
    """The day the Métropole recorded it will not pay it (`forgo_payment`: the report never
    came, the subsidy was reduced): nothing is owed on it any more (rule 25). Once it was paid in
    part, what it gave up is the balance an amendment left (`forgone_amount`)."""
    parts: tuple[PaidPart, ...] = ()
    """Each payment made on it, in the order recorded, each on its own day; empty when it was
    paid before the parts were kept (then one part: `paid_on`, `paid_amount`)."""
    forgone_amount: Decimal | None = None
    """What the Métropole gave up (`forgone_on`): its whole amount, or, paid in part, the balance
    left; None when not forgone, or forgone before it was kept (the whole instalment)."""
    balance_by: int | None = None
    """The number of the amendment that last raised it once paid (the balance it left, « solde
    fixé par l'avenant n° 1 »); None when none did, or before it was kept."""


def schedule_of(amount: Decimal, instalments: tuple[Instalment, ...]) -> tuple[Instalment, ...]:
    """The instalments to pay: the declared ones, or the single payment of the whole amount."""
    if instalments:
        return instalments
    return (Instalment(SINGLE_PAYMENT, amount),)


def progress_of(progress: tuple[InstalmentProgress, ...], number: int) -> InstalmentProgress:
    """The progress of instalment `number` (nothing yet when it has none)."""
    for entry in progress:
        if entry.number == number:
            return entry
    # Built only when missing: every email's snapshot asks for it, and a frozen dataclass
    # built for nothing cost a tenth of the due pass's Python (bench.reminder_lateness).
    return InstalmentProgress(number)


def with_progress(
    progress: tuple[InstalmentProgress, ...], updated: InstalmentProgress
) -> tuple[InstalmentProgress, ...]:
    """The progress with one instalment's entry replaced (or added), in instalment order."""
    others = [p for p in progress if p.number != updated.number]
    return tuple(sorted([*others, updated], key=lambda p: p.number))


def outstanding(instalment: Instalment, progress: InstalmentProgress) -> Decimal:
    """What remains to pay on `instalment`: its amount until it is paid; then what an amendment
    added to it since (the balance of a single payment), nothing when it was paid in full (or
    paid with no amount recorded), nor once the Métropole has forgone it (rule 25)."""
    if progress.forgone_on is not None:
        return Decimal("0")
    if progress.paid_on is None:
        return instalment.amount
    if progress.paid_amount is None:
        return Decimal("0")
    return max(instalment.amount - progress.paid_amount, Decimal("0"))


def unpaid(
    schedule: tuple[Instalment, ...], progress: tuple[InstalmentProgress, ...]
) -> list[Instalment]:
    """The instalments not paid in full yet, in order."""
    return [i for i in schedule if outstanding(i, progress_of(progress, i.number)) > 0]


def paid_parts(progress: InstalmentProgress) -> tuple[PaidPart, ...]:
    """Each payment made on an instalment, in order, each with its day: its parts, or, paid
    before they were kept, one part of all that was paid on its latest day (none when unpaid)."""
    if progress.parts:
        return progress.parts
    if progress.paid_on is None:
        return ()
    return (PaidPart(progress.paid_on, progress.paid_amount or Decimal("0")),)


def first_paid_on(progress: InstalmentProgress) -> date | None:
    """The day of the first payment made on an instalment (None while unpaid)."""
    parts = paid_parts(progress)
    return parts[0].on if parts else None


def balance_forgone(progress: InstalmentProgress) -> bool:
    """Whether the Métropole gave up the balance of an instalment paid in part (an amendment
    raised it once paid), rather than the whole instalment."""
    return progress.forgone_on is not None and progress.paid_on is not None


def mark_paid(
    progress: tuple[InstalmentProgress, ...], number: int, on: date, amount: Decimal
) -> tuple[InstalmentProgress, ...]:
    """The progress once instalment `number` is paid `amount` on `on`: a later part (the
    balance an amendment added) adds to what was paid, is kept with its own day, and its date
    becomes the latest."""
    entry = progress_of(progress, number)
    before = (entry.paid_amount or Decimal("0")) if entry.paid_on is not None else Decimal("0")
    parts = (*paid_parts(entry), PaidPart(on, amount))
    return with_progress(
        progress, replace(entry, paid_on=on, paid_amount=before + amount, parts=parts)
    )


def mark_report(
    progress: tuple[InstalmentProgress, ...], number: int, on: date
) -> tuple[InstalmentProgress, ...]:
    """The progress once the report instalment `number` waits for is received on `on`."""
    return with_progress(progress, replace(progress_of(progress, number), report_received_on=on))


def mark_forgone(
    progress: tuple[InstalmentProgress, ...], number: int, on: date, amount: Decimal
) -> tuple[InstalmentProgress, ...]:
    """The progress once instalment `number` is forgone on `on`: it will not be paid (rule 25);
    `amount`: what is given up, the instalment's amount, or the balance once paid in part."""
    entry = progress_of(progress, number)
    return with_progress(progress, replace(entry, forgone_on=on, forgone_amount=amount))


def mark_balance_by(
    progress: tuple[InstalmentProgress, ...], number: int, amendment: int
) -> tuple[InstalmentProgress, ...]:
    """The progress once amendment n° `amendment` has raised instalment `number` already paid:
    the balance it leaves is the one that amendment fixed."""
    return with_progress(progress, replace(progress_of(progress, number), balance_by=amendment))


def shortfall(total: Decimal, instalments: tuple[Instalment, ...]) -> Decimal:
    """How much the instalments fall short of the total (negative: they exceed it)."""
    return total - sum((i.amount for i in instalments), Decimal("0"))


__all__ = [
    "INSTALMENT_TRIGGERS",
    "MAX_INSTALMENTS",
    "SINGLE_PAYMENT",
    "Instalment",
    "InstalmentProgress",
    "InstalmentTrigger",
    "PaidPart",
    "balance_forgone",
    "first_paid_on",
    "mark_balance_by",
    "mark_forgone",
    "mark_paid",
    "mark_report",
    "outstanding",
    "paid_parts",
    "progress_of",
    "schedule_of",
    "shortfall",
    "unpaid",
    "with_progress",
]
