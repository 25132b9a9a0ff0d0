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

An amendment in force may raise the amount of a single payment already made (article 5): the
difference is a balance, paid later as a further part of the same single payment. Its progress
then adds up what was paid (`paid_amount`), and its `paid_on` is the day of its latest part; it
is unpaid while what was paid falls short of its amount (:func:`outstanding`).
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
class InstalmentProgress:
    """What has happened to one instalment: its report received, its payment made."""

    number: int
    report_received_on: date | None = None
    paid_on: date | None = None
    """The day of its latest payment (the single payment's balance after an amendment, if any)."""
    paid_amount: Decimal | None = None
    """What was paid on it, all its parts added up."""
    forgone_on: date | None = None
    """The day the Métropole recorded it will not pay it (`forgo_payment`: the report never
    came, the subsidy was reduced): nothing is owed on it any more (rule 25)."""


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


def mark_paid(
    progress: tuple[InstalmentProgress, ...], number: int, on: date, amount: Decimal
) -> tuple[InstalmentProgress, ...]:
    """The progress once instalment `number` is paid `amount` on `on`: a later part (the
    balance an amendment added) adds to what was paid, and its date becomes the latest."""
    entry = progress_of(progress, number)
    before = (entry.paid_amount or Decimal("0")) if entry.paid_on is not None else Decimal("0")
    return with_progress(progress, replace(entry, paid_on=on, paid_amount=before + amount))


def mark_report(
    progress: tuple[InstalmentProgress, ...], number: int, on: date
) -> tuple[InstalmentProgress, ...]:
    """The progress once the report instalment `number` waits for is received on `on`."""
    return with_progress(progress, replace(progress_of(progress, number), report_received_on=on))


def mark_forgone(
    progress: tuple[InstalmentProgress, ...], number: int, on: date
) -> tuple[InstalmentProgress, ...]:
    """The progress once instalment `number` is forgone on `on`: it will not be paid (rule 25)."""
    return with_progress(progress, replace(progress_of(progress, number), forgone_on=on))


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
    "mark_forgone",
    "mark_paid",
    "mark_report",
    "outstanding",
    "progress_of",
    "schedule_of",
    "shortfall",
    "unpaid",
    "with_progress",
]
