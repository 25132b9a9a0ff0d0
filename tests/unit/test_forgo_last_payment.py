"""Forgoing what is left to pay (rule 25, `forgo_payment`), as a script reads it.

- Forgoing the last payment still owed moves the convention as paying it would: out of
  `payment` (« en attente de versement ») into `execution`; forgoing one while another is owed
  leaves it in `payment`.
- Forgoing again a payment already forgone is refused as such (`payment_forgone`,
  `instalment_forgone`), whatever else is left to pay, and forgoing a payment made as made
  (`payment_already_paid`): a script tells "already done" from "wrong state"
  (`invalid_transition`).
- The refusals naming instalments give their numbers as numbers; an instalment named on a
  convention paid in one payment is said as such (`instalment_of_single_payment`).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from states.convention import Convention
from states.errors import ConvflowError
from states.lifecycle import allowed_for
from states.payments import Instalment
from tests.unit.builders import convention_in, record, refusal

IN_TWO = (Instalment(1, Decimal("120000.00")), Instalment(2, Decimal("80000.00")))
FORGONE = date(2025, 4, 15)


def in_two() -> Convention:
    """The reference convention paid in two instalments, both due on its notification."""
    convention = convention_in("notification")
    convention.clauses = replace(convention.clauses, instalments=IN_TWO)
    record(convention, "notify", date(2025, 3, 20))
    assert convention.state == "payment"
    return convention


def refused(convention: Convention, trigger: str, on: date, **inputs: str) -> tuple[str, dict]:
    with pytest.raises(ConvflowError) as caught:
        record(convention, trigger, on, **inputs)
    return refusal(caught.value)


def test_forgoing_the_single_payment_moves_the_convention_as_paying_it_would() -> None:
    paid, forgone = convention_in("payment"), convention_in("payment")
    payment = record(paid, "pay", FORGONE, amount="200000.00")

    outcome = record(forgone, "forgo_payment", FORGONE, reason="subvention réduite")

    assert (outcome.from_state, outcome.to_state) == ("payment", payment.to_state)
    assert forgone.state == "execution" and allowed_for(forgone) == allowed_for(paid)


def test_forgoing_the_last_instalment_owed_moves_it_to_execution_and_not_before() -> None:
    convention = in_two()
    first = record(convention, "forgo_payment", FORGONE, instalment="1", reason="réduite")
    assert first.to_state == "payment"  # the second is still owed: still awaiting a payment

    last = record(convention, "forgo_payment", FORGONE, instalment="2", reason="réduite")

    assert (last.from_state, last.to_state) == ("payment", "execution")


def test_forgoing_the_single_payment_again_says_it_was_forgone_and_when() -> None:
    """Before: `invalid_transition` (« possibles : … »), as if forgoing were not possible."""
    convention = convention_in("payment")
    record(convention, "forgo_payment", FORGONE, reason="subvention réduite")

    assert refused(convention, "forgo_payment", date(2025, 4, 20), reason="encore") == (
        "payment_forgone", {"event": "forgo_payment", "forgone_on": "2025-04-15"},
    )  # fmt: skip


def test_a_blank_instalment_number_on_a_single_payment_forgone_is_as_none_typed() -> None:
    """A form's or a script's empty `instalment` field is no number: the single payment,
    forgone, is said as such (before: the state's `invalid_transition`)."""
    convention = convention_in("payment")
    record(convention, "forgo_payment", FORGONE, reason="subvention réduite")

    for blank in ("", "   ", "\u00a0"):
        assert refused(convention, "pay", date(2025, 4, 20), amount="1.00", instalment=blank) == (
            "payment_forgone", {"event": "pay", "forgone_on": "2025-04-15"},
        )  # fmt: skip


def test_forgoing_an_instalment_again_says_it_was_forgone_once_nothing_is_left() -> None:
    convention = in_two()
    record(convention, "pay", FORGONE, amount="120000.00", instalment="1")
    record(convention, "forgo_payment", FORGONE, instalment="2", reason="réduite")
    assert convention.state == "execution" and not convention.unpaid_instalments()

    assert refused(convention, "forgo_payment", FORGONE, instalment="2", reason="x") == (
        "instalment_forgone",
        {"event": "forgo_payment", "instalment": 2, "forgone_on": "2025-04-15"},
    )  # fmt: skip


def test_forgoing_a_paid_payment_once_nothing_is_left_says_it_is_already_paid_and_when() -> None:
    """Before: the state's `invalid_transition` (« possibles : … »); then, for a balance an
    avenant left, « le versement n° 0 est déjà enregistré » (finance tester, L1 and H1)."""
    convention = convention_in("execution")  # paid in one payment, on 15 April 2025
    assert "forgo_payment" not in allowed_for(convention)
    assert refused(convention, "forgo_payment", FORGONE, reason="x") == (
        "payment_already_paid", {"event": "forgo_payment", "paid_on": "2025-04-15"},
    )  # fmt: skip


def test_an_unknown_instalment_s_planned_ones_are_numbers() -> None:
    convention = in_two()
    assert refused(convention, "forgo_payment", FORGONE, instalment="7", reason="x") == (
        "unknown_instalment", {"event": "forgo_payment", "instalment": 7, "instalments": [1, 2]},
    )  # fmt: skip
    assert refused(convention, "forgo_payment", FORGONE, reason="x") == (
        "forgo_which_instalment", {"event": "forgo_payment", "instalments": [1, 2]},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("trigger", "inputs"),
    [("forgo_payment", {"reason": "x"}), ("pay", {"amount": "200000.00"})],
)
def test_an_instalment_named_on_a_single_payment_is_said_not_to_apply(
    trigger: str, inputs: dict[str, str]
) -> None:
    convention = convention_in("payment")
    assert refused(convention, trigger, FORGONE, instalment="1", **inputs) == (
        "instalment_of_single_payment", {"event": trigger, "instalment": 1},
    )  # fmt: skip
