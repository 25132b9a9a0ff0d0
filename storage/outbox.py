"""The outbox repository: emails queued in the transaction that decides them, then delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from storage.fastpath import Prepared, column_kinds
from storage.tables import AnyRow, outbox_table

o = outbox_table.c
_COLUMNS = [
    "convention_id", "kind", "message_id", "idempotency_key", "sender", "recipients", "cc",
    "context", "status", "attempts", "next_attempt_at", "created_at",
]  # fmt: skip
_QUEUE = Prepared(
    insert(outbox_table).returning(o.id), column_kinds(outbox_table), column_keys=_COLUMNS
)
_QUEUE_MANY = Prepared(insert(outbox_table), column_kinds(outbox_table), column_keys=_COLUMNS)


@dataclass(frozen=True)
class Email:
    """An email to queue: to whom, about what, under which key and Message-ID."""

    convention_id: int | None
    kind: str
    message_id: str
    idempotency_key: str
    sender: str
    recipients: list[str]
    cc: list[str]
    context: dict[str, Any]

    def row(self, now: datetime) -> dict[str, Any]:
        """Its outbox row, due now."""
        # Not dataclasses.asdict: it deep-copies the context, a third of a batch's time.
        return {
            "convention_id": self.convention_id,
            "kind": self.kind,
            "message_id": self.message_id,
            "idempotency_key": self.idempotency_key,
            "sender": self.sender,
            "recipients": self.recipients,
            "cc": self.cc,
            "context": self.context,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }


class OutboxRepository:
    """Every email convflow decided to send, and what became of it."""

    def __init__(self, connection: Connection, lock_rows: bool) -> None:
        self._connection = connection
        self._lock_rows = lock_rows

    def queue(self, email: Email, now: datetime) -> int:
        """Queue an email for delivery; return its id."""
        cursor = _QUEUE.execute(self._connection, email.row(now))
        outbox_id = int(cursor.fetchone()[0])
        cursor.close()
        return outbox_id

    def queue_many(self, emails: list[Email], now: datetime) -> None:
        """Queue several emails in one statement."""
        if emails:
            _QUEUE_MANY.executemany(self._connection, [email.row(now) for email in emails])

    def has_key(self, idempotency_key: str) -> bool:
        """Whether an email with this idempotency key was ever queued."""
        found = self._connection.execute(
            select(o.id).where(o.idempotency_key == idempotency_key)
        ).first()
        return found is not None

    def claim(self, now: datetime, limit: int, lease: timedelta) -> list[AnyRow]:
        """Take up to `limit` emails to send now: pending and due, or claimed by a sender
        that has not answered within `lease` (it crashed: the message goes again, under the
        same Message-ID). On PostgreSQL, rows another dispatcher holds are skipped."""
        query = (
            select(outbox_table)
            .where(
                or_(
                    (o.status == "pending") & (o.next_attempt_at <= now),
                    (o.status == "sending") & (o.claimed_at <= now - lease),
                )
            )
            .order_by(o.next_attempt_at, o.id)
            .limit(limit)
        )
        if self._lock_rows:
            query = query.with_for_update(skip_locked=True)
        rows = list(self._connection.execute(query).all())
        if rows:
            self._connection.execute(
                update(outbox_table)
                .where(o.id.in_([row.id for row in rows]))
                .values(status="sending", claimed_at=now, attempts=o.attempts + 1)
            )
        return rows

    def sent(self, outbox_id: int, subject: str, now: datetime) -> None:
        """The server accepted the email."""
        self._set(outbox_id, status="sent", subject=subject, sent_at=now, last_error=None,
                  claimed_at=None)  # fmt: skip

    def retry(self, outbox_id: int, at: datetime, error: str) -> None:
        """A temporary failure: try again at `at`."""
        self._set(outbox_id, status="pending", next_attempt_at=at, last_error=error,
                  claimed_at=None)  # fmt: skip

    def fail(self, outbox_id: int, error: str, subject: str | None = None) -> None:
        """A permanent failure (or retries exhausted): never sent, shown to administrators."""
        values: dict[str, Any] = {"status": "failed", "last_error": error, "claimed_at": None}
        if subject is not None:
            values["subject"] = subject
        self._set(outbox_id, **values)

    def _set(self, outbox_id: int, **values: Any) -> None:
        self._connection.execute(update(outbox_table).where(o.id == outbox_id).values(**values))

    def for_convention(self, convention_id: int) -> list[AnyRow]:
        """Every email of a convention, oldest first."""
        query = select(outbox_table).where(o.convention_id == convention_id).order_by(o.id)
        return list(self._connection.execute(query).all())

    def listing(self, status: str | None, limit: int) -> list[AnyRow]:
        """Emails (of one status, or all), newest first."""
        query = select(outbox_table).order_by(o.id.desc()).limit(limit)
        if status:
            query = query.where(o.status == status)
        return list(self._connection.execute(query).all())

    def next_attempt(self, lease: timedelta) -> datetime | None:
        """The earliest instant an email is due (or a stale claim may be taken back)."""
        pending = self._connection.execute(
            select(func.min(o.next_attempt_at)).where(o.status == "pending")
        ).scalar()
        claimed = self._connection.execute(
            select(func.min(o.claimed_at)).where(o.status == "sending")
        ).scalar()
        candidates = [t for t in (pending, claimed + lease if claimed else None) if t]
        return min(candidates, default=None)
