"""A dispute still open at the convention's end outlives it (docs/LEGAL-DEADLINES.md, rule 24):
the end keeps it and its amicable window; settled, brought to court and closed on the ended
convention, whose state stays the end's. The other deadlines the end closes stay closed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from states.deadlines import OUTLIVING_KINDS, closed_by_end
from states.due import cancelled_by_end
from states.errors import CourtNotYetOpen, InvalidTransition
from states.lifecycle import allowed_for, dispute_events, fire
from states.relevance import reminder_gone
from tests.unit.builders import (
    COURT_OPENS,
    DISPUTE_WINDOW_ENDS,
    SERVICE,
    SETTINGS,
    TERM,
    TODAY,
    apply_deadline,
    convention_in,
    record,
    refusal,
)

TERM_AT = datetime(2025, 12, 31, 23, 0, tzinfo=UTC)


def test_the_term_keeps_a_dispute_open_and_its_events_possible() -> None:
    convention = convention_in("dispute")
    outcome = apply_deadline(convention, "expire", TERM)

    assert (outcome.from_state, outcome.to_state) == ("dispute", "expired")
    assert convention.dispute is not None and not convention.dispute.in_court
    assert dispute_events(convention) == ("settle", "go_to_court")
    assert allowed_for(convention) == ["settle", "go_to_court"]
    assert all(c.kind != "dispute_window" for c in outcome.closures)  # the window survives


def test_a_settlement_after_the_term_keeps_the_state_and_cancels_the_window() -> None:
    convention = convention_in("dispute")
    apply_deadline(convention, "expire", TERM)
    outcome = record(convention, "settle", date(2026, 1, 10))

    assert (outcome.from_state, outcome.to_state) == ("expired", "expired")
    assert [(c.kind, c.status) for c in outcome.closures] == [("dispute_window", "cancelled")]
    assert convention.dispute is None and allowed_for(convention) == []


def test_the_court_after_the_term_only_once_the_window_has_passed() -> None:
    convention = convention_in("dispute")
    # the term before the window's end: a convention ending on 30 June 2025 (the window runs to
    # 2 July), so that the court's first day comes after the end
    convention.end_date = date(2025, 6, 30)
    apply_deadline(convention, "expire", convention.end_date)

    with pytest.raises(CourtNotYetOpen) as refused:
        fire(convention, "go_to_court", on=DISPUTE_WINDOW_ENDS, actor="agent", settings=SETTINGS,
             today=TODAY)  # fmt: skip
    assert refusal(refused.value) == (
        "amicable_window_open_after_end",
        {"event": "go_to_court", "court_from": COURT_OPENS.isoformat(), "state": "expired",
         "allowed": ["settle"]},
    )  # fmt: skip
    outcome = record(convention, "go_to_court", COURT_OPENS)
    assert (outcome.to_state, convention.dispute and convention.dispute.in_court) == (
        "expired", True,
    )  # fmt: skip
    assert allowed_for(convention) == ["close_litigation"]
    record(convention, "close_litigation", date(2025, 9, 1))
    assert (convention.state, convention.dispute, allowed_for(convention)) == ("expired", None, [])


def test_a_litigation_at_the_term_stays_in_court() -> None:
    convention = convention_in("litigation")
    apply_deadline(convention, "expire", TERM)

    assert convention.dispute is not None and convention.dispute.in_court
    assert allowed_for(convention) == ["close_litigation"]
    record(convention, "close_litigation", date(2026, 2, 2))
    assert convention.state == "expired"


@pytest.mark.parametrize("event", ["settle", "go_to_court", "close_litigation"])
def test_without_a_dispute_an_ended_convention_allows_none_of_its_events(event: str) -> None:
    convention = convention_in("execution")
    apply_deadline(convention, "expire", TERM)

    with pytest.raises(InvalidTransition) as refused:
        record(convention, event, date(2026, 1, 10))
    assert refused.value.allowed == ()


def test_the_end_closes_every_other_deadline_as_before() -> None:
    assert "dispute_window" in OUTLIVING_KINDS
    after = datetime(2026, 1, 20, 23, 0, tzinfo=UTC)
    assert not closed_by_end("dispute_window", after, TERM_AT)
    assert not cancelled_by_end("dispute_window")
    # an unpaid instalment's payment outlives the end too (rule 25: test_balance_after_end)
    for kind in ("signature", "amendment_signature", "committee", "termination"):
        assert closed_by_end(kind, after, TERM_AT), kind
        assert cancelled_by_end(kind), kind
    assert closed_by_end("expiry", TERM_AT, TERM_AT)


def test_a_window_reminder_still_holds_after_the_end_until_the_dispute_is_settled() -> None:
    assert reminder_gone("dispute_window", "pending", "expired", False) is None
    assert reminder_gone("dispute_window", "pending", "terminated", False) is None
    assert reminder_gone("dispute_window", "cancelled", "expired", False) == "deadline_resolved"
    assert reminder_gone("committee", "pending", "expired", False) == "convention_ended"
    assert reminder_gone("dispute_window", "pending", "cancelled", False) == "convention_ended"


def test_the_service_fires_the_end_as_before() -> None:
    convention = convention_in("execution")
    outcome = apply_deadline(convention, "expire", TERM)
    assert outcome.actor == SERVICE and convention.dispute is None
