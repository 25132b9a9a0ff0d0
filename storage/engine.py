"""Database engines: SQLite (a file, WAL, writes begun with BEGIN IMMEDIATE) or PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

SqliteSync = Literal["OFF", "NORMAL", "FULL", "EXTRA"]
READ_ONLY = {"sqlite_begin": "DEFERRED"}


def is_sqlite(url: str) -> bool:
    """True when the URL names a SQLite database."""
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for an in-memory database)."""
    database = make_url(url).database
    return Path(database) if database and database != ":memory:" else None


def unreachable(error: BaseException) -> bool:
    """Whether an error says the database could not be reached (or was busy), rather than
    that it refused what was asked: the same statement may succeed once it answers again."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def make_engine(url: str, *, sqlite_synchronous: SqliteSync = "FULL") -> Engine:
    """An engine for `url`, set up for convflow's transactions on either backend."""
    if is_sqlite(url):
        return _sqlite_engine(url, sqlite_synchronous)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str, synchronous: SqliteSync) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
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
        # then run one after the other instead of losing an update (LIBRARY-NOTES).
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.connection.driver_connection.execute(f"BEGIN {mode}")

    return engine
