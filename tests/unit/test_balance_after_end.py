"""What was earned during the term stays due after it (docs/LEGAL-DEADLINES.md, rule 25): an
instalment still unpaid when the convention expires or is terminated is paid, its report
received, or forgone on the ended convention, whose state stays the end's; the end no longer
closes its payment deadline; once forgone, nothing is owed on it any more."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from states.convention import Convention
from states.deadlines import DeadlineClosure, closed_by_end
from states.due import cancelled_by_end
from states.errors import ConvflowError
from states.lifecycle import allowed_for
from states.overdue import Line, Passed, still_owed
from states.payments import Instalment
from tests.unit.builders import (
    NOTICE_ENDS,
    TERM,
    apply_deadline,
    convention_in,
    receive_termination_letter,
    record,
    refusal,
)

BALANCE = Instalment(2, Decimal("80000.00"), "report", report="bilan d'activité 2025")
IN_TWO = (Instalment(1, Decimal("120000.00")), BALANCE)
AFTER_TERM = date(2026, 3, 16)


def in_two(state: str) -> Convention:
    """The reference convention paid in two instalments (the second on its activity report),
    brought to `state`: in execution, its first instalment is paid."""
    convention = convention_in("notification")
    convention.clauses = replace(convention.clauses, instalments=IN_TWO)
    record(convention, "notify", date(2025, 3, 20))
    if state != "payment":
        record(convention, "pay", date(2025, 4, 15), amount="120000.00", instalment="1")
    if state == "expired":
        apply_deadline(convention, "expire", TERM)
    assert convention.state == state
    return convention


def refused(convention: Convention, trigger: str, on: date, **inputs: str) -> tuple[str, dict]:
    with pytest.raises(ConvflowError) as caught:
        record(convention, trigger, on, **inputs)
    return refusal(caught.value)


def test_the_balance_unpaid_at_the_term_is_received_and_paid_after_it() -> None:
    convention = in_two("expired")
    assert allowed_for(convention) == ["pay", "report_received", "forgo_payment"]

    received = record(convention, "report_received", AFTER_TERM, instalment="2")
    assert (received.from_state, received.to_state) == ("expired", "expired")
    [target] = received.opened
    assert (target.kind, target.instalment, target.due_date) == ("payment", 2, date(2026, 4, 15))

    paid = record(convention, "pay", date(2026, 4, 10), amount="80000.00", instalment="2")
    assert (paid.from_state, paid.to_state) == ("expired", "expired")
    assert paid.closures == (DeadlineClosure("payment", "met", ("pending", "passed"),
                                             date(2026, 4, 10), 2),)  # fmt: skip
    assert convention.unpaid_instalments() == [] and allowed_for(convention) == []


def test_a_single_payment_unpaid_when_a_termination_takes_effect_stays_due() -> None:
    convention = convention_in("payment")
    receive_termination_letter(convention)
    apply_deadline(convention, "terminate", NOTICE_ENDS)
    assert convention.state == "terminated"
    assert allowed_for(convention) == ["pay", "forgo_payment"]

    paid = record(convention, "pay", date(2025, 12, 1), amount="200000.00")
    assert paid.to_state == "terminated" and convention.unpaid_instalments() == []


def test_forgoing_cancels_the_instalment_s_pending_deadline_and_ends_what_it_owed() -> None:
    convention = in_two("execution")
    outcome = record(convention, "forgo_payment", date(2025, 6, 2), instalment="2",
                     reason="subvention réduite")  # fmt: skip

    assert outcome.to_state == "execution"
    assert outcome.closures == (DeadlineClosure("payment", "cancelled", ("pending",), None, 2),)
    assert outcome.inputs == {"instalment": "2", "reason": "subvention réduite",
                              "amount": "80000.00"}  # fmt: skip
    assert convention.unpaid_instalments() == [] and convention.awaiting_report() is None
    assert "forgo_payment" not in allowed_for(convention) and "pay" not in allowed_for(convention)


def test_a_forgone_instalment_is_neither_paid_nor_its_report_received() -> None:
    convention = in_two("payment")  # nothing paid yet: the first is still payable
    record(convention, "forgo_payment", date(2025, 4, 1), instalment="2", reason="réduite")

    forgone = {"instalment": 2, "forgone_on": "2025-04-01"}
    assert refused(convention, "pay", date(2025, 4, 2), amount="80000.00", instalment="2") == (
        "instalment_forgone", {"event": "pay", **forgone})  # fmt: skip
    # no report is awaited any more: the refusal says why, not only what is possible
    assert refused(convention, "report_received", date(2025, 4, 2), instalment="2") == (
        "instalment_forgone", {"event": "report_received", **forgone})  # fmt: skip
    again = refused(convention, "forgo_payment", date(2025, 4, 2), instalment="2", reason="x")
    assert again == ("instalment_forgone", {"event": "forgo_payment", **forgone})
    record(convention, "pay", date(2025, 4, 3), amount="120000.00", instalment="1")
    assert convention.state == "execution"
    assert allowed_for(convention) == ["open_dispute", "give_notice"]  # nothing left to pay


def test_after_the_end_a_forgone_balance_is_why_it_is_neither_paid_nor_received() -> None:
    """Nothing is possible on the expired convention once its balance is forgone: paying it or
    receiving its report is refused for that reason, named with its day, the instalment named
    or not (before: « possibles : aucun », which did not say it was forgone)."""
    convention = in_two("expired")
    record(convention, "forgo_payment", AFTER_TERM, instalment="2", reason="bilan non remis")
    assert allowed_for(convention) == []

    forgone = {"instalment": 2, "forgone_on": "2026-03-16"}
    later = date(2026, 3, 17)
    assert refused(convention, "pay", later, amount="80000.00", instalment="2") == (
        "instalment_forgone", {"event": "pay", **forgone})  # fmt: skip
    assert refused(convention, "pay", later, amount="80000.00") == (
        "instalment_forgone", {"event": "pay", **forgone})  # fmt: skip
    assert refused(convention, "report_received", later) == (
        "instalment_forgone", {"event": "report_received", **forgone})  # fmt: skip
    # the paid one is not the forgone one: said paid, with its day (before: the state's
    # `invalid_transition`, « possibles : aucun »; finance tester, L1)
    assert refused(convention, "pay", later, amount="120000.00", instalment="1") == (
        "instalment_already_paid", {"event": "pay", "instalment": 1, "paid_on": "2025-04-15"},
    )  # fmt: skip
    assert refused(convention, "report_received", later, report="financial")[0] != (
        "instalment_forgone")  # fmt: skip


def test_nothing_unpaid_nothing_possible_after_the_end() -> None:
    convention = convention_in("execution")  # the single payment made
    apply_deadline(convention, "expire", TERM)
    assert allowed_for(convention) == []
    # said paid, with its day, not the state's « possibles : aucun » (finance tester, L1)
    paid = {"paid_on": "2025-04-15"}
    assert refused(convention, "pay", AFTER_TERM, amount="1.00") == (
        "payment_already_paid", {"event": "pay", **paid})  # fmt: skip
    assert refused(convention, "forgo_payment", AFTER_TERM, reason="x") == (
        "payment_already_paid", {"event": "forgo_payment", **paid})  # fmt: skip


def test_before_the_end_is_applied_a_payment_dated_after_it_is_still_refused() -> None:
    convention = in_two("execution")
    record(convention, "report_received", date(2025, 12, 1), instalment="2")
    assert refused(convention, "pay", AFTER_TERM, amount="80000.00", instalment="2") == (
        "dated_after_end", {"event": "pay", "on": "2026-03-16", "end": "2025-12-31"})  # fmt: skip


def test_the_end_no_longer_closes_a_payment_deadline_nor_cancels_its_reminders() -> None:
    term_at = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)
    after = datetime(2026, 1, 20, 23, 0, tzinfo=UTC)
    assert not closed_by_end("payment", after, term_at)
    assert not cancelled_by_end("payment")


def test_an_unpaid_instalment_stays_owed_after_the_end_until_paid_or_forgone() -> None:
    late = Passed("payment", 2, opened_by_seq=9, due_date=date(2026, 4, 15))
    for state in ("expired", "terminated"):
        assert still_owed(late, state, [])
        assert not still_owed(late, state, [Line(12, "pay", {"instalment": "2"})])
        assert not still_owed(late, state, [Line(12, "forgo_payment", {"instalment": "2"})])
        assert still_owed(late, state, [Line(12, "forgo_payment", {"instalment": "1"})])
