"""`convflow serve` while its work lasts: a delivery held by a slow mail server is said once in
the log, not at every wake-up; asked to stop, the service waits for the work in flight a bounded
time, then leaves without it, losing nothing; a hang-up stops it as SIGTERM does, unless it was
started to ignore hang-ups (nohup)."""

from __future__ import annotations

import re
import signal
import time

import pytest

from states.convention import Convention
from tests.notifications.conftest import RunningServer
from tests.processes.conftest import holding
from tests.processes.conventions import days, load, outbox, submit
from tests.processes.mail import message_ids
from tests.processes.running import STARTED, Processes, convflow_environment, wait_until
from workflow.bootstrap import App
from workflow.cli.service import STOP_SECONDS

pytestmark = pytest.mark.slow
REFERENCE = "LONG-1"
SKIPPED = "maximum number of running instances"
"""APScheduler's own line for a wake-up skipped while its job still runs."""


def test_a_delivery_that_outlasts_the_wake_ups_is_said_once_and_once_when_it_ends(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    smtp_server: RunningServer, processes: Processes,
) -> None:  # fmt: skip
    handler = holding(smtp_server)
    handler.hold_next()  # the first email's DATA waits 35 s for its answer
    # A wake-up a second, and no watch: the safety wake-up's own delivery finds the email, and
    # it is that job APScheduler finds still running at the next second, and the next.
    environment = convflow_environment(sqlite_url, smtp_server.port, wake_interval="1",
                                       watch_interval="3600", smtp_data_timeout="120")  # fmt: skip
    service = processes.serve(environment)
    load(sqlite_app, reference_convention, REFERENCE, days(400))
    submit(sqlite_app, REFERENCE)
    wait_until(lambda: handler.held, 15, "the email to reach the server")
    service.wait_for_log(r"the delivery begun at \S+ is still running after", timeout=40)
    time.sleep(3)  # three more wake-ups skipped
    handler.release()
    service.wait_for_log(r"the delivery begun at \S+ ended after")

    log = service.stderr
    assert SKIPPED not in log  # APScheduler's line at each wake-up: 35 of them, before
    still = (r"WARNING convflow\.service: the delivery begun at \S+ is still running after "
             r"0h 0min 3\ds: the wake-ups meanwhile are skipped; said again when it ends "
             r"\(and hourly while it lasts\)\n")  # fmt: skip
    assert service.count(still) == 1
    assert service.count(r"the delivery begun at \S+ ended after 0h 0min 3\ds") == 1
    assert "the due pass begun" not in log  # the passes beside it are quick
    assert service.stop() == 0, service.output()


def test_asked_to_stop_it_leaves_work_that_outlasts_the_bound_and_loses_nothing(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    smtp_server: RunningServer, processes: Processes,
) -> None:  # fmt: skip
    handler = holding(smtp_server)
    handler.hold_next()  # held until after the service has left
    load(sqlite_app, reference_convention, REFERENCE, days(400))
    submit(sqlite_app, REFERENCE)
    environment = convflow_environment(sqlite_url, smtp_server.port, smtp_data_timeout="600",
                                       claim_lease_seconds="2")  # fmt: skip
    service = processes.serve(environment)
    wait_until(lambda: handler.held, 15, "the email to reach the server")

    asked = time.monotonic()
    service.popen.send_signal(signal.SIGTERM)
    assert service.wait(STOP_SECONDS + 15) == 0, service.output()
    assert STOP_SECONDS - 1 < time.monotonic() - asked < STOP_SECONDS + 10
    log = service.stderr
    assert f"stopping: finishing the pass in flight ({STOP_SECONDS} s at most), on SIGTERM" in log
    assert re.search(rf"WARNING convflow\.service: stopped without the work still in flight "
                     rf"after {STOP_SECONDS} s: ", log)  # fmt: skip
    assert "convflow.service: stopped\n" not in log

    # The email whose answer never came goes again (after its lease), once.
    handler.release()
    again = processes.serve(environment)
    wait_until(lambda: [e["status"] for e in outbox(sqlite_app)] == ["sent"], 30, "the email")
    assert list(message_ids(handler.accepted).values()) == [1]
    assert again.stop() == 0, again.output()


def test_a_hang_up_is_ignored_when_the_service_was_started_to_ignore_them(
    sqlite_url: str, smtp_server: RunningServer, processes: Processes
) -> None:
    environment = convflow_environment(sqlite_url, smtp_server.port)
    service = processes.start(["serve", "--no-http"], environment, within=["nohup"])
    service.wait_for_log(STARTED)

    service.popen.send_signal(signal.SIGHUP)
    time.sleep(2)
    assert service.running(), service.output()
    assert service.stop(signal.SIGTERM) == 0, service.output()
    assert "on SIGTERM" in service.stderr and "SIGHUP" not in service.stderr
