"""Refusals at the HTTP edge: the status each one means, and its words.

The API answers a refusal with its `code` and `params` (stable, for programs), its `message`
in the language the client asks (`Accept-Language: fr` or `en`; the `CONVFLOW_LANGUAGE`
setting when it asks neither), `detail` (the message in English, as before) and `error` (the
class's name). The pages say it in French, beside the field it is about.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from states.errors import (
    ConcurrentChange,
    ConvflowError,
    DuplicateReference,
    InvalidInput,
    InvalidTerm,
    LifecycleError,
    ReferenceDiffersByCase,
    UnknownEvent,
)
from storage.engine import DatabaseRefused, DatabaseUnreachable
from workflow.http.context import context_of
from workflow.usecases.documents import DocumentCorrupted
from workflow.usecases.tokens import TokenExists
from workflow.usecases.web_sessions import TooManyRefusals
from workflow.wording.catalogue import language_of, negotiate
from workflow.wording.refusals import Said, say
from workflow.wording.words import Words

ENGLISH, FRENCH = Words("en"), Words("fr")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="convflow"'}


class Unauthenticated(ConvflowError):
    """No token, or not a valid one (401)."""


class Forbidden(ConvflowError):
    """The token's role does not allow this (403)."""


class ServiceUnavailable(ConvflowError):
    """The service cannot reach its database now (503): what a client is told. The database's
    address and its driver's words go to the log only, as the client may be anyone: while the
    database is away, not even a token can be checked."""

    def __init__(self) -> None:
        super().__init__("service_unavailable")


RETRY_AFTER = {"Retry-After": "30"}  # seconds: about the pool's wait for a server coming back


def public(error: ConvflowError) -> ConvflowError:
    """A refusal as the HTTP edge tells it: the database's own refusals as ServiceUnavailable."""
    return (
        ServiceUnavailable() if isinstance(error, DatabaseUnreachable | DatabaseRefused) else error
    )


def status_of(error: ConvflowError) -> int:
    """The HTTP status a refusal means."""
    if isinstance(error, DatabaseUnreachable | DatabaseRefused | ServiceUnavailable):
        return 503  # the service cannot serve it now; the request itself may be right
    if isinstance(error, TooManyRefusals):
        return 429
    if isinstance(error, Unauthenticated):
        return 401
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, LookupError):  # an unknown convention, amendment or token
        return 404
    if isinstance(error, InvalidInput | UnknownEvent):
        return 422
    if isinstance(
        error,
        LifecycleError
        | ConcurrentChange
        | DuplicateReference
        | ReferenceDiffersByCase
        | TokenExists
        | DocumentCorrupted,
    ):
        return 409
    return 400


def client_words(request: Request) -> Words:
    """The words a client of the API asks for: its Accept-Language, else the setting."""
    setting = getattr(context_of(request).app.settings, "language", None)
    return Words(negotiate(request.headers.get("accept-language"), language_of(setting)))


def problem(request: Request, error: ConvflowError) -> dict[str, Any]:
    """The body of a refusal: `detail` (English) and `error` (class) as before, and
    `code`, `params` and `message` (in the client's language)."""
    return {
        "detail": say(error, ENGLISH).message,
        "error": error_name(error),
        **say(error, client_words(request)).as_json(),
    }


def error_name(error: ConvflowError) -> str:
    """A refusal's `error`, the class clients read: an amendment's change refused is said as
    the term it changes (InvalidTerm) but stays an `InvalidInput`, as it always was."""
    return "InvalidInput" if isinstance(error, InvalidTerm) else type(error).__name__


def api_error(request: Request, error: ConvflowError) -> JSONResponse:
    """The API's answer to a refusal: its status and its body."""
    error = public(error)
    status = status_of(error)
    headers = CHALLENGE if status == 401 else RETRY_AFTER if status == 503 else None
    if isinstance(error, TooManyRefusals):
        headers = {"Retry-After": str(error.wait)}
    return JSONResponse(problem(request, error), status_code=status, headers=headers)


def french(error: ConvflowError) -> Said:
    """What went wrong, for the dashboard: in French, with the field it is about."""
    return say(error, FRENCH)
