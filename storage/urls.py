"""Database URLs as people see them: the password never shown, and the characters a user name or
password cannot hold unescaped, the port a server listens on.

Light on purpose (no SQLAlchemy): the settings check the URL before any database module loads.
The masking of query parameters named as secrets is the one the logs apply to every address
(workflow.ops.logs.redact): a URL is shown the same on a log line, by `convflow config` and by
`convflow doctor`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

MASK = "***"
"""What a hidden secret is shown as."""

SECRET_NAMES = ("token", "key", "secret", "password", "passwd", "pwd", "auth", "session",
                "signature", "csrf")  # fmt: skip
"""A query parameter whose name contains one of these (in any case, percent-encoded or not)
has its value masked: `access_token`, `api_key`, `X-Amz-Signature`, `sessionid`, and a
database URL's `?password=` (libpq takes its password there too)."""
# A parameter in an address: after `?`, `&` or `;`, or their percent-encoded forms (an address
# inside another's parameter, `?next=%2Fx%3Ftoken%3D...`, encoded once or more); its value
# runs to the next separator, a space or a quote (the access log quotes the request line).
_QUERY_PARAM = re.compile(
    r"(?i)(?P<lead>[?&;]|%(?:25)*(?:3f|26|3b))"
    r"(?P<name>(?:(?!%(?:25)*(?:3d|26|3b|3f))[^=&;#?\s\"'<>])+)"
    r"(?P<equals>=|%(?:25)*3d)"
    r"(?P<value>(?:(?!%(?:25)*(?:26|3b|3f))[^&;#?\s\"'<>])*)"
)
# A value stops at a `?` so that an address inside a parameter is read too; a secret's value
# may hold one all the same (`password=a?b`): the mask takes it to the next separator.
_MASKED_TAIL = re.compile(r"(?i)(?<=\*\*\*)(?:\?|%(?:25)*3f)[^&;#\s\"'<>]*")


def _secret_name(name: str) -> bool:
    """Whether a query parameter's name says its value is a secret."""
    plain = name
    for _ in range(3):  # a name encoded once or more (`acc%65ss_token`, `%2561uth`)
        plain = unquote_plus(plain)
    plain = plain.lower()
    return any(word in plain for word in SECRET_NAMES)


def _mask_parameter(found: re.Match[str]) -> str:
    if not found["value"] or not _secret_name(found["name"]):
        return found[0]
    return f"{found['lead']}{found['name']}{found['equals']}{MASK}"


def masked_parameters(text: str) -> str:
    """`text` with the value of every query parameter named as a secret (SECRET_NAMES) masked,
    in every address it holds: `/cal?token=***&days=3`, `postgresql://u@h/db?password=***`."""
    masked = _QUERY_PARAM.sub(_mask_parameter, text)
    return text if masked == text else _MASKED_TAIL.sub("", masked)


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
    """The URL with its password as ***: postgresql+psycopg://u:***@h/db, and the value of every
    query parameter named as a secret too: postgresql+psycopg://u@h/db?password=***.

    Everything up to the last `@` after the user name is masked, so that a password holding an
    unescaped `@` (which SQLAlchemy would cut at its first one) shows none of its pieces."""
    parts = _credentials(url)
    if parts is not None:
        prefix, credentials, location = parts
        user, has_password, _ = credentials.partition(":")
        if has_password:
            url = f"{prefix}{user}:{MASK}@{location}"
    return masked_parameters(url)


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


def _authority(url: str) -> str | None:
    """The `host[:port]` of a server URL, as SQLAlchemy reads it (after the credentials, up to
    the first `/` or `?`); None for a file URL (sqlite:///path) or one without `://`."""
    _, separator, rest = url.partition("://")
    if not separator or rest.startswith("/"):
        return None
    parts = _credentials(url)
    location = parts[2] if parts is not None else rest
    end = min((i for i in (location.find("/"), location.find("?")) if i >= 0), default=None)
    return location[:end]


def bracket_unclosed(url: str) -> bool:
    """True when the host opens an IPv6 `[` it does not close, or writes something other than
    `:port` after its `]`: SQLAlchemy would read a piece of the address as the port."""
    authority = _authority(url)
    if authority is None or not authority.startswith("["):
        return False
    _, closed, after = authority.rpartition("]")
    return not closed or not (after == "" or after.startswith(":"))


def bad_port(url: str) -> str | None:
    """The port a server URL names that is not a whole number from 1 to 65535 (written in the
    address, `host:port`, or in its `port=` parameter), as written; None when every port is
    one, or none is written. SQLAlchemy would raise on a word, libpq on 99999, and port 0
    silently means the default one."""
    authority = _authority(url)
    if authority is None:
        return None
    ports = []
    if authority.startswith("["):
        _, _, after = authority.rpartition("]")
        if after.startswith(":"):
            ports.append(after[1:])
    elif ":" in authority:
        ports.append(authority.partition(":")[2])
    _, _, query = url.partition("?")
    for parameter in query.split("&") if query else []:
        name, _, value = parameter.partition("=")
        if name == "port":
            ports.extend(piece for piece in value.split(",") if piece)
    for port in ports:
        if not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
            return port
    return None
