"""Create or migrate a database to the latest schema with Alembic."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from storage.engine import unreachable

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision(engine: Engine) -> str | None:
    """The revision the code expects."""
    return ScriptDirectory.from_config(_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the database to the latest revision; return (before, after)."""
    before = current_revision(engine)
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
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
