"""A convention's status read on the database driver alone (sqlite3 or psycopg), no SQLAlchemy.

`convflow status REF` is what scripts run in a loop. Importing SQLAlchemy, SQLModel and the
table classes takes it half a second before the first query (issue 15.4). This reader runs the
repositories' own queries (storage.reads), compiled ahead into `storage/reads.json`, on a bare
driver connection, and converts each value as SQLAlchemy's column types do (storage.convert):
the status it gives is the one the repositories give, which a test checks on both backends.

It serves only what it is sure of: a SQLite file or a `postgresql+psycopg` URL, a database at
the code's schema revision, every query answered. Anything else (a missing file, an older
schema, another driver, a query refused) makes `open_reads` give None or the reads raise
`DriverError`; the caller then takes the ordinary path, which says what is wrong. A PostgreSQL
server that cannot be reached is refused at once (storage.engine.DatabaseUnreachable), in the
words the ordinary path would use after trying again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from states.amendments import Amendment
from states.convention import Convention
from states.errors import UnknownConvention
from storage import link
from storage.convert import READ
from storage.mapping import amendment_from_row, convention_from_rows
from storage.revision import HEAD

COMPILED = Path(__file__).with_name("reads.json")
# The installation's row is counted too: without it the ordinary path refuses
# (installation_missing), and so must this reader.
_VERSION = "SELECT version_num, (SELECT count(*) FROM installation) FROM alembic_version"


class DriverError(Exception):
    """The driver refused a query or lost its connection: take the ordinary path."""


@cache
def _compiled() -> dict[str, dict[str, dict[str, Any]]]:
    """The compiled queries, per backend, then per name (storage/reads.json)."""
    with COMPILED.open(encoding="utf-8") as file:
        data: dict[str, dict[str, dict[str, Any]]] = json.load(file)
    return data


class DriverReads:
    """The repositories' reads a status needs, by the same names, on one driver connection
    inside one transaction: `conventions.get`, `deadlines.for_convention`..."""

    def __init__(self, connection: Any, queries: dict[str, dict[str, Any]]) -> None:
        self._connection = connection
        self._queries = queries
        self.conventions = _Conventions(self)
        self.deadlines = _OfConvention(self, "deadlines")
        self.reminders = _OfConvention(self, "reminders")
        self.outbox = _OfConvention(self, "emails")
        self.documents = _OfConvention(self, "documents")
        self.amendments = _Amendments(self)

    @property
    def connection(self) -> Any:
        """The driver's connection these reads run on."""
        return self._connection

    def rows(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The rows of query `name`, each a dict by column name, values read back."""
        query = self._queries[name]
        values = {**query["literals"], **params}
        order = query["order"]
        arguments = tuple(values[key] for key in order) if order is not None else values
        cursor = self._connection.cursor()
        try:
            cursor.execute(query["sql"], arguments)
            found = cursor.fetchall()
        except self.errors as error:
            raise DriverError(str(error)) from error
        finally:
            cursor.close()
        readers = [(i, READ[kind]) for i, kind in enumerate(query["kinds"]) if kind in READ]
        columns = query["columns"]
        rows = []
        for raw in found:
            row = list(raw)
            for index, read in readers:
                if row[index] is not None:
                    row[index] = read(row[index])
            rows.append(dict(zip(columns, row, strict=True)))
        return rows

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """The driver's own error classes."""
        module = type(self._connection).__module__.split(".")[0]
        if module == "sqlite3":
            return (sqlite3.Error,)
        import psycopg  # only a PostgreSQL connection comes here

        return (psycopg.Error,)

    def records(self, name: str, convention_id: int) -> list[SimpleNamespace]:
        """The rows of query `name` for a convention, each with its columns as attributes,
        as the repositories' rows have them."""
        return [SimpleNamespace(**row) for row in self.rows(name, {"convention_id": convention_id})]


class _OfConvention:
    """A repository's `for_convention`: the rows of one query for a convention's id."""

    def __init__(self, reads: DriverReads, query: str) -> None:
        self._reads, self._query = reads, query

    def for_convention(self, convention_id: int) -> list[SimpleNamespace]:
        return self._reads.records(self._query, convention_id)


class _Amendments:
    """The amendment repository's `for_convention`: its rows made amendments."""

    def __init__(self, reads: DriverReads) -> None:
        self._reads = reads

    def for_convention(self, convention_id: int) -> list[Amendment]:
        return [amendment_from_row(row) for row in self._reads.records("amendments", convention_id)]


class _Conventions:
    """The convention repository's reads: a convention by reference, then by its row id."""

    def __init__(self, reads: DriverReads) -> None:
        self._reads = reads
        self._ids: dict[str, int] = {}

    def get(self, reference: str) -> Convention:
        if "\x00" in reference:  # no reference holds one, and PostgreSQL refuses to compare it
            raise UnknownConvention(reference)
        rows = self._reads.rows("convention", {"reference": reference})
        if not rows:  # the one meant, as the repository says it (storage.reads.NEAR_REFERENCES)
            from states.spelling import meant_reference  # difflib: a miss's import only

            near = [
                row["reference"]
                for row in self._reads.rows("near_references", {"reference": reference})
            ]
            raise UnknownConvention(reference, meant_reference(reference, near))
        convention = convention_from_rows(rows)
        self._ids[convention.reference] = int(rows[0]["id"])
        return convention

    def id_of(self, reference: str) -> int:
        return self._ids[reference]

    def original_terms(self, convention_id: int) -> dict[str, Any] | None:
        found = self._reads.rows("original_terms", {"convention_id": convention_id})
        return found[0]["original_terms"] if found else None

    def former_signatories(self, convention_id: int) -> list[SimpleNamespace]:
        return self._reads.records("former_signatories", convention_id)

    def history(self, convention_id: int) -> list[SimpleNamespace]:
        return self._reads.records("history", convention_id)


@contextmanager
def open_reads(url: str) -> Iterator[DriverReads | None]:
    """Reads on the database of `url` in one read transaction, or None when this reader does
    not serve it (the caller takes the ordinary path, which says why)."""
    connection = _connect(url)
    if connection is None:
        yield None
        return
    backend = "sqlite" if isinstance(connection, sqlite3.Connection) else "postgresql"
    try:
        queries = _compiled()[backend]
    except (OSError, ValueError, KeyError):  # an install without the compiled queries
        connection.close()
        yield None
        return
    reads = DriverReads(connection, queries)
    try:
        if _begin(reads, backend) != [HEAD]:
            yield None
        else:
            yield reads
    finally:
        connection.close()  # a read-only transaction: nothing to commit


def _begin(reads: DriverReads, backend: str) -> list[str] | None:
    """Begin the read transaction; the schema revisions the database holds (None: none, or
    a database the ordinary path refuses for another reason)."""
    cursor = reads.connection.cursor()
    try:
        if backend == "sqlite":  # PostgreSQL's driver begins with the first statement
            cursor.execute("BEGIN DEFERRED")
        cursor.execute(_VERSION)
        found = cursor.fetchall()
    except reads.errors:  # no version table: the ordinary path says what the database is
        return None
    finally:
        cursor.close()
    if any(installations != 1 for _, installations in found):
        return None
    return [str(revision) for revision, _ in found]


def _connect(url: str) -> Any:
    """A driver connection for a SQLite file or a psycopg URL, None for anything else or a
    connection refused."""
    if url.startswith("sqlite:///"):
        return _sqlite(url.removeprefix("sqlite:///"))
    if url.startswith("postgresql+psycopg://"):
        return _postgresql(url)
    return None


def _sqlite(database: str) -> sqlite3.Connection | None:
    # Only a plain path: SQLAlchemy gives query arguments and %-escapes meanings of its own.
    if not database or database == ":memory:" or "?" in database or "%" in database:
        return None
    path = Path(database)
    if not path.is_file():
        return None
    try:
        # Never created (mode=rw fails on a missing file), never changed (query_only). Not
        # mode=ro: a read-only connection cannot remove the -wal and -shm files it makes
        # beside the database when it is the last to close, as the service's connections do.
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
        connection.isolation_level = None  # the transaction is begun explicitly
        connection.execute("PRAGMA query_only=ON")
        connection.execute("PRAGMA busy_timeout=30000")
    except sqlite3.Error:
        return None
    return connection


def _postgresql(url: str) -> Any:
    import psycopg
    from psycopg.types.string import TextLoader

    try:
        # libpq takes the URL as SQLAlchemy does (%-escapes in the user and password decoded)
        connection = link.connect(  # with the service's bounds on the link and its answers
            "postgresql://" + url.removeprefix("postgresql+psycopg://"), autocommit=False
        )
    except psycopg.OperationalError as error:
        # No server, or one that refuses: said at once, as the ordinary path says it, rather
        # than waiting a second time there for a server that does not answer.
        from storage.engine import refused  # SQLAlchemy, for this refusal only

        raise refused(url, error) from None
    except psycopg.Error:  # a URL libpq reads otherwise (an option of SQLAlchemy's)
        return None
    for name in ("json", "jsonb"):  # JSON as text, parsed by storage.convert as on SQLite
        connection.adapters.register_loader(name, TextLoader)
    return connection
