"""Signing in with a token and out again: the only pages open without a session.

The sign-in form carries a nonce that must come back with its own cookie (SameSite=Strict),
so another site cannot sign a browser in under someone else's token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from workflow.http.auth import Context, PageReader, address_of
from workflow.http.context import HttpContext
from workflow.http.pages import page_context
from workflow.http.sessions import (
    SESSION_COOKIE,
    SESSION_LENGTH,
    SIGNIN_COOKIE,
    SIGNIN_LENGTH,
    clear_cookie,
    csrf_valid,
    set_cookie,
)
from workflow.usecases.web_sessions import TooManyRefusals, check_token

public = APIRouter(include_in_schema=False)
signed_only = APIRouter(include_in_schema=False)
Field = Annotated[str, Form(max_length=500)]


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def signin_page(
    request: Request, context: HttpContext, status: int, message: dict[str, Any] | None = None,
    target: str = "/",
) -> Response:  # fmt: skip
    """The sign-in form, with a fresh nonce and its cookie."""
    nonce, cookie = context.sessions.signin_nonce(context.now())
    data = {
        **page_context(context, None, "signin"),
        "nonce": nonce,
        "next": safe_next(target),
        "message": message,
    }
    response = context.pages.response("signin.html", data, status)
    max_age = int(SIGNIN_LENGTH.total_seconds())
    set_cookie(response, SIGNIN_COOKIE, cookie, _secure(request), max_age)
    return response


@public.get("/connexion")
def signin_form(request: Request, context: Context) -> Response:
    """The sign-in form."""
    message = None
    if request.query_params.get("sortie"):
        message = {"kind": "info", "text": "Vous êtes déconnecté(e)."}
    return signin_page(request, context, 200, message, request.query_params.get("suite", "/"))


@public.post("/connexion")
def signin(
    request: Request, context: Context, token: Field = "", nonce: Field = "", suite: Field = "/"
) -> Response:
    """Open a session for a valid token; otherwise the form again, with the reason."""
    if not context.sessions.signin_nonce_valid(
        request.cookies.get(SIGNIN_COOKIE), nonce, context.now()
    ):
        text = "Le formulaire a expiré\u00a0: saisissez de nouveau votre jeton."
        return signin_page(request, context, 403, {"kind": "error", "text": text}, suite)
    address = address_of(request)
    try:
        principal = check_token(context.app, token.strip(), address, context.now())
    except TooManyRefusals as refused:
        minutes = max(1, -(-refused.wait // 60))
        text = (f"Trop de jetons refusés depuis cette adresse\u00a0: réessayez dans {minutes} "
                f"minute{'s' if minutes > 1 else ''}. Un jeton valide reste accepté.")  # fmt: skip
        response = signin_page(request, context, 429, {"kind": "error", "text": text}, suite)
        response.headers["Retry-After"] = str(refused.wait)
        return response
    if principal is None:
        text = "Ce jeton n'est pas valide (inconnu ou révoqué)."
        return signin_page(request, context, 401, {"kind": "error", "text": text}, suite)
    _, cookie = context.sessions.open(principal.token_id, context.now())
    response = RedirectResponse(safe_next(suite), status_code=303)
    max_age = int(SESSION_LENGTH.total_seconds())
    set_cookie(response, SESSION_COOKIE, cookie, _secure(request), max_age)
    clear_cookie(response, SIGNIN_COOKIE, _secure(request))
    return response


@signed_only.post("/deconnexion")
def signout(
    request: Request, context: Context, signed: PageReader, csrf_token: Field = ""
) -> Response:
    """Close the session: its cookie is refused from now on."""
    if not csrf_valid(signed.session, csrf_token):
        return RedirectResponse("/", status_code=303)
    context.sessions.close(signed.session, context.now())
    response = RedirectResponse("/connexion?sortie=1", status_code=303)
    clear_cookie(response, SESSION_COOKIE, _secure(request))
    return response
