"""Many conventions stored fast, for the service benchmarks.

One convention is brought into execution through the real handlers (import, submit, two
signatures, notify, pay) in a scratch database; its rows (convention, parties, signatories,
signatures, its pending expiry deadline and that deadline's reminders) are then copied N times
into a migrated SQLite file with SQLAlchemy Core `insert` executemany, each copy with its own
reference, ids and term. Copying whole rows keeps every column the current schema has.

A copy's term falls 100 to 465 days after today, so all its reminders (90, 60, 30 and 7 days
before) are still ahead. A *due* copy has its term 7 days after the instant `due` it is given
and its J-7 reminder planned at `due` itself; its earlier reminders were sent long ago.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert, select, update

from bench import postgres
from states.calendar import at_paris_time, civil_date, end_of_day
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.tables import (
    convention_table,
    deadline_table,
    party_table,
    reminder_table,
    signatory_table,
    signature_table,
)
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.settings import load_settings
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
CHUNK = 10_000
FAR = datetime(2099, 1, 1, tzinfo=UTC)
"""Where due reminders wait until the benchmark sets their instant (see `set_due`)."""

Rows = dict[str, list[dict[str, Any]]]


def migrated(path: Path) -> str:
    """A new SQLite file at the schema's head; its URL."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def prototype(folder: Path) -> Rows:
    """The stored rows of one convention in execution, recorded through the handlers."""
    for old in folder.glob("prototype.db*"):
        old.unlink()
    url = migrated(folder / "prototype.db")
    app = App.create(load_settings({"CONVFLOW_DATABASE_URL": url}))
    now = datetime.now(UTC)
    today = civil_date(now)
    template = read_convention_file(EXAMPLE, payment_target_days=30, signature_target_days=7)
    convention = replace(template, end_date=today + timedelta(days=200))
    reference = convention.reference
    import_convention(app, ImportConvention(convention, "bench"), now)
    steps: list[tuple[str, int, dict[str, str]]] = [
        ("submit", 30, {}),
        ("sign", 29, {"signatory": "martial.alvarez@example.org"}),
        ("sign", 28, {"signatory": "mustapha.berra@example.org"}),
        ("notify", 27, {}),
        ("pay", 26, {"amount": "200000.00"}),
    ]
    for event, days_ago, inputs in steps:
        on = today - timedelta(days=days_ago)
        record_event(app, RecordEvent(reference, event, "bench", on, inputs), now)
    with app.engine.connect() as connection:
        rows = _rows_of(connection)
    app.close()
    return rows


def _rows_of(connection: Connection) -> Rows:
    def read(table: Table, *where: Any) -> list[dict[str, Any]]:
        return [dict(row._mapping) for row in connection.execute(select(table).where(*where))]

    # Only the term: the publication deadline a large award opens is the Métropole's own
    # obligation, with no reminder to the partners, and would only add rows to copy.
    deadlines = read(
        deadline_table, deadline_table.c.status == "pending", deadline_table.c.kind == "expiry"
    )
    assert [d["kind"] for d in deadlines] == ["expiry"], deadlines
    return {
        "convention": read(convention_table),
        "party": read(party_table),
        "signatory": read(signatory_table),
        "signature": read(signature_table),
        "deadline": deadlines,
        "reminder": read(reminder_table, reminder_table.c.deadline_id == deadlines[0]["id"]),
    }


def _copies(proto: Rows, count: int, due: set[int], today: date, hour: int) -> Iterator[Rows]:
    """What changes from the prototype in each of `count` copies, CHUNK conventions at a time."""
    signatories = len(proto["signatory"])
    reminders = len(proto["reminder"])
    # Recorded a month ago, as a convention followed in real time is: a reminder planned before
    # its deadline was recorded is skipped as recorded late (the prototype's rows are from
    # seconds ago, and `set_due` may plan a reminder a minute back).
    known = datetime.now(UTC) - timedelta(days=30)
    old_signatory = {row["id"]: k for k, row in enumerate(proto["signatory"])}
    for start in range(0, count, CHUNK):
        chunk: Rows = {name: [] for name in proto}
        for i in range(start, min(start + CHUNK, count)):
            cid = i + 1
            term = today + timedelta(days=7 if i in due else 100 + i % 366)
            chunk["convention"].append({"id": cid, "reference": f"BENCH-{i:06d}", "end_date": term})
            chunk["party"] += [{"convention_id": cid, "key": row["key"]} for row in proto["party"]]
            chunk["signatory"] += [
                {"id": i * signatories + k + 1, "convention_id": cid, "position": row["position"]}
                for k, row in enumerate(proto["signatory"])
            ]
            chunk["signature"] += [
                {"convention_id": cid,
                 "signatory_id": i * signatories + old_signatory[row["signatory_id"]] + 1,
                 "event_seq": row["event_seq"]}
                for row in proto["signature"]
            ]  # fmt: skip
            chunk["deadline"].append(
                {"id": cid, "convention_id": cid, "raw_end": term, "due_date": term,
                 "expires_at": end_of_day(term), "created_at": known}
            )  # fmt: skip
            for k, row in enumerate(proto["reminder"]):
                planned = at_paris_time(term - timedelta(days=row["days_before"]), hour)
                status = "planned"
                if i in due:  # J-7 waits for its instant; the earlier ones went long ago
                    status = "planned" if row["days_before"] == 7 else "sent"
                    planned = FAR if row["days_before"] == 7 else planned - timedelta(days=400)
                chunk["reminder"].append(
                    {"id": i * reminders + k + 1, "convention_id": cid, "deadline_id": cid,
                     "label": row["label"], "planned_at": planned, "status": status,
                     "resolved_at": None if status == "planned" else planned,
                     "created_at": known}
                )  # fmt: skip
        yield chunk


TABLES = {
    "convention": convention_table,
    "party": party_table,
    "signatory": signatory_table,
    "signature": signature_table,
    "deadline": deadline_table,
    "reminder": reminder_table,
}


class _Copier:
    """Writes copies of one prototype row of a table: the row's columns converted for the
    database once, only the columns that differ converted for each copy."""

    def __init__(self, table: Table, dialect: Dialect) -> None:
        compiled = insert(table).compile(dialect=dialect)
        self.sql = str(compiled)
        # SQLite's driver takes positional values, psycopg named ones (`%(name)s`).
        self.positional = compiled.positiontup is not None
        self.names = list(compiled.positiontup or compiled.params)
        self._convert: dict[str, Any] = {
            name: table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in self.names
        }
        self._prototypes: dict[Any, dict[str, Any]] = {}

    def _converted(self, values: dict[str, Any]) -> dict[str, Any]:
        return {k: (f(v) if (f := self._convert[k]) and v is not None else v)
                for k, v in values.items()}  # fmt: skip

    def learn(self, rows: list[dict[str, Any]], key: str | None) -> None:
        """The prototype rows, told apart by the column `key` (one row when None)."""
        for row in rows:
            self._prototypes[row[key] if key else None] = self._converted(row)

    def row(self, changes: dict[str, Any], key: str | None) -> tuple[Any, ...] | dict[str, Any]:
        """The database values of one copy, as the driver takes them."""
        values = {**self._prototypes[changes[key] if key else None], **self._converted(changes)}
        if not self.positional:
            return {name: values[name] for name in self.names}
        return tuple(values[name] for name in self.names)


# Which column tells a table's prototype rows apart.
_KEYS = {"party": "key", "signatory": "position", "signature": "event_seq", "reminder": "label"}


def store(folder: Path, name: str, count: int, due: int, hour: int = 9) -> tuple[str, float]:
    """A migrated SQLite file holding `count` conventions, of which `due` (spread evenly) have
    a reminder waiting for `set_due`; its URL and the seconds the copying took."""
    return store_at(folder, f"sqlite:///{folder / name}", count, due, hour)


def store_at(folder: Path, url: str, count: int, due: int, hour: int = 9) -> tuple[str, float]:
    """As `store`, into the database at `url` (a SQLite file, or an empty PostgreSQL database,
    migrated here); the prototype is recorded in a scratch SQLite file in `folder`."""
    proto = prototype(folder)
    engine = make_engine(url, sqlite_synchronous="OFF")
    upgrade(engine)
    step = max(count // due, 1) if due else 0
    due_ids = {k * step for k in range(due)}
    started = time.perf_counter()
    copiers = {table: _Copier(TABLES[table], engine.dialect) for table in proto}
    for table, rows in proto.items():
        copiers[table].learn(rows, _KEYS.get(table))
    with engine.begin() as connection:
        for chunk in _copies(proto, count, due_ids, civil_date(datetime.now(UTC)), hour):
            for table, changes in chunk.items():
                values = [copiers[table].row(change, _KEYS.get(table)) for change in changes]
                if values:  # executemany of the compiled Core insert, values converted above
                    connection.exec_driver_sql(copiers[table].sql, values)  # type: ignore[arg-type]
        if engine.dialect.name == "postgresql":
            # Ids were written explicitly: the sequences must move past them, or the service's
            # first INSERT (a weekly reminder, an outbox row) collides. The database is then
            # settled (bench.postgres.settle): vacuumed, analyzed, checkpointed.
            for table in (t for t in TABLES.values() if "id" in t.c):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                )
    if engine.dialect.name == "postgresql":
        postgres.settle(url)
    engine.dispose()  # on SQLite, checkpoints the WAL into the file
    return url, time.perf_counter() - started


def set_due(url: str, at: datetime) -> int:
    """Plan every waiting reminder at `at` (its deadline, the term, 7 days later); how many."""
    engine = make_engine(url)
    r, d = reminder_table.c, deadline_table.c
    with engine.begin() as connection:
        ids = [row.deadline_id for row in connection.execute(
            select(r.deadline_id).where(r.status == "planned", r.planned_at == FAR)
        )]  # fmt: skip
        connection.execute(
            update(reminder_table).where(r.status == "planned", r.planned_at == FAR)
            .values(planned_at=at)
        )  # fmt: skip
        term = civil_date(at) + timedelta(days=7)
        connection.execute(
            update(convention_table).where(convention_table.c.id.in_(ids)).values(end_date=term)
        )
        connection.execute(
            update(deadline_table).where(d.id.in_(ids))
            .values(due_date=term, raw_end=term, expires_at=end_of_day(term))
        )  # fmt: skip
    engine.dispose()
    return len(ids)
