"""Importing a spreadsheet of conventions from the dashboard, with a report before anything is
saved.

`/import` explains the columns and offers the template (CSV or XLSX, the reference convention
as its example row). Uploading a file checks every row as `convflow import` does, and the
references against those already loaded, and shows the report: every convention it would
create, or every problem with its row and column; nothing is saved. "Importer" then sends the
same file back (carried in the page, its SHA-256 shown) and imports it, all or nothing, checked
again: what is saved is what the report showed, or nothing. It answers with a redirect (303)
to a page saying what was imported, so that reloading it posts nothing again; the same file
posted once more (a double click) finds its conventions saved and says so.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from states.errors import ConvflowError, InvalidInput
from workflow.files.convention_file import ConventionFileError
from workflow.files.scdl import ScdlRow, csv_header_of, is_scdl_header, parse_scdl
from workflow.files.spreadsheet import COLUMNS, REQUIRED, Row, read_spreadsheet, template_csv
from workflow.http.auth import Context, PageAdmin, SignedIn, page_reader
from workflow.http.context import HttpContext
from workflow.http.errors import FRENCH
from workflow.http.intake_api import MAX_DOCUMENT
from workflow.http.pages import csv_response, page_context
from workflow.http.posted import csrf_refused, posted
from workflow.usecases.conventions import (
    check_not_loaded,
    differing_rows,
    import_conventions,
    loaded_problems,
    loaded_references,
)
from workflow.usecases.intake_drafts import check_new, save_drafts
from workflow.wording.refusals import problem_text, say

router = APIRouter(dependencies=[Depends(page_reader)], include_in_schema=False)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ROWS = 1000
"""The report lists this many conventions; past them, only how many more."""
LINKED = 100
"""The page an import redirects to lists this many of its conventions (they travel in its
address); past them, only how many more."""


def _kind(content: bytes) -> str:
    """A spreadsheet's kind from its content: an XLSX is a ZIP archive, else CSV text."""
    return ".xlsx" if content.startswith(b"PK\x03\x04") else ".csv"


def _rows(
    context: HttpContext, content: bytes, name: str, differing: list[dict[str, Any]]
) -> list[Row]:
    """Every row of the uploaded file as a convention, refused naming each bad cell; the
    references already loaded refused too, each with its row, and those whose row says
    otherwise than the convention loaded added to `differing`."""
    rows = _read_rows(context, content, name, differing)
    pairs = [(r.number, r.convention) for r in rows]
    differing += differing_rows(context.app, pairs)
    check_not_loaded(context.app, pairs, name)
    return rows


def _read_rows(
    context: HttpContext, content: bytes, name: str, differing: list[dict[str, Any]] | None = None
) -> list[Row]:
    """Every row of the uploaded file as a convention, refused naming each bad cell."""
    settings = context.app.settings
    with tempfile.TemporaryDirectory(prefix="convflow-import-") as folder:
        path = Path(folder) / f"import{_kind(content)}"
        path.write_bytes(content)
        try:
            rows = read_spreadsheet(
                path, payment_target_days=settings.payment_target_days,
                signature_target_days=settings.signature_target_days,
                also=_loaded(context, differing),
            )  # fmt: skip
        except ConventionFileError as error:  # named by the upload, not the temporary file
            others = error.params.get("others") or []
            raise ConventionFileError(
                name, error.line, error.field, error.code, others=others,
                problems_not_shown=error.params.get("problems_not_shown") or 0,
                **error.own_params,
            ) from None  # fmt: skip
    return rows


def _loaded(
    context: HttpContext, differing: list[dict[str, Any]] | None
) -> Callable[[list[Row]], list[dict[str, Any]]]:
    """The rows of a refused file whose reference is loaded already, reported with its other
    problems (those whose content differs from the convention loaded added to `differing`)."""

    def loaded(rows: list[Row]) -> list[dict[str, Any]]:
        pairs = [(r.number, r.convention) for r in rows]
        if differing is not None:
            differing.extend(differing_rows(context.app, pairs))
        return loaded_problems(context.app, pairs)

    return loaded


def _scdl_rows(context: HttpContext, content: bytes, name: str) -> list[ScdlRow] | None:
    """The rows of an open-data (SCDL « subventions ») CSV, each checked and none already
    loaded or waiting; None when the file is not one (a spreadsheet of conventions)."""
    if _kind(content) != ".csv":
        return None
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # the spreadsheet's reading says why
    if not is_scdl_header(csv_header_of(text)):
        return None
    rows = parse_scdl(text, name)
    check_new(context.app, rows, name)
    return rows


def problems(error: ConvflowError) -> list[dict[str, Any]]:
    """Each problem of a refused file: its row, column (its header, and what it holds in
    French) and what is wrong, in French."""
    if not isinstance(error, InvalidInput):
        return [{"line": None, "column": None, "column_label": None,
                 "text": say(error, FRENCH).sentence}]  # fmt: skip
    first = {"line": error.params.get("line"), "column": error.field,
             "column_label": column_label(error.field),
             "text": problem_text(FRENCH, error.code, error.own_params),
             "params": error.own_params}  # fmt: skip
    return [first] + [
        {"line": other.get("line"), "column": other.get("field"),
         "column_label": column_label(other.get("field")),
         "text": problem_text(FRENCH, str(other["code"]), other.get("params") or {}),
         "params": other.get("params") or {}}
        for other in error.params.get("others") or []
    ]  # fmt: skip


_PARTY_COLUMN = re.compile(r"^party(\d+)_")


def column_label(column: str | None) -> str | None:
    """What a spreadsheet's column holds, in French: « Terme (date de fin) » for `end_date`,
    « Adresse électronique du signataire, partie 1 » for `party1_signatory_email`; None when
    French has no other name for it than its header."""
    if not column:
        return None
    said = FRENCH.file_field(column)
    if said == column:
        return None
    party = _PARTY_COLUMN.match(column)
    return f"{said}, partie {party.group(1)}" if party else said


def _refused_page(
    context: HttpContext, signed: SignedIn, error: ConvflowError, name: str,
    differing: list[dict[str, Any]] | None = None,
) -> Response:  # fmt: skip
    """The upload form again, with each problem of the file refused (422); those past the
    ones the refusal kept only counted; a row loaded already that says otherwise than the
    convention loaded said so, with its columns that differ."""
    not_shown = int(error.params.get("problems_not_shown") or 0)
    said = problems(error)
    by_line = {(d["line"], d["reference"]): d for d in differing or []}
    for item in said:
        found = by_line.get((item["line"], (item.get("params") or {}).get("reference")))
        if item["column"] == "reference" and found is not None:
            item["differs"] = found
    return _page(context, signed, 422, refused=said, refused_not_shown=not_shown,
                 file_name=name)  # fmt: skip


def _page(context: HttpContext, signed: SignedIn, status: int = 200, **data: Any) -> Response:
    shown = {
        "columns": COLUMNS, "required": REQUIRED, "report": None, "refused": None,
        "refused_not_shown": 0,
        "file_name": None, "content": None, "digest": None, "imported": None,
        "imported_count": 0, "already": False, "shown_rows": SHOWN_ROWS, "scdl": None,
        "drafts": None,
    }  # fmt: skip
    merged = {**page_context(context, signed, "conventions"), **shown, **data}
    return context.pages.response("import.html", merged, status)


@router.get("/import")
def import_page(
    context: Context, signed: PageAdmin,
    importe: Annotated[int | None, Query(ge=0)] = None,
    deja: Annotated[int | None, Query(ge=0)] = None,
    brouillons: Annotated[int | None, Query(ge=0)] = None,
    fichier: Annotated[str, Query(max_length=200)] = "",
    ref: Annotated[list[str] | None, Query(max_length=LINKED)] = None,
) -> Response:  # fmt: skip
    """The upload form, the columns, the template; after an import, what it saved (the
    conventions imported, or found saved already; the drafts kept)."""
    if brouillons is not None:
        return _page(context, signed, drafts=[None] * brouillons, file_name=fichier)
    count = importe if importe is not None else deja
    if count is None:
        return _page(context, signed)
    return _page(context, signed, imported=[r[:200] for r in ref or []][:LINKED],
                 imported_count=count, already=deja is not None, file_name=fichier)  # fmt: skip


def _done(file_name: str, count: int, references: list[str], already: bool = False) -> Response:
    """The redirect (303) to the page saying what an import saved."""
    query = {"deja" if already else "importe": count, "fichier": file_name,
             "ref": references[:LINKED]}  # fmt: skip
    return RedirectResponse(f"/import?{urlencode(query, doseq=True)}", 303)


@router.get("/import/modele.csv")
def template(signed: PageAdmin) -> Response:
    """The template as CSV: the header and the reference convention as an example row."""
    return csv_response(template_csv(), "modele-conventions.csv")


@router.get("/import/modele.xlsx")
def template_xlsx(signed: PageAdmin) -> Response:
    """The template as an Excel workbook, the same columns and row."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # only the template pays

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Conventions"
    for row in csv.reader(io.StringIO(template_csv())):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    disposition = 'attachment; filename="modele-conventions.xlsx"'
    return Response(out.getvalue(), media_type=XLSX_TYPE,
                    headers={"Content-Disposition": disposition})  # fmt: skip


@router.post("/import")
async def check(
    request: Request, context: Context, signed: PageAdmin, file: UploadFile
) -> Response:
    """Check an uploaded spreadsheet and report; nothing is saved."""
    if await posted(request, signed) is None:
        return csrf_refused(context, signed)
    content = file.file.read(MAX_DOCUMENT + 1)
    return await run_in_threadpool(_report, context, signed, content, file.filename or "fichier")


def _report(context: HttpContext, signed: SignedIn, content: bytes, name: str) -> Response:
    differing: list[dict[str, Any]] = []
    try:
        if len(content) > MAX_DOCUMENT:
            raise InvalidInput("file", "document_too_large", most=str(MAX_DOCUMENT))
        scdl = _scdl_rows(context, content, name)
        rows = _rows(context, content, name, differing) if scdl is None else []
    except ConvflowError as error:
        return _refused_page(context, signed, error, name, differing)
    return _page(
        context, signed, report=rows, scdl=scdl, file_name=name,
        content=base64.b64encode(content).decode("ascii"),
        digest=hashlib.sha256(content).hexdigest(),
    )  # fmt: skip


@router.post("/import/confirmer")
async def confirm(request: Request, context: Context, signed: PageAdmin) -> Response:
    """Import the file the report showed, all or nothing, checked again."""
    form = await posted(request, signed)
    if form is None:
        return csrf_refused(context, signed)
    return await run_in_threadpool(_import, context, signed, form)


def _import(context: HttpContext, signed: SignedIn, form: dict[str, str]) -> Response:
    name = form.get("file_name", "fichier")[:200]
    try:
        content = base64.b64decode(form.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        content = b""
    try:
        if not content or hashlib.sha256(content).hexdigest() != form.get("digest"):
            raise InvalidInput("file", "import_file_changed")
        scdl = _scdl_rows(context, content, name)
        if scdl is not None:
            drafts = save_drafts(context.app, scdl, f"tableau de bord : {name}",
                                 signed.principal.actor, context.now())  # fmt: skip
            query = urlencode({"brouillons": len(drafts), "fichier": name})
            return RedirectResponse(f"/import?{query}", 303)
        rows = _read_rows(context, content, name)
        references = [r.convention.reference for r in rows]
        if references and loaded_references(context.app, references) == set(references):
            return _done(name, len(references), references, already=True)  # posted again
        check_not_loaded(context.app, [(r.number, r.convention) for r in rows], name)
        done = import_conventions(
            context.app, [(r.number, r.convention) for r in rows], signed.principal.actor,
            f"tableau de bord : {name}", context.now(),
        )  # fmt: skip
    except ConvflowError as error:
        return _refused_page(context, signed, error, name)
    return _done(name, len(done), [d.reference for d in done])
