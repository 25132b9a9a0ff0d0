"""Who is calling, and may they: every protected route depends on one of these.

The API takes `Authorization: Bearer TOKEN` (no token: 401; a viewer acting: 403). The
calendar feeds also take `?token=` because calendar clients cannot send headers, a viewer's
only (an admin token in an address would end up in calendar clients and proxy logs: 403). The
pages take the session cookie; a page asked without one answers 401 with the sign-in form.
A refused token counts against its address, as at the sign-in form: past the limit, 429
(`workflow.usecases.web_sessions.check_token`); a valid one is always accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer
from starlette.requests import Request

from workflow.http.context import HttpContext, context_of
from workflow.http.errors import Forbidden, Unauthenticated
from workflow.http.sessions import SESSION_COOKIE, Session
from workflow.usecases.tokens import Principal, principal_by_id
from workflow.usecases.web_sessions import check_token

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="A token from `convflow token create`; `viewer` reads, `admin` also acts.",
)
query_token = APIKeyQuery(
    name="token",
    auto_error=False,
    scheme_name="calendar_token",
    description="For calendar feeds only (calendar clients cannot send headers).",
)
Context = Annotated[HttpContext, Depends(context_of)]


class SignInRequired(Exception):
    """A page was asked without a valid session: answer 401 with the sign-in form."""


class AdminOnly(Exception):
    """A signed-in viewer tried to change something: answer 403."""


def address_of(request: Request) -> str:
    """The address a request comes from, as the throttle of refused tokens counts it."""
    return request.client.host if request.client else "unknown"


def _principal(request: Request, context: HttpContext, token: str | None) -> Principal:
    if not token:
        raise Unauthenticated("token_required")
    principal = check_token(context.app, token, address_of(request), context.now())
    if principal is None:
        raise Unauthenticated("token_invalid")
    return principal


def api_reader(
    request: Request,
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """Any valid token: it may read."""
    return _principal(request, context, credentials.credentials if credentials else None)


Reader = Annotated[Principal, Depends(api_reader)]


def api_admin(principal: Reader) -> Principal:
    """An admin token: it may act."""
    if not principal.is_admin:
        raise Forbidden("viewer_cannot_act", name=principal.name)
    return principal


Admin = Annotated[Principal, Depends(api_admin)]


def calendar_reader(
    request: Request,
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    token: Annotated[str | None, Depends(query_token)],
) -> Principal:
    """Any valid token from the header; from the query string, for calendar clients, a viewer's
    only (403 `admin_token_in_address` for an admin's)."""
    if credentials:
        return _principal(request, context, credentials.credentials)
    principal = _principal(request, context, token)
    if principal.is_admin:
        raise Forbidden("admin_token_in_address", name=principal.name)
    return principal


CalendarReader = Annotated[Principal, Depends(calendar_reader)]


@dataclass(frozen=True)
class SignedIn:
    """A browser signed in: the token's holder and the session (with its CSRF secret)."""

    principal: Principal
    session: Session


def page_reader(request: Request, context: Context) -> SignedIn:
    """A browser with a valid session; otherwise the sign-in form, with status 401."""
    session = context.sessions.read(request.cookies.get(SESSION_COOKIE), context.now())
    principal = principal_by_id(context.app, session.token_id, context.now()) if session else None
    if session is None or principal is None:
        raise SignInRequired()
    return SignedIn(principal, session)


PageReader = Annotated[SignedIn, Depends(page_reader)]


def page_admin(signed: PageReader) -> SignedIn:
    """A browser signed in with an admin token."""
    if not signed.principal.is_admin:
        raise AdminOnly()
    return signed


PageAdmin = Annotated[SignedIn, Depends(page_admin)]
