"""A mail server that accepts connections and never answers, while emails are queued: a term
that falls meanwhile is applied on time (within the safety wake-up interval), and once the
server answers again every email goes, once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from states.convention import Convention
from storage.tables import convention_table, deadline_table, event_table, reminder_table
from tests.faults.conftest import MailServers
from tests.faults.fleet import Fleet, build_fleet
from tests.faults.harness import FAULT_SETTINGS, SCALE, settle, stop_all, tally, unresolved
from tests.faults.tally import Figures
from tests.notifications.helpers import free_port
from tests.processes.conventions import bring_into_force, days, load
from tests.processes.running import Processes, convflow_environment, wait_until
from workflow.bootstrap import App, utc_now

pytestmark = [pytest.mark.faults, pytest.mark.slow]
TERM = "TERM-DURING-RUN"
WAKE = 5  # the safety wake-up interval: the most a deadline may wait
SMTP_TIMEOUT = 5  # how long the service waits for the silent server's greeting
NEVER = datetime(2100, 1, 1, tzinfo=UTC)


def _term_falls_at(app: App, reference: str, instant: datetime) -> None:
    """Move the convention's expiry to `instant`, as if its term ended then.

    Terms end at 24:00 in Paris; to see one fall in the middle of a run, the test writes the
    instant into the deadline's row (the convention's end date is already past, so the service
    expires it as soon as the row says it is due). Its reminders are set aside: they are not
    what this scenario measures.
    """
    with app.engine.begin() as connection:
        convention_id = connection.execute(
            select(convention_table.c.id).where(convention_table.c.reference == reference)
        ).scalar_one()
        connection.execute(
            update(deadline_table)
            .where(deadline_table.c.convention_id == convention_id)
            .where(deadline_table.c.kind == "expiry", deadline_table.c.status == "pending")
            .values(expires_at=instant)
        )
        connection.execute(
            update(reminder_table)
            .where(reminder_table.c.convention_id == convention_id)
            .where(reminder_table.c.status == "planned")
            .values(status="cancelled", note="set aside by the test")
        )


def _expired_at(app: App, reference: str) -> datetime | None:
    """When the service recorded the convention's expiry, if it has."""
    query = (
        select(event_table.c.recorded_at)
        .join(convention_table, convention_table.c.id == event_table.c.convention_id)
        .where(convention_table.c.reference == reference, event_table.c.name == "expire")
    )
    with app.engine.connect() as connection:
        found: datetime | None = connection.execute(query).scalar()
        return found


def test_a_silent_mail_server_delays_no_deadline_and_loses_nothing(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    mail_servers: MailServers, processes: Processes,
) -> None:  # fmt: skip
    fleet = build_fleet(sqlite_app, reference_convention, SCALE.conventions)
    # Its term two days ago: the email telling of the end, held for the reminder hour of the
    # morning after the term (README), was due yesterday at 09:00 and goes as soon as the
    # expiry is applied, whatever the hour the test runs (a term yesterday held it until
    # 09:00 today when the test ran in the night).
    load(sqlite_app, reference_convention, TERM, days(-2))
    bring_into_force(sqlite_app, TERM, days(-40))
    _term_falls_at(sqlite_app, TERM, NEVER)
    fleet = Fleet((*fleet.references, TERM), (*fleet.expiring, TERM))
    expected = fleet.expected()
    port = free_port()
    silent = mail_servers.silent(port)
    settings = {**FAULT_SETTINGS, "wake_interval": str(WAKE), "smtp_timeout": str(SMTP_TIMEOUT)}
    environment = convflow_environment(sqlite_url, port, **settings)
    started = time.monotonic()

    service = processes.start(["serve", "--no-http"], environment)
    wait_until(lambda: silent.connections >= 1, 30, "the service to call the silent server")
    time.sleep(1)  # it waits for a greeting that will never come
    falls_at = utc_now() + timedelta(seconds=3)
    _term_falls_at(sqlite_app, TERM, falls_at)
    applied = _expired_at(sqlite_app, TERM)
    hung_until = time.monotonic() + SCALE.hung_seconds
    while applied is None and time.monotonic() < hung_until:
        time.sleep(0.2)
        applied = _expired_at(sqlite_app, TERM)
    silenced = silent.connections
    mail_servers.stop(silent)  # the server answers again
    server = mail_servers.start(port=port)
    finished = settle(sqlite_app, fleet, sum(expected.values()), SCALE.settle_seconds)
    stop_all([service])
    applied = applied or _expired_at(sqlite_app, TERM)
    delay = (applied - falls_at).total_seconds() if applied else float("inf")

    figures = tally(
        Figures("mail server silent, then back; a term falls", "sqlite", len(fleet.references),
                sum(expected.values()), faults=silenced, deadline_delay=delay,
                seconds=time.monotonic() - started, finished=finished),
        sqlite_app, expected, server.handler.copies(),
    )  # fmt: skip
    assert figures.met, f"{figures.line()}; unresolved: {unresolved(sqlite_app)}"
    assert delay <= WAKE, f"the term was applied {delay:.1f}s after it fell"
    assert service.popen.returncode == 0, service.output()
