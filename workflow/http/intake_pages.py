"""Creating a draft convention from the dashboard: by its form, or from its document.

`/nouvelle-convention` shows the form (admins only). "Prévisualiser les échéances" checks it as
`convflow import` checks a file and shows the deadlines its clauses create; "Enregistrer le
brouillon" saves it in `draft`. `/nouvelle-convention/document` reads an uploaded convention
(.pdf with a text layer, .docx, .txt) as `convflow extract` does and opens the form filled,
each value with the sentence it was read from, for the administrator to review and confirm;
what it could not find is listed. `/conventions/REF/modifier` edits a draft the same way,
until it is submitted (then an amendment is the way). Nothing is saved before the
administrator confirms, and a refusal names each field beside its input. A draft to complete
(an SCDL row, workflow.http.draft_pages) opens in the same form, its number in a hidden input:
saving creates the convention and takes the draft off the list in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from states.calendar import civil_date
from states.errors import ConvflowError, DuplicateReference, InvalidInput, ReferenceDiffersByCase
from states.inputs import is_digits
from workflow.files import fields as file_fields
from workflow.files.convention_file import ConventionFile, file_data, parse_mapping
from workflow.http import intake_form
from workflow.http.addresses import in_address
from workflow.http.api import checked
from workflow.http.auth import Context, PageAdmin, SignedIn, page_reader
from workflow.http.context import HttpContext
from workflow.http.convention_pages import form_version
from workflow.http.errors import FRENCH, status_of
from workflow.http.intake_api import read_capped
from workflow.http.pages import page_context
from workflow.http.posted import csrf_refused, posted
from workflow.usecases.commands import ImportConvention
from workflow.usecases.conventions import draft_to_edit, edit_draft, import_convention
from workflow.usecases.intake_drafts import complete_draft
from workflow.usecases.preview import preview
from workflow.wording.refusals import problem_text, say

router = APIRouter(dependencies=[Depends(page_reader)], include_in_schema=False)
SOURCE = "tableau de bord"
"""How the history names a convention created from the dashboard."""
ARTICLES = {"title": "intitulé", "parties": "désignation des parties", "signatures": "signatures"}
"""Where a value was read, outside the articles, as the form says it."""
QUOTE = "quote:"
"""The hidden inputs that carry, through a preview, the quote each value was read from."""
WHOLE = ("", "file")
"""What a refusal about the whole convention names (a rule between fields: the schedule)."""


def _targets(context: HttpContext) -> dict[str, int]:
    settings = context.app.settings
    return {
        "payment_target_days": settings.payment_target_days,
        "signature_target_days": settings.signature_target_days,
    }


def form_page(
    context: HttpContext, signed: SignedIn, given: Mapping[str, str], *, status: int = 200,
    said: intake_form.Said | None = None, extra: Mapping[str, Any] | None = None,
    editing: str | None = None,
) -> Response:  # fmt: skip
    """The form, filled with `given`, with what is said beside its inputs."""
    form = intake_form.groups(given, said)
    shown = intake_form.shown(form)
    data = {
        **page_context(context, signed, "conventions"),
        "groups": form,
        "carried": {k: v for k, v in given.items() if k not in shown and _carried(k)},
        "problems": intake_form.summary(form, said),
        "editing": editing,
        "upload_error": None,
        "read_from": None,
        "missing": [],
        "doubts": [],
        "preview": None,
        "version": "",
        "intake_draft": None,
        "facts": [],
        "action": f"/conventions/{in_address(editing)}/modifier"
        if editing
        else "/nouvelle-convention",
        **(extra or {}),
    }
    return context.pages.response("new_convention.html", data, status)


def _carried(name: str) -> bool:
    """A file field the form has no input for, carried in a hidden one (read from a
    document: the article of a clause, how a period counts)."""
    path = file_fields.parts(name)
    return path is not None and path[0] in intake_form.TOP_LEVEL


def refusal(
    error: ConvflowError, renamed: Mapping[str, str], quotes: Mapping[str, str]
) -> intake_form.Said:
    """A refusal said beside each input it is about (every problem of the file's checks),
    the quotes of a document read kept."""
    if not isinstance(error, InvalidInput):
        return intake_form.Said(quotes, {"": say(error, FRENCH).sentence})
    problems = {
        file_fields.original(error.field, renamed): problem_text(
            FRENCH, error.code, error.own_params
        )
    }
    for other in error.params.get("others") or []:
        name = file_fields.original(str(other.get("field", "")), renamed)
        said = problem_text(FRENCH, str(other["code"]), other.get("params") or {})
        problems.setdefault(name, said)
    return intake_form.Said(quotes, problems)


def _parsed(context: HttpContext, data: Mapping[str, Any]) -> ConventionFile:
    return parse_mapping(data, SOURCE, **_targets(context))


@router.get("/nouvelle-convention")
def new_convention(context: Context, signed: PageAdmin) -> Response:
    """The blank form (a draft is created by admins only)."""
    return form_page(context, signed, {})


@router.post("/nouvelle-convention")
async def create(request: Request, context: Context, signed: PageAdmin) -> Response:
    """Check the form; preview its deadlines, or save it as a draft."""
    form = await posted(request, signed)
    if form is None:
        return csrf_refused(context, signed)
    return await run_in_threadpool(_checked_then, context, signed, form, None)


def _checked_then(
    context: HttpContext, signed: SignedIn, form: dict[str, str], editing: str | None
) -> Response:
    """Preview or save the form's convention; or the form again with each refusal."""
    given = intake_form.file_fields_of(form)
    quotes = {k.removeprefix(QUOTE): v for k, v in form.items() if k.startswith(QUOTE)}
    data, renamed = intake_form.to_file(form)
    try:
        if editing is not None:
            data = _merged(context, editing, data)
        parsed = _parsed(context, data)
        if form.get("action") != "save":
            today = civil_date(context.now())
            rows = preview(parsed.convention, today, context.app.legal)
            extra = {"preview": rows, "version": form.get("version", ""),
                     "intake_draft": _draft_number(form)}  # fmt: skip
            said = intake_form.Said(quotes=quotes)
            return form_page(context, signed, given, said=said, extra=extra, editing=editing)
        if editing is not None:
            with context.app.uow(read_only=True) as uow:
                before = file_data(uow.conventions.get(editing))
            after = file_data(parsed.convention)
            changed = sorted(key for key in after if after[key] != before.get(key))
            edit_draft(context.app, parsed.convention, signed.principal.actor, changed,
                       context.now(), form_version(form.get("version", "")))  # fmt: skip
            return RedirectResponse(
                f"/conventions/{in_address(editing)}?enregistre=edit_draft", 303
            )
        command = ImportConvention(parsed.convention, signed.principal.actor, SOURCE)
        draft = _draft_number(form)
        if draft is not None:  # opened from a draft to complete: it goes in the same transaction
            done = complete_draft(context.app, draft, command, context.now())
        else:
            done = import_convention(context.app, command, context.now())
    except (DuplicateReference, ReferenceDiffersByCase) as error:
        said = intake_form.Said(quotes, {"reference": say(error, FRENCH).sentence})
        return form_page(context, signed, given, status=409, said=said, editing=editing,
                         extra={"intake_draft": _draft_number(form)})  # fmt: skip
    except ConvflowError as error:
        return form_page(context, signed, given, status=status_of(error),
                         said=refusal(error, renamed, quotes), editing=editing,
                         extra={"version": form.get("version", ""),
                                "intake_draft": _draft_number(form)})  # fmt: skip
    return RedirectResponse(f"/conventions/{in_address(done.reference)}?enregistre=create", 303)


def _draft_number(form: Mapping[str, str]) -> int | None:
    """The draft to complete the form was opened from (its hidden input), if any."""
    text = form.get("intake_draft", "")
    return int(text) if is_digits(text) and len(text) <= 12 else None


def _merged(context: HttpContext, reference: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The draft's terms with the form's: the form shows every term it can change, so a
    blank input returns to its default; what it does not show (reminder offsets, articles)
    stays as the draft has it."""
    current = file_data(draft_to_edit(context.app, reference))
    kept = {k: v for k, v in current["clauses"].items() if k not in _FORM_CLAUSES}
    return {
        **current,
        **changes,
        "reference": reference,
        "clauses": {**kept, **changes.get("clauses", {})},
        "payment": changes.get("payment", {"instalments": []}),
    }


_FORM_CLAUSES = frozenset(name.removeprefix("clauses.") for name in intake_form.CLAUSES)


@router.post("/nouvelle-convention/document")
async def from_document(
    request: Request, context: Context, signed: PageAdmin, file: UploadFile
) -> Response:
    """Read an uploaded convention and open the form filled from it, nothing saved."""
    if await posted(request, signed) is None:
        return csrf_refused(context, signed)
    return await run_in_threadpool(_read_document, context, signed, file)


def _read_document(context: HttpContext, signed: SignedIn, file: UploadFile) -> Response:
    from workflow.files.extract import extract, read_upload

    try:
        extraction = extract(read_upload(read_capped(file), name=file.filename))
    except ConvflowError as error:
        said = say(error, FRENCH).sentence
        return form_page(context, signed, {}, status=status_of(error),
                         extra={"upload_error": said})  # fmt: skip
    given, quotes = {}, {}
    for name, found in extraction.fields.items():
        value = found.value
        given[name] = file_fields.text_of(value)
        quotes[name] = (
            f"{ARTICLES.get(found.article, found.article)}\u00a0: «\u00a0{found.quote}\u00a0»"
        )
    for name in [n for n in given if n.endswith(".share")]:
        # The form has one input per instalment, its amount or its share ("60 %"): the amount
        # when the text gives it (« 70 %, soit 31 850,00 € », its quote beside it), else the
        # share as the input takes it. The extraction writes a share with its sign ("70%").
        share, amount = given.pop(name), name.removesuffix(".share") + ".amount"
        quote = quotes.pop(name, None)
        if amount not in given:
            given[amount] = f"{share.removesuffix('%').strip()} %"
            if quote is not None:
                quotes.setdefault(amount, quote)
    extra = {
        "read_from": file.filename or "document",
        "missing": [intake_form.place_label(gap.field) for gap in extraction.gaps],
        "doubts": [
            f"{intake_form.place_label(d.field)}\u00a0: {d.said(FRENCH.sentence)}"
            for d in extraction.doubts
        ],
    }
    return form_page(context, signed, given, said=intake_form.Said(quotes=quotes), extra=extra)


@router.get("/conventions/{reference:reference}/modifier")
def edit_form(context: Context, signed: PageAdmin, reference: str) -> Response:
    """A draft's form, filled with its terms; once submitted, refused naming its state."""
    reference = checked(reference)
    with context.app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
    if convention.state != "draft":
        return RedirectResponse(f"/conventions/{in_address(reference)}", 303)
    given = file_fields.flat(file_data(convention))
    return form_page(context, signed, given, editing=reference,
                     extra={"version": convention.version})  # fmt: skip


@router.post("/conventions/{reference:reference}/modifier")
async def edit(request: Request, context: Context, signed: PageAdmin, reference: str) -> Response:
    """Preview or save a draft's new terms."""
    form = await posted(request, signed)
    if form is None:
        return csrf_refused(context, signed)
    form["reference"] = checked(reference)
    return await run_in_threadpool(_checked_then, context, signed, form, reference)
