"""When a reminder's email is about to leave: is what it reminds of still there?"""

from __future__ import annotations

import pytest

from states.relevance import reminder_gone


@pytest.mark.parametrize(
    ("kind", "status", "state", "amendment_awaiting", "gone"),
    [
        ("expiry", "pending", "execution", False, None),
        ("expiry", "pending", "expired", False, "convention_ended"),
        ("termination", "pending", "terminated", False, "convention_ended"),
        ("dispute_window", "cancelled", "execution", False, "deadline_resolved"),  # settled
        ("dispute_window", "passed", "dispute", False, None),  # the court-possible reminder
        ("signature", "passed", "signature", False, None),  # weekly, while one is missing
        ("signature", "passed", "notification", False, "signatures_complete"),  # signed late
        ("signature", "met", "notification", False, "signatures_complete"),
        ("payment", "passed", "payment", False, None),
        ("amendment_signature", "pending", "execution", True, None),
        ("amendment_signature", "pending", "execution", False, "signatures_complete"),
        ("expiry", "superseded", "execution", False, "deadline_resolved"),  # an amendment moved it
        ("financial_report", "pending", "expired", False, None),  # it outlives the end (rule 20)
        ("financial_report", "pending", "terminated", False, None),
        ("financial_report", "passed", "expired", False, None),  # still not received
        ("financial_report", "met", "expired", False, "deadline_resolved"),  # received
        ("financial_report", "pending", "cancelled", False, "convention_ended"),  # never in force
        ("publication", "pending", "expired", False, None),  # the open data outlive it (rule 19)
        ("publication", "pending", "terminated", False, None),
        ("publication", "met", "expired", False, "deadline_resolved"),  # published
    ],
)
def test_a_reminder_holds_only_while_its_reason_does(kind, status, state, amendment_awaiting, gone):
    assert reminder_gone(kind, status, state, amendment_awaiting) == gone


@pytest.mark.parametrize(
    ("state", "paid", "gone"),
    [
        ("execution", True, "deadline_resolved"),  # paid after its target
        ("execution", False, None),  # a later instalment, still unpaid in execution
        ("payment", False, None),
    ],
)
def test_a_payment_reminder_holds_while_its_own_instalment_is_unpaid(state, paid, gone):
    assert reminder_gone("payment", "passed", state, False, payment_made=paid) == gone
