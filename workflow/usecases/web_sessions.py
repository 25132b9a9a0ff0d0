"""Dashboard sessions kept in the database, and the sign-in throttle.

A session's cookie holds a random value; the database keeps its SHA-256, its token, its CSRF
secret, when it ends and whether it was signed out. So a sign-out holds across restarts and on
every instance behind the same database, and a stolen copy of the cookie dies with it.

Tokens are throttled per address, one rule for the dashboard's sign-in, the API's bearer
tokens and the calendars' `?token=`: each refused token is counted against its address; past
`MAX_FAILURES` within `WINDOW`, a token refused again is answered 429 (`TooManyRefusals`) until
the oldest refusal leaves the window, and is not counted (no write per guess). A valid token is
always accepted: a token is `secrets.token_urlsafe(32)`, 256 random bits, so the throttle only
slows guessing and need not lock out the colleagues who share the address (a reverse proxy).
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from states.errors import ConvflowError
from workflow.bootstrap import App
from workflow.usecases.tokens import Principal, authenticate

SESSION_LENGTH = timedelta(hours=10)  # a working day
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


class TooManyRefusals(ConvflowError):
    """Too many tokens refused from this address, and this one too: wait `wait` seconds (429)."""

    def __init__(self, wait: int) -> None:
        self.wait = wait
        super().__init__("too_many_tokens_refused", minutes=max(1, math.ceil(wait / 60)))


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: the token it signed in with and the CSRF secret of its forms."""

    token_id: int
    csrf: str
    session_id: str  # the SHA-256 of the cookie's value, as the database keeps it
    expires: int  # POSIX seconds


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode("utf-8")).hexdigest()


def open_session(app: App, token_id: int, now: datetime) -> tuple[WebSession, str]:
    """A new session for a token, and its cookie's value."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires_at = now + SESSION_LENGTH
    with app.uow() as uow:
        uow.web_sessions.open(_hash(cookie), token_id, csrf, now, expires_at)
        uow.commit()
    return WebSession(token_id, csrf, _hash(cookie), int(expires_at.timestamp())), cookie


def read_session(app: App, cookie: str | None, now: datetime) -> WebSession | None:
    """The session a cookie stands for: open, not expired, not signed out; else None."""
    if not cookie or len(cookie) > 200 or not cookie.isascii():
        return None
    with app.uow(read_only=True) as uow:
        row = uow.web_sessions.find(_hash(cookie), now)
    if row is None:
        return None
    return WebSession(row.token_id, row.csrf, row.session_hash, int(row.expires_at.timestamp()))


def close_session(app: App, session: WebSession, now: datetime) -> None:
    """Sign a session out: its cookie is refused from now on, on every instance."""
    with app.uow() as uow:
        uow.web_sessions.close(session.session_id, now)
        uow.commit()


def signin_wait(app: App, address: str, now: datetime) -> int:
    """Seconds before a token refused from this address is answered 401 again, not 429 (0: now)."""
    with app.uow(read_only=True) as uow:
        count, first = uow.web_sessions.failures(address, now - WINDOW)
    if count < MAX_FAILURES or first is None:
        return 0
    return max(1, math.ceil((first + WINDOW - now).total_seconds()))


def signin_refused(app: App, address: str, now: datetime) -> None:
    """Count a refused token against its address."""
    with app.uow() as uow:
        uow.web_sessions.record_failure(address, now, now - WINDOW)
        uow.commit()


def check_token(app: App, token: str, address: str, now: datetime) -> Principal | None:
    """The holder of `token` if it is valid, whatever its address's refusals; None when it is
    refused (and counted against `address`); `TooManyRefusals` when it is refused and the
    address is past its limit."""
    principal = authenticate(app, token, now)
    if principal is not None:
        return principal
    wait = signin_wait(app, address, now)
    if wait:
        raise TooManyRefusals(wait)
    signin_refused(app, address, now)
    return None
