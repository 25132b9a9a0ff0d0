"""Several convflow processes on one database: on PostgreSQL two dispatchers share the
outbox and every email goes exactly once; on SQLite a second service is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, text

from states.convention import Convention
from tests.notifications.conftest import RunningServer
from tests.processes.conventions import days, load, open_app, outbox, submit
from tests.processes.mail import message_ids
from tests.processes.running import Processes, convflow_environment, wait_until
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
EMAILS = 200


@pytest.fixture
def postgres_app(postgres_database: str) -> Iterator[App]:
    """The service layer on the emptied PostgreSQL test database."""
    application = open_app(postgres_database)
    yield application
    application.close()


@pytest.fixture
def outbox_gate(postgres_database: str) -> Iterator[Connection]:
    """A connection that can hold the outbox table so that claims wait at its door."""
    engine = create_engine(postgres_database)
    connection = engine.connect()
    try:
        yield connection
    finally:
        connection.close()
        engine.dispose()


def _waiting_for_outbox(gate: Connection) -> int:
    """How many other sessions wait for a lock on the outbox table."""
    query = text(
        "SELECT count(*) FROM pg_locks WHERE relation = 'outbox'::regclass AND NOT granted"
    )
    return int(gate.execute(query).scalar_one())


@pytest.mark.postgres
def test_two_dispatchers_on_postgresql_send_each_email_exactly_once(
    postgres_database: str, postgres_app: App, reference_convention: Convention,
    smtp_server: RunningServer, processes: Processes, outbox_gate: Connection,
) -> None:  # fmt: skip
    for number in range(EMAILS):
        load(postgres_app, reference_convention, f"PG-{number:03d}", days(400))
        submit(postgres_app, f"PG-{number:03d}")
    environment = convflow_environment(postgres_database, smtp_server.port)
    # Hold the table so that both processes reach their claim before either takes a row,
    # then let them go at the same instant: they race for the same first rows.
    outbox_gate.execute(text("LOCK TABLE outbox IN EXCLUSIVE MODE"))
    dispatchers = [processes.start(["run-due", "--json"], environment) for _ in range(2)]
    try:
        wait_until(lambda: _waiting_for_outbox(outbox_gate) == 2, 30, "both claims to wait")
    finally:
        outbox_gate.commit()

    assert [d.wait(60) for d in dispatchers] == [0, 0], [d.output() for d in dispatchers]
    reports: list[dict[str, Any]] = [json.loads(d.stdout) for d in dispatchers]
    sent = [set(report["emails"]["sent"]) for report in reports]
    assert all(sent), "both dispatchers took a share of the outbox"
    assert not sent[0] & sent[1]
    emails = outbox(postgres_app)
    assert len(emails) == EMAILS and {e["status"] for e in emails} == {"sent"}
    assert sent[0] | sent[1] == {e["message_id"] for e in emails}
    received = message_ids(smtp_server.handler.accepted)
    assert len(received) == EMAILS and set(received.values()) == {1}


def test_a_second_service_on_one_sqlite_file_is_refused(
    sqlite_url: str, smtp_server: RunningServer, processes: Processes
) -> None:
    environment = convflow_environment(sqlite_url, smtp_server.port)
    first = processes.serve(environment)

    second = processes.start(["serve", "--no-http"], environment)

    assert second.wait(20) == 1
    database = sqlite_url.removeprefix("sqlite:///")
    assert second.stderr.strip().splitlines()[-1] == (
        f"Erreur\u00a0: un autre service convflow tourne déjà sur {database} (pid "
        f"{first.pid})\u00a0; "
        "SQLite n'admet qu'un service par fichier\u00a0: arrêtez-le, ou passez à PostgreSQL pour "
        "en "
        "faire tourner plusieurs"
    )
    assert "service convflow démarré" not in second.stdout
    assert first.running()
    assert first.stop() == 0
    # Once the first has stopped, the file is free again.
    third = processes.serve(environment)
    assert third.stop() == 0
