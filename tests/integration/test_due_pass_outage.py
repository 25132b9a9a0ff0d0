"""A due pass whose database goes away in its middle ends there: the database is no convention's
failure, and the pass does not wait for it again convention by convention, logging each (the
service says the outage once, and tries again). A connection lost to one convention alone, the
database answering, is that convention's failure: the others are processed."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from states.convention import Convention
from storage.link import answer_within
from tests.conftest import FixedClock, empty_postgres
from tests.faults.conftest import through
from tests.faults.proxy import CuttableProxy
from tests.integration.steps import at
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event
from workflow.usecases.due import run_due

pytestmark = pytest.mark.postgres
REFERENCES = ("AMP-A-2025", "AMP-B-2025", "AMP-C-2025")
REMINDED = at("2025-03-10T09:00:00+01:00")  # each one's signature reminder falls due
PER_CONVENTION = ("could not send its reminders", "could not process what is due")


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[CuttableProxy]:
    """A link to the test database's server that can stall."""
    link = CuttableProxy(make_url(postgres_url).port or 5432)
    yield link
    link.close()


@pytest.fixture
def linked(postgres_url: str, proxy: CuttableProxy, tmp_path: Path, clock: FixedClock,
           reference_convention: Convention) -> Iterator[App]:  # fmt: skip
    """Three conventions sent for signature, on the database reached through the proxy."""
    empty_postgres(postgres_url)
    environment = {
        "CONVFLOW_DATABASE_URL": through(proxy, postgres_url),
        "CONVFLOW_MAIL_DIR": str(tmp_path / "mail"),
        "CONVFLOW_LATE_RECORD_DAYS": "3650",
        "CONVFLOW_CHAIN_HEADS_DAILY": "no",
    }
    app = App.create(load_settings(environment))
    clock.now = at("2025-03-03T09:00:00Z")
    app.clock = clock
    for reference in REFERENCES:
        signatories = [replace(s) for s in reference_convention.signatories]
        convention = replace(reference_convention, reference=reference, signatories=signatories)
        import_convention(app, ImportConvention(convention, "alice"), clock.now)
        record_event(app, RecordEvent(reference, "submit", "alice", clock.now.date()), clock.now)
    yield app
    app.close()


@pytest.fixture
def on_first_reminder(postgres_url: str) -> Iterator[Callable[[str], None]]:
    """Have the server do `action` when the first convention's reminder is updated (a trigger,
    made and dropped on a direct connection)."""
    direct = create_engine(postgres_url)

    def install(action: str) -> None:
        with direct.begin() as connection:
            connection.execute(text(
                "CREATE FUNCTION on_first() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF OLD.convention_id = 1 THEN {action}; END IF; RETURN NEW; END $$"
            ))  # fmt: skip
            connection.execute(text("CREATE TRIGGER on_first BEFORE UPDATE ON reminder "
                                    "FOR EACH ROW EXECUTE FUNCTION on_first()"))  # fmt: skip

    yield install
    with direct.begin() as connection:
        connection.execute(text("DROP TRIGGER IF EXISTS on_first ON reminder"))
        connection.execute(text("DROP FUNCTION IF EXISTS on_first()"))
    direct.dispose()


def _stall_once_sleeping(postgres_url: str, proxy: CuttableProxy) -> threading.Thread:
    """Stall the link as soon as the server sleeps in the first convention's trigger."""
    direct = create_engine(postgres_url)

    def watch() -> None:
        try:
            for _ in range(200):
                with direct.connect() as connection:
                    if connection.execute(text(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
                    )).scalar_one():  # fmt: skip
                        proxy.stall()
                        return
                time.sleep(0.05)
        finally:
            direct.dispose()

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_database_that_goes_silent_in_the_middle_of_a_pass_ends_it_at_once_unlogged(
    linked: App, postgres_url: str, proxy: CuttableProxy,
    on_first_reminder: Callable[[str], None], caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    on_first_reminder("PERFORM pg_sleep(3)")
    watcher = _stall_once_sleeping(postgres_url, proxy)
    began = time.monotonic()
    with caplog.at_level(logging.INFO), pytest.raises(OperationalError), answer_within(2):
        run_due(linked, REMINDED)
    took = time.monotonic() - began
    watcher.join(5)
    proxy.resume()

    said = [record.getMessage() for record in caplog.records]
    assert not [line for line in said if any(words in line for words in PER_CONVENTION)], said
    assert took < 8  # one answer waited for (2 s), one new connection (2 s): not one a convention


def test_a_connection_lost_to_one_convention_alone_is_its_failure_and_the_others_go_on(
    linked: App, on_first_reminder: Callable[[str], None]
) -> None:
    on_first_reminder("PERFORM pg_terminate_backend(pg_backend_pid())")  # its session ends
    report = run_due(linked, REMINDED)
    assert sorted(r.reference for r in report.reminders) == ["AMP-B-2025", "AMP-C-2025"]
    assert list(report.failures) == ["AMP-A-2025"]
