"""The financial report (rule 20): the reference convention, walked from its award decision to
its financial report, on SQLite and PostgreSQL; its report owed by the convention (the GIP is
a public-law person: the law does not oblige it), for the 2025 exercise."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from states.convention import Convention
from states.errors import GuardRejected
from states.financial_report import FinancialReport
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side
from workflow.usecases.due import run_due
from workflow.usecases.listing import calendar_deadlines

OWED = FinancialReport("by_convention", 2025)


def move(app: App, instant: str) -> None:
    app.clock.now = steps.at(instant)  # type: ignore[attr-defined]


def walked_to_its_term(app: App, convention: Convention) -> None:
    """Awarded on 13 February 2025, signed on 5 and 10 March, notified, paid on 1 April;
    expired by the service at its term, 31 December 2025."""
    move(app, "2025-02-20T10:00:00Z")
    steps.load(app, replace(convention, financial_report=OWED))
    inputs = {"decision": "DEL-BUR-2025-042", "adopted": "2025-02-13",
              "published": "2025-02-17", "transmitted": "2025-02-18"}  # fmt: skip
    record_side(app, RecordEvent(steps.REFERENCE, "record_award", "alice", date(2025, 2, 20),
                                  inputs), app.clock())  # fmt: skip
    move(app, "2025-04-01T16:00:00Z")
    steps.bring_into_execution(app)
    move(app, "2026-01-01T00:30:00Z")
    run_due(app, app.clock())


def test_the_reference_convention_walked_from_its_award_to_its_financial_report(
    app: App, reference_convention: Convention
):
    walked_to_its_term(app, reference_convention)
    assert steps.state(app) == "expired"

    deadlines = steps.deadlines(app)
    report = deadlines["financial_report"]
    assert (report["due_date"], report["status"]) == ("2026-06-30", "pending")  # outlives it
    assert (
        "Compte rendu financier (loi n°\u00a02000-321 du 12 avril 2000, art. 10"
        in (report["explanation"])
    )
    assert "l'exercice 2025, clos le mercredi 31 décembre 2025" in report["explanation"]
    assert deadlines["expiry"]["status"] == "applied"
    assert {kind: d["status"] for kind, d in deadlines.items()
            if kind not in ("prefect_referral", "third_party_challenge")} == {
        "signature": "met", "payment": "met", "expiry": "applied", "financial_report": "pending",
    }  # fmt: skip
    reminders = views.reminders(app, steps.REFERENCE)
    planned = [(r["label"], r["planned_at"], r["status"]) for r in reminders
               if r["kind"] == "financial_report"]  # fmt: skip
    # J-30 is Sunday 31 May 2026: it goes on Friday 29 May, the working day before
    assert planned == [("J-30", "2026-05-29T07:00:00Z", "planned"),
                       ("J-7", "2026-06-23T07:00:00Z", "planned")]  # fmt: skip
    shown = [d["kind"] for d in calendar_deadlines(app, steps.REFERENCE)]
    assert "financial_report" in shown
    assert views.status(app, steps.REFERENCE)["retention"] is None  # the file is not closed

    move(app, "2026-05-31T07:00:00Z")
    run_due(app, app.clock())
    sent = [e for e in views.outbox(app) if e["kind"] == "reminder_financial_report"]
    assert [e["recipients"] for e in sent] == [[steps.CRPV]]  # the beneficiary alone

    move(app, "2026-06-15T09:00:00Z")
    steps.record(app, "report_received", "2026-06-15", report="financial")

    status = views.status(app, steps.REFERENCE)
    assert status["financial_report"] == {
        "basis": "by_convention", "year": 2025, "exercise": "2025", "due_date": "2026-06-30",
        "received_on": "2026-06-15", "status": "received", "passed_unrecorded": False,
    }  # fmt: skip
    assert steps.deadlines(app)["financial_report"]["status"] == "met"
    assert status["retention"] is not None
    assert (status["retention"]["closed_on"], status["retention"]["kept_until"]) == (
        "2026-06-15", "2036-06-15",
    )  # fmt: skip
    left = [r["status"] for r in views.reminders(app, steps.REFERENCE)
            if r["kind"] == "financial_report"]  # fmt: skip
    assert left == ["sent", "cancelled"]
    assert steps.state(app) == "expired"


def test_a_report_not_received_by_its_day_is_shown_late_and_stays_late_once_received(
    app: App, reference_convention: Convention
):
    walked_to_its_term(app, reference_convention)

    move(app, "2026-07-01T00:30:00Z")
    before_the_pass = views.status(app, steps.REFERENCE)["financial_report"]
    # Read before the pass: still awaited as recorded, but said passed, not recorded yet.
    assert (before_the_pass["status"], before_the_pass["passed_unrecorded"]) == ("awaited", True)
    run_due(app, app.clock())
    assert views.status(app, steps.REFERENCE)["financial_report"]["status"] == "late"
    assert views.status(app, steps.REFERENCE)["financial_report"]["passed_unrecorded"] is False
    assert steps.deadlines(app)["financial_report"]["status"] == "passed"

    move(app, "2026-07-10T09:00:00Z")
    steps.record(app, "report_received", "2026-07-10")  # the only report awaited

    assert views.status(app, steps.REFERENCE)["financial_report"]["status"] == "received_late"
    assert steps.deadlines(app)["financial_report"]["status"] == "passed"


def test_a_report_not_owed_is_not_an_event_of_the_convention(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)  # no report owed: the GIP is a public-law person
    steps.bring_into_execution(app)
    with pytest.raises(GuardRejected) as not_owed:  # said not owed (before: the state's refusal,
        steps.record(app, "report_received", "2025-06-01", report="financial")  # no reason)
    assert not_owed.value.code == "no_financial_report_owed"
    assert "financial_report" not in steps.deadlines(app)
    assert "report_received" not in views.status(app, steps.REFERENCE)["allowed_events"]


def test_received_twice_is_refused(app: App, reference_convention: Convention):
    walked_to_its_term(app, reference_convention)
    move(app, "2026-06-15T09:00:00Z")
    steps.record(app, "report_received", "2026-06-15", report="financial")

    with pytest.raises(GuardRejected) as twice:  # said received, with its day (before: the
        steps.record(app, "report_received", "2026-06-16", report="financial")  # state's)

    assert (twice.value.code, twice.value.own_params) == (
        "financial_report_already_received", {"received_on": "2026-06-15"},
    )  # fmt: skip
