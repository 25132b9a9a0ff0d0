"""Database URLs as people see them: the password never shown, and the characters a user name or
password cannot hold unescaped.

Light on purpose (no SQLAlchemy): the settings check the URL before any database module loads.
"""

from __future__ import annotations

UNESCAPED = {"@": "%40", "/": "%2F", "?": "%3F", "#": "%23"}
"""What SQLAlchemy and libpq read as the end of a user name or password, with its escape."""


def _credentials(url: str) -> tuple[str, str, str] | None:
    """`scheme://`, the credentials and the rest, split at the URL's last `@`; None when the URL
    has no `@` after its scheme, or names a file (sqlite:///path)."""
    scheme, separator, rest = url.partition("://")
    if not separator or rest.startswith("/") or "@" not in rest:
        return None
    credentials, _, location = rest.rpartition("@")
    return scheme + separator, credentials, location


def masked_url(url: str) -> str:
    """The URL with its password as ***: postgresql+psycopg://u:***@h/db.

    Everything up to the last `@` after the user name is masked, so that a password holding an
    unescaped `@` (which SQLAlchemy would cut at its first one) shows none of its pieces."""
    parts = _credentials(url)
    if parts is None:
        return url
    prefix, credentials, location = parts
    user, has_password, _ = credentials.partition(":")
    if not has_password:
        return url
    return f"{prefix}{user}:***@{location}"


def unescaped_in_credentials(url: str) -> list[str]:
    """The characters that make a server URL read otherwise than it was meant: a second `@`
    anywhere, or a `/`, `?` or `#` before the `@` that ends the credentials. Empty when the URL
    reads as written (or names a file, or has no credentials)."""
    parts = _credentials(url)
    if parts is None:
        return []
    _, credentials, _ = parts
    found = ["@"] if "@" in credentials else []
    return found + [character for character in "/?#" if character in credentials]
