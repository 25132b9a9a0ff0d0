"""Database engines: SQLite (a file, WAL, writes begun with BEGIN IMMEDIATE) or PostgreSQL."""

from __future__ import annotations

import select
import sqlite3
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError

from states.errors import ConvflowError
from storage import link
from storage.urls import masked_url

SqliteSync = Literal["OFF", "NORMAL", "FULL", "EXTRA"]
READ_ONLY = {"sqlite_begin": "DEFERRED"}


def is_sqlite(url: str) -> bool:
    """True when the URL names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


class DatabaseFolderUnusable(ConvflowError):
    """The SQLite file's folder cannot be created: a file stands where it (or one of its
    parents) would be, or the system refuses (no permission, a read-only file system)."""


def folder_in_the_way(path: Path) -> DatabaseFolderUnusable | None:
    """The refusal when a file stands where the folder of the SQLite file `path`, or one of its
    parents, would be (`sqlite:////srv/data/convflow.db` with /srv/data a file); None when the
    folder is there or may be created."""
    folder = path.parent
    for place in (folder, *folder.parents):
        if place.exists():  # the nearest that exists: a folder to create in, or a file
            if place.is_dir():
                return None
            return DatabaseFolderUnusable("database_folder_is_a_file", folder=str(folder),
                                          place=str(place))  # fmt: skip
    return None


def make_sqlite_folder(path: Path) -> None:
    """Create the folder of the SQLite file `path` with its parents, or refuse in one line why
    it cannot be (never the system's exception and its traceback)."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if (blocked := folder_in_the_way(path)) is not None:
            raise blocked from None
        reason = error.strerror or type(error).__name__
        raise DatabaseFolderUnusable("database_folder_not_created", folder=str(folder),
                                     reason=reason) from None  # fmt: skip


def url_password(url: str) -> str | None:
    """The password inside a database URL (so that logs can mask it), if any: after the user
    name, or as the `password` parameter libpq also takes (`...?password=...`)."""
    try:
        parsed = make_url(url)
    except Exception:  # a malformed URL carries no password we could find
        return None
    given = parsed.query.get("password")
    return parsed.password or (given if isinstance(given, str) else None)


def make_engine(url: str, *, sqlite_synchronous: SqliteSync = "FULL") -> Engine:
    """An engine for `url`, set up for convflow's transactions on either backend."""
    if is_sqlite(url):
        return _sqlite_engine(url, sqlite_synchronous)
    return _server_engine(url)


def _server_engine(url: str) -> Engine:
    engine = create_engine(url)
    bounded(engine)

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        # A connection the server (or a link between) has closed while it sat in the pool is
        # replaced before a unit of work starts, not found broken in its middle. The pool's
        # pre-ping did it with a round trip to the server on every checkout (46-134 us of an
        # event's 99-294, `bench transitions`); a closed link is seen locally, at once.
        if link_closed(dbapi_connection):
            raise DisconnectionError("the database closed this connection while it was idle")

    return engine


def bounded(engine: Engine) -> None:
    """Make `engine`'s connections wait for PostgreSQL only so long (storage.link): libpq's
    bounds on the link where its URL does not say them, and each round trip bounded."""
    if engine.dialect.driver != "psycopg":
        return

    @event.listens_for(engine, "do_connect")
    def _on_connect(dialect: Any, record: Any, cargs: list[Any], cparams: dict[str, Any]) -> Any:
        return link.connect(*cargs, **cparams)


def link_closed(dbapi_connection: Any) -> bool:
    """True when an idle driver connection can no longer serve: closed or broken on the
    driver's side, or its socket readable while no statement runs (the server has closed it or
    sent its last words: a restart, `pg_terminate_backend`, a proxy cut). A link cut silently,
    with nothing sent, is not seen here: the first statement waits for it as a ping would."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    try:
        descriptor = dbapi_connection.fileno()
    except Exception:  # the driver no longer has a socket to give
        return True
    poller = select.poll()  # not select.select: it refuses descriptors above 1 023
    poller.register(descriptor, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def _sqlite_engine(url: str, synchronous: SqliteSync) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        make_sqlite_folder(path)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        # pysqlite's own transaction handling would defer BEGIN; we issue it ourselves below.
        dbapi_connection.isolation_level = None
        for pragma in (
            "journal_mode=WAL",
            f"synchronous={synchronous}",
            "foreign_keys=ON",
            "busy_timeout=30000",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A write transaction takes the write lock at BEGIN: two read-modify-write commands
        # then run one after the other instead of losing an update (docs/LIBRARY-PITFALLS.md).
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.connection.driver_connection.execute(f"BEGIN {mode}")

    return engine


def defer_checkpoints(engine: Engine) -> bool:
    """On SQLite, no commit copies the write-ahead log into the database file any more: the
    service calls `checkpoint` after its work instead. True when deferred (SQLite only).

    SQLite does that copy in the commit that takes the log past 1 000 pages: with the 1 000
    reminders of a due pass, the third batch's commit took 140-210 ms instead of 3-5 ms, and
    every reminder after it was queued that much later (`bench lateness`)."""
    if engine.dialect.name != "sqlite":
        return False

    @event.listens_for(engine, "connect")
    def _no_autocheckpoint(dbapi_connection: sqlite3.Connection, record: Any) -> None:
        dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")

    engine.dispose()  # the connections already open (the schema's check) are made again
    return True


def checkpoint(engine: Engine) -> None:
    """Copy what SQLite's write-ahead log holds into the database file, waiting for no reader
    and no writer (PASSIVE: what they still use is copied by the next one)."""
    if engine.dialect.name != "sqlite":
        return
    connection = engine.raw_connection()
    try:  # outside a transaction (the driver's autocommit): SQLite checkpoints only there
        connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
    finally:
        connection.close()


class DatabaseUnreachable(ConvflowError):
    """The database server does not answer, or refuses the connection."""

    def __init__(self, url: str, reason: str, driver_error: BaseException | None = None) -> None:
        self.url, self.reason = url, reason
        self.driver_error = driver_error  # what the driver raised, for a closer look
        super().__init__("database_unreachable", url=url, reason=reason)


def unreachable(url: str, error: DBAPIError) -> DatabaseUnreachable:
    """The one-line refusal for a connection that failed, its first line of reason kept."""
    return refused(url, error.orig if error.orig is not None else error)


def refused(url: str, driver_error: BaseException) -> DatabaseUnreachable:
    """The one-line refusal for a connection the driver could not make (its own error)."""
    return DatabaseUnreachable(masked_url(url), _first_line(driver_error), driver_error)


def _first_line(driver_error: BaseException) -> str:
    """What the driver said, its first line (at most 200 characters), or its error's name."""
    lines = str(driver_error).strip().splitlines()
    return (lines[0] if lines else type(driver_error).__name__)[:200]


class DatabaseRefused(ConvflowError):
    """The database refused a statement for a reason of its own (a permission, an encoding):
    the transaction it was in is rolled back."""

    def __init__(self, reason: str) -> None:
        super().__init__("database_refused", reason=reason)


DRIVER_ERROR: type[Exception] = DBAPIError
"""What every error of the database's driver is raised as: the web app answers it (the layers
above storage import no SQLAlchemy)."""


def refusal_of(url: str, error: BaseException) -> ConvflowError | None:
    """A driver's error that escaped every use case, as one line a person can act on: the
    server gone (DatabaseUnreachable) or a statement refused (DatabaseRefused); None when
    `error` is not the database's."""
    if not isinstance(error, DBAPIError):
        return None
    # Not lost_connection: SQLite says "no such table" with an OperationalError too. A
    # connection lost under a statement is invalidated; one that could not be made (the server
    # down, or refusing this database's connections) has no statement.
    if error.connection_invalidated or error.statement is None:
        return unreachable(url, error)
    return DatabaseRefused(_first_line(error.orig if error.orig is not None else error))


def link_lost(error: BaseException) -> bool:
    """True when `error` is a connection that could not be made or was lost under a statement
    (the server gone, silent, or ending the session): not a statement refused, nor one the
    server cancelled (statement_timeout) on a link that still serves."""
    if isinstance(error, DatabaseUnreachable):
        return True
    return isinstance(error, DBAPIError) and (
        error.connection_invalidated or error.statement is None
    )


def lost_connection(error: BaseException) -> bool:
    """True when `error` says the database could not be reached (not a refused statement)."""
    if isinstance(error, DatabaseUnreachable):
        return True
    if not isinstance(error, DBAPIError):
        return False
    return error.connection_invalidated or isinstance(error, OperationalError)


_CREATED_MEANWHILE = ("42P04", "23505")
"""PostgreSQL's duplicate_database, and the unique violation on pg_database's name that two
CREATE DATABASE at once may raise instead."""


def ensure_database(url: str) -> bool:
    """Create a missing PostgreSQL database (SQLite creates its file itself); True if created.

    Connects to the server's `postgres` maintenance database with the same credentials.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return False
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    bounded(admin)
    try:
        with admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            ).first()
            if found:
                return False
            quoted = connection.dialect.identifier_preparer.quote(parsed.database)
            try:
                connection.execute(text(f"CREATE DATABASE {quoted}"))
            except DBAPIError as error:
                if getattr(error.orig, "sqlstate", None) in _CREATED_MEANWHILE:
                    return False  # another `convflow init` created it a moment before
                raise
            return True
    except DBAPIError as error:
        raise (refusal_of(url, error) or unreachable(url, error)) from None
    finally:
        admin.dispose()
