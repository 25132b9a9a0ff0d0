"""`convflow serve`: a real process delivers on time to a real SMTP server, and stops cleanly."""

from __future__ import annotations

import re
import signal
import time
from datetime import timedelta

import pytest

from states.convention import Convention
from tests.notifications.conftest import RunningServer
from tests.notifications.helpers import free_port
from tests.processes.conftest import holding
from tests.processes.conventions import days, load, outbox, plan_reminder, submit
from tests.processes.mail import message_id, message_ids
from tests.processes.running import Processes, convflow_environment, wait_until
from workflow.bootstrap import App, utc_now
from workflow.usecases import views

pytestmark = pytest.mark.slow
REFERENCE = "SERVE-1"


@pytest.mark.parametrize(
    ("signum", "http"),
    [
        (signal.SIGTERM, False),
        (signal.SIGINT, False),
        (signal.SIGHUP, False),
        (signal.SIGTERM, True),
    ],
    ids=["SIGTERM", "SIGINT", "SIGHUP", "SIGTERM with the dashboard"],
)
def test_serve_sends_on_time_and_stops_cleanly_after_the_pass_in_flight(
    signum: int, http: bool, sqlite_url: str, sqlite_app: App,
    reference_convention: Convention, smtp_server: RunningServer, processes: Processes,
) -> None:  # fmt: skip
    handler = holding(smtp_server)
    load(sqlite_app, reference_convention, REFERENCE, days(400))
    submit(sqlite_app, REFERENCE)  # queues "signature requested", due at once
    due = utc_now() + timedelta(seconds=7)
    plan_reminder(sqlite_app, REFERENCE, "signature", "soon", due)
    # An hourly safety wake-up: only the wake-up planned for the reminder can send it on time.
    environment = convflow_environment(
        sqlite_url, smtp_server.port, wake_interval="3600", http_port=str(free_port())
    )

    service = processes.serve(environment, http=http)
    if http:
        wait_until(
            lambda: "dashboard listening on" in service.stderr, 10, "the dashboard to listen"
        )

    assert re.search(rf"courriels +SMTP 127\.0\.0\.1:{smtp_server.port}", service.stdout)
    assert re.search(r"consulter +convflow list", service.stdout)
    assert "convflow reminders" in service.stdout and "convflow outbox" in service.stdout
    # The first pass runs as the service starts; with the dashboard starting beside it on a
    # loaded machine (the whole suite), that took over 10 s once in a clean clone's run.
    wait_until(lambda: len(handler.accepted) == 1, 30, "the event email at start")
    # The server's acceptance is recorded a moment later (its own transaction), then logged.
    service.wait_for_log("sent signature_requested")
    assert views.outbox(sqlite_app, "sent")[0]["kind"] == "signature_requested"
    assert re.search(r"sent signature_requested <\S+> to martial\.alvarez@example\.org, "
                     r"mustapha\.berra@example\.org \(250 ", service.stderr)  # fmt: skip
    assert f"next wake-up at {due.isoformat()}" in service.stderr

    handler.hold_next()  # the reminder's DATA will hang: a pass is in flight when we signal
    wait_until(lambda: handler.held, 15, "the reminder to reach the server")
    [arrived] = handler.arrived(message_id(handler.held[0].content))
    assert due.timestamp() <= arrived < due.timestamp() + 2, "woken at the due instant"
    service.popen.send_signal(signum)
    service.wait_for_log("stopping: finishing the pass in flight")
    time.sleep(1)
    assert service.running(), "it must wait for the pass in flight, not abandon it"
    handler.release()

    assert service.wait(20) == 0, service.output()
    log = service.stderr
    assert log.rstrip().endswith("convflow.service: stopped")
    assert re.search(rf"{REFERENCE}: reminder signature soon planned \S+ → send", log)
    # Asked to stop while the reminder was in DATA: it waited for the answer, then stopped.
    order = ["stopping: finishing", "sent reminder_signature", "convflow.service: stopped"]
    assert [log.index(line) for line in order] == sorted(log.index(line) for line in order)
    # The pass finished its unit of work: both emails recorded as sent, each received once.
    emails = outbox(sqlite_app)
    assert [(e["kind"], e["status"]) for e in emails] == [
        ("signature_requested", "sent"), ("reminder_signature", "sent"),
    ]  # fmt: skip
    assert message_ids(handler.accepted) == {e["message_id"]: 1 for e in emails}
    soon = next(r for r in views.reminders(sqlite_app, REFERENCE) if r["label"] == "soon")
    assert soon["status"] == "sent"
