"""On SQLite the service copies the write-ahead log into the database file after its work,
not inside one of its commits.

SQLite makes that copy (a checkpoint) in the commit that takes the log past 1 000 pages. With
1 000 reminders due at once, the third batch's commit of the due pass took 140-210 ms instead
of 3-5 ms, and every reminder after it was queued that much later. The main file is written
by checkpoints only, so whether one ran is read from the file's own bytes.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from notifications import MemorySender
from storage.engine import checkpoint, defer_checkpoints, make_engine
from tests.conftest import FixedClock
from workflow.bootstrap import App
from workflow.scheduler.service import Service
from workflow.settings import load_settings

PAGES = 1_200
"""More than the 1 000 pages at which SQLite would copy the log in the commit."""


@pytest.fixture
def database(tmp_path: Path, sqlite_template: Path) -> Path:
    path = tmp_path / "convflow.db"
    shutil.copy(sqlite_template, path)
    return path


@pytest.fixture
def engine(database: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{database}")
    yield made
    made.dispose()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_pages(engine: Engine, pages: int = PAGES) -> None:
    """One transaction writing `pages` new pages of about 4 KiB."""
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS scratch (page BLOB)")
        connection.exec_driver_sql(
            "INSERT INTO scratch WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            f"WHERE i < {pages}) SELECT randomblob(4000) FROM n"
        )


def _opened(engine: Engine, database: Path) -> str:
    """The file's bytes once the engine has opened it (the journal mode set, no work yet)."""
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")
    return _digest(database)


def test_by_default_the_commit_past_a_thousand_pages_copies_the_log(
    engine: Engine, database: Path
) -> None:
    before = _opened(engine, database)

    _write_pages(engine)

    assert _digest(database) != before  # what the service no longer lets a commit do


def test_deferred_the_commit_leaves_the_file_and_the_checkpoint_copies_the_log(
    engine: Engine, database: Path
) -> None:
    assert defer_checkpoints(engine)
    before = _opened(engine, database)

    _write_pages(engine)

    assert _digest(database) == before, "the commit copied the log"
    checkpoint(engine)
    assert _digest(database) != before
    assert database.stat().st_size >= PAGES * 4000


def test_the_service_copies_the_log_after_its_due_pass(
    database: Path, tmp_path: Path, clock: FixedClock
) -> None:
    settings = load_settings(
        {"CONVFLOW_DATABASE_URL": f"sqlite:///{database}", "CONVFLOW_MAIL_DIR": str(tmp_path)}
    )
    app = App.create(settings)
    app.clock = clock
    try:
        # About the database file the service's pass leaves, not any email: no SMTP server.
        service = Service(app, MemorySender())
        before = _opened(app.engine, database)
        _write_pages(app.engine)  # as a large pass, or the dashboard's writes, would
        assert _digest(database) == before, "a commit of the service's copied the log"

        assert service.tick() is not None

        assert _digest(database) != before
    finally:
        app.close()
