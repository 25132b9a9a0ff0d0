"""A convention's papers over HTTP: readers list and download them, admins upload them.

Downloads check the bytes against their SHA-256 first: a mismatch is a 500-free refusal
(`document_corrupted`, 409), never a file. These routes come before the convention's own
(`/conventions/{reference}`): a reference may hold a slash.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, UploadFile
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from states.calendar import civil_date
from states.inputs import parse_day
from workflow.http import addresses  # noqa: F401  (the {reference:reference} of routes)
from workflow.http.api import checked
from workflow.http.auth import Admin, Context, api_reader
from workflow.http.json_body import StrictJsonRoute
from workflow.http.schemas import PLAIN, Problem
from workflow.usecases.documents import Attach, attach, documents, read

router = APIRouter(
    prefix="/api/v1",
    dependencies=[Depends(api_reader)],
    responses={404: {"model": Problem, "description": "no such convention or document"}},
    route_class=StrictJsonRoute,
)


@router.get("/conventions/{reference:reference}/documents", summary="A convention's papers")
def listed(context: Context, reference: str) -> list[dict[str, Any]]:
    """Each paper: sha256, name, kind, media_type, size, event, amendment, added_by..."""
    return documents(context.app, checked(reference))


@router.get("/documents/{sha256}", response_class=Response, summary="Download a paper")
def download(context: Context, sha256: str) -> Response:
    """The paper's bytes, checked against their SHA-256 (409 `document_corrupted` if not)."""
    content, described = read(context.app, sha256.lower())
    name = described["name"].replace('"', "")
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{_quoted(name)}"}
    return Response(content, media_type=described["media_type"], headers=headers)


def _quoted(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@router.post(
    "/conventions/{reference:reference}/documents",
    status_code=201,
    summary="Attach a paper (admin)",
    responses={422: {"model": Problem, "description": "refused: type, size, kind, target"}},
)
def upload(
    context: Context, principal: Admin, reference: str, file: UploadFile,
    kind: Annotated[str, Form()] = "other",
    event: Annotated[int | None, Form(ge=1, le=1_000_000)] = None,
    amendment: Annotated[int | None, Form(ge=1, le=10_000)] = None,
    received_on: Annotated[str | None, Form(max_length=40)] = None,
) -> dict[str, Any]:  # fmt: skip
    """Store the paper in the database and say what it proves; refused above the size limit
    or when its content is not a paper's (its type is read from the content)."""
    most = context.app.settings.document_max_bytes
    content = file.file.read(most + 1)
    received = parse_day(received_on, "received_on") if received_on else None
    command = Attach(checked(reference), content, file.filename or "document", kind,
                     principal.actor, event, amendment, received)  # fmt: skip
    return attach(context.app, command, context.now())


class LetterRequest(BaseModel):
    """A letter to write: its kind, format and date; for a dispute, the difficulty; `attach`
    when it is sent (kept among the convention's papers)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["dispute", "termination", "award", "amendment"]
    format: Literal["pdf", "docx"] = "pdf"
    on: Annotated[str, StringConstraints(max_length=40, pattern=PLAIN)] | None = None
    difficulty: Annotated[str, StringConstraints(max_length=4000, pattern=PLAIN)] = ""
    attach: bool = False
    amendment: Annotated[int, Field(ge=1, le=10_000)] | None = None


@router.post(
    "/conventions/{reference:reference}/letters",
    response_class=Response,
    summary="Write a letter: dispute, termination, award or an amendment's draft (admin)",
    responses={409: {"model": Problem, "description": "not in this state"},
               422: {"model": Problem, "description": "a missing or malformed input"}},
)  # fmt: skip
def letter(context: Context, principal: Admin, reference: str, body: LetterRequest) -> Response:
    """The letter as PDF or Word bytes, as `convflow letter` writes it."""
    from workflow.usecases.letters import render_letter, send_letter

    day = parse_day(body.on, "on") if body.on else civil_date(context.now())
    if body.attach:
        content, _ = send_letter(context.app, checked(reference), body.kind, body.format, day,
                                 principal.actor, context.now(), difficulty=body.difficulty,
                                 amendment=body.amendment)  # fmt: skip
    else:
        content = render_letter(context.app, checked(reference), body.kind, body.format, day,
                                difficulty=body.difficulty,
                                amendment=body.amendment)  # fmt: skip
    media = "application/pdf" if body.format == "pdf" else DOCX_TYPE
    name = f"lettre-{body.kind}.{body.format}"
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
