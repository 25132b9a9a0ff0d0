"""Builds the web app: the JSON API, the dashboard, their errors, headers and static files."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import secrets
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from states.errors import ConvflowError
from states.visible import visible
from storage.engine import DRIVER_ERROR, DatabaseRefused, refusal_of
from workflow.bootstrap import App
from workflow.http import (
    amendments,
    api,
    convention_pages,
    documents_api,
    draft_pages,
    import_pages,
    intake_api,
    intake_pages,
    pages,
    signin,
)
from workflow.http.addresses import EncodedSlashes
from workflow.http.auth import AdminOnly, SignInRequired
from workflow.http.context import HttpContext, context_of
from workflow.http.errors import (
    ENGLISH,
    RETRY_AFTER,
    api_error,
    client_words,
    french,
    public,
    status_of,
)
from workflow.http.health import probes
from workflow.http.limits import BodyLimit, BodyTooLarge
from workflow.http.openapi import with_refusals
from workflow.http.rendering import Pages
from workflow.http.security import SecurityHeaders, redact_access_log
from workflow.http.sessions import Sessions
from workflow.http.unreadable import reason
from workflow.ops.health import ServiceHealth
from workflow.ops.metrics import Metrics
from workflow.wording.refusals import say

STATIC = Path(__file__).with_name("static")
log = logging.getLogger("convflow.http")
DESCRIPTION = """The lifecycle of the partnership conventions of the Métropole
Aix-Marseille-Provence.

Every route needs a token from `convflow token create --name NAME --role admin|viewer`, sent as
`Authorization: Bearer TOKEN`: `viewer` reads, `admin` also records events. Calendar feeds
(`.ics`) also accept `?token=TOKEN`, a viewer token, for calendar clients that cannot send
headers. Refusals: 401 no valid token, 403 role (or an admin token in a calendar's address), 404
unknown convention, 409 refused by the lifecycle or changed meanwhile, 413 a body too large, 422
malformed input, 429 too many tokens refused from this address (a valid token is still
accepted), 503 the database does not answer. Their body says why:
`code` (stable) and `params` (dates ISO, amounts as text) for programs, `message` in the
language of `Accept-Language` (`fr` or `en`; the service's `CONVFLOW_LANGUAGE` otherwise),
`detail` in English."""


def _secret(app: App) -> bytes:
    # The sign-in form's nonce is signed with the configured secret, or one derived from this
    # database's own salt: every instance on the database, and a restart, accept it.
    configured = app.settings.values.get("session_secret")
    if configured:
        return str(configured).encode("utf-8")
    if app.mailer.salt:
        return hmac.new(app.mailer.salt.encode(), b"convflow-signin", hashlib.sha256).digest()
    return secrets.token_bytes(32)


class HttpRefused(ConvflowError):
    """A request refused by the web layer itself: an unknown address, a body it cannot read."""


def refused_body(request: Request, refusal: HttpRefused, detail: Any) -> dict[str, Any]:
    """The body of a refusal of the web layer: as every other refusal's (`detail`, `error`,
    `code`, `params`, `message`), `detail` FastAPI's or Starlette's own."""
    said = say(refusal, client_words(request)).as_json()
    return {"detail": detail, "error": type(refusal).__name__, **said}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    context = context_of(request)
    data = {**pages.page_context(context, None, ""), "title": title, "message": message}
    return context.pages.response("error.html", data, status)


async def _domain_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ConvflowError)
    if public(error) is not error:  # the database's own words: for the log, not the client
        log.warning("%s %s: %s", request.method, request.url.path, say(error, ENGLISH).message)
    if _is_api(request):
        return api_error(request, error)
    message = french(public(error)).sentence
    status = status_of(error)
    title = "Service indisponible" if status == 503 else "Demande refusée"
    response = _error_page(request, status, title, message)
    if status == 503:
        response.headers.update(RETRY_AFTER)
    return response


async def _database_error(request: Request, error: Exception) -> Response:
    """A database error no use case expected (the server gone, a statement refused): a 503
    in the usual words, and one line in the log instead of a traceback."""
    url = context_of(request).app.settings.database_url
    refusal = refusal_of(url, error) or DatabaseRefused(type(error).__name__)
    return await _domain_error(request, refusal)


def _http_refusal(error: HTTPException) -> HttpRefused:
    status = error.status_code
    if isinstance(error, BodyTooLarge):
        return HttpRefused("body_too_large", most=error.most)
    if status == 404:
        return HttpRefused("not_found")
    if status == 405:
        return HttpRefused("method_not_allowed")
    return HttpRefused("http_error", status=status)


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if _is_api(request):
        body = refused_body(request, _http_refusal(error), error.detail)
        return JSONResponse(body, status_code=error.status_code, headers=error.headers)
    title = "Page introuvable" if error.status_code == 404 else "Demande refusée"
    message = _HTTP_MESSAGES.get(error.status_code, str(error.detail))
    if isinstance(error, BodyTooLarge):
        message = french(_http_refusal(error)).sentence
    return _error_page(request, error.status_code, title, message)


_HTTP_MESSAGES = {
    404: "Cette adresse ne correspond à aucune page.",
    405: "Cette adresse ne s'utilise pas de cette façon\u00a0: passez par les pages du tableau de "
    "bord.",
}


async def _invalid_request(request: Request, error: Exception) -> Response:
    """A request the API cannot read: FastAPI's `detail`, and the fields as a refusal, with
    the reason of each (`reasons`: what is wrong, how to write it). A refusal of convflow's own
    raised while the body is read (a JSON number with a decimal point for an amount) is
    answered as itself."""
    assert isinstance(error, RequestValidationError)
    raw = list(error.errors())
    for found in raw:
        refused = (found.get("ctx") or {}).get("error")
        if isinstance(refused, ConvflowError):
            return await _domain_error(request, refused)
    cause = error.__cause__
    reasons = [jsonable_encoder(reason(request, found, error.body, cause)) for found in raw]
    problems = [_written_out(_brief_input(p)) for p in _finite(jsonable_encoder(raw))]
    fields = [".".join(str(part) for part in problem["loc"]) for problem in problems]
    refusal = HttpRefused("invalid_request", fields=fields, reasons=reasons)
    return JSONResponse(refused_body(request, refusal, problems), status_code=422)


def _finite(value: Any) -> Any:
    """A problem's echo of the input, writable as JSON: NaN and infinities as text (JSON has
    none of them; echoing them back made a 500 of a bad request)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


ECHO_MOST = 200
"""How much of a refused input a 422 repeats (in characters of its JSON): a prefix, not a copy
of a large body."""


def _brief_input(problem: dict[str, Any]) -> dict[str, Any]:
    """A problem whose echo of the input (`input`) is cut to `ECHO_MOST` characters of JSON."""
    if "input" not in problem:
        return problem
    text = json.dumps(problem["input"], ensure_ascii=False)
    if len(text) <= ECHO_MOST:
        return problem
    return {**problem, "input": text[:ECHO_MOST] + "…"}


def _written_out(value: Any) -> Any:
    """A problem of FastAPI's `detail` with the control and invisible characters of what it
    echoes (the input, a key in `loc`) written out (a bidi override reorders a terminal's
    line), as every refusal's `params` write them."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible(str(key)): _written_out(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_written_out(item) for item in value]
    return value


async def _nested_too_deep(request: Request, error: Exception) -> Response:
    """A body nested thousands deep: refused as unreadable, not a crash."""
    too_deep = {"field": "body", "reason": "too_deep"}
    refusal = HttpRefused("invalid_request", fields=["body"], reasons=[too_deep])
    body = refused_body(request, refusal, "the body is nested too deeply")
    return JSONResponse(body, status_code=422)


async def _sign_in_required(request: Request, error: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    message = {"kind": "info", "text": "Connectez-vous avec votre jeton pour continuer."}
    return signin.signin_page(request, context_of(request), 401, message, target)


async def _admin_only(request: Request, error: Exception) -> Response:
    message = (
        "Votre jeton permet de consulter, pas d'enregistrer\u00a0: "
        "demandez un jeton administrateur."
    )
    return _error_page(request, 403, "Action réservée aux administrateurs", message)


ROUTERS = (
    probes,
    api.calendars,
    amendments.router,
    intake_api.router,
    documents_api.router,
    api.readers,
    signin.public,
    signin.signed_only,
    intake_pages.router,
    import_pages.router,
    draft_pages.router,
    convention_pages.router,
    pages.router,
)
"""Every router the app serves; each route in them depends on a token or a session, but
those of `signin.public` (the sign-in form itself) and the operator's `probes` (health and
metrics). Order matters: a reference may hold a slash, so `/conventions/{reference}` comes after
the routes below it (`.../calendar.ics`); a slash written `%2F` stays in the reference
(workflow.http.addresses)."""


def create_http_app(
    app: App, health: ServiceHealth | None = None, metrics: Metrics | None = None
) -> FastAPI:
    """The HTTP API and the dashboard, on the service layer of `app`; the running service's
    health and metrics when the scheduler runs in this process."""
    web = FastAPI(
        title="convflow",
        version=version("convflow"),
        description=DESCRIPTION,
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: nothing from outside
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    web.openapi = with_refusals(web)  # type: ignore[method-assign]
    web.state.convflow = HttpContext(
        app, Sessions(app, _secret(app)), Pages(), metrics or Metrics(app), health
    )
    web.add_exception_handler(ConvflowError, _domain_error)
    web.add_exception_handler(DRIVER_ERROR, _database_error)
    web.add_exception_handler(HTTPException, _http_error)
    web.add_exception_handler(RequestValidationError, _invalid_request)
    web.add_exception_handler(RecursionError, _nested_too_deep)
    web.add_exception_handler(SignInRequired, _sign_in_required)
    web.add_exception_handler(AdminOnly, _admin_only)
    for router in ROUTERS:
        web.include_router(router)
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    web.add_middleware(EncodedSlashes)  # innermost: routes `/conventions/A%2FB` to A/B itself
    upload_most = max(app.settings.document_max_bytes, intake_api.MAX_DOCUMENT)
    web.add_middleware(BodyLimit, upload_most=upload_most, refuse=_http_error)
    web.add_middleware(SecurityHeaders)  # outermost: on every answer, a 413 included
    redact_access_log()
    return web
