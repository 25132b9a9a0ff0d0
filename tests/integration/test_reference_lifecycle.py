"""The reference convention walked through each of its possible lives, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from states.convention import Convention
from states.errors import CourtNotYetOpen, GuardRejected, InvalidTransition
from tests.integration.steps import (
    REFERENCE,
    at,
    bring_into_execution,
    bring_into_force,
    deadlines,
    load,
    record,
    state,
)
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.due import run_due


@pytest.fixture
def loaded(app: App, reference_convention: Convention) -> App:
    load(app, reference_convention)
    return app


def test_to_expiry_at_its_term(loaded: App) -> None:
    bring_into_execution(loaded)
    assert state(loaded) == "execution"
    status = views.status(loaded, REFERENCE)
    assert status["effective_date"] == "2025-03-10"  # the last signature (article 4)
    assert status["paid_on"] == "2025-04-01"

    assert run_due(loaded, at("2025-12-31T22:59:59Z")).actions == []  # 23:59:59 in Paris
    report = run_due(loaded, at("2025-12-31T23:00:00Z"))  # 24:00 in Paris
    assert [(a.deadline, a.action) for a in report.actions] == [("expiry", "expire")]
    assert state(loaded) == "expired"
    assert deadlines(loaded)["expiry"]["status"] == "applied"
    assert run_due(loaded, at("2026-06-01T00:00:00Z")).actions == []  # nothing twice

    last = views.history(loaded, REFERENCE)[-1]
    assert (last["event"], last["from_state"], last["to_state"], last["date"]) == (
        "expire", "execution", "expired", "2025-12-31",
    )  # fmt: skip
    assert last["actor"] == "convflow (service)"


def test_history_keeps_every_event_with_actor_and_inputs(loaded: App) -> None:
    bring_into_execution(loaded)
    rows = views.history(loaded, REFERENCE)
    assert [r["event"] for r in rows] == ["import", "submit", "sign", "sign", "notify", "pay"]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[2]["inputs"] == {"signatory": "martial.alvarez@example.org", "party": "metropole"}
    assert rows[3]["to_state"] == "notification"
    assert rows[5]["inputs"] == {"amount": "200000.00"}
    assert {r["actor"] for r in rows} == {"alice"}


def test_a_dispute_settled_returns_where_it_came_from(loaded: App) -> None:
    bring_into_execution(loaded)
    with pytest.raises(GuardRejected, match="letter_before_effect"):
        record(loaded, "open_dispute", "2025-06-01", party="crpv", received="2025-02-20T10:00Z")
    assert state(loaded) == "execution"

    opened = record(loaded, "open_dispute", party="crpv", received="2025-06-02", subject="retard")
    assert opened.to_state == "dispute"
    window = deadlines(loaded)["dispute_window"]
    assert (window["due_date"], window["details"]["earliest_court_date"]) == (
        "2025-07-02", "2025-07-03",
    )  # fmt: skip
    settled = record(loaded, "settle", "2025-06-20", agreement="échéancier convenu")
    assert settled.to_state == "execution"
    assert deadlines(loaded)["dispute_window"]["status"] == "cancelled"
    assert views.status(loaded, REFERENCE)["dispute"] is None


def test_a_dispute_taken_to_court(loaded: App) -> None:
    bring_into_execution(loaded)
    record(loaded, "open_dispute", party="metropole", received="2025-05-05")
    with pytest.raises(CourtNotYetOpen, match="court_from=2025-06-05"):
        record(loaded, "go_to_court", "2025-06-04")
    assert state(loaded) == "dispute"

    report = run_due(loaded, at("2025-06-04T22:00:00Z"))  # the window closes at 24:00 Paris
    assert [(a.deadline, a.action) for a in report.actions] == [("dispute_window", "passed")]
    record(loaded, "go_to_court", "2025-06-05", court="tribunal administratif de Marseille")
    assert state(loaded) == "litigation"
    record(loaded, "close_litigation", "2025-10-01", ruling="désistement")
    assert state(loaded) == "execution"


def test_a_termination_before_the_term(loaded: App) -> None:
    bring_into_execution(loaded)
    record(
        loaded, "give_notice", party="crpv",
        dispatched="2025-04-10", presented="2025-04-12", received="2025-04-14",
    )  # fmt: skip
    assert state(loaded) == "termination"
    notice = deadlines(loaded)["termination"]
    assert (notice["due_date"], notice["details"]["ends_by"]) == ("2025-10-14", "termination")
    assert notice["expires_at"] == "2025-10-14T22:00:00Z"

    assert run_due(loaded, at("2025-10-14T21:59:00Z")).actions == []
    report = run_due(loaded, at("2025-10-14T22:00:00Z"))
    assert [(a.deadline, a.action) for a in report.actions] == [("termination", "terminate")]
    assert state(loaded) == "terminated"
    statuses = {d["kind"]: d["status"] for d in views.status(loaded, REFERENCE)["deadlines"]}
    assert statuses == {
        "signature": "met",
        "payment": "met",
        "expiry": "cancelled",
        "termination": "applied",
    }


def test_a_termination_overtaken_by_the_term(loaded: App) -> None:
    bring_into_execution(loaded)
    record(loaded, "give_notice", party="metropole", received="2025-09-15")
    notice = deadlines(loaded)["termination"]
    assert (notice["due_date"], notice["details"]["notice_end"]) == ("2025-12-31", "2026-03-15")
    assert "elle expire à son terme" in notice["explanation"]

    report = run_due(loaded, at("2026-01-01T00:00:00Z"))
    assert [a.action for a in report.actions] == ["expire"]
    assert state(loaded) == "expired"
    assert deadlines(loaded)["termination"]["status"] == "cancelled"


def test_a_dispute_during_a_termination_does_not_stop_it(loaded: App) -> None:
    bring_into_execution(loaded)
    record(loaded, "give_notice", party="crpv", received="2025-04-14")
    record(loaded, "open_dispute", party="metropole", received="2025-05-02")
    assert state(loaded) == "dispute"
    report = run_due(loaded, at("2025-10-15T00:00:00Z"))
    assert [(a.deadline, a.action) for a in report.actions] == [
        ("dispute_window", "passed"),
        ("termination", "terminate"),
    ]
    assert state(loaded) == "terminated"


def test_cancelled_before_signature(loaded: App) -> None:
    record(loaded, "submit", "2025-03-03")
    record(loaded, "sign", "2025-03-05", signatory="martial.alvarez@example.org")
    record(loaded, "cancel", "2025-03-06", reason="abandon du projet")
    assert state(loaded) == "cancelled"
    assert deadlines(loaded)["signature"]["status"] == "cancelled"
    with pytest.raises(InvalidTransition, match=r"state=cancelled, allowed=\[\]"):
        record(loaded, "submit", "2025-03-07")


def test_cancel_refused_once_in_force(loaded: App) -> None:
    bring_into_force(loaded)
    with pytest.raises(
        InvalidTransition, match=r"invalid_transition .*event=cancel, state=notification"
    ):
        record(loaded, "cancel", "2025-03-11")


def test_deadlines_missed_while_nobody_ran_the_service_happen_once_in_order(loaded: App) -> None:
    bring_into_force(loaded)  # signature target met; expiry pending
    record(loaded, "notify", "2025-03-20")  # payment target 2025-04-19, never paid
    report = run_due(loaded, at("2026-02-01T08:00:00Z"))
    assert [(a.deadline, a.action) for a in report.actions] == [
        ("payment", "passed"),
        ("expiry", "expire"),
    ]
    assert run_due(loaded, at("2026-02-01T08:00:00Z")).actions == []


def test_signing_after_the_term_is_refused(loaded: App) -> None:
    record(loaded, "submit", "2025-12-01")
    record(loaded, "sign", "2025-12-15", signatory="martial.alvarez@example.org")
    with pytest.raises(GuardRejected, match=r"dated_after_end .*end=2025-12-31"):
        record(loaded, "sign", "2026-01-05", signatory="mustapha.berra@example.org")
    assert state(loaded) == "signature"


def test_a_payment_after_its_target_leaves_the_target_passed(loaded: App) -> None:
    bring_into_force(loaded)
    record(loaded, "notify", "2025-03-20")  # the internal payment target: 19 April 2025
    record(loaded, "pay", "2025-04-25", amount="200000.00")
    assert deadlines(loaded)["payment"]["status"] == "passed"  # met, but late: the record says so


def test_a_payment_on_time_recorded_after_the_target_meets_it(loaded: App) -> None:
    bring_into_force(loaded)
    record(loaded, "notify", "2025-03-20")
    run_due(loaded, at("2025-04-21T09:00:00Z"))  # the service marks the target passed
    assert deadlines(loaded)["payment"]["status"] == "passed"
    record(loaded, "pay", "2025-04-15", amount="200000.00")  # paid on time, recorded late
    assert deadlines(loaded)["payment"]["status"] == "met"


def test_a_payment_on_time_meets_its_target(loaded: App) -> None:
    bring_into_force(loaded)
    record(loaded, "notify", "2025-03-20")
    record(loaded, "pay", "2025-04-19", amount="200000.00")  # the target's last day
    assert deadlines(loaded)["payment"]["status"] == "met"
