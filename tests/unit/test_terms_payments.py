"""What the history establishes of a schedule and its payments (states.terms), held against the
convention's row: the reference convention paid in two halves of 100 000,00 €.

The lines written since the terms record each instalment's amount hold each of them; a line
written before (a history from before this change, as on the finance tester's database) holds
their total; the `pay` and `forgo_payment` lines hold what was paid and forgone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from states.chain import HistoryLine
from states.convention import Convention
from states.payments import Instalment, InstalmentProgress
from states.terms import TERMS, differences, recorded_terms
from tests.unit.builders import REFERENCE, reference_convention

HALVES = (
    Instalment(1, Decimal("100000.00")),
    Instalment(2, Decimal("100000.00"), "report", report="bilan d'activité"),
)


def _line(seq: int, name: str, on: date, **inputs: Any) -> HistoryLine:
    return HistoryLine(REFERENCE, seq, name, "draft", "draft", on,
                       datetime(2025, 1, 1, tzinfo=UTC), "alice", inputs, None)  # fmt: skip


def _in_halves() -> Convention:
    convention = reference_convention()
    convention.clauses = replace(convention.clauses, instalments=HALVES)
    return convention


def _found(convention: Convention, *lines: HistoryLine) -> list[tuple[int, str, str, str]]:
    return [(d.seq, d.field, d.recorded, d.stored) for d in differences(convention, lines)]


def test_the_terms_record_each_instalment_s_amount() -> None:
    assert recorded_terms(_in_halves())["instalments"] == {"1": "100000.00", "2": "100000.00"}
    assert recorded_terms(reference_convention())["instalments"] == {}  # a single payment


def test_an_instalment_changed_in_the_row_is_named_against_the_line_that_recorded_it() -> None:
    recorded = _line(1, "import", date(2025, 3, 1), **{TERMS: recorded_terms(_in_halves())})
    convention = _in_halves()
    lowered = replace(HALVES[1], amount=Decimal("70000.00"))
    convention.clauses = replace(convention.clauses, instalments=(HALVES[0], lowered))

    assert _found(convention, recorded) == [(1, "instalment.2.amount", "100000.00", "70000.00")]


def test_before_the_terms_held_each_instalment_their_total_is_held_against_the_amount() -> None:
    """The terms as a line wrote them before: amount, term, parties, signatories. Moving
    30 000,00 € from one instalment to the other cannot be seen; lowering one can."""
    old = {k: v for k, v in recorded_terms(_in_halves()).items() if k != "instalments"}
    line = _line(1, "import", date(2025, 3, 1), **{TERMS: old})
    convention = _in_halves()
    moved = (replace(HALVES[0], amount=Decimal("130000.00")),
             replace(HALVES[1], amount=Decimal("70000.00")))  # fmt: skip
    convention.clauses = replace(convention.clauses, instalments=moved)
    assert _found(convention, line) == []

    convention.clauses = replace(convention.clauses, instalments=(HALVES[0], moved[1]))
    assert _found(convention, line) == [(1, "instalments", "200000.00", "170000.00")]


def test_what_was_paid_and_forgone_is_held_against_the_pay_and_forgo_lines() -> None:
    lines = (
        _line(1, "import", date(2025, 3, 1), **{TERMS: recorded_terms(_in_halves())}),
        _line(2, "pay", date(2025, 4, 1), amount="100000.00", instalment="1"),
        _line(3, "forgo_payment", date(2025, 9, 1), amount="100000.00", instalment="2",
              reason="bilan non remis"),
    )  # fmt: skip
    convention = _in_halves()
    convention.paid_on, convention.paid_amount = date(2025, 4, 1), Decimal("100000.00")
    convention.payments = (
        InstalmentProgress(1, paid_on=date(2025, 4, 1), paid_amount=Decimal("100000.00")),
        InstalmentProgress(2, forgone_on=date(2025, 9, 1)),
    )
    assert _found(convention, *lines) == []

    convention.payments = (
        InstalmentProgress(1, paid_on=date(2025, 4, 1), paid_amount=Decimal("100000.00")),
        InstalmentProgress(2, paid_on=date(2025, 9, 1)),  # said paid, in full
    )
    convention.paid_on = date(2025, 3, 25)
    assert _found(convention, *lines) == [
        (2, "paid_on", "2025-04-01", "2025-03-25"),
        (0, "instalment.2.paid_amount", "", "100000.00"),
        (3, "instalment.2.forgone_on", "2025-09-01", ""),
    ]


def test_a_single_payment_s_amount_is_said_once_by_the_total() -> None:
    paid = _line(2, "pay", date(2025, 4, 1), amount="200000.00")
    convention = reference_convention()
    convention.paid_on, convention.paid_amount = date(2025, 4, 1), Decimal("250000.00")

    assert _found(convention, paid) == [(2, "paid_amount", "200000.00", "250000.00")]
