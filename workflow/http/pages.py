"""The dashboard's pages: overview, lists with filters, one page per convention, exports.

Every page here needs a signed-in session (the router requires it); recording an event also
needs an admin token and the session's CSRF token. Reads go through `workflow.usecases.views` and
`workflow.usecases.listing`, writes through `workflow.usecases.conventions.record_event`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import ValidationError
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from states.calendar import civil_date
from states.inputs import is_digits
from states.lifecycle import STATES
from workflow.http.api import CSV_TYPE, ListQuery, conventions_csv_stream
from workflow.http.auth import Context, PageReader, SignedIn, page_reader
from workflow.http.context import HttpContext
from workflow.http.presenting import by_month
from workflow.usecases import csv_export
from workflow.usecases import listing as queries
from workflow.usecases.listing import SORTS, DeadlineItem, OverdueItem

router = APIRouter(dependencies=[Depends(page_reader)], include_in_schema=False)
TIMELINE_DAYS = 90
DEADLINE_WINDOWS = (7, 30, 90, 180, 365)
OVERVIEW_OVERDUE_SHOWN = 10
"""The obligations overdue the first page names, the oldest first; /echeances lists them all."""


def page_context(context: HttpContext, signed: SignedIn | None, active: str) -> dict[str, Any]:
    """What every page's frame shows: who is signed in, the CSRF token, today."""
    return {
        "me": signed.principal if signed else None,
        "csrf": signed.session.csrf if signed else "",
        "active": active,
        "today": civil_date(context.now()),
        "states": STATES,
    }


def csv_response(content: str, filename: str) -> Response:
    """A CSV download."""
    return Response(
        content,
        media_type=CSV_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def passed_and_coming(
    items: list[DeadlineItem], now: datetime
) -> tuple[list[DeadlineItem], list[DeadlineItem]]:
    """Pending deadlines split at the day of `now`. One whose day has passed but which the
    service has not closed yet (its pass has not run, or the term is held, rule 27) is still
    pending: named apart as late, not among the days to come (« il y a 3 jours » under « les
    90 prochains jours »); the overview and /echeances split them alike."""
    today = civil_date(now).isoformat()
    passed = [item for item in items if str(item["due_date"]) < today]
    coming = [item for item in items if str(item["due_date"]) >= today]
    return passed, coming


def not_already_overdue(
    passed: list[DeadlineItem], overdue: list[OverdueItem]
) -> list[DeadlineItem]:
    """The passed deadlines the obligations overdue do not name already: a payment awaited
    is said once, under « En retard », on the overview as on /echeances."""
    named = {(item["reference"], item["kind"], item["due_date"]) for item in overdue}
    return [
        item for item in passed if (item["reference"], item["kind"], item["due_date"]) not in named
    ]


@router.get("/")
def overview(context: Context, signed: PageReader) -> Response:
    """The first page: counts by state, the obligations overdue (the oldest few, and how many),
    the next 90 days as a timeline, failed emails."""
    now = context.now()
    counts = queries.counts_by_state(context.app)
    overdue = queries.overdue_obligations(context.app, now)  # as /echeances and the API judge
    upcoming = queries.upcoming_deadlines(context.app, now, TIMELINE_DAYS, limit=60)
    passed, coming = passed_and_coming(upcoming["items"], now)
    data = {
        **page_context(context, signed, "overview"),
        "counts": counts,
        "total": sum(counts.values()),
        "overdue": overdue[:OVERVIEW_OVERDUE_SHOWN],
        "overdue_total": len(overdue),
        "upcoming": upcoming,
        "timeline": by_month(coming),
        "passed": not_already_overdue(passed, overdue),
        "timeline_days": TIMELINE_DAYS,
        "failed": queries.failed_emails(context.app),
    }
    return context.pages.response("overview.html", data)


FILTER_LABELS = {
    "state": "état",
    "due_within_days": "échéance dans les N jours",
    "sort": "tri",
    "order": "ordre",
    "page": "page",
    "per_page": "nombre par page",
    "q": "recherche",
    "party": "partie",
}
"""The list's filters, as the form names them."""
FILTER_EXPECTED = {
    "state": "un des états de la liste",
    "due_within_days": "un nombre entier de jours, de 0 à 3\u00a0660 (par exemple 30)",
    "sort": "un des tris de la liste",
    "order": "«\u00a0asc\u00a0» (croissant) ou «\u00a0desc\u00a0» (décroissant)",
    "page": "un numéro de page, à partir de 1",
    "per_page": f"un nombre entier de 1 à {queries.MAX_PER_PAGE}",
    "q": "un texte de 200 caractères au plus",
    "party": "un texte de 200 caractères au plus",
}
"""What each filter takes, said when a value given in the address is not one."""


def _dropped(key: str, value: str) -> str:
    """A filter ignored, the value given and what it takes: « Filtre ignoré : échéance dans
    les N jours, « abc » n'est pas une valeur possible ; attendu : un nombre entier… »."""
    shown = value if len(value) <= 40 else value[:40] + "…"
    expected = FILTER_EXPECTED.get(key, "une valeur que la liste propose")
    return (f"Filtre ignoré\u00a0: {FILTER_LABELS.get(key, key)}, «\u00a0{shown}\u00a0» n'est "
            f"pas une valeur possible\u00a0; attendu\u00a0: {expected}.")  # fmt: skip


def listing_from(params: QueryParams) -> tuple[ListQuery, list[str]]:
    """The list's filters from the address; a filter that makes no sense is dropped, and said."""
    raw = {key: value for key, value in params.items() if value != ""}
    try:
        return ListQuery.model_validate(raw), []
    except ValidationError as error:
        dropped = {str(problem["loc"][0]) for problem in error.errors() if problem["loc"]}
        kept = {key: value for key, value in raw.items() if key not in dropped}
        notes = [_dropped(key, raw.get(key, "")) for key in sorted(dropped)]
        try:
            return ListQuery.model_validate(kept), notes
        except ValidationError:
            return ListQuery.model_validate({}), notes


@router.get("/conventions")
def conventions(request: Request, context: Context, signed: PageReader) -> Response:
    """The list of conventions, filtered, sorted and paginated by the address's parameters."""
    listing, notes = listing_from(request.query_params)
    page = queries.PageRequest(listing.page, listing.per_page)
    found = queries.search_conventions(context.app, listing.wanted(), page, context.now())
    data = {
        **page_context(context, signed, "conventions"),
        "listing": listing.model_dump(),
        "found": found,
        "notes": notes,
        "sorts": list(SORTS),
        "windows": DEADLINE_WINDOWS,
        "query": request.url.query,
    }
    return context.pages.response("conventions.html", data)


@router.get("/conventions.csv")
def conventions_csv(request: Request, context: Context) -> Response:
    """The list as it is filtered and sorted, every page, as CSV."""
    listing, _ = listing_from(request.query_params)
    return conventions_csv_stream(context.app, listing.wanted(), context.now())


def _window(params: QueryParams) -> int:
    text = params.get("jours", "")
    return int(text) if is_digits(text) and 0 < int(text) <= 3660 else TIMELINE_DAYS


OVERDUE_SHOWN = 1000
"""The obligations overdue the deadlines page lists, the oldest first, as it lists at most
1000 deadlines to come: beyond, the page says how many there are and `convflow list` has all."""


@router.get("/echeances")
def deadlines(request: Request, context: Context, signed: PageReader) -> Response:
    """The obligations overdue (passed, still unmet) and the deadlines passed the service has
    not closed yet, then every pending deadline to come within some days, soonest first."""
    days, now = _window(request.query_params), context.now()
    overdue = queries.overdue_obligations(context.app, now)
    upcoming = queries.upcoming_deadlines(context.app, now, days, limit=1000)
    passed, coming = passed_and_coming(upcoming["items"], now)
    data = {
        **page_context(context, signed, "deadlines"),
        "upcoming": upcoming,
        "coming": coming,
        "coming_total": upcoming["total"] - len(passed),
        "passed": not_already_overdue(passed, overdue),
        "overdue": overdue[:OVERDUE_SHOWN],
        "overdue_total": len(overdue),
        "days": days,
        "windows": DEADLINE_WINDOWS,
        "base_url": str(request.base_url).rstrip("/"),
    }
    return context.pages.response("deadlines.html", data)


@router.get("/echeances.csv")
def deadlines_csv(request: Request, context: Context) -> Response:
    """The obligations overdue, then the pending deadlines within some days, as the page lists
    them, as CSV."""
    now = context.now()
    found = queries.upcoming_deadlines(context.app, now, _window(request.query_params))
    overdue = queries.overdue_obligations(context.app, now)
    paying = [i["reference"] for i in [*found["items"], *overdue] if i["kind"] == "payment"]
    money = queries.ledgers(context.app, paying)
    return csv_response(csv_export.deadlines_csv(found["items"], overdue, money), "echeances.csv")
