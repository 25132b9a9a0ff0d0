"""An email says what was true when it was decided, and what is gone by then is not sent.

Read as the partner who receives it, through a real SMTP server (aiosmtpd on loopback).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import parsed, plain_text
from tests.notifications.conftest import RunningServer
from tests.notifications.helpers import Received
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.dispatch import deliver
from workflow.usecases.due import run_due

METROPOLE, CRPV = steps.METROPOLE, steps.CRPV


@pytest.fixture
def live(
    settings_env: dict[str, str], clock: FixedClock, reference_convention: Convention
) -> Iterator[App]:
    """The reference convention imported with a term in the future (31 December 2027), on
    1 March 2027."""
    application = App.create(load_settings(settings_env))
    clock.now = steps.at("2027-03-01T09:00:00Z")
    application.clock = clock
    reference_convention.end_date = reference_convention.end_date.replace(year=2027)
    steps.load(application, reference_convention)
    yield application
    application.close()


def received(server: RunningServer, subject_part: str) -> str:
    """The text of the one email whose subject holds `subject_part`."""
    found = [plain_text(m) for m in server.handler.accepted if subject_part in _subject(m)]
    assert len(found) == 1, [_subject(m) for m in server.handler.accepted]
    return found[0].replace("\u00a0", " ").replace("\u202f", " ")  # as a person reads it


def _subject(message: Received) -> str:
    return str(parsed(message)["Subject"])


def test_a_late_signature_request_lists_the_signatures_expected_when_it_was_sent_for_signature(
    live: App, smtp_server: RunningServer
) -> None:
    steps.record(live, "submit")
    steps.record(live, "sign", signatory=METROPOLE)
    steps.record(live, "sign", signatory=CRPV)  # both signed before any email left

    run_due(live, live.clock())
    deliver(live, smtp_server.sender(), live.clock())

    text = received(smtp_server, "transmise pour signature")
    expected = text.split("Signatures attendues :", 1)[1].split("\n\n", 1)[0]
    assert "Martial Alvarez" in expected and "Mustapha Berra" in expected
    assert "État : en signature" in text and "en litige" not in text
    assert "31 décembre 2027" in text


def test_a_reminder_whose_signatures_all_came_in_before_it_left_is_cancelled_not_sent(
    live: App, smtp_server: RunningServer, clock: FixedClock
) -> None:
    steps.record(live, "submit")
    deliver(live, smtp_server.sender(), clock.now)  # the signature request leaves
    clock.now += timedelta(days=7, hours=1)  # the 7-day signature target: a reminder decided
    run_due(live, clock.now)
    reminder = [e for e in views.outbox(live) if e["kind"] == "reminder_signature"]
    assert [e["status"] for e in reminder] == ["pending"]
    steps.record(live, "sign", signatory=METROPOLE)
    steps.record(live, "sign", signatory=CRPV)  # before the reminder could leave

    report = deliver(live, smtp_server.sender(), clock.now)

    [email] = [e for e in views.outbox(live) if e["kind"] == "reminder_signature"]
    assert email["status"] == "cancelled" and email["message_id"] in report.cancelled
    assert "toutes les signatures ont été enregistrées" in str(email["last_error"])
    subjects = [_subject(m) for m in smtp_server.handler.accepted]
    assert not any("Rappel" in s and "signature" in s for s in subjects), subjects
