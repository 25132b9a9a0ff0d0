"""One convention's emails reach its partners in the order their events were recorded.

The tester recorded, on AMP-EXEMPLE-2027 (examples/), the activity report then the payment of
instalment n° 2, each with its own `convflow` command under the clock shim: each command
starts at the same instant and reads the clock a moment later, the first (a colder start)
later than the second. The payment's email then left first, and the partner read « versement
effectué » before « versement n° 2 attendu ». Same with an avenant transmitted for signature,
then signed by both parties at once. Delivered to a real SMTP server (aiosmtpd), on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta

from tests.conftest import FixedClock
from tests.integration.mail import Mail, delivered, partners_only
from tests.integration.steps import at
from tests.integration.test_instalment_emails import EXAMPLE, MARTIAL, NADIA, record
from tests.integration.test_instalment_emails import signed_and_notified as signed_and_notified
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event

DAY = "2027-03-10"


def at_moment(app: App, seconds: float) -> None:
    """The clock `seconds` after 10:00 UTC on DAY: when a command reads it."""
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(f"{DAY}T10:00:00Z") + timedelta(seconds=seconds)


def subjects(mails: list[Mail]) -> list[str]:
    return [m.subject_plain for m in mails]


def test_the_document_email_leaves_before_the_payment_recorded_after_it(
    signed_and_notified: App, smtp_server: RunningServer
) -> None:
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000,00")
    delivered(app, smtp_server, app.clock())
    # Two commands, each read the clock a moment after the same instant: the second sooner.
    at_moment(app, 1.8)
    record_event(app, RecordEvent(EXAMPLE, "report_received", "alice", date(2027, 3, 10), {}),
                 app.clock())  # fmt: skip
    at_moment(app, 0.9)
    record_event(app, RecordEvent(EXAMPLE, "pay", "alice", date(2027, 3, 10),
                                  {"amount": "18000"}), app.clock())  # fmt: skip

    sent = subjects(partners_only(delivered(app, smtp_server, at(f"{DAY}T10:01:00Z"))))

    assert len(sent) == 2, sent
    assert "] Document «" in sent[0], sent
    assert "Versement de 18 000,00 € enregistré" in sent[1], sent


def test_the_same_instant_keeps_the_order_of_recording(
    signed_and_notified: App, smtp_server: RunningServer
) -> None:
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000,00")
    delivered(app, smtp_server, app.clock())
    at_moment(app, 0)
    record_event(app, RecordEvent(EXAMPLE, "report_received", "alice", date(2027, 3, 10), {}),
                 app.clock())  # fmt: skip
    record_event(app, RecordEvent(EXAMPLE, "pay", "alice", date(2027, 3, 10),
                                  {"amount": "18000"}), app.clock())  # fmt: skip

    sent = subjects(partners_only(delivered(app, smtp_server, app.clock())))

    assert ["] Document «" in s for s in sent] == [True, False], sent


def test_the_avenant_sent_for_signature_is_told_before_it_is_in_force(
    signed_and_notified: App, smtp_server: RunningServer
) -> None:
    app = signed_and_notified
    delivered(app, smtp_server, app.clock())
    at_moment(app, 3.0)
    day = date(2027, 3, 10)
    number = draft_amendment(
        app, DraftAmendment(EXAMPLE, {"instalment.2.amount": "20000.00"}, "alice", day), app.clock()
    ).number
    steps = [(2.5, "submit", {}), (1.5, "sign", {"signatory": NADIA}),
             (0.5, "sign", {"signatory": MARTIAL})]  # fmt: skip
    for seconds, event, inputs in steps:
        at_moment(app, seconds)
        command = RecordAmendmentEvent(EXAMPLE, number, event, "alice", day, inputs)
        record_amendment_event(app, command, app.clock())

    sent = subjects(partners_only(delivered(app, smtp_server, at(f"{DAY}T10:01:00Z"))))

    transmitted = [i for i, s in enumerate(sent) if "transmis pour signature" in s]
    in_force = [i for i, s in enumerate(sent) if "en vigueur" in s]
    assert transmitted and in_force, sent
    assert transmitted[0] < in_force[0], sent
