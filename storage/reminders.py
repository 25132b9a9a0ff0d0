"""The reminder repository: reminders planned, cancelled, found due and marked."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, bindparam, func, insert, select, update

from states.due import WAITING_REMINDER
from states.reminders import PlannedReminder
from storage import reads
from storage.due import references_due
from storage.fastpath import Prepared, column_kinds
from storage.statements import outliving_left_out
from storage.tables import AnyRow, convention_table, deadline_table, outbox_table, reminder_table

c, d, r, o = convention_table.c, deadline_table.c, reminder_table.c, outbox_table.c
_KINDS = column_kinds(reminder_table)
_INSERT = Prepared(
    insert(reminder_table),
    _KINDS,
    column_keys=[column.name for column in reminder_table.columns if column.name != "id"],
)
_cancel = update(reminder_table).where(
    r.convention_id == bindparam("convention_id_"), r.status == "planned"
)
# Every reminder but those of deadlines that outlive the convention (the open data, the report).
_CANCEL_ALL = Prepared(
    _cancel.where(outliving_left_out(r.kind)),
    _KINDS,
    column_keys=["status", "resolved_at", "note"],
)
_CANCEL_KIND = Prepared(
    _cancel.where(r.kind == bindparam("kind_")),
    _KINDS,
    column_keys=["status", "resolved_at", "note"],
)
_CANCEL_INSTALMENT = Prepared(
    _cancel.where(
        r.kind == bindparam("kind_"),
        r.deadline_id.in_(
            select(d.id).where(
                d.convention_id == bindparam("convention_id_"),
                d.instalment == bindparam("instalment_"),
            )
        ),
    ),
    {**_KINDS, "instalment_": "plain"},
    column_keys=["status", "resolved_at", "note"],
)


_MARK_MANY = Prepared(
    update(reminder_table)
    .where(r.id == bindparam("id_"), r.status == "planned")
    .values(outbox_id=select(o.id).where(o.idempotency_key == bindparam("key_")).scalar_subquery()),
    _KINDS,
    column_keys=["status", "resolved_at", "note"],
)


_DUE_JOINED = {  # the deadline's columns a due reminder is read with, by the name it gets
    "deadline_kind": d.kind,
    "deadline_status": d.status,
    "deadline_created_at": d.created_at,
    "trigger_date": d.trigger_date,
    "due_date": d.due_date,
    "expires_at": d.expires_at,
    "explanation": d.explanation,
    "details": d.details,
    "instalment": d.instalment,
}
_DUE_MANY = 100
"""How many conventions one read of due reminders covers (unused places repeat the last)."""
_DEADLINE_KINDS = column_kinds(deadline_table)
_DUE = Prepared(
    select(reminder_table, *(column.label(name) for name, column in _DUE_JOINED.items()))
    .join(deadline_table, d.id == r.deadline_id)
    .where(
        r.convention_id.in_([bindparam(f"c{i}") for i in range(_DUE_MANY)]),
        r.status == "planned",
        r.planned_at <= bindparam("now_"),
    )
    .order_by(r.convention_id, r.deadline_id, r.planned_at, r.id),
    {"now_": "instant"},
    [
        *(_KINDS[column.name] for column in reminder_table.columns),
        *(_DEADLINE_KINDS[column.name] for column in _DUE_JOINED.values()),
    ],
)
# A due reminder with its deadline, read on the driver (storage.fastpath): SQLAlchemy's result
# rows and type processors took 40-70 ms of a due pass with 1 000 reminders on PostgreSQL.
_DueReminder = namedtuple(  # type: ignore[misc]  # names known when the module loads
    "_DueReminder", [*(column.name for column in reminder_table.columns), *_DUE_JOINED]
)


@dataclass(frozen=True)
class Mark:
    """What became of a due reminder; `key` finds the email it sent, if any."""

    reminder_id: int
    status: str
    note: str | None
    key: str


class ReminderAlreadyHandled(RuntimeError):
    """A reminder decided on was no longer planned when written: another worker handled it."""


class ReminderRepository:
    """Reminders of every convention."""

    def __init__(self, connection: Connection, lock_rows: bool) -> None:
        self._connection = connection
        self._lock_rows = lock_rows

    def plan(
        self,
        convention_id: int,
        deadline_id: int,
        reminders: Sequence[PlannedReminder],
        now: datetime,
    ) -> None:
        """Store reminders as planned."""
        rows = [
            {
                "convention_id": convention_id,
                "deadline_id": deadline_id,
                "kind": reminder.kind,
                "template": reminder.template,
                "label": reminder.label,
                "days_before": reminder.days_before,
                "planned_at": reminder.planned_at,
                "status": "planned",
                "outbox_id": None,
                "note": None,
                "created_at": now,
                "resolved_at": None,
            }
            for reminder in reminders
        ]
        if rows:
            _INSERT.executemany(self._connection, rows)

    def cancel(
        self,
        convention_id: int,
        kind: str | None,
        now: datetime,
        note: str,
        instalment: int | None = None,
    ) -> None:
        """Cancel the planned reminders of a convention (of one deadline kind, or all; of one
        instalment's payment deadline when `instalment` is given)."""
        statement = _CANCEL_ALL if kind is None else _CANCEL_KIND
        if instalment is not None:
            statement = _CANCEL_INSTALMENT
        params = {
            "convention_id_": convention_id,
            "kind_": kind,
            "instalment_": instalment,
            "status": "cancelled",
            "resolved_at": now,
            "note": note,
        }
        statement.execute(self._connection, params).close()

    def conventions_due(self, now: datetime, limit: int, exclude: Iterable[str] = ()) -> list[str]:
        """References of conventions with a planned reminder due at `now`, oldest first."""
        return references_due(
            self._connection,
            owner=r.convention_id,
            instant=r.planned_at,
            waiting=r.status == WAITING_REMINDER,
            now=now,
            limit=limit,
            exclude=exclude,
            skip_locked=self._lock_rows,
        )

    def due_for(self, convention_ids: Sequence[int], now: datetime) -> list[AnyRow]:
        """The planned reminders of these conventions due at `now`, each with its deadline,
        grouped by convention and deadline, in planned order."""
        ordered = sorted(convention_ids)
        found: list[Any] = []
        for start in range(0, len(ordered), _DUE_MANY):
            chunk = ordered[start : start + _DUE_MANY]
            chunk += [chunk[-1]] * (_DUE_MANY - len(chunk))
            params: dict[str, Any] = {f"c{i}": owner for i, owner in enumerate(chunk)}
            params["now_"] = now
            found += [_DueReminder(*row) for row in _DUE.rows(self._connection, params)]
        return cast(list[AnyRow], found)

    def mark_many(self, marks: Sequence[Mark], now: datetime) -> None:
        """Record what became of several planned reminders, in one statement; refuse if any
        was no longer planned (the whole batch is then rolled back)."""
        if not marks:
            return
        rows = [
            {
                "id_": m.reminder_id,
                "status": m.status,
                "resolved_at": now,
                "note": m.note,
                "key_": m.key,
            }
            for m in marks
        ]
        changed = _MARK_MANY.executemany(self._connection, rows)
        if changed != len(marks):
            raise ReminderAlreadyHandled(
                f"{len(marks) - changed} reminders were not planned any more"
            )

    def planned_for(self, convention_id: int) -> list[AnyRow]:
        """The reminders of a convention still to go out, in planned order."""
        query = (
            select(reminder_table)
            .where(r.convention_id == convention_id, r.status == WAITING_REMINDER)
            .order_by(r.planned_at, r.id)
        )
        return list(self._connection.execute(query).all())

    def for_convention(self, convention_id: int) -> list[AnyRow]:
        """Every reminder of a convention, in planned order."""
        return list(self._connection.execute(reads.REMINDERS, {"convention_id": convention_id}))

    def next_planned(self) -> datetime | None:
        """The earliest instant a planned reminder is due."""
        return self._connection.execute(
            select(func.min(r.planned_at)).where(r.status == WAITING_REMINDER)
        ).scalar()
