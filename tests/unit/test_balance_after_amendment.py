"""An amendment raising the amount of a single payment already made (articles 2 and 5).

The reference convention pays its 200 000,00 € once, after the notification; paid on 15 April
2025, it is in execution. Avenant n°1 raises the amount to 250 000,00 €; its last signature, on
Saturday 3 May 2025, puts it in force: the 50 000,00 € difference is a balance due, targeted
`payment_target_days` (30) after, on Monday 2 June 2025, and paid as a further part of the same
single payment (number 0), its `paid_amount` adding up.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from states.amendments import Amendment, AmendmentOutcome, fire_amendment, parse_changes
from states.convention import Convention
from states.deadlines import DeadlineClosure
from states.errors import GuardRejected, InvalidInput
from states.lifecycle import allowed_for
from states.payments import SINGLE_PAYMENT, Instalment, InstalmentProgress, PaidPart
from tests.reading import plain
from tests.unit.builders import (
    AGENT,
    CRPV,
    METROPOLE,
    PAID,
    SETTINGS,
    TODAY,
    convention_in,
    record,
    reference_convention,
    refusal,
)

DRAFTED, SUBMITTED, CRPV_SIGNS, IN_FORCE = "2025-04-28", "2025-04-29", "2025-04-30", "2025-05-03"
BALANCE_DUE = date(2025, 6, 2)


def amend(
    convention: Convention, number: int = 1, *, first: str = "", signed: str = IN_FORCE,
    **changes: str,
) -> AmendmentOutcome:  # fmt: skip
    """Draft, submit and sign an amendment (drafted, submitted and signed by the CRPV on
    `first`, by default on 28, 29 and 30 April; the Métropole's signature last, on `signed`)."""
    amendment = Amendment(number, changes=parse_changes(convention, changes),
                          created_on=date.fromisoformat(first or DRAFTED))  # fmt: skip
    return sign_through(convention, amendment, signed, first)


def sign_through(
    convention: Convention, amendment: Amendment, signed: str, first: str = ""
) -> AmendmentOutcome:
    """Submit (unless submitted), then both signatures, the last on `signed`."""
    steps: list[tuple[str, str, dict[str, str]]] = [
        ("sign", first or CRPV_SIGNS, {"signatory": CRPV}),
        ("sign", signed, {"signatory": METROPOLE}),
    ]
    if amendment.state == "draft":
        steps.insert(0, ("submit", first or SUBMITTED, {}))
    outcome = None
    for trigger, on, inputs in steps:
        outcome = fire_amendment(convention, amendment, trigger, on=date.fromisoformat(on),
                                 actor=AGENT, today=TODAY, legal=SETTINGS,
                                 inputs=inputs)  # fmt: skip
    assert outcome is not None
    return outcome


def balance_targets(outcome: AmendmentOutcome) -> list[tuple[date, date, int]]:
    return [(d.trigger_date, d.due_date, d.instalment) for d in outcome.opened
            if d.kind == "payment"]  # fmt: skip


def test_a_raise_after_the_payment_opens_the_balance_target() -> None:
    convention = convention_in("execution")

    outcome = amend(convention, amount="250000.00")

    assert convention.amount == Decimal("250000.00")
    assert convention.balance_due() == Decimal("50000.00")
    assert balance_targets(outcome) == [(date(2025, 5, 3), BALANCE_DUE, SINGLE_PAYMENT)]
    [target] = [d for d in outcome.opened if d.kind == "payment"]
    explanation = plain(target.explanation)
    assert "l'avenant n° 1, en vigueur le samedi 3 mai 2025" in explanation
    assert "200 000,00 € ont déjà été versés" in explanation
    assert "le solde de 50 000,00 € reste à verser après l'avenant" in explanation
    assert "au plus tard le lundi 2 juin 2025 à 24 h" in explanation
    assert "Source : avenant n° 1, en vigueur le samedi 3 mai 2025." in explanation
    assert DeadlineClosure("payment", "superseded") in outcome.closures
    assert "pay" in allowed_for(convention)


def test_the_balance_is_paid_for_exactly_its_amount() -> None:
    convention = convention_in("execution")
    amend(convention, amount="250000.00")

    with pytest.raises(GuardRejected) as refused:
        record(convention, "pay", date(2025, 5, 5), amount="250000.00")
    # the balance is the avenant's, not the article 2's payment (finance tester, M1)
    assert refusal(refused.value) == ("balance_differs", {
        "event": "pay", "amount": "250000.00", "due": "50000.00", "by_amendment": 1,
    })  # fmt: skip
    outcome = record(convention, "pay", date(2025, 5, 5), amount="50000.00")

    assert (outcome.from_state, outcome.to_state) == ("execution", "execution")
    assert outcome.inputs == {"amount": "50000.00"}  # no instalment: the single payment's part
    assert outcome.closures == (
        DeadlineClosure("payment", "met", ("pending", "passed"), date(2025, 5, 5), None),
    )
    assert convention.payments == (
        InstalmentProgress(SINGLE_PAYMENT, paid_on=date(2025, 5, 5),
                           paid_amount=Decimal("250000.00"), balance_by=1,
                           parts=(PaidPart(PAID, Decimal("200000.00")),
                                  PaidPart(date(2025, 5, 5), Decimal("50000.00")))),
    )  # fmt: skip
    assert (convention.paid_on, convention.paid_amount) == (PAID, Decimal("250000.00"))
    assert convention.balance_due() == 0
    assert "pay" not in allowed_for(convention)


def test_before_the_payment_a_raise_is_the_single_payment() -> None:
    convention = convention_in("payment")

    outcome = amend(convention, amount="250000.00")

    assert balance_targets(outcome) == []
    assert convention.balance_due() == 0
    with pytest.raises(GuardRejected, match=r"amount_differs .*due=250000.00"):
        record(convention, "pay", date(2025, 5, 5), amount="200000.00")
    record(convention, "pay", date(2025, 5, 5), amount="250000.00")
    assert convention.state == "execution" and "pay" not in allowed_for(convention)


def test_an_amount_below_what_was_paid_is_refused_at_the_draft() -> None:
    convention = convention_in("execution")

    with pytest.raises(InvalidInput) as refused:
        parse_changes(convention, {"amount": "150000.00"})

    assert refusal(refused.value) == (
        "amount_below_paid",
        {"field": "amount", "amount": "150000.00", "paid": "200000.00"},
    )


def test_an_amount_drafted_before_the_payment_is_refused_at_its_last_signature() -> None:
    convention = convention_in("payment")
    amendment = Amendment(1, changes=parse_changes(convention, {"amount": "150000.00"}),
                          created_on=date(2025, 4, 1))  # fmt: skip
    fire_amendment(convention, amendment, "submit", on=date(2025, 4, 10), actor=AGENT,
                   today=TODAY, legal=SETTINGS)  # fmt: skip
    record(convention, "pay", PAID, amount="200000.00")

    with pytest.raises(GuardRejected) as refused:
        sign_through(convention, amendment, IN_FORCE)

    assert refusal(refused.value) == ("amount_below_paid", {
        "event": "sign", "amendment": 1, "amount": "150000.00", "paid": "200000.00",
    })  # fmt: skip
    assert convention.amount == Decimal("200000.00") and amendment.state == "signature"
    assert list(amendment.signatures) == [CRPV]  # the first signature went through


def test_a_second_raise_replaces_the_balance_and_a_return_to_the_paid_amount_ends_it() -> None:
    convention = convention_in("execution")
    amend(convention, amount="250000.00")

    again = amend(convention, 2, first="2025-05-08", signed="2025-05-10", amount="260000.00")
    assert DeadlineClosure("payment", "superseded") in again.closures
    assert balance_targets(again) == [(date(2025, 5, 10), date(2025, 6, 9), SINGLE_PAYMENT)]
    assert convention.balance_due() == Decimal("60000.00")

    back = amend(convention, 3, first="2025-05-18", signed="2025-05-20", amount="200000.00")
    assert DeadlineClosure("payment", "superseded") in back.closures
    assert balance_targets(back) == []
    assert "pay" not in allowed_for(convention)


def test_replaying_the_history_gives_the_same_convention() -> None:
    """The history's lines, fired again in order on the convention as imported, rebuild it."""
    lived = convention_in("execution")
    lines: list[tuple[str, str, dict[str, str]]] = [
        ("submit", SUBMITTED, {}), ("sign", CRPV_SIGNS, {"signatory": CRPV}),
        ("sign", IN_FORCE, {"signatory": METROPOLE}),
    ]  # fmt: skip
    amend(lived, amount="250000.00")
    record(lived, "pay", date(2025, 5, 5), amount="50000.00")

    rebuilt = convention_in("execution")
    amendment = Amendment(1, changes={"amount": "250000.00"}, created_on=date(2025, 4, 28))
    for trigger, on, inputs in lines:
        fire_amendment(rebuilt, amendment, trigger, on=date.fromisoformat(on), actor=AGENT,
                       today=TODAY, legal=SETTINGS, inputs=inputs)  # fmt: skip
    record(rebuilt, "pay", date(2025, 5, 5), amount="50000.00")

    assert rebuilt == lived


def test_a_payment_recorded_before_its_progress_was_kept_counts_as_paid() -> None:
    """A single payment recorded before storage revision 0011 has `paid_on` and `paid_amount`,
    no progress: it is paid, and a raise leaves only the difference to pay."""
    convention = replace(convention_in("execution"), payments=())
    assert convention.unpaid_instalments() == []
    assert "pay" not in allowed_for(convention)

    amend(convention, amount="250000.00")

    assert convention.balance_due() == Decimal("50000.00")
    record(convention, "pay", date(2025, 5, 5), amount="50000.00")
    assert convention.payments[0].paid_amount == Decimal("250000.00")


def test_a_convention_paid_in_instalments_still_refuses_a_new_amount() -> None:
    convention = reference_convention()
    halves = tuple(Instalment(n, Decimal("100000.00")) for n in (1, 2))
    convention.clauses = replace(convention.clauses, instalments=halves)

    assert convention.balance_due() == 0
    with pytest.raises(InvalidInput, match="amount_of_a_schedule"):
        parse_changes(convention, {"amount": "250000.00"})


def test_the_amendment_s_balance_is_the_convention_s_with_its_day() -> None:
    """The amendment_in_force email's balance and the reminders' (the convention's snapshot)
    say the same amount and what was paid before it; the amendment's adds the day it is due.
    No balance, no balance said: a new payment target opens a payment deadline too."""
    from workflow.usecases.emails import balance_snapshot, convention_snapshot

    convention = convention_in("execution")
    [target] = [d for d in amend(convention, amount="250000.00").opened if d.kind == "payment"]

    assert balance_snapshot(convention, target) == {
        **convention_snapshot(convention)["balance"], "due_date": "2025-06-02",
    }  # fmt: skip
    assert convention_snapshot(convention)["balance"] == {
        "amount": "50000.00", "paid_before": "200000.00",
    }  # fmt: skip
    record(convention, "pay", date(2025, 5, 5), amount="50000.00")
    assert balance_snapshot(convention, target) is None
    assert "balance" not in convention_snapshot(convention)
