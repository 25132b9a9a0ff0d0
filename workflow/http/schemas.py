"""The shapes the API reads and writes, as published in /openapi.json.

Response objects allow extra keys: `workflow.usecases.views` may add keys (never rename them), and
the API passes them on as they come.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from states.errors import InvalidInput
from workflow.files.typed_numbers import as_typed

StateName = Literal[
    "draft", "signature", "notification", "payment", "execution", "dispute", "litigation",
    "termination", "expired", "terminated", "cancelled",
]  # fmt: skip
EventName = Literal[
    "submit", "sign", "cancel", "notify", "pay", "report_received", "open_dispute", "settle",
    "go_to_court",
    "close_litigation", "give_notice", "forgo_payment", "expire", "terminate", "record_award",
    "publish",
    "committee_meeting", "committee_cadence",
]  # fmt: skip
SortField = Literal["reference", "title", "state", "end_date", "amount", "next_deadline"]
# Text people type: any printable character, no control characters (PostgreSQL refuses NUL).
PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
MAX_INPUT = 2000
MAX_MINUTES = 20000
"""The longest value an event's input takes, through the API or a dashboard form."""
MAX_AMENDMENT = 10_000
"""The highest amendment number a route takes."""
InputKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$")]
InputValue = Annotated[str, StringConstraints(max_length=MAX_INPUT, pattern=PLAIN)]
_NAMED = re.compile(r"^[a-z_]{1,40}(\.[a-z0-9_]{1,64}){0,2}$")
"""A key whose value's refusal may name it (an input's, a term's): any other is refused as a
key first."""


def inputs_as_text(given: Any) -> Any:
    """An event's inputs (or an amendment's changes) as the domain reads them: text, a JSON
    whole number taken as its decimal text (`"instalment": 1` is `"1"`, as a refusal's
    `params.instalment` gives it), so the domain's own checks and codes apply to it. A number
    with a decimal point is refused (`float_value`: 27000.1 is no exact amount, write it as
    text), and so are a boolean, an object or a list (`invalid_value`), naming the key; null
    and the keys themselves are left to the schema."""
    if not isinstance(given, dict):
        return given
    read: dict[Any, Any] = {}
    for key, value in given.items():
        if isinstance(key, str) and _NAMED.match(key):
            if isinstance(value, float):
                raise InvalidInput(key, "float_value", value=as_typed(value))
            if isinstance(value, bool | dict | list):
                shown = json.dumps(value, ensure_ascii=False)[:40]
                raise InvalidInput(
                    key, "invalid_value", detail=f"{key} = {shown}", expected="input"
                )
            if isinstance(value, int):
                value = str(value)
        read[key] = value
    return read


class Open(BaseModel):
    """An object that may carry more keys than documented."""

    model_config = ConfigDict(extra="allow")


class Party(Open):
    """A party to a convention, known by its short key."""

    key: str
    name: str


class OverdueObligation(Open):
    """An obligation overdue: a deadline passed that still waits for something (a payment or
    an instalment not recorded, the financial report not received...)."""

    kind: str = Field(description="the deadline's kind: 'payment', 'financial_report'...")
    instalment: int = Field(description="the instalment's number; 0: none, or a single payment")
    due_date: str | None = Field(description="the civil date it fell due")
    passed_unrecorded: bool = Field(
        description="its end has passed at the instant of reading, but the service has not "
        "recorded it yet (its status still 'pending'): not to come; its next pass records it",
    )


class OverdueItem(OverdueObligation):
    """An obligation overdue, with its convention: the dashboard's « En retard »."""

    reference: str
    title: str
    state: str = Field(description="the convention's state, as recorded")
    notice_overridden: bool = Field(
        default=False,
        description="its convention is in 'termination' under a notice its term overrides (it "
        "would end on the term's day or after it): the notice will have no effect, the "
        "convention runs to its term and expires then",
    )


class OverdueList(BaseModel):
    """The obligations overdue of every convention, oldest first, and how many in all."""

    items: list[OverdueItem]
    total: int


class EndUnrecorded(Open):
    """A convention's end, come at the instant of reading and not yet applied by the service:
    its stored state is still one in force until the service's next pass records it."""

    event: Literal["expire", "terminate"] = Field(description="the event the next pass records")
    kind: str = Field(description="the deadline it applies: 'expiry' or 'termination'")
    on: str = Field(description="the civil date the convention ended (at 24:00 in Paris)")
    state: str = Field(description="the state the next pass records: 'expired', 'terminated'")


class ExpiryHeld(Open):
    """The term come while an extension is in signature: the service holds the expiry (rule 27
    of docs/LEGAL-DEADLINES.md, `CONVFLOW_EXTENSION_GRACE_DAYS`)."""

    term: str = Field(description="the term: the day the expiry is dated at if it is recorded")
    until: str = Field(description="the instant the hold ends: the next pass records the expiry")
    last_day: str = Field(
        description="the last civil date a signature dated on or before the term can be "
        "recorded and bring the extension into force"
    )
    amendment: int = Field(description="the extension's number")
    new_end_date: str = Field(description="the term it sets")
    missing: list[str] = Field(description="the signatories it still waits for")


class ConventionSummary(Open):
    """A convention as a list shows it."""

    reference: str
    title: str
    state: str
    effective_date: str | None
    end_date: str
    amount: str = Field(description="euros, exact decimal text: '200000.00'")
    next_deadline_at: str | None = Field(
        description="when its next deadline still to come expires: pending, not passed at the "
        "instant of reading, nor closed by its end come and not yet recorded"
    )
    next_deadline_kind: str | None
    next_deadline_due: str | None = Field(description="the civil date it falls due")
    parties: list[Party]
    overdue: list[OverdueObligation] = Field(
        description="its obligations overdue, oldest first (the next deadline names only what "
        "is to come)"
    )
    end_unrecorded: EndUnrecorded | None = Field(
        description="its end, come but not yet recorded by the service (None: none)"
    )
    expiry_held: ExpiryHeld | None = Field(
        default=None,
        description="the term come while an extension is in signature: the expiry the service "
        "holds, and until when, as the status says it (None: none)",
    )
    notice_overridden: bool = Field(
        default=False,
        description="in 'termination' under a notice its term overrides (it would end on the "
        "term's day or after it): the notice will have no effect, the convention runs to its "
        "term and expires then",
    )
    committee_name: str | None = Field(
        default=None,
        description="when its next deadline is its committee's next meeting, the name it gives "
        "its steering committee ('Commission de suivi'); null: none (the model's 'Comité "
        "technique'), or another next deadline",
    )
    next_deadline_label: str | None = Field(
        default=None,
        description="its next deadline as the dashboard names it, in French: the kind's label, "
        "or 'prochaine réunion de la Commission de suivi' for a committee it names so",
    )


class ConventionList(BaseModel):
    """One page of a list of conventions."""

    items: list[ConventionSummary]
    total: int = Field(description="how many conventions match, on every page")
    page: int
    per_page: int
    pages: int
    sort: SortField
    order: Literal["asc", "desc"]


class Deadline(Open):
    """A computed deadline with its explanation in French."""

    kind: str
    due_date: str
    expires_at: str
    status: str
    explanation: str
    passed_unrecorded: bool = Field(
        description="its end has passed at the instant of reading, but the service has not "
        "recorded it yet (its status still 'pending'): not to come; its next pass records it",
    )
    closed_by_end: bool = Field(
        description="its convention's end (`end_unrecorded`), come at the instant of reading "
        "and not yet recorded, closes it at the service's next pass (its status still "
        "'pending'): it does not outlive the convention and falls after its end, or it is the "
        "other end deadline; not to come, whenever its day; that pass cancels it",
    )
    met_on: str | None = Field(
        default=None,
        description="a payment target passed unmet (its status stays 'passed'), then met by a "
        "later payment: that payment's day (None otherwise)",
    )
    forgone_on: str | None = Field(
        default=None,
        description="a payment target passed unmet, then given up by the Métropole "
        "(`forgo_payment`, rule 25): the day of the renunciation (None otherwise)",
    )


class HistoryEntry(Open):
    """One recorded event: what, from which state to which, when, by whom, with what."""

    seq: int
    event: str
    from_state: str | None
    to_state: str
    date: str
    recorded_at: str
    actor: str
    inputs: dict[str, Any]


class PaymentMade(Open):
    """One payment made, as the history recorded it."""

    on: str = Field(description="the civil date it was made")
    amount: str = Field(description="euros, exact decimal text: '50000.00'")
    instalment: int = Field(description="the instalment it paid; 0: the single payment")
    balance: bool = Field(
        description="a further part of a payment already made (the single payment, or an "
        "instalment): the balance an amendment raising it left to pay once it was paid"
    )


class ConventionStatus(Open):
    """Where a convention stands (the keys of `convflow status --json`), with its history."""

    reference: str
    title: str
    state: str
    version: int = Field(description="send it back as expected_version to detect conflicts")
    read_at: str = Field(
        description="the instant it was read at: every deadline and reminder is judged against it",
    )
    end_unrecorded: EndUnrecorded | None = Field(
        description="its end, come but not yet recorded by the service (None: none); "
        "`state` stays the one recorded until then",
    )
    expiry_held: ExpiryHeld | None = Field(
        default=None,
        description="the term come while an extension is in signature: the expiry the service "
        "holds, and until when (None: none)",
    )
    effective_date: str | None
    end_date: str
    amount: str
    parties: list[Party]
    signatories: list[dict[str, Any]]
    allowed_events: list[str]
    deadlines: list[Deadline]
    payments_made: list[PaymentMade] = Field(
        description="every payment made, in the order recorded, each on its own day "
        "(`paid_on` is the first one's, `paid_amount` the total)"
    )
    forgone_amount: str | None = Field(
        default=None,
        description="what the Métropole forwent in all (rule 25: what remained of each "
        "instalment, or of the single payment, it will not pay); null when it forwent nothing",
    )
    history: list[HistoryEntry]


Day = Annotated[str, StringConstraints(max_length=40, pattern=PLAIN)]


class AwardRequest(BaseModel):
    """The award decision to record (or complete), as `convflow award` takes it."""

    model_config = ConfigDict(extra="forbid")

    decision: Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=PLAIN)]
    adopted: Day = Field(description="YYYY-MM-DD: the day it was adopted")
    published: Day | None = None
    notified: Day | None = Field(None, description="notified to the beneficiary")
    transmitted: Day | None = Field(None, description="received by the prefecture")
    on: Day | None = Field(None, description="the day it is recorded (default: today)")
    expected_version: int | None = Field(None, ge=1, le=2_000_000_000)


Minutes = Annotated[str, StringConstraints(max_length=MAX_MINUTES, pattern=PLAIN)]


class CommitteeMeetingRequest(BaseModel):
    """A meeting of the steering committee (article 3), as `convflow committee REF add` takes
    it: the day it was held, who attended, what it decided, its minutes as text."""

    model_config = ConfigDict(extra="forbid")

    date: Day = Field(description="YYYY-MM-DD: the day the committee met")
    attendees: Annotated[str, StringConstraints(min_length=1, max_length=MAX_INPUT, pattern=PLAIN)]
    decisions: Annotated[str, StringConstraints(min_length=1, max_length=MAX_INPUT, pattern=PLAIN)]
    minutes: Minutes | None = None
    expected_version: int | None = Field(None, ge=1, le=2_000_000_000)


class Meeting(Open):
    """A meeting of the steering committee: its history line (`event`) and papers."""

    held_on: str
    attendees: str
    decisions: str
    minutes: str
    event: int | None
    papers: list[dict[str, Any]]


class Committee(Open):
    """The steering committee of article 3: its cadence (months, none by default), meetings
    oldest first, when the next one is due (rule 23), and its name as the convention file's
    `[committee]` gives it (null when it gives none)."""

    article: str
    cadence_months: int | None
    meetings: list[Meeting]
    next_due: str | None
    name: str | None = None


class EventRequest(BaseModel):
    """An event to record, with the inputs the command line takes as key=value."""

    model_config = ConfigDict(extra="forbid")

    event: EventName
    on: Annotated[str, StringConstraints(max_length=40, pattern=PLAIN)] | None = Field(
        None, description="YYYY-MM-DD or an ISO instant (default: today, or the letter's date)"
    )
    inputs: dict[InputKey, InputValue] = Field(
        default_factory=dict,
        max_length=20,
        description="e.g. {'signatory': 'name@example.org'}, {'amount': '200000.00'}; a "
        "whole number may be given as a JSON number ({'instalment': 1}), an amount never with "
        "a decimal point (write it as text)",
    )
    expected_version: int | None = Field(
        None,
        ge=1,
        le=2_000_000_000,
        strict=True,  # true is not 1: booleans are not numbers
        description="refuse (409) if the convention changed since",
    )

    _inputs = field_validator("inputs", mode="before")(inputs_as_text)


class NewDeadline(BaseModel):
    """A deadline the recorded event opened."""

    kind: str
    due_date: str
    expires_at: str


class EventRecorded(BaseModel):
    """What recording the event did."""

    reference: str
    event: str
    from_state: str
    to_state: str
    on: str
    actor: str
    inputs: dict[str, str]
    version: int
    deadlines: list[NewDeadline]


class DeadlineItem(Open):
    """A pending deadline in a list across conventions."""

    reference: str
    title: str
    state: str
    kind: str
    due_date: str
    expires_at: str
    status: str
    passed_unrecorded: bool = Field(
        description="its end has passed at the instant of reading, but the service has not "
        "recorded it yet (its status still 'pending'): not to come; its next pass records it",
    )
    held_by_extension: bool = Field(
        default=False,
        description="its day has passed while an extension in signature holds the expiry "
        "(rule 27, as the convention's status says it): passed, recorded when the wait ends",
    )
    closed_by_end: bool = Field(
        description="its convention's end (`end_unrecorded`), come at the instant of reading "
        "and not yet recorded, closes it at the service's next pass (its status still "
        "'pending'): it does not outlive the convention and falls after its end, or it is the "
        "other end deadline; not to come, whenever its day; that pass cancels it",
    )
    committee_name: str | None = Field(
        default=None,
        description="on the committee's next meeting (kind 'committee'), the name its "
        "convention gives its steering committee; null: none (the model's 'Comité technique'), "
        "or another kind",
    )
    label: str = Field(
        description="what the dashboard calls it, in French: the kind's label, or 'prochaine "
        "réunion de la Commission de suivi' for a committee its convention names so",
    )
    notice_overridden: bool = Field(
        default=False,
        description="its convention is in 'termination' under a notice its term overrides (it "
        "would end on the term's day or after it): the notice will have no effect, the "
        "convention runs to its term and expires then",
    )
    without_effect: bool = Field(
        default=False,
        description="a termination notice's deadline (kind 'termination') the term overrides: "
        "its day is the term's, on which the convention expires; the termination never takes "
        "effect (its kind and label unchanged)",
    )
    instalment: int = Field(
        default=0,
        description="the instalment a payment deadline is about; 0: none, or a single payment",
    )


class DeadlineList(BaseModel):
    """Pending deadlines that fall within some days."""

    items: list[DeadlineItem]
    total: int
    days: int


class FailedEmail(Open):
    """An email the outbox gave up on."""

    id: int
    reference: str | None
    kind: str
    subject: str | None
    recipients: list[str]
    attempts: int
    last_error: str | None
    created_at: str


class FailedEmails(BaseModel):
    """The latest failed emails, and how many there are."""

    items: list[FailedEmail]
    total: int


class Overview(BaseModel):
    """The dashboard's first page: counts by state, what is overdue, what falls due, what
    failed."""

    counts: dict[str, int]
    total: int
    overdue: OverdueList = Field(
        description="the obligations overdue at the instant of reading (a deadline passed that "
        "still waits: a payment, the financial report, the open data...), oldest first, as "
        "the dashboard's « En retard » and /echeances list them"
    )
    upcoming: DeadlineList
    failed_emails: FailedEmails


class Me(BaseModel):
    """Who the token belongs to and what it may do."""

    name: str
    role: Literal["admin", "viewer"]


class Problem(BaseModel):
    """Why a request was refused: `code` and `params` for programs, `message` in the language
    asked (Accept-Language: fr or en), `detail` in English."""

    detail: Any
    error: str | None = None
    code: str | None = None
    params: dict[str, Any] | None = None
    message: str | None = None
