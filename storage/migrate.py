"""Create or migrate a database to the latest schema with Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from states.errors import ConvflowError
from storage.engine import unreachable

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
        heads = MigrationContext.configure(connection).get_current_heads()
    if len(heads) > 1:  # Alembic would raise a CommandError a person cannot act on
        raise VersionTableDamaged(engine.url.render_as_string(hide_password=True), heads)
    return heads[0] if heads else None


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for migrations.

    On SQLite, a migration that rebuilds a table (batch mode: copy, drop, rename) would break
    the foreign keys that point at it; SQLite's own procedure for this is to turn foreign keys
    off before the transaction (the pragma does nothing inside one), then check them all
    before commit: any row left without its parent fails the migration, and nothing changes.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        driver = connection.connection.driver_connection
        assert driver is not None  # a connection just opened has its DBAPI connection
        if sqlite:
            driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    orphans = driver.execute("PRAGMA foreign_key_check").fetchall()
                    if orphans:
                        raise RuntimeError(f"migration left rows without parent: {orphans[:5]}")
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys = ON")


def run(engine: Engine, direction: str, revision: str) -> None:
    """Upgrade or downgrade the database to `revision`, in one transaction."""
    config = _config(engine)
    with migrating(engine) as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the database to the latest revision; return (before, after)."""
    before = current_revision(engine)
    run(engine, "upgrade", "head")
    return before, current_revision(engine)


def migrate_database(engine: Engine, url: str) -> tuple[str | None, str | None]:
    """`upgrade`, with a server that does not answer said in one line."""
    try:
        return upgrade(engine)
    except DBAPIError as error:
        raise unreachable(url, error) from None


def make_revision(engine: Engine, message: str) -> None:
    """Autogenerate a new migration from the tables (for developers)."""
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
