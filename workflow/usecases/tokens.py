"""Access tokens: who may read (viewer) and who may also act (admin) over HTTP.

A token is `secrets.token_urlsafe(32)`, shown once when created; only its SHA-256 is stored.
The name of its holder is the actor the history records for what the token did.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from states.errors import ConvflowError, InvalidInput
from storage.tables import AnyRow
from workflow.bootstrap import App
from workflow.usecases.iso import instant
from workflow.wording.words import TOKEN_SUFFIX

ROLES = ("admin", "viewer")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
# Writing last_used_at on every request would make each read a write transaction.
TOUCH_EVERY = timedelta(minutes=5)


class TokenExists(ConvflowError):
    """A token already has this name (names stay taken after revocation: history uses them)."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__("token_exists", name=name)


class UnknownToken(ConvflowError, LookupError):
    """No valid token has this name (`revoked`: there is one, revoked already)."""

    def __init__(self, name: str, revoked: bool = False) -> None:
        self.name = name
        super().__init__("token_already_revoked" if revoked else "unknown_token", name=name)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the holder of a valid token, and its role."""

    token_id: int
    name: str
    role: str

    @property
    def actor(self) -> str:
        """How the history names what this token did: 'alice (token)' (said 'alice (jeton
        d'accès)', `Words.actor`)."""
        return f"{self.name}{TOKEN_SUFFIX}"

    @property
    def is_admin(self) -> bool:
        """True when the token may record events, not only read."""
        return self.role == "admin"


def hash_token(token: str) -> str:
    """The SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(app: App, name: str, role: str, created_by: str, now: datetime) -> str:
    """Create a token for `name` with `role`; return it (the only time it is seen)."""
    if not NAME.match(name):
        raise InvalidInput("name", "not_a_token_name", value=name)
    if role not in ROLES:
        raise InvalidInput("role", "not_one_of", value=role, choices=ROLES)
    token = secrets.token_urlsafe(32)
    with app.uow() as uow:
        tokens = uow.tokens
        if tokens.exists(name):
            raise TokenExists(name)
        tokens.add(name, role, hash_token(token), created_by, now)
        uow.commit()
    return token


def revoke_token(app: App, name: str, now: datetime) -> None:
    """Revoke the token of `name`: it, and every session opened with it, stop working."""
    with app.uow() as uow:
        tokens = uow.tokens
        if not tokens.revoke(name, now):
            raise UnknownToken(name, revoked=tokens.exists(name))
        uow.commit()


def list_tokens(app: App) -> list[dict[str, Any]]:
    """Every token, without its hash: name, role, who created it and when, use, revocation."""
    with app.uow(read_only=True) as uow:
        rows = uow.tokens.all()
    return [
        {
            "name": row.name,
            "role": row.role,
            "created_at": instant(row.created_at),
            "created_by": row.created_by,
            "last_used_at": instant(row.last_used_at),
            "revoked_at": instant(row.revoked_at),
        }
        for row in rows
    ]


def authenticate(app: App, token: str, now: datetime) -> Principal | None:
    """The holder of `token` if it is valid (known and not revoked), else None."""
    digest = hash_token(token)
    with app.uow(read_only=True) as uow:
        row = uow.tokens.by_hash(digest)
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    return _valid(app, row, now)


def principal_by_id(app: App, token_id: int, now: datetime) -> Principal | None:
    """The holder of the token a session was opened with, if that token is still valid."""
    with app.uow(read_only=True) as uow:
        row = uow.tokens.by_id(token_id)
    return None if row is None else _valid(app, row, now)


def _valid(app: App, row: AnyRow, now: datetime) -> Principal | None:
    if row.revoked_at is not None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        with app.uow() as uow:
            uow.tokens.touch(row.id, now)
            uow.commit()
    return Principal(row.id, row.name, row.role)
