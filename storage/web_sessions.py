"""Dashboard sessions and refused sign-ins, as rows (see migration 0010)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from storage.tables import AnyRow, signin_failure_table, web_session_table

s, f = web_session_table.c, signin_failure_table.c


class WebSessionRepository:
    """Opens, finds and closes sessions; counts and forgets refused sign-ins."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def open(self, session_hash: str, token_id: int, csrf: str, now: datetime,
             expires_at: datetime) -> None:  # fmt: skip
        """A new session, open until `expires_at`."""
        self._connection.execute(insert(web_session_table).values(
            session_hash=session_hash, token_id=token_id, csrf=csrf, created_at=now,
            expires_at=expires_at, closed_at=None,
        ))  # fmt: skip

    def find(self, session_hash: str, now: datetime) -> AnyRow | None:
        """The session, if it exists, is not expired and was not signed out."""
        query = select(web_session_table).where(
            s.session_hash == session_hash, s.expires_at > now, s.closed_at.is_(None)
        )
        return self._connection.execute(query).first()

    def close(self, session_hash: str, now: datetime) -> None:
        """Sign a session out, for good, and forget the sessions long expired."""
        self._connection.execute(
            update(web_session_table).where(s.session_hash == session_hash).values(closed_at=now)
        )
        self._connection.execute(delete(web_session_table).where(s.expires_at < now))

    def close_for_token(self, token_id: int, now: datetime) -> int:
        """Sign out every open session of a token; how many."""
        result = self._connection.execute(
            update(web_session_table)
            .where(s.token_id == token_id, s.closed_at.is_(None))
            .values(closed_at=now)
        )
        return int(result.rowcount or 0)

    def failures(self, address: str, since: datetime) -> tuple[int, datetime | None]:
        """How many sign-ins from `address` were refused since `since`, and the earliest."""
        query = select(func.count(), func.min(f.failed_at)).where(
            f.address == address, f.failed_at >= since
        )
        count, first = self._connection.execute(query).one()
        return int(count), first

    def record_failure(self, address: str, now: datetime, older_than: datetime) -> None:
        """Keep a refused sign-in; forget those too old to count."""
        self._connection.execute(delete(signin_failure_table).where(f.failed_at < older_than))
        self._connection.execute(
            insert(signin_failure_table).values(address=address, failed_at=now)
        )

    def clear_failures(self, address: str) -> None:
        """A sign-in succeeded from `address`: its refusals no longer count."""
        self._connection.execute(delete(signin_failure_table).where(f.address == address))
