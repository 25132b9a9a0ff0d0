"""Dashboard sessions: a signed cookie naming the token signed in with, and its CSRF secret.

The cookie holds no token, only the token's row id: each request checks that token is still
valid, so revoking it ends its sessions. The cookie is HttpOnly, SameSite=Strict and, over
HTTPS, Secure; it is signed with HMAC-SHA256 and lasts a working day. Signing out forgets the
session in this process (a copied cookie stops working too).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from starlette.responses import Response

SESSION_COOKIE = "convflow_session"
SIGNIN_COOKIE = "convflow_signin"
SESSION_LENGTH = timedelta(hours=10)
SIGNIN_LENGTH = timedelta(hours=1)


@dataclass(frozen=True)
class Session:
    """A signed-in browser: the token it signed in with, its CSRF secret, when it ends."""

    token_id: int
    csrf: str
    session_id: str
    expires: int  # POSIX seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs small JSON payloads for one purpose each (a session, a sign-in form)."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, body: str) -> str:
        message = f"{purpose}:{body}".encode("ascii")
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def sign(self, purpose: str, payload: dict[str, Any]) -> str:
        """The payload as `body.signature`."""
        body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        return f"{body}.{self._mac(purpose, body)}"

    def unsign(self, purpose: str, value: str) -> dict[str, Any] | None:
        """The payload back, or None if the value was not signed by us for this purpose."""
        body, _, mac = value.partition(".")
        if not body or not mac or not body.isascii() or not mac.isascii():
            return None
        if not hmac.compare_digest(mac, self._mac(purpose, body)):
            return None
        try:
            payload = json.loads(_unb64(body))
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None


class Sessions:
    """Opens, reads and closes dashboard sessions."""

    def __init__(self, secret: bytes) -> None:
        self._signer = Signer(secret)
        self._closed: dict[str, int] = {}

    def open(self, token_id: int, now: datetime) -> tuple[Session, str]:
        """A new session for a token, and its cookie value."""
        session = Session(
            token_id,
            secrets.token_urlsafe(24),
            secrets.token_urlsafe(16),
            int((now + SESSION_LENGTH).timestamp()),
        )
        payload = {"t": token_id, "c": session.csrf, "s": session.session_id, "e": session.expires}
        return session, self._signer.sign("session", payload)

    def read(self, cookie: str | None, now: datetime) -> Session | None:
        """The session a cookie carries, if it is ours, not expired and not signed out."""
        payload = self._signer.unsign("session", cookie) if cookie else None
        if payload is None:
            return None
        try:
            token_id, expires = int(payload["t"]), int(payload["e"])
            session = Session(token_id, str(payload["c"]), str(payload["s"]), expires)
        except (KeyError, TypeError, ValueError):
            return None
        if session.expires <= now.timestamp() or session.session_id in self._closed:
            return None
        return session

    def close(self, session: Session, now: datetime) -> None:
        """Sign a session out: its cookie is refused from now on, even if copied."""
        self._closed[session.session_id] = session.expires
        moment = now.timestamp()
        self._closed = {sid: end for sid, end in self._closed.items() if end > moment}

    def signin_nonce(self, now: datetime) -> tuple[str, str]:
        """A nonce for the sign-in form and the cookie that must come back with it."""
        nonce = secrets.token_urlsafe(24)
        expires = int((now + SIGNIN_LENGTH).timestamp())
        return nonce, self._signer.sign("signin", {"n": nonce, "e": expires})

    def signin_nonce_valid(self, cookie: str | None, nonce: str, now: datetime) -> bool:
        """True when the form's nonce is the one its cookie was issued with, still fresh."""
        payload = self._signer.unsign("signin", cookie) if cookie else None
        if not payload or not isinstance(payload.get("n"), str) or not nonce:
            return False
        fresh = isinstance(payload.get("e"), int) and payload["e"] > now.timestamp()
        return fresh and hmac.compare_digest(payload["n"].encode(), nonce.encode())


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
