"""How much a request may send: a body past its limit is refused with 413 before it is read whole.

A JSON body (the API) or a dashboard's form may hold `MAX_BODY` bytes; a multipart upload
(a convention's document, a spreadsheet) the documents' own limit, plus `FORM_MARGIN` for the
form's other fields and framing. A declared `Content-Length` past the limit is refused before
a byte of the body is read; a chunked body is counted as it streams and refused as soon as it
passes the limit. The refusal is the API's usual body (`code` `body_too_large`, `params.most`)
or the dashboard's error page.

The refusal is sent whole at once; then the rest of the body is read and thrown away, for
`LINGER` seconds at most, before the connection closes (as a web server's "lingering close"):
a client that writes its whole body before reading (httpx, requests) would otherwise see the
connection reset and never the 413. Nothing of it is kept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 1024 * 1024
"""The largest JSON or form body, in bytes (a convention file as JSON is a few kB)."""
FORM_MARGIN = 1024 * 1024
"""What a multipart upload may hold beside its document: other fields, boundaries, headers."""
LINGER = 10.0
"""How long, in seconds, the rest of a refused body is read and thrown away."""


class BodyTooLarge(HTTPException):
    """A request body past `most` bytes (413)."""

    def __init__(self, most: int) -> None:
        self.most = most
        super().__init__(status_code=413, detail=f"the request body is larger than {most} bytes")


Refuse = Callable[[Request, BodyTooLarge], Awaitable[Response]]


async def _drain(receive: Receive) -> None:
    """Read the rest of a refused body and keep none of it, for `LINGER` seconds at most."""
    with anyio.move_on_after(LINGER):
        while True:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return


def _lingering(send: Send, receive: Receive) -> Send:
    """`send`, draining the request's body between the refusal's last bytes and its end."""

    async def lingering(message: Message) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            await send({**message, "more_body": True})  # the whole refusal, Content-Length said
            await _drain(receive)
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return lingering


def _declared_length(headers: Headers) -> int | None:
    value = headers.get("content-length", "")
    return int(value) if value.isdigit() else None


class BodyLimit:
    """ASGI middleware refusing request bodies past their limit, with `refuse`'s answer."""

    def __init__(self, app: ASGIApp, upload_most: int, refuse: Refuse) -> None:
        self.app = app
        self.upload_most = upload_most
        self.refuse = refuse

    def most(self, headers: Headers) -> int:
        """The limit of a request's body: an upload's, or `MAX_BODY`."""
        kind = headers.get("content-type", "").lower()
        return self.upload_most + FORM_MARGIN if kind.startswith("multipart/") else MAX_BODY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        most = self.most(headers)
        declared = _declared_length(headers)
        if declared is not None and declared > most:
            await self._answer(scope, receive, send, BodyTooLarge(most), drain=True)
            return
        received = 0
        started = False
        cut_short = False  # a body refused while more of it was coming

        async def counted() -> Message:
            nonlocal received, cut_short
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > most:
                    cut_short = bool(message.get("more_body", False))
                    raise BodyTooLarge(most)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await (_lingering(send, receive) if cut_short else send)(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as refused:  # read outside a route's own handlers
            if started:
                raise
            await self._answer(scope, receive, send, refused, drain=cut_short)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, error: BodyTooLarge, drain: bool
    ) -> None:
        """The refusal, then (`drain`) the rest of the body read and thrown away."""
        response = await self.refuse(Request(scope, receive), error)
        response.headers["Connection"] = "close"
        await response(scope, receive, _lingering(send, receive) if drain else send)
