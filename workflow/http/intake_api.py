"""Conventions coming in through the API: created from the file's fields, a draft edited, a
document read (admin role only).

`POST /api/v1/conventions` takes the convention file's fields as JSON (dates and amounts as
text) and runs the checks `convflow import` runs; `PATCH /api/v1/conventions/{reference}`
changes some fields of a draft (409 once submitted: an amendment is then the way);
`POST /api/v1/extract` reads an uploaded document (.txt, .pdf with a text layer, .docx) as
`convflow extract --json` does. A refusal is a 422 naming each field's problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Body, Depends, Request, UploadFile

from states.errors import InvalidInput
from workflow.files.convention_file import file_data, parse_mapping
from workflow.http import addresses  # noqa: F401  (the {reference:reference} of routes)
from workflow.http.api import checked
from workflow.http.auth import Admin, Context, api_reader
from workflow.http.errors import client_words
from workflow.http.json_body import StrictJsonRoute
from workflow.http.schemas import Problem
from workflow.usecases import views
from workflow.usecases.commands import ImportConvention
from workflow.usecases.conventions import draft_to_edit, edit_draft, import_convention

SOURCE = "API"
"""How the history names a convention created through the API (one of `NOT_FILES`)."""
MAX_DOCUMENT = 20 * 1024 * 1024
"""The largest document `POST /api/v1/extract` reads (a convention is a few hundred kB)."""
_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"model": Problem, "description": "the token's role does not allow this"},
    409: {
        "model": Problem,
        "description": "the reference exists, or the convention is no longer a draft",
    },
    422: {
        "model": Problem,
        "description": "a field is missing or wrong: `params.field`, and "
        "every other problem in `params.others` (the first 199; past them, "
        "`params.problems_not_shown` counts the rest)",
    },
}
router = APIRouter(
    prefix="/api/v1",
    responses=_REFUSED,
    dependencies=[Depends(api_reader)],
    route_class=StrictJsonRoute,
)
FileFields = Body(
    ...,
    description="the convention file's fields, as JSON: reference, title, object, amount "
    "(text, '200000.00'), end_date (ISO), place, parties[], optional clauses, reminders, "
    "payment.instalments[], history[]",
)


def _targets(context: Context) -> dict[str, int]:
    settings = context.app.settings
    return {
        "payment_target_days": settings.payment_target_days,
        "signature_target_days": settings.signature_target_days,
    }


@router.post("/conventions", status_code=201, summary="Create a draft convention (admin)")
def create(context: Context, principal: Admin, body: dict[str, Any] = FileFields) -> dict[str, Any]:
    """A new convention in draft, from the file's fields; its past events (`history`) are
    replayed as `convflow import` does."""
    parsed = parse_mapping(body, SOURCE, **_targets(context))
    command = ImportConvention(parsed.convention, principal.actor, SOURCE, parsed.history)
    done = import_convention(context.app, command, context.now())
    return dict(views.status(context.app, done.reference))


@router.patch(
    "/conventions/{reference:reference}", summary="Change some fields of a draft convention (admin)"
)
def edit(
    context: Context, principal: Admin, reference: str, body: dict[str, Any] = FileFields
) -> dict[str, Any]:
    """Change the fields given (a table such as `clauses` is merged key by key; a list such as
    `parties` is replaced whole); the reference itself does not change. Refused once the
    convention is submitted for signature: an amendment is then the way."""
    reference = checked(reference)
    current = draft_to_edit(context.app, reference)  # its state first: 409 not_a_draft
    if "reference" in body and body["reference"] != reference:
        raise InvalidInput("reference", "reference_unchanged", reference=reference)
    if "history" in body:
        raise InvalidInput("history", "history_at_creation_only")
    merged = _report_as_given(_committee_article(_merged(file_data(current), body), body), body)
    parsed = parse_mapping(merged, SOURCE, **_targets(context))
    version = body.get("expected_version")
    fields = sorted(key for key in body if key != "expected_version")
    edit_draft(context.app, parsed.convention, principal.actor, fields, context.now(),
               version if isinstance(version, int) else None)  # fmt: skip
    return dict(views.status(context.app, reference))


def _merged(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The draft's fields with `changes` applied: tables merged key by key, the rest replaced."""
    merged = dict(current)
    for key, value in changes.items():
        if key == "expected_version":
            continue
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _committee_article(merged: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A `committee` table given with its article says the committee's article, as its table
    does in a file unless `clauses.articles` says one: the draft's own article is not held
    against it. A table without one (its name alone), or a `committee` of null (no table),
    leaves the article the draft's clauses keep."""
    clauses, given = merged.get("clauses"), changes.get("clauses")
    articles_given = given.get("articles") if isinstance(given, Mapping) else None
    table = changes.get("committee")
    if not isinstance(table, Mapping) or "article" not in table or not isinstance(clauses, Mapping):
        return merged
    if isinstance(articles_given, Mapping) and "committee" in articles_given:
        return merged
    articles = clauses.get("articles")
    if isinstance(articles, Mapping):
        kept = {key: value for key, value in articles.items() if key != "committee"}
        merged = {**merged, "clauses": {**clauses, "articles": kept}}
    return merged


def _report_as_given(merged: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """A `financial_report` given that leaves none owed is taken as given: the draft's year
    and the rest of its report go with the report it drops, as a file without the table
    says none (a year given with it is refused: report_year_without_report)."""
    given, report = changes.get("financial_report"), merged.get("financial_report")
    if not isinstance(given, Mapping) or not isinstance(report, Mapping):
        return merged
    if report.get("basis", "not_required") != "not_required":
        return merged
    return {**merged, "financial_report": dict(given)}


@router.post("/extract", summary="Read a convention document into the file's fields (admin)")
def extract(
    request: Request, context: Context, principal: Admin, file: UploadFile
) -> dict[str, Any]:
    """What `convflow extract --json` gives for the uploaded document: {"fields": {NAME:
    {"value", "article", "quote"}}, "missing", "warnings"}, and the convention file drafted
    from it (`toml`), named after the uploaded file. The warnings and the file's comments are
    in the client's language (Accept-Language, else the setting). Nothing is stored."""
    from workflow.files.extract import extract as read_clauses
    from workflow.files.extract import read_upload, to_json, to_toml

    extraction = read_clauses(read_upload(read_capped(file), name=file.filename))
    say = client_words(request).sentence
    return {**to_json(extraction, say), "toml": to_toml(extraction, say)}


def read_capped(file: UploadFile) -> bytes:
    """An uploaded document's bytes, refused past `MAX_DOCUMENT`."""
    content = file.file.read(MAX_DOCUMENT + 1)
    if len(content) > MAX_DOCUMENT:
        raise InvalidInput("file", "document_too_large", most=str(MAX_DOCUMENT))
    return content
