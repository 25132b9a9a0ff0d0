"""The JSON API under /api/v1: read conventions, their deadlines and history; record events.

Every route here depends on a token (deny by default: the router itself requires one); only
recording an event needs the admin role. Writes go through
`workflow.usecases.conventions.record_event`, so a refused event is refused with the command
line's own reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from itertools import chain, islice
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, StringConstraints
from starlette.responses import Response, StreamingResponse

from states.calendar import civil_date
from states.errors import UnknownConvention
from states.identifiers import REFERENCE_FORM
from states.inputs import parse_day
from workflow.bootstrap import App
from workflow.http import (
    addresses,  # noqa: F401  (the {reference:reference} of routes)
    ical,
)
from workflow.http.auth import Admin, CalendarReader, Context, Reader, api_reader
from workflow.http.json_body import StrictJsonRoute
from workflow.http.schemas import (
    PLAIN,
    AwardRequest,
    Committee,
    CommitteeMeetingRequest,
    ConventionList,
    ConventionStatus,
    DeadlineList,
    EventRecorded,
    EventRequest,
    HistoryEntry,
    Me,
    Overview,
    Problem,
    SortField,
    StateName,
)
from workflow.usecases import csv_export, views
from workflow.usecases import listing as queries
from workflow.usecases.commands import EventRecorded as EventDone
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event, record_side
from workflow.usecases.iso import instant

REFERENCE = re.compile(REFERENCE_FORM)  # as convention files allow
CSV_TYPE = "text/csv; charset=utf-8"
ICS_TYPE = "text/calendar; charset=utf-8"
Text = Annotated[str, StringConstraints(max_length=200, pattern=PLAIN)]

_refusals: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no token, or not a valid one"},
}  # and those every route shares by what it is (workflow.http.openapi): 403 for a write...
# Deny by default: every route of `readers` needs a valid token (401 without one).
readers = APIRouter(
    prefix="/api/v1",
    responses=_refusals,
    dependencies=[Depends(api_reader)],
    route_class=StrictJsonRoute,  # a key given twice in a body: refused
)
# The calendar feeds need one too, from the header or (for calendar clients) the address.
calendars = APIRouter(prefix="/api/v1", responses=_refusals, route_class=StrictJsonRoute)


class ListQuery(BaseModel):
    """Filters, order and page of a conventions list."""

    state: StateName | None = None
    party: Text | None = Field(None, description="a party's key, or part of its name")
    due_within_days: int | None = Field(
        None,
        ge=0,
        le=3660,
        description="a pending deadline expires within this many days (one passed and not "
        "recorded yet included), not one the convention's end, come and not recorded yet, closes",
    )
    q: Text | None = Field(None, description="text in the reference or the title")
    sort: SortField = "reference"
    order: Literal["asc", "desc"] = "asc"
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=queries.MAX_PER_PAGE)

    def wanted(self) -> queries.ConventionFilter:
        """The filter this query asks for (empty text means no criterion)."""
        return queries.ConventionFilter(
            self.state, self.party or None, self.due_within_days, self.q or None,
            self.sort, self.order == "desc",
        )  # fmt: skip


Listing = Annotated[ListQuery, Query()]
Within = Annotated[int, Query(ge=0, le=3660, description="days ahead")]


def checked(reference: str) -> str:
    """A reference that could exist; any other is unknown (404) without asking the database."""
    if not REFERENCE.match(reference):
        raise UnknownConvention(reference[:80])
    return reference


def _download(content: str, media_type: str, filename: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


@readers.get("/me", response_model=Me, summary="Who the token belongs to")
def me(principal: Reader) -> dict[str, str]:
    """The token's holder and role."""
    return {"name": principal.name, "role": principal.role}


OVERVIEW_SHOWN = 200
"""The obligations overdue and the deadlines to come the overview lists at most, each with how
many there are in all (GET deadlines and `convflow list` have the rest)."""


@readers.get(
    "/overview",
    response_model=Overview,
    summary="Counts, what is overdue, what falls due, what failed",
)
def overview(context: Context) -> dict[str, Any]:
    """Conventions by state, the obligations overdue (oldest first, as the dashboard's « En
    retard »), deadlines of the next 90 days, emails that could not be sent."""
    now = context.now()
    counts = queries.counts_by_state(context.app)
    overdue = queries.overdue_obligations(context.app, now)
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "overdue": {"items": overdue[:OVERVIEW_SHOWN], "total": len(overdue)},
        "upcoming": queries.upcoming_deadlines(context.app, now, 90, limit=OVERVIEW_SHOWN),
        "failed_emails": queries.failed_emails(context.app),
    }


@readers.get("/conventions", response_model=ConventionList, summary="List and search")
def list_conventions(context: Context, listing: Listing) -> queries.ConventionPage:
    """Conventions that match every given filter, one page at a time, in the asked order."""
    page = queries.PageRequest(listing.page, listing.per_page)
    return queries.search_conventions(context.app, listing.wanted(), page, context.now())


@readers.get("/conventions.csv", response_class=Response, summary="The list as CSV")
def conventions_csv(context: Context, listing: Listing) -> Response:
    """Every convention that matches (all pages), as CSV for a spreadsheet; its last columns
    say what was paid, what is left to pay, what was forgone, and whether a payment is late."""
    return conventions_csv_stream(context.app, listing.wanted(), context.now())


def conventions_csv_stream(app: App, wanted: queries.ConventionFilter, now: datetime) -> Response:
    """The conventions list as CSV, streamed: the same bytes as `csv_export.conventions_csv`,
    sent a batch of conventions at a time (`listing.conventions_by_batch`), the first batch
    read before answering so that what refuses it refuses the whole export as before. A
    convention that cannot be read in a later batch, once the answer has begun, breaks the
    answer off: the connection closes before the end of the chunked body, which every HTTP
    client reports as a failed transfer (never a shorter file that looks complete)."""
    batches = queries.conventions_by_batch(app, wanted, now)
    first = list(islice(batches, 1))
    parts = csv_export.conventions_csv_parts(chain(first, batches))
    return StreamingResponse(
        parts,
        media_type=CSV_TYPE,
        headers={"Content-Disposition": 'attachment; filename="conventions.csv"'},
    )


@readers.get("/deadlines", response_model=DeadlineList, summary="What falls due")
def deadlines(
    context: Context,
    within_days: Within = 90,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> queries.UpcomingDeadlines:
    """Pending deadlines of every convention that expire within some days, soonest first."""
    return queries.upcoming_deadlines(context.app, context.now(), within_days, limit)


@readers.get("/deadlines.csv", response_class=Response, summary="What falls due, as CSV")
def deadlines_csv(
    context: Context,
    within_days: Within = 90,
    overdue: Annotated[
        bool,
        Query(description="also the obligations overdue the service has recorded passed "
              "(GET overview's `overdue`), first, oldest first, marked \"en retard\""),
    ] = False,
) -> Response:  # fmt: skip
    """Pending deadlines within some days, as CSV (with `overdue=true`, the obligations
    overdue first); a payment's instalment and what remains due on it in its last columns."""
    now = context.now()
    found = queries.upcoming_deadlines(context.app, now, within_days)
    late = queries.overdue_obligations(context.app, now)
    money = queries.ledgers(context.app, _paying(found["items"], late if overdue else []))
    body = csv_export.deadlines_csv(found["items"], late, money, overdue_lines=overdue)
    return _download(body, CSV_TYPE, "echeances.csv")


def _paying(*lists: Sequence[Mapping[str, Any]]) -> list[str]:
    """The conventions some payment deadline of these lists is about."""
    return [item["reference"] for items in lists for item in items if item["kind"] == "payment"]


@calendars.get("/calendar.ics", response_class=Response, summary="Calendar feed of every deadline")
def calendar_all(context: Context, principal: CalendarReader, days: Within = 365) -> Response:
    """Every convention's deadlines from 30 days ago to `days` ahead, as iCalendar.

    Calendar clients cannot send headers: this route also takes `?token=`, a viewer token's
    only (an admin token in an address: 403 `admin_token_in_address`).
    """
    today = civil_date(context.now())
    items = queries.calendar_deadlines(
        context.app, None, today - timedelta(days=30), today + timedelta(days=days)
    )
    link = context.app.settings.dashboard_url
    hour = context.app.settings.reminder_hour
    body = ical.calendar(items, "Échéances des conventions (convflow)", link, hour)
    return _download(body, ICS_TYPE, "convflow.ics", inline=True)


@calendars.get(
    "/conventions/{reference:reference}/calendar.ics",
    response_class=Response,
    summary="Calendar feed of one convention's deadlines",
)
def calendar_one(context: Context, principal: CalendarReader, reference: str) -> Response:
    """One convention's deadlines, as iCalendar; also takes `?token=` (a viewer token)."""
    items = queries.calendar_deadlines(context.app, checked(reference))
    link = context.app.settings.dashboard_url
    hour = context.app.settings.reminder_hour
    body = ical.calendar(items, f"Échéances {reference} (convflow)", link, hour)
    return _download(body, ICS_TYPE, "convention.ics", inline=True)


@readers.get(
    "/conventions/{reference:reference}/history",
    response_model=list[HistoryEntry],
    summary="One convention's history",
)
def history(context: Context, reference: str) -> list[views.HistoryRow]:
    """Every event recorded on the convention, oldest first."""
    return views.history(context.app, checked(reference))


@readers.get(
    "/conventions/{reference:reference}/history.csv",
    response_class=Response,
    summary="History as CSV",
)
def history_csv(context: Context, reference: str) -> Response:
    """The convention's history, as CSV."""
    rows = views.history(context.app, checked(reference))
    return _download(csv_export.history_csv(rows), CSV_TYPE, "historique.csv")


@readers.get(
    "/scdl.csv",
    response_class=Response,
    summary="The open data of the subsidies (SCDL subventions CSV)",
)
def scdl(context: Context) -> Response:
    """Every convention due for publication (rule 19), in the SCDL « subventions » schema's
    16 columns; `X-Convflow-Unpublished` counts the rows left out (no SIRET nor RNA, an
    object too long: `convflow export scdl` names them)."""
    from workflow.usecases.open_data import scdl_export

    done = scdl_export(context.app)
    headers = {"Content-Disposition": 'attachment; filename="subventions.csv"',
               "X-Convflow-Unpublished": str(len(done.refused))}  # fmt: skip
    return Response(done.csv, media_type=CSV_TYPE, headers=headers)


@readers.post(
    "/conventions/{reference:reference}/events",
    status_code=201,
    response_model=EventRecorded,
    responses={
        404: {"model": Problem, "description": "no such convention"},
        409: {"model": Problem, "description": "refused in this state, or changed meanwhile"},
        422: {"model": Problem, "description": "an input is missing or malformed"},
    },
    summary="Record an event (admin)",
)
def record(
    context: Context, principal: Admin, reference: str, body: EventRequest
) -> dict[str, Any]:
    """Record an event, exactly as `convflow event` does; the actor is the token's holder."""
    on = parse_day(body.on, "on") if body.on else None
    command = RecordEvent(checked(reference), body.event, principal.actor, on, body.inputs,
                          body.expected_version)  # fmt: skip
    return recorded_json(record_event(context.app, command, context.now()))


@readers.post(
    "/conventions/{reference:reference}/award",
    status_code=201,
    response_model=EventRecorded,
    responses={
        404: {"model": Problem, "description": "no such convention"},
        409: {"model": Problem, "description": "not in this state, or changed meanwhile"},
        422: {"model": Problem, "description": "a date is missing or malformed"},
    },
    summary="Record or complete the award decision (admin)",
)
def record_award_decision(
    context: Context, principal: Admin, reference: str, body: AwardRequest
) -> dict[str, Any]:
    """Record the award decision, exactly as `convflow award` does (docs: rules 15 to 18)."""
    on = parse_day(body.on, "on") if body.on else None
    inputs = {key: value for key in ("decision", "adopted", "published", "notified",
              "transmitted") if (value := getattr(body, key))}  # fmt: skip
    command = RecordEvent(checked(reference), "record_award", principal.actor, on, inputs,
                          body.expected_version)  # fmt: skip
    return recorded_json(record_side(context.app, command, context.now()))


@readers.post(
    "/conventions/{reference:reference}/committee",
    status_code=201,
    response_model=EventRecorded,
    responses={
        404: {"model": Problem, "description": "no such convention"},
        409: {"model": Problem, "description": "not in force, dated before its signature or in "
              "the future, or changed meanwhile"},
        422: {"model": Problem, "description": "a field is missing or malformed"},
    },
    summary="Record a meeting of the steering committee (admin)",
)  # fmt: skip
def record_committee_meeting(
    context: Context, principal: Admin, reference: str, body: CommitteeMeetingRequest
) -> dict[str, Any]:
    """Record a meeting of the steering committee of article 3, exactly as `convflow committee
    REF add` does (docs: rule 23); its papers: POST .../documents with its history line."""
    inputs = {"attendees": body.attendees, "decisions": body.decisions}
    if body.minutes:
        inputs["minutes"] = body.minutes
    command = RecordEvent(checked(reference), "committee_meeting", principal.actor,
                          parse_day(body.date, "date"), inputs, body.expected_version)  # fmt: skip
    return recorded_json(record_side(context.app, command, context.now()))


@readers.get(
    "/conventions/{reference:reference}/committee",
    response_model=Committee,
    responses={404: {"model": Problem, "description": "no such convention"}},
    summary="The steering committee's meetings",
)
def committee(context: Context, reference: str) -> views.CommitteeView:
    """The steering committee of article 3: cadence, meetings, next meeting due."""
    return views.committee(context.app, checked(reference), context.now())


def recorded_json(result: EventDone) -> dict[str, Any]:
    """What recording an event (or the award decision) did, as the API answers it."""
    return {
        "reference": result.reference,
        "event": result.event,
        "from_state": result.from_state,
        "to_state": result.to_state,
        "on": result.on.isoformat(),
        "actor": result.actor,
        "inputs": dict(result.inputs),
        "version": result.version,
        "deadlines": [
            {
                "kind": d.kind,
                "due_date": d.due_date.isoformat(),
                "expires_at": instant(d.expires_at),
            }
            for d in result.deadlines
        ],
    }


@readers.get(
    "/conventions/{reference:reference}",
    response_model=ConventionStatus,
    responses={404: {"model": Problem, "description": "no such convention"}},
    summary="One convention: terms, parties, deadlines explained, history",
)
def convention(context: Context, reference: str) -> dict[str, Any]:
    """Where the convention stands, with its history (and what `views.status` adds later)."""
    status = views.status(context.app, checked(reference), context.now())
    return {**status, "history": views.history(context.app, reference)}
