"""What a convention's payments come to (article 2): paid, left to pay, forgone.

The convention's row keeps what was paid (`paid_amount`) and each instalment's progress; this
adds them up as a finance officer reads a schedule: what was paid in all, what is still owed
(each instalment's amount, or the balance an amendment left on it, until it is paid or forgone:
`states.payments.outstanding`), and what the Métropole gave up (rule 25: what remained of each
instalment it forwent). A convention cancelled before it was signed owes nothing, nor one that
ended, or is under a termination notice, without the notification of the award (article 2:
nothing became due, `Convention.never_notified`).

Pure: a convention in, the figures out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from states.convention import Convention
from states.payments import Instalment, InstalmentProgress, progress_of

_ZERO = Decimal("0")


@dataclass(frozen=True)
class Ledger:
    """What was paid in all, what is left to pay, what was forgone; and what remains due on
    each instalment still owed, by number (0: the single payment)."""

    paid: Decimal = _ZERO
    left: Decimal = _ZERO
    forgone: Decimal = _ZERO
    due: dict[int, Decimal] = field(default_factory=dict)


def ledger(convention: Convention) -> Ledger:
    """The convention's payments added up (see the module)."""
    progress = convention.paid_so_far()
    forgone = _ZERO
    due: dict[int, Decimal] = {}
    for instalment in convention.schedule():
        entry = progress_of(progress, instalment.number)
        if entry.forgone_on is not None:
            forgone += max(instalment.amount - paid_on(instalment, entry), _ZERO)
            continue
        owed = convention.still_due(instalment)
        if owed > 0 and not convention.never_notified():
            due[instalment.number] = owed
    paid = convention.paid_amount or _ZERO
    return Ledger(paid, sum(due.values(), _ZERO), forgone, due)


def paid_on(instalment: Instalment, progress: InstalmentProgress) -> Decimal:
    """What was paid on `instalment`: nothing until it is paid; its parts added up; its whole
    amount when it was paid with no amount kept (a row written before amounts were)."""
    if progress.paid_on is None:
        return _ZERO
    return progress.paid_amount if progress.paid_amount is not None else instalment.amount


__all__ = ["Ledger", "ledger", "paid_on"]
