"""A form posted to the dashboard: its text fields, once its CSRF token is checked.

Every page form that changes something (or reads an upload) carries the session's CSRF token;
a form without it, or with another session's, is refused with the same French page, and
nothing is done.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from workflow.http.auth import SignedIn
from workflow.http.context import HttpContext
from workflow.http.pages import page_context
from workflow.http.sessions import csrf_valid

Form = dict[str, str]
CSRF_REFUSED = {
    "title": "Formulaire expiré",
    "message": "Ce formulaire n'est plus valide (page ouverte avant une reconnexion, ou envoyée "
    "depuis un autre site). Rien n'a été enregistré\u00a0: rechargez la page et recommencez.",
}


async def posted(request: Request, signed: SignedIn) -> Form | None:
    """The form's text fields (an upload's file is read by the route), or None when its CSRF
    token is not the session's."""
    form = {key: value for key, value in (await request.form()).items() if isinstance(value, str)}
    return form if csrf_valid(signed.session, form.get("csrf_token")) else None


def csrf_refused(context: HttpContext, signed: SignedIn) -> Response:
    """The page that says a form was refused for its CSRF token (403)."""
    data = {**page_context(context, signed, "conventions"), **CSRF_REFUSED}
    return context.pages.response("error.html", data, 403)
