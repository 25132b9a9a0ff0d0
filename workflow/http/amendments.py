"""Amendments (avenants) over HTTP: list them, draft one, record its events.

The same use cases as `convflow amend` and `convflow event --amendment N`; the actor is the
token's holder. These routes come before the convention's own (`/events`): a reference may
hold a slash, so `.../amendments/1/events` must be tried first.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from states.amendments import FIELDS
from states.errors import InvalidInput, InvalidTerm
from states.inputs import parse_day
from workflow.http import addresses  # noqa: F401  (the {reference:reference} of routes)
from workflow.http.api import checked
from workflow.http.auth import Admin, Context, api_reader
from workflow.http.json_body import StrictJsonRoute
from workflow.http.schemas import (
    MAX_AMENDMENT,
    PLAIN,
    InputKey,
    InputValue,
    Open,
    Problem,
    inputs_as_text,
)
from workflow.usecases import views
from workflow.usecases.amendments import (
    AmendmentRecorded,
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)

_refusals: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "no token, or not a valid one"},
    404: {"model": Problem, "description": "no such convention or amendment"},
    409: {"model": Problem, "description": "refused by the amendment's or convention's rules"},
    422: {"model": Problem, "description": "an input is missing or malformed"},
}
router = APIRouter(
    prefix="/api/v1",
    responses=_refusals,
    dependencies=[Depends(api_reader)],
    route_class=StrictJsonRoute,
)
ChangeKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}(\.[a-z0-9_]{1,64}){0,2}$")]
"""A term: `end_date`, `reminders.expiry`, `signatory.crpv`, `instalment.2.amount`."""
OnDate = Annotated[str, StringConstraints(max_length=40, pattern=PLAIN)]
Number = Annotated[int, Path(ge=1, le=MAX_AMENDMENT)]


def changes_as_text(given: Any) -> Any:
    """An amendment's changes as the domain reads them (:func:`inputs_as_text`); a value
    refused is said of the term it changes ('Montant'), not of an event's input of the same
    key ('Montant versé'), as `convflow amend` and the dashboard's form say it."""
    try:
        return inputs_as_text(given)
    except InvalidInput as error:
        raise InvalidTerm.of(error) from None


class AmendmentRequest(BaseModel):
    """An amendment to draft: the terms it changes, as `convflow amend` takes them."""

    model_config = ConfigDict(extra="forbid")

    changes: dict[ChangeKey, InputValue] = Field(
        max_length=30,
        description="e.g. {'end_date': '2026-06-30', 'amount': '250000.00'}; paid in "
        "instalments, one instalment's amount: {'instalment.2.amount': '21000.00'}",
    )
    on: OnDate | None = Field(None, description="YYYY-MM-DD (default: today)")

    _changes = field_validator("changes", mode="before")(changes_as_text)


class AmendmentEventRequest(BaseModel):
    """An event on an amendment: submit, sign (signatory=EMAIL) or abandon."""

    model_config = ConfigDict(extra="forbid")

    event: Literal["submit", "sign", "abandon"]
    on: OnDate | None = None
    inputs: dict[InputKey, InputValue] = Field(default_factory=dict, max_length=10)

    _inputs = field_validator("inputs", mode="before")(inputs_as_text)


class Amendment(Open):
    """An amendment: its number, state, the changes it proposes or made, its signatures."""

    number: int
    state: str
    changes: dict[str, Any]


class AmendmentResult(BaseModel):
    """What drafting or moving an amendment did."""

    reference: str
    number: int
    event: str
    from_state: str | None
    to_state: str
    on: str
    applied: dict[str, dict[str, str]]


def _day(text: str | None) -> date | None:
    return parse_day(text, "on") if text else None


def result(recorded: AmendmentRecorded) -> dict[str, Any]:
    """An amendment's result as JSON."""
    return {
        "reference": recorded.reference,
        "number": recorded.number,
        "event": recorded.event,
        "from_state": recorded.from_state,
        "to_state": recorded.to_state,
        "on": recorded.on.isoformat(),
        "applied": {key: dict(values) for key, values in recorded.applied.items()},
    }


@router.get(
    "/conventions/{reference:reference}/amendments",
    response_model=list[Amendment],
    summary="One convention's amendments",
)
def amendments(context: Context, reference: str) -> list[views.AmendmentView]:
    """Every amendment of the convention, by number."""
    return views.amendments(context.app, checked(reference))


@router.post(
    "/conventions/{reference:reference}/amendments/{number}/events",
    status_code=201,
    response_model=AmendmentResult,
    summary="Record an amendment's event (admin)",
)
def amendment_event(
    context: Context, principal: Admin, reference: str, number: Number, body: AmendmentEventRequest
) -> dict[str, Any]:
    """Submit, sign or abandon amendment n°`number`, as `convflow event --amendment N` does."""
    command = RecordAmendmentEvent(checked(reference), number, body.event, principal.actor,
                                   _day(body.on), body.inputs)  # fmt: skip
    return result(record_amendment_event(context.app, command, context.now()))


@router.post(
    "/conventions/{reference:reference}/amendments",
    status_code=201,
    response_model=AmendmentResult,
    summary="Draft an amendment (admin)",
)
def amend(
    context: Context, principal: Admin, reference: str, body: AmendmentRequest
) -> dict[str, Any]:
    """Draft the next amendment of a convention in force, as `convflow amend` does."""
    command = DraftAmendment(checked(reference), body.changes, principal.actor, _day(body.on))
    try:
        return result(draft_amendment(context.app, command, context.now()))
    except InvalidInput as error:
        if error.field in FIELDS and error.field in body.changes:
            # the term the amendment changes ('Montant'), not an event's input of the same
            # key ('Montant versé'), as `convflow amend` says it
            raise InvalidTerm.of(error) from None
        raise
