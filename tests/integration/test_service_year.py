"""A year in the life of the reference convention, with a moved clock and a real SMTP server.

The service is driven as it runs: woken at each instant something falls due, and running the
due pass then. People record their events in between. Every planned reminder reaches the
server exactly once, at its planned instant; nothing is sent for what became moot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from notifications import Sender
from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration.mail import message_ids, parsed
from tests.integration.steps import (
    CRPV,
    METROPOLE,
    REFERENCE,
    at,
    bring_into_force,
    load,
    record,
    state,
)
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.scheduler.service import Service
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.due import run_due

ADMIN = "politique.ville@example.org"


@pytest.fixture
def service_app(settings_env: dict[str, str], clock: FixedClock, tmp_path: Path) -> Iterator[App]:
    """An app whose emails copy the Métropole's politique de la ville team."""
    settings = load_settings({**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN})
    application = App.create(settings)
    application.clock = clock
    yield application
    application.close()


class Driver:
    """Moves the clock from one wake-up to the next, as the service's scheduler would."""

    def __init__(self, app: App, sender: Sender, clock: FixedClock) -> None:
        self.app, self.sender, self.clock = app, sender, clock
        self.service = Service(app, sender, clock=clock)
        self.wake_ups: list[datetime] = []

    def run_until(self, text: str) -> None:
        until = at(text)
        while (due := self.service.next_due()) is not None and due <= until:
            self.clock.now = max(due, self.clock.now)
            self.wake_ups.append(self.clock.now)
            report = run_due(self.app, self.clock.now, self.sender)
            assert report.failures == {}
        self.clock.now = until


def test_a_year_sends_each_planned_reminder_exactly_once(
    service_app: App, clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    app = service_app
    life = Driver(app, smtp_server.sender(), clock)
    clock.now = at("2025-01-02T09:00:00Z")
    load(app, reference_convention)
    record(app, "submit", "2025-01-02")
    life.run_until("2025-01-08T10:00:00Z")
    record(app, "sign", "2025-01-08", signatory=METROPOLE)
    life.run_until("2025-01-20T09:00:00Z")  # J-0 on the 9th, then weekly on the 16th
    record(app, "sign", "2025-01-20", signatory=CRPV)  # in force; next weekly one is moot
    life.run_until("2025-02-03T09:00:00Z")
    record(app, "notify", "2025-02-03")  # payment target 5 March
    life.run_until("2025-03-10T09:00:00Z")
    record(app, "pay", "2025-03-10", amount="200000.00")
    life.run_until("2025-04-01T12:00:00Z")
    record(app, "open_dispute", party="crpv", received="2025-04-01")  # window ends 2 May
    life.run_until("2025-05-06T09:00:00Z")
    record(app, "settle", "2025-05-06")
    life.run_until("2026-03-01T00:00:00Z")
    assert state(app) == "expired"

    accepted = smtp_server.handler.accepted
    assert set(message_ids(accepted).values()) == {1}  # nothing twice
    emails = views.outbox(app)
    to_partners = [e for e in emails if ADMIN not in e["recipients"]]
    copies = [e for e in emails if e["recipients"] == [ADMIN]]
    assert len(to_partners) == len(copies), "the service has its copy of every email"
    kinds = Counter(email["kind"] for email in to_partners)
    assert kinds == Counter({
        "signature_requested": 1, "reminder_signature": 2, "convention_in_force": 1,
        "award_notified": 1, "reminder_payment": 1, "payment_recorded": 1, "dispute_opened": 1,
        "reminder_dispute_window": 2, "reminder_court_possible": 1, "dispute_settled": 1,
        "reminder_expiry": 4, "convention_expired": 1,
        "payment_overdue": 1,  # paid on 10 March, after its target (5 March): said on the 6th
    })  # fmt: skip
    [overdue] = [e for e in to_partners if e["kind"] == "payment_overdue"]
    # The target passed at 24:00 in Paris; the email waited for 09:00, and the service woke
    # up for it.
    assert overdue["created_at"] == "2025-03-06T08:00:00Z"
    assert at("2025-03-05T23:00:00Z") in life.wake_ups
    assert at("2025-03-06T08:00:00Z") in life.wake_ups
    # the window's close (24:00) and the court's opening (09:00) the same day: one email
    assert len(accepted) == 2 * sum(kinds.values())
    assert {e["status"] for e in emails} == {"sent"}

    reminders = views.reminders(app, REFERENCE)
    sent = [(r["kind"], r["label"], r["planned_at"]) for r in reminders if r["status"] == "sent"]
    assert sent == [
        ("signature", "J-0", "2025-01-09T08:00:00Z"),
        ("signature", "relance-1", "2025-01-16T08:00:00Z"),
        ("payment", "J-0", "2025-03-05T08:00:00Z"),
        ("dispute_window", "J-7", "2025-04-25T07:00:00Z"),
        # Thursday 1 May is a holiday: the reminder goes on the working day before it
        ("dispute_window", "J-1", "2025-04-30T07:00:00Z"),
        # Saturday 3 May: the court may be seized from that day, and not before
        ("dispute_window", "court", "2025-05-03T07:00:00Z"),
        ("expiry", "J-90", "2025-10-02T07:00:00Z"),
        # Saturday 1 November, Toussaint: Friday 31 October
        ("expiry", "J-60", "2025-10-31T08:00:00Z"),
        ("expiry", "J-30", "2025-12-01T08:00:00Z"),
        ("expiry", "J-7", "2025-12-24T08:00:00Z"),
    ]
    assert [(r["label"], r["status"]) for r in reminders if r["status"] != "sent"] == [
        ("relance-2", "cancelled")  # the last signature came first
    ]
    # each reminder went out when it was planned, at 09:00 in Paris
    for reminder in (r for r in reminders if r["status"] == "sent"):
        assert at(reminder["planned_at"]) in life.wake_ups


def test_reminders_say_what_falls_due_and_go_to_the_right_people(
    service_app: App, clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    app = service_app
    life = Driver(app, smtp_server.sender(), clock)
    clock.now = at("2025-01-02T09:00:00Z")
    load(app, reference_convention)
    record(app, "submit", "2025-01-02")
    life.run_until("2025-01-08T10:00:00Z")
    record(app, "sign", "2025-01-08", signatory=METROPOLE)
    life.run_until("2025-01-10T00:00:00Z")
    reminder, copy = (parsed(m) for m in smtp_server.handler.accepted[-2:])
    assert reminder["To"] == CRPV  # only the signatory still to sign
    assert reminder["Cc"] is None  # the service has its own copy, with its internal note
    assert copy["To"] == ADMIN and copy["Subject"] == reminder["Subject"]
    assert REFERENCE in str(reminder["Subject"])
    body = reminder.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Mustapha Berra" in text
    assert "jeudi 9 janvier 2025" in text  # what falls due and when


def test_a_service_down_for_weeks_catches_up_once_and_coalesces(
    service_app: App, clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    app = service_app
    clock.now = at("2025-01-10T09:00:00Z")
    load(app, reference_convention)
    record(app, "submit", "2025-01-02")
    record(app, "sign", "2025-01-08", signatory=METROPOLE)
    record(app, "sign", "2025-01-10", signatory=CRPV)  # expiry reminders planned
    sender = smtp_server.sender()
    run_due(app, at("2025-01-10T10:00:00Z"), sender)
    before = len(smtp_server.handler.accepted)
    # down from January to 10 December: J-90, J-60 and J-30 were all missed
    report = run_due(app, at("2025-12-10T10:00:00Z"), sender)
    assert sorted((r.label, r.outcome) for r in report.reminders) == [
        ("J-30", "send"), ("J-60", "coalesced"), ("J-90", "coalesced"),
    ]  # fmt: skip
    assert len(smtp_server.handler.accepted) == before + 2  # the J-30 and the service's copy
    assert run_due(app, at("2025-12-10T10:00:00Z"), sender).reminders == []
    # down again across the J-7 reminder and the term: the end is announced, not reminded
    report = run_due(app, at("2026-01-05T10:00:00Z"), sender)
    assert [a.action for a in report.actions] == ["expire"]
    assert report.reminders == []
    j7 = next(r for r in views.reminders(app, REFERENCE) if r["label"] == "J-7")
    assert j7["status"] == "cancelled"
    last = parsed(smtp_server.handler.accepted[-1])
    assert "X-Convflow-Key" in last
    kinds = [e["kind"] for e in views.outbox(app) if e["recipients"] != [ADMIN]]
    assert kinds[0] == "convention_expired"  # newest first
    assert kinds.count("reminder_expiry") == 1


def test_the_end_is_applied_at_midnight_and_told_at_the_reminder_hour(
    service_app: App, clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    """The term passes at 24:00 on 31 December: the convention expires then, but the email
    saying so waits in the outbox for 09:00 on New Year's Day (a holiday: whatever day it is),
    as an announcement does; the service wakes up for it, and sends it once."""
    app = service_app
    clock.now = at("2025-03-10T09:00:00Z")
    load(app, reference_convention)
    bring_into_force(app)
    sender = smtp_server.sender()
    run_due(app, at("2025-12-31T12:00:00Z"), sender)  # the J-7 went on the 24th
    before = len(smtp_server.handler.accepted)

    clock.now = at("2025-12-31T23:01:00Z")  # 00:01 in Paris, 1 January 2026
    report = run_due(app, clock.now, sender)
    assert [a.action for a in report.actions] == ["expire"]
    assert state(app) == "expired"
    assert len(smtp_server.handler.accepted) == before, "no one is written to at midnight"
    held = [e for e in views.outbox(app) if e["kind"] == "convention_expired"]
    assert len(held) == 2  # the signatories' email and the service's copy
    assert {(e["status"], e["next_attempt_at"]) for e in held} == {
        ("pending", "2026-01-01T08:00:00Z")
    }
    assert Service(app, sender, clock=clock).next_due() == at("2026-01-01T08:00:00Z")

    clock.now = at("2026-01-01T07:59:59Z")
    run_due(app, clock.now, sender)
    assert len(smtp_server.handler.accepted) == before

    clock.now = at("2026-01-01T08:00:00Z")  # 09:00 in Paris
    run_due(app, clock.now, sender)
    told = smtp_server.handler.accepted[before:]
    assert len(told) == 2
    assert {str(parsed(m)["Date"]) for m in told} == {"Thu, 01 Jan 2026 09:00:00 +0100"}
    assert all(
        e["status"] == "sent" for e in views.outbox(app) if e["kind"] == "convention_expired"
    )
    run_due(app, at("2026-01-01T10:00:00Z"), sender)
    assert len(smtp_server.handler.accepted) == before + 2


def test_a_service_down_at_the_reminder_hour_tells_the_end_once_at_its_next_pass(
    service_app: App, clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    app = service_app
    clock.now = at("2025-03-10T09:00:00Z")
    load(app, reference_convention)
    bring_into_force(app)
    sender = smtp_server.sender()
    run_due(app, at("2025-12-31T12:00:00Z"), sender)
    clock.now = at("2025-12-31T23:00:00Z")
    run_due(app, clock.now, sender)  # expired at 24:00; its email waits for 09:00
    before = len(smtp_server.handler.accepted)
    # down from 00:00 until 15:30 on New Year's Day
    clock.now = at("2026-01-01T14:30:00Z")
    run_due(app, clock.now, sender)
    assert len(smtp_server.handler.accepted) == before + 2
    run_due(app, at("2026-01-01T14:31:00Z"), sender)
    run_due(app, at("2026-01-02T08:00:00Z"), sender)
    assert len(smtp_server.handler.accepted) == before + 2
    assert set(message_ids(smtp_server.handler.accepted).values()) == {1}


def test_the_end_s_email_is_recorded_as_queued_with_the_end_and_dated_when_it_may_leave(
    service_app: App, clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    """Queued at 00:01 in Paris with the expiry, in the same transaction, the email said it was
    created at 09:00 (« créé le », in the page's list and the dossier's courriels.csv, even in
    a dossier made at 00:30): the hour it may leave. The record says when it was queued, the
    next try when it may leave, and its Date header the hour it is sent."""
    import csv
    import email.policy
    import io
    import zipfile

    from workflow.usecases.dossier import dossier
    from workflow.usecases.monitoring import work_snapshot

    app = service_app
    clock.now = at("2025-03-10T09:00:00Z")
    load(app, reference_convention)
    bring_into_force(app)
    sender = smtp_server.sender()
    run_due(app, at("2025-12-31T12:00:00Z"), sender)
    before = len(smtp_server.handler.accepted)

    clock.now = at("2025-12-31T23:01:00Z")  # 00:01 in Paris, 1 January 2026
    run_due(app, clock.now, sender)
    clock.now = at("2025-12-31T23:30:00Z")
    made = zipfile.ZipFile(io.BytesIO(dossier(app, REFERENCE, clock.now)))
    snapshot = work_snapshot(app, clock.now)

    expiry = views.history(app, REFERENCE)[-1]
    assert (expiry["event"], expiry["recorded_at"]) == ("expire", "2025-12-31T23:01:00Z")
    held = [e for e in views.outbox(app) if e["kind"] == "convention_expired"]
    assert {(e["created_at"], e["next_attempt_at"]) for e in held} == {
        ("2025-12-31T23:01:00Z", "2026-01-01T08:00:00Z")
    }
    record = csv.DictReader(io.StringIO(made.read("courriels.csv").decode("utf-8-sig")),
                            delimiter=";")  # fmt: skip
    queued = {r["créé le (UTC)"] for r in record if r["courriel"] == "Arrivée à terme"}
    assert queued == {"2025-12-31T23:01:00Z"}
    assert snapshot.oldest_pending_age == 0  # not due before 09:00: nothing is late yet

    clock.now = at("2026-01-01T08:00:00Z")  # 09:00 in Paris
    run_due(app, clock.now, sender)
    told = smtp_server.handler.accepted[before:]
    assert {str(parsed(m)["Date"]) for m in told} == {"Thu, 01 Jan 2026 09:00:00 +0100"}
    assert len(told) == 2
    # the copies the dossier made at 00:30 were already dated as they were sent
    kept = [made.read(n) for n in made.namelist() if n.endswith("convention_expired.eml")]
    dated = {str(email.message_from_bytes(m, policy=email.policy.default)["Date"]) for m in kept}
    assert dated == {"Thu, 01 Jan 2026 09:00:00 +0100"}
