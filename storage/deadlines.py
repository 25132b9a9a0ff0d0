"""The deadline repository: deadlines opened and closed by events, and found due by the service."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, and_, func, or_, select, update

from states.deadlines import ComputedDeadline, DeadlineClosure
from states.due import ANNOUNCEMENTS, WAITING_DEADLINE
from storage import reads
from storage import statements as sql
from storage.due import references_due
from storage.mapping import deadline_details
from storage.tables import ANNOUNCING, AnyRow, convention_table, deadline_table

c, d = convention_table.c, deadline_table.c


class DeadlineRepository:
    """The deadlines of every convention: opened, closed and found due."""

    def __init__(self, connection: Connection, lock_rows: bool) -> None:
        self._connection = connection
        self._lock_rows = lock_rows

    def open(
        self, convention_id: int, seq: int, deadlines: Iterable[ComputedDeadline], now: datetime
    ) -> list[int]:
        """Store newly computed deadlines as pending; return their ids, in order."""
        rows = [
            {
                "convention_id": convention_id,
                "kind": deadline.kind,
                "instalment": deadline.instalment,
                "status": "pending",
                "trigger_date": deadline.trigger_date,
                "raw_end": deadline.raw_end,
                "due_date": deadline.due_date,
                "expires_at": deadline.expires_at,
                "explanation": deadline.explanation,
                "details": deadline_details(deadline),
                "opened_by_seq": seq,
                "created_at": now,
                "resolved_at": None,
                "announce_at": None,
            }
            for deadline in deadlines
        ]
        ids = []
        for row in rows:
            cursor = sql.INSERT_DEADLINE.execute(self._connection, row)
            ids.append(int(cursor.fetchone()[0]))
            cursor.close()
        return ids

    def close(self, convention_id: int, closures: Iterable[DeadlineClosure], now: datetime) -> None:
        """Move the deadlines each closure names to its new status, in order, and drop the
        announcements still waiting for deadlines of its kind (states.due.close)."""
        for closure in closures:
            if closure.kind is None or closure.kind in ANNOUNCEMENTS:
                sql.drop_announcements(closure.kind, closure.instalment).execute(
                    self._connection,
                    {"convention_id_": convention_id, "kind_": closure.kind,
                     "instalment_": closure.instalment, "announce_at": None},
                ).close()  # fmt: skip
            one_kind, statuses = closure.kind is not None, len(closure.from_statuses)
            statements = (
                sql.CLOSE
                if closure.instalment is None
                else {(True, *key): value for key, value in sql.CLOSE_INSTALMENT.items()}
            )
            params = {
                "instalment_": closure.instalment,
                "convention_id_": convention_id,
                "kind_": closure.kind,
                "status": closure.status,
                "resolved_at": now,
                "met_on_": closure.met_on,
                **{f"from_{i}": status for i, status in enumerate(closure.from_statuses)},
            }
            if closure.met_on is None:
                statements[(one_kind, statuses, None)].execute(self._connection, params).close()
                continue
            # Met late: a pending deadline already past becomes passed (the record shows it).
            late = {**params, "status": "passed", "from_0": "pending"}
            statements[(one_kind, 1, "late")].execute(self._connection, late).close()
            statements[(one_kind, statuses, "on_time")].execute(self._connection, params).close()

    def for_convention(self, convention_id: int) -> list[AnyRow]:
        """Every deadline of a convention, the next to fall first."""
        return list(self._connection.execute(reads.DEADLINES, {"convention_id": convention_id}))

    def conventions_due(self, now: datetime, limit: int, exclude: Iterable[str] = ()) -> list[str]:
        """References of conventions with a pending deadline expired at `now`, or a passed
        one whose announcement is due, oldest first."""
        expired = references_due(
            self._connection,
            owner=d.convention_id,
            instant=d.expires_at,
            waiting=d.status == WAITING_DEADLINE,
            now=now,
            limit=limit,
            exclude=exclude,
            skip_locked=self._lock_rows,
        )
        if len(expired) == limit:
            return expired
        announcing = references_due(
            self._connection,
            owner=d.convention_id,
            instant=d.announce_at,
            waiting=ANNOUNCING,
            now=now,
            limit=limit - len(expired),
            exclude=[*exclude, *expired],
            skip_locked=self._lock_rows,
        )
        return expired + announcing

    def due_for(self, convention_id: int, now: datetime) -> list[AnyRow]:
        """The deadlines of a convention due at `now`: pending ones that have expired, and
        passed ones whose announcement is due."""
        query = (
            select(deadline_table)
            .where(
                d.convention_id == convention_id,
                or_(
                    and_(d.status == WAITING_DEADLINE, d.expires_at <= now),
                    and_(ANNOUNCING, d.announce_at <= now),
                ),
            )
            .order_by(d.expires_at, d.opened_by_seq)
        )
        return list(self._connection.execute(query).all())

    def mark(
        self, row: AnyRow, status: str, now: datetime, announce_at: datetime | None = None
    ) -> None:
        """Set the status of one stored deadline (a row this repository returned), and when
        its announcement is due if one is to wait."""
        self._connection.execute(
            update(deadline_table)
            .where(d.id == row.id)
            .values(status=status, resolved_at=now, announce_at=announce_at)
        )

    def hold(self, row: AnyRow, until: datetime) -> None:
        """A deadline still pending that falls again at `until` (its day unchanged): the
        expiry held while an extension is in signature (states.due.ExpiryHeld)."""
        self._connection.execute(
            update(deadline_table).where(d.id == row.id).values(expires_at=until)
        )

    def release(self, convention_id: int, kind: str, at: datetime) -> None:
        """The pending deadline of `kind` held past `at` falls at `at` again (the extension
        that held the expiry abandoned: nothing waits for it any more)."""
        self._connection.execute(
            update(deadline_table)
            .where(
                d.convention_id == convention_id,
                d.kind == kind,
                d.status == WAITING_DEADLINE,
                d.expires_at > at,
            )
            .values(expires_at=at)
        )

    def announced(self, row: AnyRow) -> None:
        """Its announcement is queued: nothing waits any more."""
        self._connection.execute(
            update(deadline_table).where(d.id == row.id).values(announce_at=None)
        )

    def next_due(self) -> datetime | None:
        """The earliest instant a pending deadline expires or a passed one's announcement is
        due."""
        expires = select(func.min(d.expires_at)).where(d.status == WAITING_DEADLINE)
        announces = select(func.min(d.announce_at)).where(ANNOUNCING)
        instants = self._connection.execute(
            select(expires.scalar_subquery(), announces.scalar_subquery())
        ).one()
        return min((i for i in instants if i is not None), default=None)
