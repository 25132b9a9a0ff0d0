"""The steering committee of article 3 (rule 23) in the service, on SQLite and PostgreSQL: its
deadline off by default; with a cadence, in status, the calendar feed, the CSV export and
`simulate`, reminded to the Métropole alone, met by a meeting and closed by the end."""

from __future__ import annotations

from datetime import date

from states.convention import Convention
from tests.integration import steps
from workflow.bootstrap import App
from workflow.http import ical
from workflow.usecases import csv_export, views
from workflow.usecases import listing as queries
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side
from workflow.usecases.due import run_due
from workflow.usecases.simulate import simulate


def cadence(app: App, months: str, on: str) -> None:
    command = RecordEvent(steps.REFERENCE, "committee_cadence", "alice", date.fromisoformat(on),
                          {"months": months})  # fmt: skip
    record_side(app, command, app.clock())


def meeting(app: App, on: str, **more: str) -> None:
    inputs = {"attendees": "Métropole ; GIP CRPV PACA", "decisions": "Programme validé", **more}
    command = RecordEvent(steps.REFERENCE, "committee_meeting", "alice", date.fromisoformat(on),
                          inputs)  # fmt: skip
    record_side(app, command, app.clock())


def test_no_cadence_no_committee_deadline(app: App, reference_convention: Convention):
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    meeting(app, "2025-06-12")

    assert "committee" not in steps.deadlines(app)
    assert views.status(app, steps.REFERENCE)["committee"]["next_due"] is None


def test_a_cadence_set_before_signature_opens_the_deadline_at_entry_into_force(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)
    cadence(app, "6", "2025-03-01")  # in draft: nothing to count from yet
    assert "committee" not in steps.deadlines(app)

    steps.bring_into_force(app)  # in force on Monday 10 March 2025

    due = steps.deadlines(app)["committee"]
    assert (due["due_date"], due["status"]) == ("2025-09-10", "pending")
    assert "article 3" in due["explanation"] and "Comité technique" in due["explanation"]


def test_the_deadline_in_the_calendar_the_csv_and_the_reminders(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")

    planned = [(r["label"], r["template"], r["planned_at"])
               for r in views.reminders(app, steps.REFERENCE)
               if r["kind"] == "committee"]  # fmt: skip
    assert planned == [("J-30", "reminder_committee", "2025-08-11T07:00:00Z"),
                       ("J-7", "reminder_committee", "2025-09-03T07:00:00Z")]  # fmt: skip
    feed = ical.calendar(queries.calendar_deadlines(app, steps.REFERENCE), "x")
    assert "AMP-CRPV-PACA-2025\u00a0: prochaine réunion du Comité technique" in feed
    assert "DTSTART;VALUE=DATE:20250910" in feed
    app.clock.now = steps.at("2025-08-01T08:00:00Z")  # type: ignore[attr-defined]
    upcoming = queries.upcoming_deadlines(app, app.clock(), 90)["items"]
    text = csv_export.deadlines_csv(upcoming)
    assert "2025-09-10;prochaine réunion du Comité technique;committee;AMP-CRPV-PACA-2025" in text


def test_simulate_reminds_then_lets_it_pass_without_touching_the_convention(
    app: App, reference_convention: Convention
):
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")

    found = [(h.what, h.email, h.outcome, h.state)
             for h in simulate(app, steps.REFERENCE, app.clock(), date(2025, 9, 30))
             if h.kind == "committee"]  # fmt: skip

    assert found == [
        ("reminder", "reminder_committee", "send", "notification"),
        ("reminder", "reminder_committee", "send", "notification"),
        ("deadline passed", None, "passed", "notification"),
    ]


def test_its_reminder_goes_to_the_metropole_alone(app: App, reference_convention: Convention):
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")

    app.clock.now = steps.at("2025-08-11T07:00:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock())

    sent = [e for e in views.outbox(app) if e["kind"] == "reminder_committee"]
    assert [e["recipients"] for e in sent] == [[steps.METROPOLE]]


def test_a_meeting_meets_it_and_opens_the_next_one_the_end_closes_it(
    app: App, reference_convention: Convention
):
    app.clock.now = steps.at("2025-09-20T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    cadence(app, "3", "2025-04-02")

    meeting(app, "2025-06-05", minutes="Compte rendu.")

    rows = [(d["due_date"], d["status"]) for d in views.status(app, steps.REFERENCE)["deadlines"]
            if d["kind"] == "committee"]  # fmt: skip
    assert rows == [("2025-06-10", "met"), ("2025-09-05", "pending")]
    record = views.committee(app, steps.REFERENCE)
    assert record["next_due"] == "2025-09-05"
    assert record["meetings"][0]["minutes"] == "Compte rendu."

    meeting(app, "2025-09-15")  # late: the one due stays passed, to show the delay
    rows = [(d["due_date"], d["status"]) for d in views.status(app, steps.REFERENCE)["deadlines"]
            if d["kind"] == "committee"]  # fmt: skip
    assert rows[1:] == [("2025-09-05", "passed"), ("2025-12-15", "pending")]
    app.clock.now = steps.at("2026-01-02T10:00:00Z")  # type: ignore[attr-defined]
    # The term has come and no pass has applied it yet: no meeting is due any more.
    assert views.committee(app, steps.REFERENCE)["next_due"] is None
    assert views.status(app, steps.REFERENCE)["committee"]["next_due"] is None
    run_due(app, app.clock())

    assert steps.state(app) == "expired"
    statuses = [d["status"] for d in views.status(app, steps.REFERENCE)["deadlines"]
                if d["kind"] == "committee"]  # fmt: skip
    assert statuses[-1] in ("cancelled", "passed")
    assert views.committee(app, steps.REFERENCE)["next_due"] is None


def amend_term(app: App, end_date: str, drafted: str, signed: str) -> None:
    draft = DraftAmendment(steps.REFERENCE, {"end_date": end_date}, "alice",
                           date.fromisoformat(drafted))  # fmt: skip
    number = draft_amendment(app, draft, app.clock()).number
    for event, on, inputs in (("submit", drafted, {}), ("sign", signed, {"signatory": steps.CRPV}),
                              ("sign", signed, {"signatory": steps.METROPOLE})):  # fmt: skip
        record_amendment_event(app, RecordAmendmentEvent(steps.REFERENCE, number, event, "alice",
                                                         date.fromisoformat(on), inputs),
                               app.clock())  # fmt: skip


def committee_rows(app: App) -> list[tuple[str, str]]:
    return [(d["due_date"], d["status"]) for d in views.status(app, steps.REFERENCE)["deadlines"]
            if d["kind"] == "committee"]  # fmt: skip


def test_an_extension_opens_the_meeting_the_old_term_left_out(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    cadence(app, "6", "2025-04-02")
    meeting(app, "2025-08-04")  # + 6 months: 4 February 2026, after the term
    assert committee_rows(app) == [("2025-09-10", "met")]

    amend_term(app, "2026-12-31", "2025-11-03", "2025-11-12")

    assert committee_rows(app) == [("2025-09-10", "met"), ("2026-02-04", "pending")]
    last = [d for d in views.status(app, steps.REFERENCE)["deadlines"] if d["kind"] == "committee"]
    assert "Source\u00a0: avenant n°\u00a01" in last[-1]["explanation"]


def test_a_meeting_due_on_the_term_s_own_day_is_not_due_until_an_extension_opens_it(
    app: App, reference_convention: Convention
):
    """Nine months after a meeting on 31 March 2025 is 31 December 2025, the term's own day:
    the term's arrival would close it (states.deadlines.closed_by_end), so it is not opened nor
    given as the next meeting; the extension to 31 December 2026 opens it."""
    app.clock.now = steps.at("2025-04-02T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    meeting(app, "2025-03-31")
    cadence(app, "9", "2025-04-02")

    assert committee_rows(app) == []
    assert views.status(app, steps.REFERENCE)["committee"]["next_due"] is None

    app.clock.now = steps.at("2025-11-12T10:00:00Z")  # type: ignore[attr-defined]
    amend_term(app, "2026-12-31", "2025-11-03", "2025-11-12")

    assert committee_rows(app) == [("2025-12-31", "pending")]
    assert views.committee(app, steps.REFERENCE)["next_due"] == "2025-12-31"


def test_a_shorter_term_supersedes_the_meeting_it_leaves_out(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    cadence(app, "6", "2025-04-02")  # due 10 September 2025

    amend_term(app, "2025-09-01", "2025-05-05", "2025-05-12")

    assert committee_rows(app) == [("2025-09-10", "superseded")]


def test_a_meeting_held_is_an_event_of_the_calendar_feed_on_its_day(
    app: App, reference_convention: Convention
):
    app.clock.now = steps.at("2025-06-20T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_force(app)  # no cadence: the meeting alone
    meeting(app, "2025-06-18")

    items = queries.calendar_deadlines(app, steps.REFERENCE)
    feed = ical.calendar(items, "x")

    held = [i for i in items if i["kind"] == "committee_meeting"]
    assert [(i["due_date"], i["status"]) for i in held] == [(date(2025, 6, 18), "held")]
    assert "DTSTART;VALUE=DATE:20250618" in feed
    assert "AMP-CRPV-PACA-2025-committee_meeting-20250618@convflow" in feed
    assert "Programme validé" in feed.replace("\r\n ", "")
    assert queries.calendar_deadlines(app, None, date(2025, 7, 1)) == [
        i
        for i in queries.calendar_deadlines(app, None, date(2025, 7, 1))
        if i["kind"] != "committee_meeting"
    ]  # a feed from 1 July leaves the June meeting out
