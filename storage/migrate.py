"""Create or migrate a database to the latest schema with Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from states.errors import ConvflowError
from storage.engine import refusal_of
from storage.link import unbounded

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision(engine: Engine) -> str | None:
    """The revision the code expects."""
    return ScriptDirectory.from_config(_config(engine)).get_current_head()


class VersionTableDamaged(ConvflowError):
    """The version table names several revisions: edited by hand, or half restored. Neither
    Alembic nor convflow can tell where the schema stands, so nothing runs on it."""

    def __init__(self, url: str, revisions: tuple[str, ...]) -> None:
        super().__init__("schema_ambiguous", url=url, revisions=", ".join(revisions))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return _revision_of(connection)


def _revision_of(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    if len(heads) > 1:  # Alembic would raise a CommandError a person cannot act on
        url = connection.engine.url.render_as_string(hide_password=True)
        raise VersionTableDamaged(url, heads)
    return heads[0] if heads else None


MIGRATION_LOCK = 0x636F6E76666C6F77  # "convflow" in ASCII: one key for every convflow database
"""The PostgreSQL advisory lock every migration takes (pg_advisory_xact_lock), so that two
`convflow init` at once (several services started together, each unit's ExecStartPre) run one
after the other: the second waits, then finds the schema at the code's revision."""


def _one_at_a_time(connection: Connection) -> None:
    """Wait until no other migration runs on this database, and hold it off until commit.

    PostgreSQL: an advisory lock of the transaction (two migrations creating the same tables
    at once failed one on `pg_type_typname_nsp_index`). SQLite: the transaction began with
    BEGIN IMMEDIATE (storage.engine), which already holds the file's write lock; the other
    waits for it (busy_timeout)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for migrations.

    On SQLite, a migration that rebuilds a table (batch mode: copy, drop, rename) would break
    the foreign keys that point at it; SQLite's own procedure for this is to turn foreign keys
    off before the transaction (the pragma does nothing inside one), then check them all
    before commit: any row left without its parent fails the migration, and nothing changes.

    A migration may rightly take long, and wait long for another one: the bounds on each of
    convflow's statements (storage.link), the server's and this side's, are lifted for it.
    """
    with unbounded(), engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        driver = connection.connection.driver_connection
        assert driver is not None  # a connection just opened has its DBAPI connection
        if sqlite:
            driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":  # for this transaction only
                    connection.execute(text("SET LOCAL statement_timeout = 0"))
                yield connection
                if sqlite:
                    orphans = driver.execute("PRAGMA foreign_key_check").fetchall()
                    if orphans:
                        raise RuntimeError(f"migration left rows without parent: {orphans[:5]}")
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys = ON")


def run(engine: Engine, direction: str, revision: str) -> tuple[str | None, str | None]:
    """Upgrade or downgrade the database to `revision`, in one transaction, one migration at
    a time; return (before, after), read inside it: a migration that waited for another one
    says where that one left the schema."""
    config = _config(engine)
    with migrating(engine) as connection:
        _one_at_a_time(connection)
        before = _revision_of(connection)
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)
        return before, _revision_of(connection)


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the database to the latest revision; return (before, after)."""
    return run(engine, "upgrade", "head")


def migrate_database(engine: Engine, url: str) -> tuple[str | None, str | None]:
    """`upgrade`, with a server that does not answer said in one line, and a statement it
    refused said as such (never as a server that does not answer)."""
    try:
        return upgrade(engine)
    except DBAPIError as error:
        refusal = refusal_of(url, error)
        assert refusal is not None  # a driver's error is always the database's
        raise refusal from None


def make_revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the tables (for developers)."""
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
