"""The token repository: access tokens of the HTTP API, kept as hashes, never in clear."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from storage.tables import AnyRow, api_token_table

t = api_token_table.c


class TokenRepository:
    """Access tokens: added, found by their hash, touched when used, revoked."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def exists(self, name: str) -> bool:
        """True when a token (revoked or not) already has this name."""
        return self._connection.execute(select(t.id).where(t.name == name)).first() is not None

    def add(self, name: str, role: str, token_hash: str, created_by: str, now: datetime) -> None:
        """Store a new token's hash under its holder's name."""
        values = {
            "name": name,
            "role": role,
            "token_hash": token_hash,
            "created_at": now,
            "created_by": created_by,
        }
        self._connection.execute(insert(api_token_table).values(values))

    def by_hash(self, token_hash: str) -> AnyRow | None:
        """The token with this hash, revoked or not."""
        return self._connection.execute(
            select(api_token_table).where(t.token_hash == token_hash)
        ).first()

    def by_id(self, token_id: int) -> AnyRow | None:
        """The token with this row id, revoked or not."""
        return self._connection.execute(select(api_token_table).where(t.id == token_id)).first()

    def revoke(self, name: str, now: datetime) -> bool:
        """Revoke the token of this name; False when there is no such token still valid."""
        cursor = self._connection.execute(
            update(api_token_table)
            .where(t.name == name, t.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return cursor.rowcount == 1

    def touch(self, token_id: int, now: datetime) -> None:
        """Note that the token was just used."""
        self._connection.execute(
            update(api_token_table).where(t.id == token_id).values(last_used_at=now)
        )

    def all(self) -> list[AnyRow]:
        """Every token, by name."""
        return list(self._connection.execute(select(api_token_table).order_by(t.name)).all())
