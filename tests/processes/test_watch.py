"""A running service notices work recorded by another process within seconds, and a convention
it cannot process is tried again after a growing delay, never in a tight loop."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import text

from states.convention import Convention
from tests.notifications.conftest import RunningServer
from tests.processes.conventions import bring_into_force, days, load, outbox, submit
from tests.processes.running import Processes, convflow_environment, wait_until
from workflow.bootstrap import App
from workflow.usecases import views

pytestmark = pytest.mark.slow


def test_an_event_recorded_from_the_command_line_is_mailed_within_seconds(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    smtp_server: RunningServer, processes: Processes,
) -> None:  # fmt: skip
    load(sqlite_app, reference_convention, "WATCHED", days(400))
    # Nothing is planned and the safety wake-up is an hour away: only the watch can see it.
    environment = convflow_environment(
        sqlite_url, smtp_server.port, wake_interval="3600", watch_interval="1"
    )
    service = processes.serve(environment)
    assert "nothing planned" in service.stderr
    # The delivery at start runs beside the first pass and claims until nothing is due: an
    # email queued while it still ran went out through it, without the watch (one run in
    # many, 6 December 2026). Let it end: what is tested is the watch.
    time.sleep(2)

    submit(sqlite_app, "WATCHED")  # this test's process, as `convflow event` would

    # Well before the hourly safety wake-up: the watch saw it.
    def sent() -> list[tuple[str, str]]:
        return [(e["kind"], e["status"]) for e in outbox(sqlite_app)]

    wait_until(lambda: sent() == [("signature_requested", "sent")], 30, "the signature request")
    assert len(smtp_server.handler.accepted) == 1
    assert re.search(r"new work due at \S+: waking up for it", service.stderr)
    assert service.stop() == 0, service.output()


def test_a_convention_that_cannot_be_processed_is_retried_after_a_growing_delay(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    smtp_server: RunningServer, processes: Processes,
) -> None:  # fmt: skip
    for reference in ("HEALTHY", "BROKEN"):  # both reached their term three days ago
        load(sqlite_app, reference_convention, reference, days(-3))
        bring_into_force(sqlite_app, reference, days(-40))
    with sqlite_app.engine.begin() as connection:  # the database refuses to close its deadlines
        connection.execute(text(
            "CREATE TRIGGER broken BEFORE UPDATE ON deadline WHEN OLD.convention_id = "
            "(SELECT id FROM convention WHERE reference = 'BROKEN') "
            "BEGIN SELECT RAISE(ABORT, 'the disk says no'); END"
        ))  # fmt: skip
    environment = convflow_environment(
        sqlite_url, smtp_server.port, wake_interval="8", watch_interval="1"
    )

    service = processes.serve(environment)
    service.wait_for_log(r"trying again in 4s", timeout=15)
    time.sleep(1)

    log = service.stderr
    assert views.status(sqlite_app, "HEALTHY")["state"] == "expired"
    assert views.status(sqlite_app, "BROKEN")["state"] == "notification"  # still in force
    assert "BROKEN: not processed: (sqlite3.IntegrityError) the disk says no" in log
    delays = [int(d) for d in re.findall(r"still waiting; trying again in (\d+)s", log)]
    assert delays[:3] == [1, 2, 4]
    # One pass per delay (at 0, 1, 3 and 7 s), not thousands.
    assert 3 <= log.count("BROKEN: not processed") <= 5
    assert service.stop() == 0, service.output()
