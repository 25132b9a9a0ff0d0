"""A convention's reference in an address: a slash of the reference written `%2F`.

A reference may hold a slash (`MAMP/2025/001`), and a convention's address goes on with its
parts (`/api/v1/conventions/REF/history`). Read literally, `/conventions/API-1/history` is the
history of API-1, never the convention `API-1/history`: that one's address writes its slash
`%2F` (`/conventions/API-1%2Fhistory`), and an encoded slash always stays inside the
reference. A literal `/` is read as before (the longest reference the route allows), so the
addresses clients already use keep their meaning. The dashboard, its emails and calendar feeds
write every reference so (`in_address`).

Servers decode `%2F` before routing, so `EncodedSlashes` builds the path to route from the
path as sent (`raw_path`), keeping `%2F` (and `%25`, so that a `%2F` typed as `%252F` is not
taken for one) encoded; routes take a reference as `{reference:reference}`, whose convertor
decodes them.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Receive, Scope, Send

KEPT = re.compile(r"%(2[fF]|25)")
"""The escapes routing keeps as they were sent: a slash and a percent sign of a reference."""


def in_address(reference: str) -> str:
    """A reference as one segment of an address: its slashes written `%2F`."""
    return quote(reference, safe="")


def _decoded(match: re.Match[str]) -> str:
    return "/" if match.group(1).lower() == "2f" else "%"


class ReferenceConvertor(Convertor[str]):
    """A reference in a route's path (`{reference:reference}`): as the `path` convertor reads it
    (slashes included, as long as the route allows), with `%2F` and `%25` decoded."""

    regex = ".*"

    def convert(self, value: str) -> str:
        """The reference the address names."""
        return KEPT.sub(_decoded, value)

    def to_string(self, value: str) -> str:
        """The reference as an address writes it."""
        return in_address(value)


register_url_convertor("reference", ReferenceConvertor())


def routed_path(scope: Scope) -> str | None:
    """The path to route a request by: the path as sent, decoded but for `%2F` and `%25`; None
    when there is nothing to keep (or the server's raw path does not match its path)."""
    raw = scope.get("raw_path")
    if not raw or b"%" not in raw:
        return None
    sent = raw.decode("latin-1")
    if not KEPT.search(sent) or unquote(sent) != scope["path"]:
        return None
    parts = KEPT.split(sent)  # text, escape kept, text, ...: the groups are '2F' or '25'
    return "".join(unquote(part) if i % 2 == 0 else f"%{part.upper()}"
                   for i, part in enumerate(parts))  # fmt: skip


class EncodedSlashes:
    """Routes a request by its path as sent, an encoded slash kept inside its segment (the ASGI
    scope's `path` is decoded). The innermost middleware: what runs around it (the server's
    access log included) sees the scope as the server made it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (path := routed_path(scope)) is not None:
            scope = {**scope, "path": path}
        await self.app(scope, receive, send)
