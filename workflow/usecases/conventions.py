"""The use cases: each opens a unit of work, loads, fires, records and commits, all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from states import due, reminders
from states.amendments import Amendment, period_for_step
from states.calendar import civil_date, end_of_day
from states.convention import Convention
from states.deadlines import (
    ComputedDeadline,
    DeadlineClosure,
    expiry,
    instalment_target,
    payment_target,
    termination_notice,
)
from states.errors import (
    ConcurrentChange,
    ConvflowError,
    DuplicateReference,
    GuardRejected,
    ReferenceDiffersByCase,
)
from states.financial_report import financial_report
from states.inputs import letter_date
from states.lifecycle import IN_FORCE, SIDE_RECORDS, Outcome, default_event_date, fire
from states.lifecycle import record_side as side_outcome
from states.payments import SINGLE_PAYMENT, progress_of
from states.terms import TERMS, recorded_terms
from states.visible import visible
from storage.uow import UnitOfWork
from workflow.bootstrap import App
from workflow.files.convention_file import ConventionFileError
from workflow.files.spreadsheet import differing_columns
from workflow.usecases.commands import (
    ConventionImported,
    DeadlineOpened,
    EventRecorded,
    ImportConvention,
    PastEvent,
    RecordEvent,
)
from workflow.usecases.emails import (
    computed_snapshot,
    event_snapshot,
    expiry_held_snapshot,
    letter_snapshot,
    notice_for,
    paid_balance,
    recorded_late,
)
from workflow.wording import labels
from workflow.wording.catalogue import gettext_noop
from workflow.wording.labels import reminder_reason
from workflow.wording.words import Words

CLOSED_BY = gettext_noop('moot: the deadline was closed by the event "{event}"')
"""Why a closed deadline's planned reminders were cancelled, as `convflow reminders` shows it."""


def import_convention(app: App, command: ImportConvention, now: datetime) -> ConventionImported:
    """Load a convention in `draft`; a reference that exists already is refused."""
    with app.uow() as uow:
        done = load_convention(app, uow, command, now)
        uow.commit()
    return done


def load_convention(
    app: App, uow: UnitOfWork, command: ImportConvention, now: datetime
) -> ConventionImported:
    """`import_convention` inside a unit of work the caller commits (with what else it
    does: an intake draft completed is removed in the same transaction)."""
    convention = command.convention
    uow.conventions.hold_references([convention.reference])  # until commit: no other in any case
    refuse_taken(uow, convention.reference)
    convention_id = uow.conventions.add(convention, now)
    uow.conventions.append_event(
        convention_id,
        1,
        "import",
        None,
        convention.state,
        civil_date(now),
        command.actor,
        {**({"file": visible(command.source)} if command.source else {}),
         TERMS: recorded_terms(convention)},
        now,
    )  # fmt: skip
    if command.history:  # read back as stored: the history then plays on the stored rows
        convention = uow.conventions.get(convention.reference, for_update=True)
    for number, past in enumerate(command.history):
        _replay(app, uow, convention, past, number, command, now)
    return ConventionImported(convention.reference, convention.state, convention.version)


def refuse_taken(uow: UnitOfWork, reference: str) -> None:
    """Refuse a reference a convention has already: as it is (DuplicateReference, which
    --skip-existing leaves), or but for case (ReferenceDiffersByCase, naming the one loaded)."""
    stored = uow.conventions.existing_any_case([reference])
    if reference in stored:
        raise DuplicateReference(reference)
    if stored:
        raise ReferenceDiffersByCase(reference, min(stored))


def refuse_unless_draft(convention: Convention) -> None:
    """Refuse to edit a convention no longer a draft, naming its state: once submitted for
    signature, only an amendment changes its terms."""
    if convention.state != "draft":
        raise GuardRejected(convention.reference, "edit_draft", "not_a_draft",
                            state=convention.state,
                            notice_overridden=due.notice_overridden(convention))  # fmt: skip


def draft_to_edit(app: App, reference: str) -> Convention:
    """The draft `reference` as stored, to change some of its terms; refused first when it is
    no longer a draft (before the changes are read: they cannot be taken whatever they are)."""
    with app.uow(read_only=True) as uow:
        stored = uow.conventions.get(reference)
    refuse_unless_draft(stored)
    return stored


def edit_draft(
    app: App, convention: Convention, actor: str, fields: Sequence[str], now: datetime,
    expected_version: int | None = None,
) -> ConventionImported:  # fmt: skip
    """Replace a draft's terms with `convention`'s (same reference), recorded in its history
    as `edit_draft` naming the fields changed; once submitted, a convention changes only by
    amendment: refused, naming its state."""
    with app.uow() as uow:
        stored = uow.conventions.get(convention.reference, for_update=True)
        refuse_unless_draft(stored)
        if expected_version is not None and expected_version != stored.version:
            raise ConcurrentChange(convention.reference, expected_version, stored.version)
        convention.version = stored.version
        # What the draft's own records set is not among its terms: kept as recorded. So is
        # the committee's cadence (committee_cadence, taken from the draft on); its name is a
        # term, the edit's.
        convention.award, convention.last_event_on = stored.award, stored.last_event_on
        convention.committee = replace(stored.committee, name=convention.committee.name)
        version = uow.conventions.replace_draft(convention, now)  # also the history's seq
        uow.conventions.append_event(
            uow.conventions.id_of(convention.reference), version, "edit_draft", "draft", "draft",
            civil_date(now), actor,
            {"fields": ", ".join(fields), TERMS: recorded_terms(convention)}, now,
        )  # fmt: skip
        uow.commit()
    return ConventionImported(convention.reference, "draft", version)


def check_not_loaded(app: App, rows: Sequence[tuple[int, Convention]], source: str) -> None:
    """Refuse a spreadsheet's rows whose reference is loaded already, naming each row (its
    report, before importing)."""
    with app.uow(read_only=True) as uow:
        _refuse_loaded(uow, rows, source)


def loaded_references(app: App, references: Sequence[str]) -> set[str]:
    """Those of `references` a convention already has."""
    with app.uow(read_only=True) as uow:
        return uow.conventions.existing(references)


def loaded_problems(app: App, rows: Sequence[tuple[int, Convention]]) -> list[dict[str, Any]]:
    """Each row whose reference a convention has already, as a problem of its file ({field,
    line, code, params}): listed with a file's other problems when it has some."""
    with app.uow(read_only=True) as uow:
        return _taken(uow, rows)


def stored_conventions(app: App, references: Sequence[str]) -> dict[str, Convention]:
    """Those of `references` a convention has, each with its convention as stored."""
    with app.uow(read_only=True) as uow:
        return {c.reference: c for c in uow.conventions.get_each(references)}


def differing_rows(app: App, rows: Sequence[tuple[int, Convention]]) -> list[dict[str, Any]]:
    """The rows whose reference is loaded already and whose content is not the stored
    convention's: its line, reference, the columns that differ and the stored convention's
    state (a draft is corrected by editing it, a convention submitted by an amendment)."""
    stored = stored_conventions(app, [c.reference for _, c in rows])
    found = []
    for number, convention in rows:
        kept = stored.get(convention.reference)
        fields = [] if kept is None else differing_columns(convention, kept)
        if kept is not None and fields:
            found.append({"line": number, "reference": convention.reference, "fields": fields,
                          "state": kept.state})  # fmt: skip
    return found


def _refuse_loaded(uow: UnitOfWork, rows: Sequence[tuple[int, Convention]], source: str) -> None:
    """Each row whose reference a convention has already, as it is or but for case (that
    convention's reference named), refused at once; one query per 500 rows."""
    taken = _taken(uow, rows)
    if not taken:
        return
    first, *others = taken
    raise ConventionFileError(source, first["line"], "reference", first["code"], others=others,
                              **first["params"])  # fmt: skip


def _taken(uow: UnitOfWork, rows: Sequence[tuple[int, Convention]]) -> list[dict[str, Any]]:
    """The rows whose reference a convention has already, as it is or but for case."""
    stored = uow.conventions.existing_any_case([convention.reference for _, convention in rows])
    by_case = {reference.lower(): reference for reference in sorted(stored, reverse=True)}
    taken: list[dict[str, Any]] = []
    for number, convention in rows:
        reference = convention.reference
        if reference in stored:
            code, params = "duplicate_reference", {"reference": reference}
        elif reference.lower() in by_case:
            code = "duplicate_reference_case"
            params = {"reference": reference, "existing": by_case[reference.lower()]}
        else:
            continue
        taken.append({"field": "reference", "line": number, "code": code, "params": params})
    return taken


def import_conventions(
    app: App, rows: Sequence[tuple[int, Convention]], actor: str, source: str, now: datetime,
    progress: Callable[[int], None] | None = None,
) -> list[ConventionImported]:  # fmt: skip
    """Load many conventions in `draft` (a spreadsheet's rows, each with its row number), all
    or nothing: a reference already loaded refuses the whole file, naming every such row."""
    with app.uow() as uow:
        uow.conventions.hold_references([convention.reference for _, convention in rows])
        _refuse_loaded(uow, rows, source)
        for start in range(0, len(rows), 500):
            chunk = [convention for _, convention in rows[start : start + 500]]
            ids = uow.conventions.add_many(chunk, now)
            for convention_id, convention in zip(ids, chunk, strict=True):
                uow.conventions.append_event(
                    convention_id, 1, "import", None, convention.state, civil_date(now),
                    actor, {"file": visible(source), TERMS: recorded_terms(convention)}, now,
                )  # fmt: skip
            if progress is not None:
                progress(len(chunk))
        uow.commit()
    return [ConventionImported(c.reference, c.state, c.version) for _, c in rows]


def _replay(
    app: App, uow: UnitOfWork, convention: Convention, past: PastEvent, number: int,
    command: ImportConvention, now: datetime,
) -> None:  # fmt: skip
    """One event of the file's history, recorded as `convflow event` would have on its day:
    deadlines and reminders follow, and the partners are not told now of what is old news
    (older than the late-record horizon, the administrators get the summary). A refusal
    names the history entry and its line; the whole import is then rolled back."""
    take = side_outcome if past.event in SIDE_RECORDS else fire
    try:
        outcome = take(convention, past.event, on=past.on, actor=command.actor,
                       settings=app.legal, today=civil_date(now), inputs=past.inputs)  # fmt: skip
    except ConvflowError as error:
        raise ConventionFileError(command.source, past.line, f"history[{number}]", error.code,
                                  **error.own_params) from error  # fmt: skip
    persist_outcome(app, uow, convention, outcome, now,
                    late=recorded_late(app.settings, past.on, now))  # fmt: skip


def record_event(app: App, command: RecordEvent, now: datetime) -> EventRecorded:
    """Record a person's event: fire it, write its history and deadlines, in one transaction
    (a record beside the lifecycle, such as `publish`, goes through `record_side`)."""
    if command.event in SIDE_RECORDS:
        return record_side(app, command, now)
    today = civil_date(now)
    with app.uow() as uow:
        convention = uow.conventions.get(command.reference, for_update=True)
        if command.expected_version not in (None, convention.version):
            raise ConcurrentChange(command.reference, command.expected_version, convention.version)
        on = command.on or default_event_date(command.event, command.inputs, today)
        hold = _hold(app, uow, convention, now)  # read before the event changes the state
        outcome = fire(
            convention,
            command.event,
            on=on,
            actor=command.actor,
            settings=app.legal,
            today=today,
            inputs=command.inputs,
            held_until=None if hold is None else due.hold_last_day(hold[1]),
        )
        persist_outcome(
            app, uow, convention, outcome, now, late=recorded_late(app.settings, on, now),
            held=None if hold is None else expiry_held_snapshot(convention, *hold),
        )  # fmt: skip
        uow.commit()
    return _recorded(outcome, convention.version)


def _hold(
    app: App, uow: UnitOfWork, convention: Convention, now: datetime
) -> tuple[Amendment, datetime] | None:
    """The extension in signature and the instant the expiry's hold ends when, at `now`, the
    term has passed while it holds the expiry (rule 27; states.due.expiry_held_at), else None;
    the open amendment read only once the term has passed."""
    if convention.state not in IN_FORCE or now < end_of_day(convention.end_date):
        return None
    pending = uow.amendments.open_one(uow.conventions.id_of(convention.reference))
    until = due.expiry_held_at(convention, pending, app.settings.extension_grace_days, now)
    return None if until is None or pending is None else (pending, until)


def record_side(app: App, command: RecordEvent, now: datetime) -> EventRecorded:
    """Take a record beside the lifecycle (states.lifecycle.SIDE_RECORDS): the award decision
    (its windows among the deadlines, information only) or the publication of the open data
    (its deadline met); a line in the history, in one transaction; the state does not change."""
    today = civil_date(now)
    with app.uow() as uow:
        convention = uow.conventions.get(command.reference, for_update=True)
        if command.expected_version not in (None, convention.version):
            raise ConcurrentChange(command.reference, command.expected_version, convention.version)
        outcome = side_outcome(
            convention, command.event, on=command.on or today, actor=command.actor,
            settings=app.legal, today=today, inputs=command.inputs,
        )  # fmt: skip
        persist_outcome(app, uow, convention, outcome, now)
        uow.commit()
    return _recorded(outcome, convention.version)


def persist_outcome(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    outcome: Outcome,
    now: datetime,
    *,
    late: bool = False,
    told_at: datetime | None = None,
    amendment: dict[str, Any] | None = None,
    by_service: bool = False,
    held: dict[str, Any] | None = None,
) -> int:
    """Write everything an event decided, in its transaction: state and history line,
    signature, deadlines closed (and their reminders cancelled), deadlines opened (and their
    reminders planned), and the email that tells the signatories (withheld when the event is
    `late`: recorded after the fact, the administrators hear of it instead; held in the
    outbox until `told_at` when given: the service's end of a convention, applied at
    midnight, is told at the reminder hour; `amendment`: the one that lapses with it, which its
    email names). A person's event tells the day it was recorded, when not its own date; the
    service's end of a convention is dated by the end itself (`by_service`). `held`: the
    expiry the service held when the event was recorded (rule 27, expiry_held_snapshot),
    which its email says instead of a term to come."""
    seq = uow.conventions.record(convention, outcome, now)
    convention_id = uow.conventions.id_of(convention.reference)
    move_deadlines(
        app,
        uow,
        convention,
        convention_id,
        seq,
        outcome.closures,
        outcome.opened,
        Words("fr")(CLOSED_BY, event=labels.recorded_event(outcome.trigger, outcome.inputs)),
        now,
    )
    kind = notice_for(outcome)
    if kind is not None:
        told = _deadline_told(
            convention, outcome, app,
            uow.amendments.for_convention(convention_id) if outcome.trigger == "pay" else (),
        )  # fmt: skip
        letter = (
            letter_snapshot(told, app.legal, outcome.inputs)
            if told is not None and letter_date(outcome.inputs) is not None
            else None
        )
        deadline = computed_snapshot(told) if told else None
        if deadline is not None and told is not None and kind == "notice_given":
            deadline["end_reminders_planned"] = _end_reminders_planned(uow, convention_id, told)
        if deadline is not None and kind == "convention_expired":
            deadline.update(_term_amendment(uow, convention_id))
        event = event_snapshot(outcome, convention, letter, None if by_service else civil_date(now))
        if kind == "dispute_settled":
            event.update(_settled_window(uow, convention_id))
        if held is not None:
            event["expiry_held"] = held
        app.mailer.queue(
            uow,
            convention,
            convention_id,
            kind,
            f"event:{convention_id}:{seq}",
            now,
            deadline=deadline,
            event=event,
            amendment=amendment,
            withheld=late,
            not_before=told_at,
        )
    return seq


def move_deadlines(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    seq: int,
    closures: Sequence[DeadlineClosure],
    opened: Sequence[ComputedDeadline],
    why: str,
    now: datetime,
) -> None:
    """Close deadlines (cancelling their planned reminders) and open new ones (planning theirs);
    the reminders of a deadline this change made moot (it can no longer fall) are cancelled
    with it, and none are planned for one that opens moot."""
    uow.deadlines.close(convention_id, closures, now)
    for closure in closures:
        uow.reminders.cancel(
            convention_id, closure.kind, now, note=why, instalment=closure.instalment
        )
    moot = due.moot_kinds(convention)
    for kind in sorted(moot):
        uow.reminders.cancel(convention_id, kind, now, note=reminder_reason("moot"))
    opened_ids = uow.deadlines.open(convention_id, seq, opened, now)
    hour, offsets = app.settings.reminder_hour, convention.clauses.reminders
    for deadline, deadline_id in zip(opened, opened_ids, strict=True):
        if deadline.kind not in moot:
            planned = reminders.plan(deadline, offsets, hour, app.legal.calendar, opened_at=now)
            uow.reminders.plan(convention_id, deadline_id, planned, now)


def _end_reminders_planned(uow: UnitOfWork, convention_id: int, notice: ComputedDeadline) -> int:
    """How many reminders of the convention's end are still planned once a notice is given:
    the term's when the term comes first, else the termination's. A notice given in the
    term's last week may leave none (the J-7 already went, the others were skipped): its
    email then promises none."""
    ending = "expiry" if notice.ends_by == "expiry" else "termination"
    return sum(row.kind == ending for row in uow.reminders.planned_for(convention_id))


def _term_amendment(uow: UnitOfWork, convention_id: int) -> dict[str, Any]:
    """The amendment in force that set the term a convention expires at (`term_amendment`, its
    number), as its expiry email states it: the last one that changed the end date; empty when
    the term is the convention's own."""
    setting = [amendment.number for amendment in uow.amendments.for_convention(convention_id)
               if amendment.state == "in_force" and "end_date" in amendment.applied]  # fmt: skip
    return {"term_amendment": max(setting)} if setting else {}


def _settled_window(uow: UnitOfWork, convention_id: int) -> dict[str, Any]:
    """The last day of the amicable window of the dispute a settlement closes (`window_end`),
    as its email states it: the agreement ends the window, or comes after it had closed (an
    agreement stays possible then: docs/LEGAL-NOTES.md, 1). Read from the stored deadline,
    the dispute being forgotten once settled; empty when none is stored."""
    windows = [row for row in uow.deadlines.for_convention(convention_id)
               if row.kind == "dispute_window"]  # fmt: skip
    if not windows:
        return {}
    last = max(windows, key=lambda row: row.opened_by_seq)
    return {"window_end": _day_iso(last.due_date)}


def _day_iso(value: date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _deadline_told(
    convention: Convention, outcome: Outcome, app: App, amendments: Sequence[Amendment] = ()
) -> ComputedDeadline | None:
    """The deadline an event's email speaks of: the one it opened, or the one it ends (a
    payment's target with the days it was set with, before any amendment changed them)."""
    if outcome.opened:
        return outcome.opened[0]
    articles = convention.clauses.articles
    if outcome.trigger == "pay" and paid_balance(outcome, convention) is not None:
        return None  # the balance's target: its email says the balance, not the first target
    if outcome.trigger == "pay" and convention.notified_on:
        return _payment_told(convention, outcome, amendments)
    if outcome.trigger == "report_received" and outcome.inputs.get("report") == "financial":
        return financial_report(convention.financial_report, app.legal)  # the one it meets
    if outcome.trigger == "expire":
        return expiry(convention.end_date, articles.term)
    if outcome.trigger == "terminate" and convention.notice is not None:
        months = convention.notice.months or convention.clauses.termination_notice_months
        return termination_notice(  # with the months it was given under (rule 26)
            convention.notice.letter,
            months,
            app.legal,
            term=convention.end_date,
            article=articles.termination,
            term_source=articles.term,
        )
    return None


def _payment_told(
    convention: Convention, outcome: Outcome, amendments: Sequence[Amendment] = ()
) -> ComputedDeadline:
    """The target the payment met, as it was set: the single payment's, after the
    notification; or its instalment's, after the notification, on its date, or after the
    receipt of its report (article 2)."""
    clauses = convention.clauses
    notified_on = convention.notified_on
    assert notified_on is not None
    days, article = clauses.payment_target_days, clauses.articles.payment
    number = int(outcome.inputs.get("instalment", SINGLE_PAYMENT))
    instalment = next((i for i in clauses.instalments if i.number == number), None)
    if instalment is None:
        days = period_for_step(amendments, "payment_target_days", notified_on, days)
        return payment_target(notified_on, days, article)
    received = progress_of(convention.payments, number).report_received_on
    started = received if instalment.trigger == "report" and received else notified_on
    days = period_for_step(amendments, "payment_target_days", started, days)
    return instalment_target(instalment, len(clauses.instalments), started, days, article)


def _recorded(outcome: Outcome, version: int) -> EventRecorded:
    return EventRecorded(
        reference=outcome.reference,
        event=outcome.trigger,
        from_state=outcome.from_state,
        to_state=outcome.to_state,
        on=outcome.on,
        actor=outcome.actor,
        inputs=outcome.inputs,
        version=version,
        deadlines=tuple(
            DeadlineOpened(d.kind, d.due_date, d.expires_at, d.ends_by, d.notice_end)
            for d in outcome.opened
        ),
    )
