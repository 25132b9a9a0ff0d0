"""One convention's page, and the forms that record its events and amendments.

Every route needs a signed-in session; the forms also need an admin token and the session's
CSRF token. A refused form shows the page again, with the reason in French and the form
refilled; an accepted one redirects to the page (post/redirect/get), which says what was done.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from states.calendar import civil_date
from states.documents import DOCUMENT_KINDS
from states.errors import ConvflowError, InvalidInput
from states.inputs import is_digits, parse_day
from states.lifecycle import EVENTS
from workflow.http.addresses import in_address
from workflow.http.api import checked
from workflow.http.auth import Context, PageAdmin, PageReader, SignedIn, page_reader
from workflow.http.context import HttpContext
from workflow.http.errors import french, status_of
from workflow.http.forms import (
    CHANGE,
    amendment_forms,
    award_form,
    committee_form,
    draft_form,
    event_forms,
    read_dates,
    submitted,
)
from workflow.http.pages import csv_response, page_context
from workflow.http.posted import csrf_refused, posted
from workflow.http.schemas import MAX_AMENDMENT
from workflow.usecases import csv_export, views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event, record_side
from workflow.usecases.documents import Attach, attach, read
from workflow.usecases.letters import DRAFTED, WHEN, render_letter
from workflow.wording import dashboard as labels
from workflow.wording.refusals import Said, sentence

router = APIRouter(dependencies=[Depends(page_reader)], include_in_schema=False)
Form = dict[str, str]


def done_text(done: str | None) -> str | None:
    """What an accepted form did, from the address it redirected to (never echoed as is)."""
    if done in EVENTS:
        return labels.action(done)
    if done == "amend":
        return "Proposer un avenant"
    if done in ("record_award", "committee_meeting"):
        return labels.action(done)
    if done == "create":
        return "Créer la convention en brouillon"
    if done == "edit_draft":
        return "Modifier le brouillon"
    kind, _, number = (done or "").rpartition("-")
    if kind.startswith("amendment_") and is_digits(number):
        return labels.amendment_action(kind.removeprefix("amendment_"), int(number))
    return None


def convention_page(
    context: HttpContext,
    signed: SignedIn,
    reference: str,
    *,
    status: int = 200,
    refusal: Said | None = None,
    failed: str | None = None,
    given: Form | None = None,
    done: str | None = None,
) -> Response:
    """One convention's page; after a refused form, with the reason and that form refilled."""
    view, history, papers = views.convention_views(context.app, checked(reference), context.now())
    admin = signed.principal.is_admin
    refill = given if failed else None
    data = {
        **page_context(context, signed, "conventions"),
        "view": view,
        "party_names": {party["key"]: party["name"] for party in view["parties"]},
        "history": history,
        "visited": frozenset(row["to_state"] for row in history),
        "forms": event_forms(view, refill) if admin else [],
        "draft_form": draft_form(view, refill) if admin else None,
        "award_form": award_form(view, refill if failed == "record_award" else None)
        if admin
        else None,
        "committee_form": committee_form(view, refill if failed == "committee_meeting" else None)
        if admin
        else None,
        "amendment_forms": amendment_forms(view, refill) if admin else [],
        "error": _refused(refusal, view, history),
        "error_field": _form_field(refusal),
        "error_problem": sentence(refusal.problem) if refusal else None,
        "failed": failed,
        "given_on": (given or {}).get("on", "") if failed else "",
        "done": done_text(done),
        "papers": papers,
        "document_kinds": DOCUMENT_KINDS,
        "letters": _letters(view) if admin else [],
        "drafted": [a["number"] for a in view["amendments"] if a["state"] in DRAFTED],
    }
    return context.pages.response("convention.html", data, status)


@router.get("/conventions/{reference:reference}/historique.csv")
def history_csv(context: Context, reference: str) -> Response:
    """One convention's history, as CSV."""
    rows = views.history(context.app, checked(reference))
    return csv_response(csv_export.history_csv(rows), "historique.csv")


def _refused(refusal: Said | None, view: Mapping[str, Any], history: list[Any]) -> str | None:
    """A refusal as the page says it; one for a change made meanwhile also names what the
    convention is now and the last event recorded, so that the reader knows what changed."""
    if refusal is None:
        return None
    if refusal.code != "concurrent_change" or not history:
        return refusal.sentence
    committee = (view.get("committee") or {}).get("name")
    return f"{refusal.sentence} {labels.changed_since(view['state'], history[-1], committee)}"


def _form_field(refusal: Said | None) -> str | None:
    """The form field a refusal is about, as the forms key it ('amount', 'end_date', 'on')."""
    if refusal is None or refusal.field is None:
        return None
    return refusal.field.removeprefix("change.")


def _letters(view: Mapping[str, Any]) -> list[str]:
    """The letters the convention's state calls for; an amendment's only while one is open."""
    drafted = any(a["state"] in DRAFTED for a in view["amendments"])
    return [kind for kind, states in WHEN.items()
            if view["state"] in states and (kind != "amendment" or drafted)]  # fmt: skip


def _day(form: Form) -> Any:
    return parse_day(form["on"], "on") if form.get("on") else None


def form_version(text: str) -> int | None:
    if not text:
        return None
    if not is_digits(text) or len(text) > 10:
        raise InvalidInput("version", "not_a_version", value=text[:20])
    return int(text)


async def _handle(
    request: Request, context: HttpContext, signed: SignedIn, reference: str,
    act: Callable[[Form], str], form_id: Callable[[Form], str], anchor: str,
) -> Response:  # fmt: skip
    """Check the CSRF token, act, then redirect; or show the page again with the reason."""
    form = await posted(request, signed)
    if form is None:
        return csrf_refused(context, signed)
    try:
        done = await run_in_threadpool(act, form)
    except ConvflowError as error:
        return await run_in_threadpool(
            convention_page, context, signed, reference, status=status_of(error),
            refusal=french(error), failed=form_id(form), given=form,
        )  # fmt: skip
    return RedirectResponse(f"/conventions/{in_address(reference)}?enregistre={done}#{anchor}", 303)


def _number(text: str) -> int:
    if not (is_digits(text) and len(text) <= 5 and 1 <= int(text) <= MAX_AMENDMENT):
        raise InvalidInput("number", "not_an_amendment_number", value=text[:20])
    return int(text)


@router.post("/conventions/{reference:reference}/avenants/{number}/evenements")
async def amendment_event(
    request: Request, context: Context, signed: PageAdmin, reference: str, number: str
) -> Response:
    """Submit, sign or abandon the amendment being drafted or signed."""

    def act(form: Form) -> str:
        command = RecordAmendmentEvent(
            checked(reference), _number(number), form.get("event", ""), signed.principal.actor,
            _day(form), submitted(form),
        )  # fmt: skip
        recorded = record_amendment_event(context.app, command, context.now())
        return f"amendment_{recorded.event}-{recorded.number}"

    def form_id(form: Form) -> str:
        return f"amendment-{number}-{form.get('event', '')}"

    return await _handle(request, context, signed, reference, act, form_id, "avenants")


@router.post("/conventions/{reference:reference}/avenants")
async def amend(request: Request, context: Context, signed: PageAdmin, reference: str) -> Response:
    """Draft an amendment with the changes filled in."""

    def act(form: Form) -> str:
        changes = submitted(form, CHANGE)
        try:
            command = DraftAmendment(
                checked(reference), read_dates(changes), signed.principal.actor, _day(form)
            )
            draft_amendment(context.app, command, context.now())
        except InvalidInput as error:  # name the term, not an event's input of the same key
            if error.field not in changes:
                raise
            raise error.about(f"change.{error.field}") from None
        return "amend"

    return await _handle(request, context, signed, reference, act, lambda _: "amend", "avenants")


@router.post("/conventions/{reference:reference}/evenements")
async def record(request: Request, context: Context, signed: PageAdmin, reference: str) -> Response:
    """Record one of the convention's events from its form."""

    def act(form: Form) -> str:
        command = RecordEvent(
            checked(reference), form.get("event", ""), signed.principal.actor, _day(form),
            submitted(form), form_version(form.get("version", "")),
        )  # fmt: skip
        return record_event(context.app, command, context.now()).event

    def form_id(form: Form) -> str:
        return form.get("event", "")

    return await _handle(request, context, signed, reference, act, form_id, "historique")


@router.post("/conventions/{reference:reference}/attribution")
async def award(request: Request, context: Context, signed: PageAdmin, reference: str) -> Response:
    """Record (or complete) the award decision from its form."""
    return await _side_record(request, context, signed, reference, "record_award", "attribution")


@router.post("/conventions/{reference:reference}/comite")
async def committee_meeting(
    request: Request, context: Context, signed: PageAdmin, reference: str
) -> Response:
    """Record a meeting of the steering committee (article 3) from its form."""
    return await _side_record(request, context, signed, reference, "committee_meeting", "comite")


async def _side_record(
    request: Request, context: HttpContext, signed: SignedIn, reference: str, trigger: str,
    anchor: str,
) -> Response:  # fmt: skip
    """A record beside the lifecycle, from its form: taken, or the page again with why."""

    def act(form: Form) -> str:
        command = RecordEvent(
            checked(reference), trigger, signed.principal.actor, _day(form), submitted(form),
            form_version(form.get("version", "")),
        )  # fmt: skip
        record_side(context.app, command, context.now())
        return trigger

    return await _handle(request, context, signed, reference, act, lambda _: trigger, anchor)


@router.post("/conventions/{reference:reference}/pieces")
async def attach_paper(
    request: Request, context: Context, signed: PageAdmin, reference: str, file: UploadFile
) -> Response:
    """Attach a paper from the convention's page (admins)."""
    form = await posted(request, signed)
    if form is None:
        return csrf_refused(context, signed)
    content = file.file.read(context.app.settings.document_max_bytes + 1)

    def act() -> Response:
        try:
            event = form.get("event", "").strip()
            if event and not (is_digits(event) and len(event) <= 7):
                raise InvalidInput("event", "not_an_event_number", value=event[:20])
            command = Attach(checked(reference), content, file.filename or "document",
                             form.get("kind", "other"), signed.principal.actor,
                             int(event) if event else None)  # fmt: skip
            attach(context.app, command, context.now())
        except ConvflowError as error:
            return convention_page(context, signed, reference, status=status_of(error),
                                   refusal=french(error))  # fmt: skip
        return RedirectResponse(f"/conventions/{in_address(reference)}#pieces", 303)

    return await run_in_threadpool(act)


LETTER_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@router.post("/conventions/{reference:reference}/lettres")
async def write_letter(
    request: Request, context: Context, signed: PageAdmin, reference: str
) -> Response:
    """A letter of the convention (dispute, termination, award), as PDF or Word: a download;
    a refusal shows the page again with its reason."""
    form = await posted(request, signed)
    if form is None:
        return csrf_refused(context, signed)

    def act() -> Response:
        fmt = form.get("format", "pdf")
        try:
            day = _day(form) or civil_date(context.now())
            number = _number(form["amendment"]) if form.get("amendment") else None
            content = render_letter(context.app, checked(reference), form.get("kind", ""), fmt,
                                    day, difficulty=form.get("difficulty", ""),
                                    amendment=number)  # fmt: skip
        except ConvflowError as error:
            return convention_page(context, signed, reference, status=status_of(error),
                                   refusal=french(error))  # fmt: skip
        name = f"lettre-{form.get('kind')}-{reference.replace('/', '-')}.{fmt}"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(content, media_type=LETTER_TYPES[fmt], headers=headers)

    return await run_in_threadpool(act)


@router.get("/pieces/{sha256}")
def paper(context: Context, signed: PageReader, sha256: str) -> Response:
    """Download a paper, its bytes checked against their SHA-256 first."""
    content, described = read(context.app, sha256.lower())
    name = quote(described["name"], safe="")
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    return Response(content, media_type=described["media_type"], headers=headers)


@router.get("/conventions/{reference:reference}/attribution")
def award_form_reloaded(signed: PageReader, reference: str) -> Response:
    """A refused form's address opened again: back to the convention's award decision."""
    return RedirectResponse(f"/conventions/{in_address(reference)}#attribution", 303)


@router.get("/conventions/{reference:reference}/comite")
def committee_form_reloaded(signed: PageReader, reference: str) -> Response:
    """A refused form's address opened again: back to the convention's committee."""
    return RedirectResponse(f"/conventions/{in_address(reference)}#comite", 303)


@router.get("/conventions/{reference:reference}/avenants/{number}/evenements")
def amendment_form_reloaded(signed: PageReader, reference: str, number: str) -> Response:
    """A refused form's address opened again (reloaded, bookmarked): back to the page."""
    return RedirectResponse(f"/conventions/{in_address(reference)}#avenants", 303)


@router.get("/conventions/{reference:reference}/avenants")
def amend_form_reloaded(signed: PageReader, reference: str) -> Response:
    """A refused form's address opened again: back to the convention's amendments."""
    return RedirectResponse(f"/conventions/{in_address(reference)}#avenants", 303)


@router.get("/conventions/{reference:reference}/evenements")
def event_form_reloaded(signed: PageReader, reference: str) -> Response:
    """A refused form's address opened again: back to the convention's page."""
    return RedirectResponse(f"/conventions/{in_address(reference)}#historique", 303)


@router.get("/conventions/{reference:reference}")
def convention(request: Request, context: Context, signed: PageReader, reference: str) -> Response:
    """Everything about one convention, and (for admins) the forms to record its events."""
    done = request.query_params.get("enregistre")
    return convention_page(context, signed, reference, done=done)
