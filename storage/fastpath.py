"""The statements of a command's hot path, compiled once and run on the driver's cursor.

A recorded event costs one fsync (about 0.3 ms on SQLite with synchronous=FULL) and a handful
of statements. Through SQLAlchemy's execution machinery each statement costs 60-110 µs of
Python, several times the fsync share (bench/transitions.py measures it). So the few
statements every command runs are built with SQLAlchemy Core (one source of truth for the
SQL, per dialect), compiled once per dialect, and executed on the DBAPI cursor of the unit of
work's own connection and transaction. Values cross the boundary through converters that
store them exactly as SQLAlchemy's types do, so Core queries elsewhere read them unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, Dialect, Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeEngine

from storage.convert import READ, Convert
from storage.types import Money, UTCDateTime

_CENT = Decimal("0.01")


def kind_of(type_: TypeEngine[Any]) -> str:
    """The kind of a column type, as storage.convert names it."""
    if isinstance(type_, UTCDateTime):
        return "instant"
    if isinstance(type_, Money):
        return "money"
    if isinstance(type_, JSON):
        return "json"
    if isinstance(type_, Date):
        return "date"
    if isinstance(type_, Boolean):
        return "bool"
    return "plain"


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()}: instants must be aware")
    return value.astimezone(UTC)


def _sqlite_instant(value: datetime) -> str:
    # SQLAlchemy's SQLite DATETIME storage format: comparisons in SQL stay correct as text.
    if value.tzinfo is UTC:
        return _sqlite_utc_instant(value)
    return _utc(value).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


@lru_cache(maxsize=64, typed=True)
def _sqlite_utc_instant(value: datetime) -> str:
    # Cached: an event writes its `now` in about ten columns. Only UTC instants come here:
    # two of them that are equal are the same instant (in a zone with a repeated hour, equal
    # wall times of different `fold` are equal datetimes but different instants).
    return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _money(value: Any) -> str:
    return str(Decimal(value).quantize(_CENT))


# Per backend, per column kind: how a value is written, and how it is read back.
_WRITE: dict[bool, dict[str, Convert]] = {
    True: {"json": json.dumps, "money": _money, "instant": _sqlite_instant,
           "date": date.isoformat},
    False: {"json": json.dumps, "money": _money, "instant": _utc},
}  # fmt: skip


@dataclass(frozen=True)
class Plan:
    """A statement compiled for one backend, with the converters of its values."""

    sql: str
    order: tuple[str, ...] | None  # positional parameter names (qmark), None when named
    writers: dict[str, Convert]  # None is written as None, never converted
    literals: dict[str, Any]  # values written in the statement itself (status = 'planned')


class Prepared:
    """A Core statement compiled once per dialect, run with converted parameters."""

    def __init__(
        self,
        statement: ClauseElement,
        parameter_kinds: Mapping[str, str],
        result_kinds: Sequence[str] = (),
        column_keys: Sequence[str] | None = None,
        repeated_columns: int = 0,
        group_column: int = 0,
    ) -> None:
        self._statement = statement
        self._parameter_kinds = dict(parameter_kinds)
        self._column_keys = list(column_keys) if column_keys is not None else None
        readers = [(i, READ[kind]) for i, kind in enumerate(result_kinds) if kind in READ]
        # The first `repeated_columns` are the same on every row of a group (a joined parent,
        # identified by `group_column`): they are converted in the group's first row only.
        self._first_readers = readers
        self._other_readers = [(i, read) for i, read in readers if i >= repeated_columns]
        self._group_column = group_column
        self._plans: dict[str, Plan] = {}

    def _plan(self, connection: Connection) -> Plan:
        return self.plan(connection.dialect)

    def plan(self, dialect: Dialect) -> Plan:
        """The statement compiled for `dialect` (once), with its values' converters."""
        name = dialect.name
        plan = self._plans.get(name)
        if plan is None:
            # An INSERT or UPDATE compiled with column_keys sets exactly those columns, each
            # from a parameter of the same name.
            compiled = self._statement.compile(dialect=dialect, column_keys=self._column_keys)
            positions = getattr(compiled, "positiontup", None)  # set for qmark drivers
            writers = _WRITE[name == "sqlite"]
            plan = Plan(
                compiled.string,
                tuple(positions) if positions else None,
                {
                    key: writers[kind]
                    for key, kind in self._parameter_kinds.items()
                    if kind in writers
                },
                {key: value for key, value in compiled.params.items() if value is not None},
            )
            self._plans[name] = plan
        return plan

    @staticmethod
    def _arguments(plan: Plan, params: Mapping[str, Any]) -> Any:
        # A plain loop, not a generator into dict.update: this runs for every statement of
        # every event, a dozen values each (bench/transitions.py).
        writers = plan.writers
        converted = dict(plan.literals)
        for key, value in params.items():
            writer = writers.get(key)
            converted[key] = value if writer is None or value is None else writer(value)
        if plan.order is None:
            return converted
        return tuple([converted[key] for key in plan.order])

    def execute(
        self, connection: Connection, params: Mapping[str, Any], *, json_as_text: bool = False
    ) -> Any:
        """Run once; return the driver's cursor (its JSON columns left as text, as SQLite
        gives them, when `json_as_text`)."""
        plan = self._plan(connection)
        arguments = self._arguments(plan, params)
        cursor = connection.connection.cursor()
        if json_as_text and connection.dialect.name == "postgresql":
            _json_as_text(cursor)
        try:
            cursor.execute(plan.sql, arguments)
        except connection.dialect.loaded_dbapi.Error as error:
            raise _sqlalchemy_error(connection, plan.sql, arguments, error) from error
        return cursor

    def executemany(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
        """Run once per row, in one call; return how many rows it changed in all."""
        plan = self._plan(connection)
        arguments = [self._arguments(plan, row) for row in rows]
        cursor = connection.connection.cursor()
        try:
            cursor.executemany(plan.sql, arguments)
        except connection.dialect.loaded_dbapi.Error as error:
            raise _sqlalchemy_error(connection, plan.sql, arguments, error) from error
        changed = int(cursor.rowcount)
        cursor.close()
        return changed

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[list[Any]]:
        """Run a query; return its rows with values converted for the domain."""
        # psycopg would parse every JSON value of every row; the readers parse a joined
        # parent's once per group, and the clauses stay text (storage.mapping parses each
        # distinct text once): loading 200 conventions took 48 ms on PostgreSQL, against
        # 3 ms on SQLite, which hands JSON over as text.
        cursor = self.execute(connection, params, json_as_text=True)
        rows = [list(row) for row in cursor.fetchall()]
        cursor.close()
        group, previous = self._group_column, object()
        for row in rows:
            readers = self._other_readers if row[group] == previous else self._first_readers
            previous = row[group]
            for index, read in readers:
                value = row[index]
                if value is not None:
                    row[index] = read(value)
        return rows


def _json_as_text(cursor: Any) -> None:
    """Have this psycopg cursor (only) return json and jsonb values as their text."""
    from psycopg.types.string import TextLoader  # the PostgreSQL driver, only when it is used

    for name in ("json", "jsonb"):
        cursor.adapters.register_loader(name, TextLoader)


def _sqlalchemy_error(
    connection: Connection, statement: str, arguments: Any, error: Exception
) -> BaseException:
    """A driver error as SQLAlchemy's, as the rest of the code (and callers) expect.

    Raised by the caller's own `except` (not a context manager: one would be entered for
    every statement of every event)."""
    dbapi_error = connection.dialect.loaded_dbapi.Error
    return DBAPIError.instance(statement, arguments, error, dbapi_error)


def column_kinds(table: Table) -> dict[str, str]:
    """The kind of every column of a table, by column name."""
    return {column.name: kind_of(column.type) for column in table.columns}
