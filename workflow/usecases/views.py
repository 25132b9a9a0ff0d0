"""Read models: what administrators ask (status, history, lists), as JSON-ready dicts.

The keys here are a public contract (`status --json`, the HTTP API): keys may be added,
never renamed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypedDict

from notifications.committee import committee_of
from states.amendments import (
    FIELDS,
    Amendment,
    allowed_amendment_events,
    consolidated,
    current_value,
    instalment_key,
    instalment_number,
)
from states.award import AwardDecision
from states.calendar import end_of_day
from states.chain import ERASURE
from states.committee import next_meeting
from states.convention import Convention
from states.due import (
    EXTENSION_GRACE_DAYS,
    WAITING_REMINDER,
    expiry_held_at,
    expiry_held_until,
    hold_last_day,
)
from states.evidence import Line, Paper, Signing, flags
from states.financial_report import exercise
from states.ledger import ledger
from states.lifecycle import IN_FORCE, allowed_for
from states.reading import (
    EndUnrecorded,
    OnNextPass,
    awaiting_pass,
    closed_at_pass,
    end_unrecorded,
    held_by_extension,
    on_next_pass,
    passed_unrecorded,
    state_after_pass,
)
from states.retention import dispute_ended_on, open_file, retention
from storage.mapping import deadline_entry, dispute_to_json, notice_to_json, reminder_entry
from storage.vocabulary import EMAIL_WAITING
from workflow.usecases.documents import document_view
from workflow.usecases.iso import day, instant
from workflow.usecases.schedule import (
    InstalmentView,
    PaymentView,
    RemainingView,
    instalment_views,
    payment_views,
    remaining_payments,
    settled_late,
    single_payment_balance_by,
    single_payment_forgone,
    single_payment_forgone_on,
)
from workflow.wording import labels

if TYPE_CHECKING:  # the database layer: `status` reads without it (storage.driver_reads)
    from storage.driver_reads import DriverReads
    from storage.tables import AnyRow
    from storage.uow import UnitOfWork
    from workflow.bootstrap import App


class DeadlineView(TypedDict):
    """One stored deadline: its dates, status and explanation."""

    kind: str
    due_date: str | None
    expires_at: str | None
    status: str
    explanation: str
    trigger_date: str | None
    raw_end: str | None
    details: dict[str, Any]
    resolved_at: str | None
    instalment: int
    passed_unrecorded: bool
    """Its end has passed at the instant of reading, but no pass of the service has recorded
    it yet (`status` still `pending`): it is not to come; the next pass marks it passed, or
    applies it, or (`closed_by_end`) cancels it (states.reading)."""
    held_by_extension: bool
    """Its day has passed at the instant of reading while an extension in signature holds
    the expiry (rule 27, `expiry_held`): the pass moved the instant it falls at (`expires_at`)
    to the end of the wait (or, between the term and that pass, will move it: not
    `passed_unrecorded` then); it is passed, not to come, and is recorded (or applied) then."""
    closed_by_end: bool
    """The convention's end, come at the instant of reading and not yet applied
    (`end_unrecorded`), closes it at the next pass (`status` still `pending`): it does not
    outlive the convention and falls after its end, or it is the other end deadline; the pass
    cancels it, so it is not to come, whenever its day (states.reading.closed_at_pass)."""
    met_on: str | None
    """A payment target passed unmet (`status` `passed`, the record keeps it), then met late:
    the day of the payment that met it (None otherwise)."""
    forgone_on: str | None
    """A payment target passed unmet, then given up by the Métropole (rule 25): the day of the
    renunciation (None otherwise)."""


class ReminderView(TypedDict):
    """One reminder: when it is (or was) planned, and what became of it."""

    kind: str
    template: str
    label: str
    days_before: int | None
    planned_at: str | None
    status: str
    note: str | None
    resolved_at: str | None
    awaiting_pass: bool
    """Its instant has passed at the instant of reading, but it is still `planned`: not to
    come, not sent either; the next pass of the service decides it (states.reading)."""
    on_next_pass: str | None
    """While `awaiting_pass`, what the next pass will do with it, decided by the pass's own
    rules (states.reading.on_next_pass): `send`; `coalesce` (a later reminder of the same
    deadline goes instead); `skip` (not sent, see `on_next_pass_reason`); `cancel` (the
    convention's end, applied at that pass, cancels it). None otherwise."""
    on_next_pass_reason: str | None
    """Why the next pass will not send it: `coalesced`, `known_late` (its instant had passed
    when its deadline became known), `moot`, `deadline_passed`, `signature_target_passed`,
    `information_passed` (states.due.Reason) or `convention_ended`; None when it will be sent,
    or is not awaiting a pass."""
    committee_name: str | None
    """The name its convention gives its steering committee (None: none, the model's): the
    name `convflow reminders` calls the committee's next meeting by."""
    due_date: str | None
    """Its deadline's day (AAAA-MM-JJ): with `planned_at`, how long before it the reminder
    truly goes once moved to a working day (a deadline on a Saturday, reminded the Friday)."""


class OutboxView(TypedDict):
    """One email: what, to whom, and whether it was delivered."""

    id: int
    kind: str
    message_id: str
    recipients: list[str]
    cc: list[str]
    subject: str
    status: str
    attempts: int
    unanswered: int  # attempts whose message went out with no answer from the server
    last_error: str | None
    created_at: str | None
    next_attempt_at: str | None
    sent_at: str | None
    reference: str | None
    held_code: str | None  # why it is held (the mail server refuses our settings), else None
    committee_name: str  # its convention's committee, as its facts froze it (the model's
    # Comité technique when they name none): `convflow outbox` names a committee's reminder so
    delivered_to: list[str]  # those the mail server took it for, when it refused others
    # (empty: everyone, once sent; nobody yet, while waiting)
    refused_to: list[str]  # those the mail server refused it for good (a 5xx), reported


class AppliedChange(TypedDict):
    """A term an amendment in force changed: before and after."""

    field: str
    label: str
    before: str
    after: str


class AmendmentView(TypedDict):
    """One amendment: what it proposes or changed, who signed, when it took effect."""

    number: int
    title: str
    state: str
    changes: dict[str, str]
    current: dict[str, str]
    applied: list[AppliedChange]
    signatures: dict[str, str]
    created_on: str | None
    submitted_on: str | None
    effective_date: str | None
    allowed_events: list[str]
    lapsed_on: str | None  # lapsed: the day the convention ended before its last signature
    new_total: dict[str, str] | None
    """Open and changing an instalment's amount: the subsidy's amount now (`before`) and once
    the amendment is in force (`after`, the schedule's sum), shown before anyone signs; None
    otherwise (in force, `applied` says it under `amount`)."""


class PartyView(TypedDict):
    """A party to the convention."""

    key: str
    name: str


class SignatoryView(TypedDict):
    """A current signatory and the day they signed, if they did."""

    party: str
    name: str
    title: str
    email: str
    signed_on: str | None


class FormerSignatoryView(SignatoryView):
    """A representative an amendment replaced, and which amendment."""

    replaced_by: int | None


class StatusView(TypedDict):
    """Where a convention stands (`status --json`, the API's convention)."""

    reference: str
    title: str
    object: str
    place: str
    state: str
    version: int
    effective_date: str | None
    end_date: str | None
    amount: str
    submitted_on: str | None
    notified_on: str | None
    paid_on: str | None
    """The first payment's date (the convention is in execution from it)."""
    paid_amount: str | None
    """The total paid so far."""
    forgone_on: str | None
    """The day the Métropole forwent the single payment (rule 25, `forgo_payment`), or its
    balance once it was paid (`balance_forgone`); None when it did not, or when the convention
    is paid in instalments (each one's `forgone_on`)."""
    balance_forgone: bool
    """The Métropole gave up the balance of the single payment, what was paid staying paid."""
    balance_by: int | None
    """The amendment that raised the single payment once it was made, whose balance it is
    (None when none did, or for a schedule: each instalment's `balance_by`)."""
    payments_made: list[PaymentView]
    """Every payment made, in the order recorded, each with its date and amount: the first
    payment and the balance an amendment left, or each instalment."""
    balance_due: str | None
    """The single payment's balance still to pay after an amendment raised the amount once it
    was paid (None when nothing of the kind is due)."""
    forgone_amount: str | None
    """What the Métropole forwent in all (rule 25: what remained of each instalment, or of the
    single payment, it will not pay; states.ledger); None when it forwent nothing."""
    instalments: list[InstalmentView]
    remaining: list[RemainingView]
    """The instalments still to pay, neither paid in full nor forgone (the single payment as
    number 0), each with what remains of it and its condition: after the end too (rule 25)."""
    parties: list[PartyView]
    signatories: list[SignatoryView]
    former_signatories: list[FormerSignatoryView]
    allowed_events: list[str]
    dispute: dict[str, Any] | None
    notice: dict[str, Any] | None
    deadlines: list[DeadlineView]
    reminders: list[ReminderView]
    outbox: list[OutboxView]
    terms: dict[str, dict[str, Any]]
    amendments: list[AmendmentView]
    award: dict[str, Any] | None
    retention: dict[str, Any] | None
    """When the file closed, until when it is kept, from when erasure is possible (rule 21):
    None until the convention has ended and its file closed."""
    file_open: dict[str, Any] | None
    """The file of an ended convention not closed yet (rule 21): `because` (a dispute, in
    court or not, an instalment to pay, the financial report owed: states.retention.OPEN_BECAUSE)
    and its `explanation`; None otherwise."""
    evidence: list[dict[str, Any]]
    financial_report: dict[str, Any] | None
    erasure: dict[str, Any] | None
    committee: CommitteeView
    read_at: str
    """The instant the status was read at: every deadline and reminder is judged against it."""
    end_unrecorded: EndView | None
    """The convention's end, come at the instant of reading but not yet applied by the
    service (its stored `state` still in force): the event the next pass records (`expire`,
    `terminate`), the deadline it applies, its day and the state it leads to. None otherwise."""
    expiry_held: ExpiryHeldView | None
    """The term come while an extension is in signature: the service holds the expiry until
    `until` (rule 27). None otherwise."""


class ExpiryHeldView(TypedDict):
    """The expiry held at the term while an extension is in signature (rule 27)."""

    term: str
    """The term (ISO day): the day the expiry is dated at if it is recorded."""
    until: str
    """The instant the hold ends: the next pass from it records the expiry."""
    last_day: str
    """The last day (ISO, Paris) a signature dated on or before the term can be recorded."""
    amendment: int
    new_end_date: str
    missing: list[str]
    """Whose signature the amendment still waits for."""


class EndView(TypedDict):
    """An end that has come and that no pass has recorded yet (states.reading)."""

    event: str
    kind: str
    on: str
    state: str


class MeetingView(TypedDict):
    """One meeting of the steering committee, its history line and the papers attached to it."""

    held_on: str
    attendees: str
    decisions: str
    minutes: str
    event: int | None
    papers: list[dict[str, Any]]


class CommitteeView(TypedDict):
    """The steering committee of article 3 (rule 23): its article, the cadence the service set
    (months, None: none), its meetings oldest first, when the next one is due, and its name
    as the convention names it (`[committee]` name; None when it gives none)."""

    article: str
    cadence_months: int | None
    meetings: list[MeetingView]
    next_due: str | None
    name: str | None


class HistoryRow(TypedDict):
    """One recorded event: what, from which state to which, when, by whom, with what."""

    seq: int
    event: str
    from_state: str | None
    to_state: str
    date: str
    recorded_at: str | None
    actor: str
    inputs: dict[str, str]
    amendment: int | None


def deadline_view(
    row: AnyRow,
    now: datetime,
    end: EndUnrecorded | None = None,
    held_until: datetime | None = None,
    term: datetime | None = None,
) -> DeadlineView:
    """One stored deadline, judged at `now`, when the convention's `end` has come and is not
    applied yet (None: it has not), and the expiry is held until `held_until` by an extension
    in signature (None: it is not) after the `term` (its instant: 24:00 on its day)."""
    held = _held(row, now, held_until, term)
    return {
        "kind": row.kind,
        "due_date": day(row.due_date),
        "expires_at": instant(row.expires_at),
        "status": row.status,
        "explanation": row.explanation,
        "trigger_date": day(row.trigger_date),
        "raw_end": day(row.raw_end),
        "details": row.details,
        "resolved_at": instant(row.resolved_at),
        "instalment": row.instalment,
        "passed_unrecorded": passed_unrecorded(row.status, row.expires_at, now) and not held,
        "held_by_extension": held,
        "closed_by_end": closed_at_pass(row.kind, row.status, row.expires_at, end),
        "met_on": None,
        "forgone_on": None,
    }


def _settled(view: DeadlineView, convention: Convention) -> DeadlineView:
    """A payment target passed unmet, with how it was settled since (met late, or given up):
    the record keeps it passed, the reader is told what followed."""
    if view["kind"] != "payment" or view["status"] != "passed" or not view["due_date"]:
        return view
    met, forgone = settled_late(convention, view["instalment"],
                                date.fromisoformat(view["due_date"]))  # fmt: skip
    return {**view, "met_on": day(met), "forgone_on": day(forgone)}


def _held(row: AnyRow, now: datetime, held_until: datetime | None, term: datetime | None) -> bool:
    """Whether the expiry's hold keeps this deadline waiting (states.reading)."""
    return held_by_extension(
        row.kind, row.status, row.due_date, row.expires_at, now, held_until, term
    )


def reminder_view(
    row: AnyRow,
    now: datetime,
    next_pass: OnNextPass | None = None,
    committee_name: str | None = None,
    due_date: date | None = None,
) -> ReminderView:
    """One reminder: when it is (or was) planned, and what became of it, judged at `now`;
    `next_pass`: what the next pass will do with it, when it waits for one."""
    waiting = awaiting_pass(row.status, row.planned_at, now)
    return {
        "kind": row.kind,
        "template": row.template,
        "label": row.label,
        "days_before": row.days_before,
        "planned_at": instant(row.planned_at),
        "status": row.status,
        "note": row.note,
        "resolved_at": instant(row.resolved_at),
        "awaiting_pass": waiting,
        "on_next_pass": next_pass.action if waiting and next_pass else None,
        "on_next_pass_reason": next_pass.reason if waiting and next_pass else None,
        "committee_name": committee_name,
        "due_date": due_date.isoformat() if due_date else None,
    }


def reminder_views(
    convention: Convention,
    deadlines: Sequence[AnyRow],
    rows: Sequence[AnyRow],
    now: datetime,
    amendment: Amendment | None,
    grace_days: int,
) -> list[ReminderView]:
    """A convention's reminders judged at `now`: those past their instant say what the next
    pass will do with them (states.reading.on_next_pass; `amendment`, the one open, and
    `grace_days`: whether the expiry is held)."""
    planned = [reminder_entry(r) for r in rows if r.status == WAITING_REMINDER]
    decided = on_next_pass(
        convention, map(deadline_entry, deadlines), planned, now, amendment, grace_days
    )
    name = convention.committee.name
    due = {d.id: d.due_date for d in deadlines}
    return [reminder_view(row, now, decided.get(row.id), name, due.get(row.deadline_id))
            for row in rows]  # fmt: skip


OUTBOX_WAITING: tuple[str, ...] = EMAIL_WAITING
"""The statuses of an email waiting for its next attempt: pending, uncertain."""


def outbox_view(row: AnyRow) -> OutboxView:
    """One email: what, to whom, and whether it was delivered."""
    return {
        "id": row.id,
        "kind": row.kind,
        "message_id": row.message_id,
        "recipients": row.recipients,
        "cc": row.cc,
        "subject": row.subject,
        "status": row.status,
        "attempts": row.attempts,
        "unanswered": row.unanswered,
        "last_error": row.last_error,
        "created_at": instant(row.created_at),
        "next_attempt_at": instant(row.next_attempt_at),
        "sent_at": instant(row.sent_at),
        "reference": row.context.get("reference"),
        "held_code": row.held_code,
        # As its facts froze it: the name the email itself says (the model's when none).
        "committee_name": committee_of(row.context.get("convention") or {})["name"],
        "delivered_to": list(row.delivered_to or []),
        "refused_to": list(row.refused_to or []),
    }


def reminders(app: App, reference: str, now: datetime | None = None) -> list[ReminderView]:
    """Every reminder of a convention, in planned order, judged at `now` (the app's clock)."""
    now = now or app.clock()
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
        convention_id = uow.conventions.id_of(reference)
        deadlines = uow.deadlines.for_convention(convention_id)
        rows = uow.reminders.for_convention(convention_id)
        amendment = uow.amendments.open_one(convention_id)
    grace = app.settings.extension_grace_days
    return reminder_views(convention, deadlines, rows, now, amendment, grace)


def outbox(
    app: App, status: str | None = None, limit: int = 200, refused_too: bool = False
) -> list[OutboxView]:
    """Emails (of one status, or all), newest first; `refused_too`: with those refused for
    good to some of their recipients (see OutboxRepository.listing)."""
    with app.uow(read_only=True) as uow:
        return [outbox_view(row) for row in uow.outbox.listing(status, limit, refused_too)]


def outbox_counts(app: App) -> dict[str, int]:
    """How many emails are in each status, and how many had an attempt left unanswered."""
    with app.uow(read_only=True) as uow:
        return dict(uow.outbox.counts())


def amendment_view(amendment: Amendment, convention: Convention) -> AmendmentView:
    """One amendment: what it proposes (beside the terms it would replace, while open) or
    changed, who signed, when it took effect."""
    open_ = amendment.state in ("draft", "signature")
    return {
        "number": amendment.number,
        "title": amendment.title,
        "state": amendment.state,
        "changes": amendment.changes,
        "current": {key: current_value(convention, key) for key in amendment.changes}
        if open_
        else {},
        "applied": [
            {
                "field": key,
                "label": labels.term(key),
                "before": values["before"],
                "after": values["after"],
            }
            for key, values in amendment.applied.items()
        ],
        "signatures": {email: day.isoformat() for email, day in amendment.signatures.items()},
        "created_on": day(amendment.created_on),
        "submitted_on": day(amendment.submitted_on),
        "effective_date": day(amendment.effective_date),
        "allowed_events": allowed_amendment_events(amendment.state),
        "lapsed_on": day(convention.ends_on()) if amendment.state == "lapsed" else None,
        "new_total": _new_total(convention, amendment) if open_ else None,
    }


def _new_total(convention: Convention, amendment: Amendment) -> dict[str, str] | None:
    """What an open amendment changing an instalment's amount makes of the subsidy's amount,
    the sum of the schedule: before and after it; None when it changes no instalment's."""
    if not any(instalment_number(key) is not None for key in amendment.changes):
        return None
    after = consolidated(convention, amendment)
    return {"before": current_value(convention, "amount"), "after": current_value(after, "amount")}


def terms_view(
    convention: Convention, original: dict[str, Any] | None, amendments: list[Amendment]
) -> dict[str, dict[str, Any]]:
    """The consolidated terms: each one's current value and what set it (the convention, or
    the last amendment in force that changed it), applied in order."""
    terms: dict[str, dict[str, Any]] = {
        key: {"value": current_value(convention, key), "set_by": "convention"} for key in FIELDS
    }  # fmt: skip
    for instalment in convention.clauses.instalments:  # each one an amendment may change
        key = instalment_key(instalment.number)
        terms[key] = {"value": current_value(convention, key), "set_by": "convention"}
    for amendment in amendments:
        if amendment.state != "in_force":
            continue
        for key, values in amendment.applied.items():
            terms[key] = {
                "value": current_value(convention, key) if key in terms else values["after"],
                "set_by": amendment.title,
                "since": day(amendment.effective_date),
            }
    if original is not None:
        terms["end_date"]["original"] = original.get("end_date")
        terms["amount"]["original"] = original.get("amount")
    return terms


def amendments(app: App, reference: str) -> list[AmendmentView]:
    """Every amendment of a convention, by number."""
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
        found = uow.amendments.for_convention(uow.conventions.id_of(reference))
    return [amendment_view(amendment, convention) for amendment in found]


def award_view(award: AwardDecision | None) -> dict[str, Any] | None:
    """The award decision as `status` shows it (None while none is recorded)."""
    if award is None:
        return None
    return {
        "reference": award.reference,
        "adopted_on": day(award.adopted_on),
        "published_on": day(award.published_on),
        "notified_on": day(award.notified_on),
        "received_by_prefect_on": day(award.received_by_prefect_on),
        "enforceable_on": day(award.enforceable_on()),
        "explanation": award.enforceability_text(),
    }


def evidence_view(lines: Sequence[AnyRow], papers: Sequence[AnyRow]) -> list[dict[str, Any]]:
    """The record's flags: an event without its paper, a receipt's date that disagrees; each
    with its line's inputs, by which its event is named (the financial report's receipt)."""
    inputs = {r.seq: dict(r.inputs or {}) for r in lines}
    found = flags(
        [
            Line(r.seq, r.name, r.to_state, r.inputs or {}, r.amendment, r.occurred_on)
            for r in lines
        ],
        [Paper(p.kind, p.event_seq, p.received_on, _signings(p.signatures)) for p in papers],
    )
    return [{"seq": f.seq, "event": f.event, "problem": f.problem, "detail": f.detail,
             "inputs": inputs.get(f.seq, {})} for f in found]  # fmt: skip


def _signings(stored: list[dict[str, Any]] | None) -> tuple[Signing, ...]:
    """The signatures a paper's row keeps, as the evidence rules read them."""
    return tuple(
        Signing(s["signer"], datetime.fromisoformat(s["signed_at"]) if s["signed_at"] else None,
                bool(s["intact"]))
        for s in stored or ()
    )  # fmt: skip


def erasure_view(lines: Sequence[AnyRow]) -> dict[str, Any] | None:
    """When the signatories' personal data were erased, with which archives reference."""
    line = next((row for row in lines if row.name == ERASURE), None)
    if line is None:
        return None
    return {"on": day(line.occurred_on), "archives_reference": line.inputs.get("archives"),
            "by": line.actor}  # fmt: skip


def financial_report_view(
    convention: Convention, deadlines: Sequence[AnyRow], now: datetime
) -> dict[str, Any] | None:
    """The financial report owed (rule 20): for which exercise, due when, and where it stands:
    `awaited`, `late` (its day passed, not received), `received`, `received_late`; None when
    none is owed. `passed_unrecorded`: still `awaited` as recorded, but its day has passed at
    `now` and the service has not recorded it yet."""
    report = convention.financial_report
    if not report.required:
        return None
    rows = [row for row in deadlines if row.kind == "financial_report"]
    due = rows[-1] if rows else None
    if report.received_on is not None:
        status = "received_late" if due is not None and due.status == "passed" else "received"
    else:
        status = "late" if due is not None and due.status == "passed" else "awaited"
    return {
        "basis": report.basis,
        "year": report.year,
        "exercise": exercise(report),
        "due_date": day(due.due_date) if due is not None else None,
        "received_on": day(report.received_on),
        "status": status,
        "passed_unrecorded": due is not None
        and status == "awaited"
        and passed_unrecorded(due.status, due.expires_at, now),
    }


def committee_view(
    convention: Convention,
    lines: Sequence[AnyRow],
    papers: Sequence[AnyRow],
    now: datetime,
    held_until: datetime | None,
) -> CommitteeView:
    """The steering committee as `status` and `convflow committee REF list` show it at `now`:
    each meeting with its history line (to attach its papers: convflow attach REF FILE --event
    N), and the next meeting due while the convention is in force; none once its end has come,
    recorded or not (states.reading: the next pass applies it, and nothing is due after it),
    the expiry held until `held_until` by an extension in signature (rule 27) being no end."""
    seqs = {
        row.occurred_on: row.seq
        for row in lines
        if row.name == "committee_meeting" and row.amendment is None
    }
    record = convention.committee
    found = next_meeting(record, convention.effective_date, convention.ends_on(),
                         convention.clauses.articles.committee)  # fmt: skip
    meetings: list[MeetingView] = []
    for meeting in record.meetings:
        seq = seqs.get(meeting.held_on)
        meetings.append({
            "held_on": meeting.held_on.isoformat(),
            "attendees": meeting.attendees,
            "decisions": meeting.decisions,
            "minutes": meeting.minutes,
            "event": seq,
            "papers": [{"name": p.name, "kind": p.kind, "sha256": p.sha256}
                       for p in papers if seq is not None and p.event_seq == seq],
        })  # fmt: skip
    return {
        "article": convention.clauses.articles.committee,
        "cadence_months": record.cadence_months,
        "meetings": meetings,
        "next_due": day(found.due_date)
        if found is not None and _in_force(convention, now, held_until)
        else None,
        "name": record.name,
    }


def _in_force(convention: Convention, now: datetime, held_until: datetime | None) -> bool:
    """In force at `now`, once the next pass has applied the end that has come, if any (the
    expiry held until `held_until` has not come: states.due.convention_end)."""
    end = end_unrecorded(convention, now, held_until)
    return state_after_pass(convention.state, end) in IN_FORCE


def committee(app: App, reference: str, now: datetime | None = None) -> CommitteeView:
    """The steering committee of a convention at `now` (the app's clock): its meetings and
    cadence."""
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
        convention_id = uow.conventions.id_of(reference)
        lines = uow.conventions.history(convention_id)
        papers = uow.documents.for_convention(convention_id)
        pending = uow.amendments.open_one(convention_id)
    held_until = expiry_held_until(convention, pending, app.settings.extension_grace_days)
    return committee_view(convention, lines, papers, now or app.clock(), held_until)


def retention_view(
    convention: Convention, years: int, lines: Sequence[AnyRow] = ()
) -> dict[str, Any] | None:
    """How long the file is kept (rule 21), once the convention has ended and its file closed;
    `lines`, its history, say when its last dispute ended."""
    ended = dispute_ended_on((line.name, line.occurred_on) for line in lines)
    kept = retention(convention, years, ended)
    if kept is None:
        return None
    return {
        "closed_on": day(kept.closed_on),
        "kept_until": day(kept.kept_until),
        "erasable_from": day(kept.erasable_from),
        "explanation": kept.explanation,
    }


def file_open_view(convention: Convention) -> dict[str, Any] | None:
    """Why the file of an ended convention is not closed yet (rule 21): what keeps it open
    (states.retention.OPEN_BECAUSE) and the sentences that say it; None when it is closed or
    the convention has not ended."""
    found = open_file(convention)
    if found is None:
        return None
    return {"because": list(found.because), "explanation": found.explanation}


def status(app: App, reference: str, now: datetime | None = None) -> StatusView:
    """Where a convention stands at `now` (the app's clock): its terms, parties, signatures,
    allowed events, deadlines, reminders and emails."""
    return convention_views(app, reference, now)[0]


def status_on_driver(
    database_url: str,
    reference: str,
    retention_years: int,
    now: datetime,
    grace_days: int = EXTENSION_GRACE_DAYS,
) -> StatusView | None:
    """The same status at `now`, read on the database driver alone (storage.driver_reads): what
    `convflow status` runs first, to start without SQLAlchemy. None when that reader does not
    serve this database; `status` (the ordinary path) then says what is wrong with it. A
    PostgreSQL server that cannot be reached is refused at once (DatabaseUnreachable)."""
    from storage.driver_reads import DriverError, open_reads

    try:
        with open_reads(database_url) as reads:
            if reads is None:
                return None
            return _status_view(_read_parts(reads, reference), retention_years, now, grace_days)
    except DriverError:
        return None


@dataclass(frozen=True)
class _Parts:
    """What a convention's status is made of, read in one transaction."""

    convention: Convention
    deadlines: Sequence[Any]
    planned: Sequence[Any]
    emails: Sequence[Any]
    amendments: list[Amendment]
    original: dict[str, Any] | None
    former: Sequence[Any]
    lines: Sequence[Any]
    papers: Sequence[Any]


def _read_parts(source: UnitOfWork | DriverReads, reference: str) -> _Parts:
    """The parts of a status, from a unit of work's repositories or the driver's reads (the
    same methods, the same queries: storage.reads)."""
    convention = source.conventions.get(reference)
    convention_id = source.conventions.id_of(reference)
    return _Parts(
        convention,
        source.deadlines.for_convention(convention_id),
        source.reminders.for_convention(convention_id),
        source.outbox.for_convention(convention_id),
        source.amendments.for_convention(convention_id),
        source.conventions.original_terms(convention_id),
        source.conventions.former_signatories(convention_id),
        source.conventions.history(convention_id),
        source.documents.for_convention(convention_id),
    )


def convention_views(
    app: App, reference: str, now: datetime | None = None
) -> tuple[StatusView, list[HistoryRow], list[dict[str, Any]]]:
    """A convention's status at `now` (the app's clock), its history and its papers, read in
    one transaction (its page shows the three: one round of queries instead of three, which
    PostgreSQL felt)."""
    now = now or app.clock()
    with app.uow(read_only=True) as uow:
        parts = _read_parts(uow, reference)
    return (
        _status_view(
            parts, app.settings.file_retention_years, now, app.settings.extension_grace_days
        ),
        [history_row(row) for row in parts.lines],
        [document_view(paper) for paper in parts.papers],
    )


def _status_view(parts: _Parts, retention_years: int, now: datetime, grace_days: int) -> StatusView:
    """A status from its parts, judged at `now` (states.reading: what has fallen due and is not
    recorded yet says so); the file is kept `retention_years` after the convention ends; the
    expiry waits `grace_days` after the term while an extension is in signature."""
    convention = parts.convention
    pending = next((a for a in parts.amendments if a.state in ("draft", "signature")), None)
    held_until = expiry_held_until(convention, pending, grace_days)
    end = end_unrecorded(convention, now, held_until)
    return {
        "reference": convention.reference,
        "title": convention.title,
        "object": convention.object,
        "place": convention.place,
        "state": convention.state,
        "version": convention.version,
        "effective_date": day(convention.effective_date),
        "end_date": day(convention.end_date),
        "amount": str(convention.amount),
        "submitted_on": day(convention.submitted_on),
        "notified_on": day(convention.notified_on),
        "paid_on": day(convention.paid_on),
        "paid_amount": str(convention.paid_amount) if convention.paid_amount else None,
        "forgone_on": day(single_payment_forgone_on(convention)),
        "balance_forgone": single_payment_forgone(convention)[1],
        "balance_by": single_payment_balance_by(convention),
        "payments_made": payment_views(parts.lines),
        "balance_due": str(balance) if (balance := convention.balance_due()) else None,
        "forgone_amount": str(forgone) if (forgone := ledger(convention).forgone) else None,
        "instalments": instalment_views(convention),
        "remaining": remaining_payments(convention),
        "parties": [{"key": p.key, "name": p.name} for p in convention.parties],
        "signatories": [
            {
                "party": s.party,
                "name": s.name,
                "title": s.title,
                "email": s.email,
                "signed_on": day(s.signed_on),
            }
            for s in convention.signatories
        ],
        "former_signatories": [
            {
                "party": row.party_key,
                "name": row.name,
                "title": row.title,
                "email": row.email,
                "signed_on": day(row.signed_on),
                "replaced_by": row.replaced_by,
            }
            for row in parts.former
        ],
        "allowed_events": allowed_for(
            convention, held=expiry_held_at(convention, pending, grace_days, now) is not None
        ),
        "dispute": dispute_to_json(convention.dispute),
        "notice": notice_to_json(convention.notice),
        "deadlines": [
            _settled(
                deadline_view(row, now, end, held_until, end_of_day(convention.end_date)),
                convention,
            )
            for row in parts.deadlines
        ],
        "reminders": reminder_views(
            convention, parts.deadlines, parts.planned, now, pending, grace_days
        ),
        "outbox": [outbox_view(row) for row in parts.emails],
        "terms": terms_view(convention, parts.original, parts.amendments),
        "amendments": [amendment_view(amendment, convention) for amendment in parts.amendments],
        "award": award_view(convention.award),
        "retention": retention_view(convention, retention_years, parts.lines),
        "file_open": file_open_view(convention),
        "evidence": evidence_view(parts.lines, parts.papers),
        "financial_report": financial_report_view(convention, parts.deadlines, now),
        "erasure": erasure_view(parts.lines),
        "committee": committee_view(convention, parts.lines, parts.papers, now, held_until),
        "read_at": instant(now) or "",
        "end_unrecorded": None
        if end is None
        else {"event": end.event, "kind": end.kind, "on": end.on.isoformat(), "state": end.state},
        "expiry_held": expiry_held_view(convention, pending, held_until, now),
    }


def expiry_held_view(
    convention: Convention, amendment: Amendment | None, held_until: datetime | None, now: datetime
) -> ExpiryHeldView | None:
    """The term come, an extension in signature: the expiry the service holds (rule 27), as
    `status` and the conventions list say it (`expiry_held`)."""
    if amendment is None or held_until is None:
        return None
    if not end_of_day(convention.end_date) <= now < held_until:
        return None
    return {
        "term": convention.end_date.isoformat(),
        "until": instant(held_until) or "",
        "last_day": hold_last_day(held_until).isoformat(),
        "amendment": amendment.number,
        "new_end_date": amendment.changes["end_date"],
        "missing": [s.email for s in convention.signatories
                    if s.email.lower() not in amendment.signatures],
    }  # fmt: skip


def history(app: App, reference: str) -> list[HistoryRow]:
    """Every recorded event of a convention, oldest first: who did what, when, with what."""
    with app.uow(read_only=True) as uow:
        uow.conventions.get(reference)
        rows = uow.conventions.history(uow.conventions.id_of(reference))
    return [history_row(row) for row in rows]


def history_row(row: AnyRow) -> HistoryRow:
    """One stored history line, as the history shows it."""
    return {
        "seq": row.seq,
        "event": row.name,
        "from_state": row.from_state,
        "to_state": row.to_state,
        "date": row.occurred_on.isoformat(),
        "recorded_at": instant(row.recorded_at),
        "actor": row.actor,
        "inputs": row.inputs,
        "amendment": row.amendment,
    }
