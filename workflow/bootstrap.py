"""Bootstrap: the one place that wires settings, the database and the clock together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from notifications import Renderer
from states.deadlines import LegalSettings
from states.errors import ConvflowError
from storage.engine import (
    SqliteSync,
    folder_in_the_way,
    is_sqlite,
    make_engine,
    sqlite_path,
    unreachable,
)
from storage.installation import installation_salt
from storage.revision import at_head
from storage.uow import UnitOfWork
from storage.urls import masked_url
from workflow.settings import Settings, load_settings
from workflow.usecases.emails import Mailer


class SchemaNotReady(ConvflowError):
    """The database is missing or behind the code: `convflow init` creates or migrates it."""

    def __init__(self, url: str, current: str | None, head: str | None) -> None:
        if current is None:
            super().__init__("schema_missing", url=url, expected=head)
        else:
            super().__init__("schema_behind", url=url, revision=current, expected=head)


class DatabaseMissing(SchemaNotReady):
    """The SQLite file does not exist yet."""

    def __init__(self, path: Path) -> None:
        ConvflowError.__init__(self, "database_missing", path=str(path))


def utc_now() -> datetime:
    """The real clock: only entry points read it."""
    return datetime.now(UTC)


@dataclass
class App:
    """What every entry point needs: settings, the engine, the legal rules and the clock."""

    settings: Settings
    engine: Engine
    clock: Callable[[], datetime] = utc_now
    legal: LegalSettings = field(init=False)
    mailer: Mailer = field(init=False)
    renderer: Renderer = field(init=False)

    def __post_init__(self) -> None:
        self.legal = self.settings.legal
        self.mailer = Mailer(self.settings)
        templates = self.settings.templates_dir
        self.renderer = Renderer(Path(templates) if templates else None)

    @classmethod
    def create(cls, settings: Settings | None = None, *, check_schema: bool = True) -> App:
        """An app on the configured database; refuse a database that is not migrated."""
        settings = settings or load_settings()
        path = sqlite_path(settings.database_url) if is_sqlite(settings.database_url) else None
        if check_schema and path is not None and not path.exists():
            # Refused without creating the file (nor its folder): `convflow init` does that,
            # unless a file stands in the folder's way, which `init` would refuse too.
            raise folder_in_the_way(path) or DatabaseMissing(path)
        synchronous = cast(SqliteSync, settings.sqlite_synchronous.upper())  # checked choice
        engine = make_engine(settings.database_url, sqlite_synchronous=synchronous)
        app = cls(settings, engine)
        if check_schema:
            try:
                app.check_schema()
                with engine.connect() as connection:
                    app.mailer.salt = installation_salt(connection)
            except DBAPIError as error:
                app.close()
                raise unreachable(settings.database_url, error) from None
            except Exception:
                app.close()
                raise
        return app

    def check_schema(self) -> None:
        """Raise SchemaNotReady unless the database is at the code's revision."""
        if at_head(self.engine):
            return
        from storage.migrate import current_revision, head_revision  # Alembic, to say why

        current, head = current_revision(self.engine), head_revision(self.engine)
        if current != head:
            raise SchemaNotReady(masked_url(self.settings.database_url), current, head)

    def uow(self, *, read_only: bool = False) -> UnitOfWork:
        """A new unit of work (a transaction) on the database."""
        return UnitOfWork(self.engine, read_only=read_only)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()
