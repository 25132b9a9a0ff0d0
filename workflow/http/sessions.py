"""Dashboard sessions: a cookie standing for a session kept in the database, and the sign-in
form's nonce.

The session cookie holds a random value whose SHA-256 the database keeps with the session's
token, CSRF secret and end (workflow.usecases.web_sessions): each request checks that session
is open and that its token is still valid, so signing out or revoking the token ends it, on
every instance and across restarts. The cookie is HttpOnly, SameSite=Strict and, over HTTPS,
Secure; it lasts a working day. The sign-in form's nonce is signed and timed by itsdangerous.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from workflow.bootstrap import App
from workflow.usecases.web_sessions import (
    SESSION_LENGTH,
    WebSession,
    close_session,
    open_session,
    read_session,
)

SESSION_COOKIE = "convflow_session"
SIGNIN_COOKIE = "convflow_signin"
SIGNIN_LENGTH = timedelta(hours=1)
Session = WebSession

__all__ = ["SESSION_COOKIE", "SESSION_LENGTH", "SIGNIN_COOKIE", "SIGNIN_LENGTH", "Session",
           "Sessions", "clear_cookie", "csrf_valid", "set_cookie"]  # fmt: skip


class Sessions:
    """Opens, reads and closes dashboard sessions; issues and checks the sign-in nonce."""

    def __init__(self, app: App, secret: bytes) -> None:
        self._app = app
        self._nonces = URLSafeTimedSerializer(secret, salt="convflow-signin")

    def open(self, token_id: int, now: datetime) -> tuple[Session, str]:
        """A new session for a token, and its cookie value."""
        return open_session(self._app, token_id, now)

    def read(self, cookie: str | None, now: datetime) -> Session | None:
        """The session a cookie carries, if it is open, not expired and not signed out."""
        return read_session(self._app, cookie, now)

    def close(self, session: Session, now: datetime) -> None:
        """Sign a session out: its cookie is refused from now on, even if copied."""
        close_session(self._app, session, now)

    def signin_nonce(self, now: datetime) -> tuple[str, str]:
        """A nonce for the sign-in form and the cookie that must come back with it."""
        nonce = secrets.token_urlsafe(24)
        return nonce, self._nonces.dumps(nonce)

    def signin_nonce_valid(self, cookie: str | None, nonce: str, now: datetime) -> bool:
        """True when the form's nonce is the one its cookie was issued with, still fresh."""
        if not cookie or not nonce:
            return False
        try:
            issued = self._nonces.loads(cookie, max_age=int(SIGNIN_LENGTH.total_seconds()))
        except BadSignature:  # tampered, foreign or expired (SignatureExpired is one)
            return False
        return isinstance(issued, str) and hmac.compare_digest(issued.encode(), nonce.encode())


def set_cookie(response: Response, name: str, value: str, secure: bool, max_age: int) -> None:
    """A cookie scripts cannot read and other sites never trigger."""
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=secure, httponly=True, samesite="strict"
    )


def clear_cookie(response: Response, name: str, secure: bool) -> None:
    """Remove a cookie from the browser."""
    response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="strict")


def csrf_valid(session: Session, submitted: str | None) -> bool:
    """True when a form carries the session's CSRF secret."""
    return bool(submitted) and hmac.compare_digest(session.csrf.encode(), str(submitted).encode())
