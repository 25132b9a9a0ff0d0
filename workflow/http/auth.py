"""Who is calling, and may they: every protected route depends on one of these.

The API takes `Authorization: Bearer TOKEN` (no token: 401; a viewer acting: 403). The
calendar feeds also take `?token=` because calendar clients cannot send headers. The pages
take the session cookie; a page asked without one answers 401 with the sign-in form.
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
from workflow.usecases.tokens import Principal, authenticate, principal_by_id

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


def _principal(context: HttpContext, token: str | None) -> Principal:
    if not token:
        raise Unauthenticated("token_required")
    principal = authenticate(context.app, token, context.now())
    if principal is None:
        raise Unauthenticated("token_invalid")
    return principal


def api_reader(
    context: Context, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """Any valid token: it may read."""
    return _principal(context, credentials.credentials if credentials else None)


Reader = Annotated[Principal, Depends(api_reader)]


def api_admin(principal: Reader) -> Principal:
    """An admin token: it may act."""
    if not principal.is_admin:
        raise Forbidden("viewer_cannot_act", name=principal.name)
    return principal


Admin = Annotated[Principal, Depends(api_admin)]


def calendar_reader(
    context: Context,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    token: Annotated[str | None, Depends(query_token)],
) -> Principal:
    """Any valid token, from the header or, for calendar clients, the query string."""
    return _principal(context, credentials.credentials if credentials else token)


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
