"""Each payment fact of the row held against the lines (states.terms.payment_differences): the
reference convention's single payment of 200 000,00 €, made on 3 March 2025, raised to
250 000,00 € by avenant n° 1 (in force on 2 May), its 50 000,00 € balance paid on 2 June.

Since in-force lines record each instalment's amount, the row keeps both parts and that avenant
n° 1 left the balance; a row written before (its avenant's line recording no instalment) has
neither, and is not called tampered for it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from states.chain import HistoryLine
from states.convention import Convention
from states.payments import InstalmentProgress, PaidPart
from states.terms import TERMS, payment_differences
from tests.unit.builders import REFERENCE, reference_convention

FIRST, BALANCE = date(2025, 3, 3), date(2025, 6, 2)


def _line(
    seq: int, name: str, on: date, amendment: int | None = None, **inputs: Any
) -> HistoryLine:
    to_state = "in_force" if name == "sign" else "execution"
    return HistoryLine(REFERENCE, seq, name, "signature", to_state, on,
                       datetime(2025, 1, 1, tzinfo=UTC), "alice", inputs, amendment)  # fmt: skip


def _lines(*, kept: bool) -> list[HistoryLine]:
    terms: dict[str, Any] = {"amount": "250000.00", **({"instalments": {}} if kept else {})}
    return [
        _line(6, "pay", FIRST, amount="200000.00"),
        _line(7, "amend", date(2025, 4, 1), 1, amount="250000.00"),
        _line(8, "sign", date(2025, 5, 2), 1, **{TERMS: terms}),
        _line(9, "pay", BALANCE, amount="50000.00"),
    ]


def _row(**changes: Any) -> Convention:
    convention = reference_convention()
    convention.amount, convention.paid_on = Decimal("250000.00"), FIRST
    convention.paid_amount = Decimal("250000.00")
    parts = (PaidPart(FIRST, Decimal("200000.00")), PaidPart(BALANCE, Decimal("50000.00")))
    paid = InstalmentProgress(0, paid_on=BALANCE, paid_amount=Decimal("250000.00"), parts=parts,
                              balance_by=1)  # fmt: skip
    convention.payments = (replace(paid, **changes),)
    return convention


def _found(convention: Convention, lines: list[HistoryLine]) -> list[tuple[int, str, str, str]]:
    return [(d.seq, d.field, d.recorded, d.stored) for d in payment_differences(convention, lines)]


def test_the_row_as_written_holds_a_part_s_day_and_the_avenant_of_the_balance_are_held() -> None:
    assert _found(_row(), _lines(kept=True)) == []
    moved = (PaidPart(date(2025, 3, 4), Decimal("200000.00")), _row().payments[0].parts[1])

    assert _found(_row(parts=moved, balance_by=2), _lines(kept=True)) == [
        (6, "instalment.0.part.1.on", "2025-03-03", "2025-03-04"),
        (8, "instalment.0.balance_by", "1", "2"),
    ]


def test_parts_and_balance_by_missing_since_they_were_kept_are_named() -> None:
    assert _found(_row(parts=(), balance_by=None), _lines(kept=True)) == [
        (6, "instalment.0.part.1.amount", "200000.00", ""),
        (6, "instalment.0.part.1.on", "2025-03-03", ""),
        (9, "instalment.0.part.2.amount", "50000.00", ""),
        (9, "instalment.0.part.2.on", "2025-06-02", ""),
        (8, "instalment.0.balance_by", "1", ""),
    ]


def test_a_row_written_before_parts_were_kept_holds_but_its_latest_day_is_held() -> None:
    assert _found(_row(parts=(), balance_by=None), _lines(kept=False)) == []
    assert _found(_row(parts=(), balance_by=None, paid_on=FIRST), _lines(kept=False)) == [
        (9, "instalment.0.paid_on", "2025-06-02", "2025-03-03")
    ]
