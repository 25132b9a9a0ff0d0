"""Shared fixtures: a migrated database on each backend, an app on it, the reference convention.

PostgreSQL tests run against the server on 127.0.0.1:5432 in a database they create and drop.
Without a server they are skipped with the reason, unless CONVFLOW_REQUIRE_POSTGRES=1 (as in
`.ci/run`), which turns the skip into a failure so they cannot silently vanish.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from states.convention import Convention
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.tables import metadata
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.settings import load_settings

# Hypothesis: few examples by default (the whole suite stays within CI's budget), many on
# demand: HYPOTHESIS_PROFILE=thorough. A failure prints the blob that reproduces it.
settings.register_profile("default", max_examples=25, print_blob=True)
settings.register_profile("thorough", max_examples=1000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_FILE = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
REFERENCE = "AMP-CRPV-PACA-2025"
POSTGRES_ADMIN_URL = os.environ.get(
    "CONVFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("CONVFLOW_REQUIRE_POSTGRES") == "1"


def _loopback_only(url: str) -> None:
    host = make_url(url).host or "127.0.0.1"
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise RuntimeError(f"tests only talk to loopback addresses, not {host}")


def _postgres_unavailable_reason() -> str | None:
    _loopback_only(POSTGRES_ADMIN_URL)
    engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:  # any failure to reach the server means "not available"
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error.__class__.__name__}"
    finally:
        engine.dispose()
    return None


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped at the end."""
    reason = _postgres_unavailable_reason()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason} (CONVFLOW_REQUIRE_POSTGRES=1 requires these tests)")
        pytest.skip(reason)
    name = f"convflow_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "convflow.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closing checkpoints the WAL into the file
    assert not path.with_name("convflow.db-wal").exists()
    return path


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    # Every table of convflow's data; the installation's salt is schema, like alembic's.
    tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables if t.name != "installation")
    with engine.begin() as connection:
        # The history refuses TRUNCATE (migration 0009): the tests' superuser empties it with
        # the database's triggers off for this transaction only, as a restore tool would.
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated database: a SQLite file, then PostgreSQL (every such test runs twice)."""
    if request.param == "sqlite":
        path = tmp_path / "convflow.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    empty_postgres(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """An empty, migrated SQLite file, for tests about SQLite itself."""
    path = tmp_path / "convflow.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> FixedClock:
    """Today, as the issue was written: 25 November 2026, 10:00 UTC."""
    return FixedClock(datetime(2026, 11, 25, 10, 0, tzinfo=UTC))


@pytest.fixture
def settings_env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment a convflow process of this test runs with."""
    return {
        "CONVFLOW_DATABASE_URL": database_url,
        "CONVFLOW_MAIL_DIR": str(tmp_path / "mail"),
        # The tests walk the reference convention's 2025 life on a 2026 clock: its emails are
        # the subject, so none is held back as recorded late (tests/integration/
        # test_late_records.py sets the default horizon back to try that rule).
        "CONVFLOW_LATE_RECORD_DAYS": "3650",
        # The administrators' daily chain heads are tried on their own (test_history_chain):
        # elsewhere they would be one more email in every count of what the service got.
        "CONVFLOW_CHAIN_HEADS_DAILY": "no",
        # Likewise the open data's publication (rule 19: a deadline and two reminders for every
        # subsidy above 23 000 €) is tried on its own (tests/integration/test_open_data.py,
        # at the default threshold); elsewhere the reference convention stays below it.
        "CONVFLOW_OPEN_DATA_THRESHOLD": "10000000",
    }


@pytest.fixture
def app(settings_env: dict[str, str], clock: FixedClock) -> Iterator[App]:
    """convflow's service layer on the test database, with the test clock."""
    application = App.create(load_settings(settings_env))
    application.clock = clock
    yield application
    application.close()


@pytest.fixture
def reference_convention() -> Convention:
    """The reference convention, freshly read from its example file."""
    return read_convention_file(REFERENCE_FILE, payment_target_days=30, signature_target_days=7)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The root logger's lines, as the service writes them; its handlers restored after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield io.StringIO()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
