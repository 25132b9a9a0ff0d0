"""An avenant changing one instalment of a schedule (`instalment.<n>.amount`, article 2).

The reference convention is paid here in two halves of 100 000,00 €: n°1 after the
notification (20 March 2025), n°2 on receipt of the activity report. Code civil 1193: the
parties change the contract by their agreement, instalment by instalment; what was paid is
paid (an instalment is never set below what was paid on it), and one the Métropole forwent
(rule 25) is not amended.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from states.amendments import Amendment, parse_changes
from states.convention import Convention
from states.errors import GuardRejected, InvalidInput
from states.payments import Instalment
from tests.unit.builders import NOTIFIED, record, reference_convention, refusal
from tests.unit.test_balance_after_amendment import amend, balance_targets, sign_through

HALVES = (
    Instalment(1, Decimal("100000.00")),
    Instalment(2, Decimal("100000.00"), "report", report="bilan d'activité"),
)


def in_halves(*, first_paid: bool) -> Convention:
    """Notified on 20 March 2025; the first half paid on 15 April when `first_paid`."""
    convention = reference_convention()
    convention.clauses = replace(convention.clauses, instalments=HALVES)
    for trigger, on, inputs in (
        ("submit", date(2025, 3, 3), {}),
        ("sign", date(2025, 3, 10), {"signatory": "martial.alvarez@example.org"}),
        ("sign", date(2025, 3, 12), {"signatory": "mustapha.berra@example.org"}),
        ("notify", NOTIFIED, {}),
    ):
        record(convention, trigger, on, **inputs)
    if first_paid:
        record(convention, "pay", date(2025, 4, 15), amount="100000.00", instalment="1")
    return convention


def test_raising_the_unpaid_second_instalment_raises_the_total() -> None:
    convention = in_halves(first_paid=True)
    outcome = amend(convention, **{"instalment.2.amount": "120000.00"})

    assert convention.amount == Decimal("220000.00")
    assert [i.amount for i in convention.clauses.instalments] == [
        Decimal("100000.00"), Decimal("120000.00"),
    ]  # fmt: skip
    assert balance_targets(outcome) == []  # its report not received: nothing runs yet
    assert convention.amount == sum(i.amount for i in convention.clauses.instalments)


def test_raising_the_paid_first_instalment_leaves_its_balance() -> None:
    convention = in_halves(first_paid=True)
    outcome = amend(convention, **{"instalment.1.amount": "110000.00"})

    assert convention.amount == Decimal("210000.00")
    assert balance_targets(outcome) == [(date(2025, 5, 3), date(2025, 6, 2), 1)]
    [target] = [d for d in outcome.opened if d.kind == "payment"]
    assert "porte le versement n°\u00a01 à 110\u202f000,00\u00a0€" in target.explanation
    assert convention.still_due(HALVES[0]) == 0  # the old term, as a check of still_due
    assert convention.still_due(convention.clauses.instalments[0]) == Decimal("10000.00")
    record(convention, "pay", date(2025, 5, 5), amount="10000.00", instalment="1")
    assert convention.paid_amount == Decimal("110000.00")
    assert convention.still_due(convention.clauses.instalments[0]) == 0


def test_an_unpaid_instalment_already_due_gets_a_target_with_the_new_amount() -> None:
    convention = in_halves(first_paid=False)
    outcome = amend(convention, first="2025-03-25", signed="2025-04-01",
                    **{"instalment.1.amount": "90000.00"})  # fmt: skip

    [target] = [d for d in outcome.opened if d.kind == "payment"]
    assert (target.instalment, target.trigger_date, target.due_date) == (
        1, NOTIFIED, date(2025, 4, 19),
    )  # fmt: skip
    assert "90\u202f000,00\u00a0€" in target.explanation


def test_the_refusals_name_what_to_do() -> None:
    convention = in_halves(first_paid=True)
    with pytest.raises(InvalidInput) as below:
        parse_changes(convention, {"instalment.1.amount": "90000.00"})
    assert refusal(below.value) == ("instalment_below_paid", {
        "field": "instalment.1.amount", "instalment": 1, "amount": "90000.00", "paid": "100000.00",
    })  # fmt: skip
    with pytest.raises(InvalidInput) as unknown:
        parse_changes(convention, {"instalment.3.amount": "1000.00"})
    assert refusal(unknown.value) == (
        "unknown_instalment",
        {"field": "instalment.3.amount", "instalment": 3, "instalments": [1, 2]},
    )  # fmt: skip
    with pytest.raises(InvalidInput) as total:
        parse_changes(convention, {"amount": "250000.00"})
    assert refusal(total.value) == (
        "amount_of_a_schedule",
        {"field": "amount", "instalments": 2, "term": "instalment.2.amount"},
    )  # fmt: skip


def test_a_forgone_instalment_is_not_amended() -> None:
    convention = in_halves(first_paid=True)
    record(convention, "forgo_payment", date(2025, 4, 20), instalment="2", reason="pas de bilan")
    with pytest.raises(InvalidInput) as forgone:
        parse_changes(convention, {"instalment.2.amount": "1000.00"})
    assert refusal(forgone.value) == (
        "amend_forgone_instalment",
        {"field": "instalment.2.amount", "instalment": 2, "forgone_on": "2025-04-20"},
    )  # fmt: skip


def test_a_payment_between_draft_and_signature_is_checked_again() -> None:
    convention = in_halves(first_paid=False)
    changes = parse_changes(convention, {"instalment.1.amount": "90000.00"})
    amendment = Amendment(1, changes=changes, created_on=date(2025, 4, 1))
    record(convention, "pay", date(2025, 4, 15), amount="100000.00", instalment="1")
    with pytest.raises(GuardRejected) as late:
        sign_through(convention, amendment, "2025-05-03", "2025-04-28")
    assert refusal(late.value)[0] == "instalment_below_paid"


def test_an_unpaid_instalment_whose_target_passed_keeps_it_and_owes_the_new_amount() -> None:
    convention = in_halves(first_paid=False)
    outcome = amend(convention, **{"instalment.1.amount": "90000.00"})  # in force on 3 May

    assert balance_targets(outcome) == []  # the 19 April target stays passed, as recorded
    with pytest.raises(GuardRejected, match="amount_differs"):
        record(convention, "pay", date(2025, 5, 5), amount="100000.00", instalment="1")
    record(convention, "pay", date(2025, 5, 5), amount="90000.00", instalment="1")


def test_the_open_data_publish_the_new_total_and_the_update_says_the_amount_changed() -> None:
    from states.award import AwardDecision
    from states.open_data import Grantor, rows

    convention = in_halves(first_paid=True)
    convention.parties[1] = replace(convention.parties[1], siret="13002526500013")
    convention.award = AwardDecision("DEL-2025-042", date(2025, 2, 1))
    outcome = amend(convention, **{"instalment.2.amount": "120000.00"})

    [row], refused = rows(
        convention, Grantor("Métropole d'Aix-Marseille-Provence", "20005480700017")
    )
    assert refused == []
    assert (row["montant"], row["conditionsVersement"]) == ("220000.00", "échelonné")
    [update] = [d for d in outcome.opened if d.kind == "publication"]
    assert update.amount_changed
