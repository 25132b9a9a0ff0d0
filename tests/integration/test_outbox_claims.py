"""Fence what you claim: each email's outcome is recorded as soon as the server answers, only
while its sender still holds the claim; a claim is renewed while its sender works; a message
sent with no answer waits as uncertain; deadlines never wait for the mail server."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import timedelta

import pytest
from click.testing import CliRunner

from notifications import DeliveryOutcome, DeliveryResult, OutgoingEmail, SmtpSender
from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration.mail import message_ids
from tests.integration.steps import at, bring_into_execution, load
from tests.notifications.conftest import RunningServer, SmtpServers
from tests.notifications.helpers import ScriptedHandler
from workflow.bootstrap import App, utc_now
from workflow.cli import cli
from workflow.scheduler.service import Service
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event
from workflow.usecases.dispatch import deliver

LEASE = timedelta(seconds=900)  # CONVFLOW_CLAIM_LEASE_SECONDS by default


class Crash(BaseException):
    """The sender's process dying in the middle of a batch (as kill -9 would)."""


class DyingSender:
    """Delivers through a real SMTP sender, and dies as the server accepts the email number
    `after` (counted from 0): that one went, and its answer never reached the dispatcher."""

    def __init__(self, inner: SmtpSender, after: int) -> None:
        self.inner, self.after = inner, after

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        return list(self.send_each(emails))

    def send_each(self, emails: Sequence[OutgoingEmail]) -> Iterator[DeliveryResult]:
        for number, result in enumerate(self.inner.send_each(emails)):
            if number == self.after:
                raise Crash
            yield result

    def describe(self) -> str:
        return "a sender that dies"


class StuckSender:
    """A mail server that never answers: each email waits until the test lets it go."""

    def __init__(self) -> None:
        self.waiting = threading.Event()
        self.release = threading.Event()

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        return list(self.send_each(emails))

    def send_each(self, emails: Sequence[OutgoingEmail]) -> Iterator[DeliveryResult]:
        for email in emails:
            self.waiting.set()
            self.release.wait(30)
            yield DeliveryResult(email.message_id, DeliveryOutcome.SENT, "250 at last")

    def describe(self) -> str:
        return "a mail server that never answers"


def _queue(app: App, template: Convention, count: int) -> None:
    """`count` conventions sent for signature: one email each, due now."""
    end = max(template.end_date, app.clock().date() + timedelta(days=400))
    for number in range(count):
        reference = f"CLAIM-{number}"
        convention = replace(template, reference=reference, end_date=end,
                             signatories=[replace(s) for s in template.signatories])  # fmt: skip
        import_convention(app, ImportConvention(convention, "alice"), app.clock())
        record_event(app, RecordEvent(reference, "submit", "alice", None, {}), app.clock())


@pytest.fixture
def queued(app: App, reference_convention: Convention, clock: FixedClock) -> App:
    """Four emails due now, one per convention."""
    clock.now = at("2025-03-03T09:00:00Z")
    _queue(app, reference_convention, 4)
    return app


def test_a_sender_that_dies_mid_batch_has_recorded_every_email_answered_before(
    queued: App, smtp_server: RunningServer, clock: FixedClock
) -> None:
    with pytest.raises(Crash):
        deliver(queued, DyingSender(smtp_server.sender(), after=2), clock.now)
    emails = views.outbox(queued)
    assert sorted(e["status"] for e in emails) == ["sending", "sending", "sent", "sent"]
    assert {e["attempts"] for e in emails if e["status"] == "sending"} == {0}
    in_flight = message_ids(smtp_server.handler.accepted[2:3])

    later = clock.now + LEASE  # the dead sender's claim has run out
    assert len(deliver(queued, smtp_server.sender(), later).sent) == 2
    # Only the email in flight when the sender died went twice (same Message-ID).
    received = message_ids(smtp_server.handler.accepted)
    assert received == Counter(e["message_id"] for e in emails) + in_flight


def test_an_outcome_is_recorded_only_by_the_sender_holding_the_claim(
    queued: App, clock: FixedClock
) -> None:
    with queued.uow() as uow:
        [first, *_] = uow.outbox.claim(clock.now, 10, LEASE, "slow-sender")
        uow.commit()
    with queued.uow() as uow:  # the slow sender's claim was not renewed: another takes over
        assert len(uow.outbox.claim(clock.now + LEASE, 10, LEASE, "new-holder")) == 4
        uow.commit()
    with queued.uow() as uow:
        assert not uow.outbox.sent(first.id, "Objet", clock.now + LEASE, "slow-sender")
        assert not uow.outbox.retry(first.id, clock.now, "451", "slow-sender")
        assert not uow.outbox.fail(first.id, "550", None, "slow-sender")
        assert uow.outbox.renew("slow-sender", clock.now + LEASE) == 0
        assert uow.outbox.renew("new-holder", clock.now + LEASE) == 4
        assert uow.outbox.sent(first.id, "Objet", clock.now + LEASE, "new-holder")
        uow.commit()
    sent = next(e for e in views.outbox(queued) if e["id"] == first.id)
    assert (sent["status"], sent["attempts"]) == ("sent", 1)


def test_a_message_sent_with_no_answer_waits_as_uncertain_and_goes_later_under_its_id(
    queued: App, smtp_servers: SmtpServers, clock: FixedClock, settings_env: dict[str, str]
) -> None:
    server = smtp_servers.start(ScriptedHandler(hang_up_at=[0]))  # cut after the first DATA
    first = deliver(queued, server.sender(), clock.now)
    [uncertain] = first.uncertain
    assert len(first.sent) == 3 and len(server.handler.accepted) == 3  # not sent again
    email = next(e for e in views.outbox(queued) if e["message_id"] == uncertain)
    assert (email["status"], email["attempts"], email["unanswered"]) == ("uncertain", 1, 1)
    assert email["last_error"].startswith("pas de réponse une fois le message envoyé\u00a0: ")
    assert email["next_attempt_at"] == "2025-03-03T09:01:00Z"
    listing = CliRunner().invoke(cli, ["outbox"], env=settings_env)  # as the operator reads it
    assert (
        "courriels\u00a0: sans réponse du serveur, renvoyé plus tard (1), envoyé (3)"
        in listing.output
    )
    assert "1 incertain(s)\u00a0: envoyé(s) sans réponse du serveur de messagerie" in listing.output

    assert deliver(queued, server.sender(), clock.now + timedelta(seconds=59)).sent == []
    assert deliver(queued, server.sender(), clock.now + timedelta(seconds=60)).sent == [uncertain]
    email = next(e for e in views.outbox(queued) if e["message_id"] == uncertain)
    assert (email["status"], email["attempts"], email["unanswered"]) == ("sent", 2, 1)
    assert message_ids(server.handler.accepted)[uncertain] == 1
    listing = CliRunner().invoke(cli, ["outbox"], env=settings_env)
    assert "1 remis après un essai resté sans réponse" in listing.output


def test_emails_claimed_but_not_tried_are_given_back_when_the_sender_stops(
    queued: App, smtp_server: RunningServer, clock: FixedClock
) -> None:
    report = deliver(queued, smtp_server.sender(), clock.now,
                     stopping=lambda: len(smtp_server.handler.accepted) >= 1)  # fmt: skip
    assert len(report.sent) == 1
    emails = views.outbox(queued)
    assert sorted((e["status"], e["attempts"]) for e in emails) == [
        ("pending", 0), ("pending", 0), ("pending", 0), ("sent", 1),
    ]  # fmt: skip
    assert len(deliver(queued, smtp_server.sender(), clock.now).sent) == 3  # no lease to wait


def test_a_claim_is_renewed_while_its_sender_waits_for_a_slow_server(
    sqlite_url: str, reference_convention: Convention, smtp_servers: SmtpServers
) -> None:
    lease = timedelta(seconds=1)
    settings = {"CONVFLOW_DATABASE_URL": sqlite_url, "CONVFLOW_CLAIM_LEASE_SECONDS": "1"}
    app = App.create(load_settings(settings))  # on the real clock: renewals are real
    try:
        _queue(app, reference_convention, 1)
        server = smtp_servers.start(ScriptedHandler(data_delay=2.5))  # 2.5 leases
        sending = threading.Thread(target=deliver, args=(app, server.sender(), utc_now()))
        sending.start()
        time.sleep(1.8)  # beyond the lease since the claim
        with app.uow() as uow:
            assert uow.outbox.claim(utc_now(), 10, lease, "another-sender") == []
            uow.commit()
        sending.join(10)
        assert [e["status"] for e in views.outbox(app)] == ["sent"]
        assert len(server.handler.accepted) == 1
    finally:
        app.close()


def test_a_mail_server_that_never_answers_holds_back_no_deadline(
    app: App, reference_convention: Convention, clock: FixedClock
) -> None:
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)  # four emails queued, the term on 31 December 2025
    sender = StuckSender()
    service = Service(app, sender)
    clock.now = at("2026-01-01T09:00:00+01:00")  # the term has passed
    delivering = threading.Thread(target=service.deliver)
    delivering.start()
    try:
        assert sender.waiting.wait(10), "delivery reached the mail server"
        started = time.monotonic()
        report = service.tick()  # while the mail server keeps the first email waiting
        assert report is not None and time.monotonic() - started < 5
        assert [(a.deadline, a.action) for a in report.actions] == [("expiry", "expire")]
        assert views.status(app, "AMP-CRPV-PACA-2025")["state"] == "expired"
    finally:
        sender.release.set()
        delivering.join(10)
