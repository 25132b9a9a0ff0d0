"""The drafts to complete, read from an open-data (SCDL) file, on the dashboard.

`/brouillons` lists them (admins); `/brouillons/N` opens draft N in the « Nouvelle convention »
form, filled with what its row said, each value with the column it was read from, and what
the row does not say listed, as a document read by `extract` opens it. « Enregistrer le
brouillon » then creates the draft convention and removes the draft to complete, in one
transaction. `/brouillons/N/retirer` removes one that should not become a convention.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from states.errors import ConvflowError
from workflow.files.scdl import MAPPED, SCHEDULE
from workflow.http import intake_form
from workflow.http.auth import Context, PageAdmin, SignedIn, page_reader
from workflow.http.context import HttpContext
from workflow.http.errors import FRENCH, status_of
from workflow.http.intake_pages import form_page
from workflow.http.pages import page_context
from workflow.http.posted import csrf_refused, posted
from workflow.usecases.intake_drafts import discard_draft, intake_draft, intake_drafts
from workflow.wording.refusals import say

router = APIRouter(dependencies=[Depends(page_reader)], include_in_schema=False)
COLUMN_OF = {field: column for column, field in MAPPED.items()}
"""The SCDL column each field of a draft was read from."""
FACTS = {
    "dateConvention": "date de la convention (sa dernière signature)",
    "referenceDecision": "référence de la décision d'attribution",
    "nature": "nature de l'aide",
    "conditionsVersement": "conditions de versement",
    "datesPeriodeVersement": "date ou période de versement",
    "idRAE": "identifiant au répertoire des aides aux entreprises",
    "notificationUE": "aide notifiée à la Commission européenne",
    "pourcentageSubvention": "part du bénéficiaire dans la subvention",
    "dispositifAide": "dispositif d'aide",
}
"""What each SCDL column that is no convention field says, in French."""
IDENTIFIERS = {
    "parties[0].siret": "SIRET de l'attribuant (partie 1)",
    "parties[1].siret": "SIRET du bénéficiaire (partie 2)",
    "parties[1].rna": "numéro RNA du bénéficiaire (partie 2)",
}
"""The fields the form has no input for, carried as read and shown here."""


def _list_page(context: HttpContext, signed: SignedIn, status: int = 200,
               error: str | None = None, done: str | None = None) -> Response:  # fmt: skip
    data = {
        **page_context(context, signed, "conventions"),
        "drafts": intake_drafts(context.app),
        "error": error,
        "done": done,
    }
    return context.pages.response("drafts.html", data, status)


@router.get("/brouillons")
def drafts_page(context: Context, signed: PageAdmin, retire: int | None = None) -> Response:
    """The drafts to complete, oldest first (after a removal, said so)."""
    done = f"Brouillon n°\u00a0{retire} retiré." if retire is not None else None
    return _list_page(context, signed, done=done)


@router.get("/brouillons/{draft_id}")
def open_draft(context: Context, signed: PageAdmin, draft_id: int) -> Response:
    """The form, filled with what the draft's row said, for a person to complete."""
    try:
        draft = intake_draft(context.app, draft_id)
    except ConvflowError as error:
        return _list_page(context, signed, status_of(error), say(error, FRENCH).sentence)
    quotes = {
        name: f"colonne {COLUMN_OF[name]}\u00a0: «\u00a0{value}\u00a0»"
        for name, value in draft.fields.items()
        if name in COLUMN_OF
    }
    extra = {
        "read_from": f"{draft.source}, ligne {draft.line}",
        "missing": [_missing_label(name, draft.facts) for name in draft.missing],
        "facts": [
            *(
                f"{IDENTIFIERS[name]} ({COLUMN_OF[name]})\u00a0: {value}, repris dans la convention"
                for name, value in draft.fields.items()
                if name in IDENTIFIERS
            ),
            *(
                f"{FACTS.get(name, name)} ({name})\u00a0: {value}"
                for name, value in draft.facts.items()
            ),
        ],
        "intake_draft": draft.id,
    }
    said = intake_form.Said(quotes=quotes)
    return form_page(context, signed, draft.fields, said=said, extra=extra)


def _missing_label(name: str, facts: dict[str, str]) -> str:
    """A missing field as the form names it; the schedule, with what the file said of it."""
    if name == SCHEDULE:
        said = facts.get("conditionsVersement", "")
        return f"Versements\u00a0: leur échéancier (le fichier dit «\u00a0{said}\u00a0»)"
    return intake_form.place_label(name)


@router.post("/brouillons/{draft_id}/retirer")
async def discard(request: Request, context: Context, signed: PageAdmin, draft_id: int) -> Response:
    """Remove a draft to complete without making a convention of it."""
    if await posted(request, signed) is None:
        return csrf_refused(context, signed)
    return await run_in_threadpool(_discard, context, signed, draft_id)


def _discard(context: HttpContext, signed: SignedIn, draft_id: int) -> Response:
    try:
        discard_draft(context.app, draft_id)
    except ConvflowError as error:
        return _list_page(context, signed, status_of(error), say(error, FRENCH).sentence)
    return RedirectResponse(f"/brouillons?retire={draft_id}", 303)
