"""What the service does on time: apply deadlines, send due reminders, deliver the outbox.

`run_due(app, now, sender)` is one pass: `convflow run-due` runs it once, the service runs it
whenever something falls due. Every step works one convention per transaction, so a crash
loses at most the transaction in flight and a second pass does nothing twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from notifications import Sender
from states import reminders
from states.calendar import civil_date, end_of_day
from states.convention import Convention
from states.lifecycle import IN_FORCE, fire
from storage.tables import AnyRow
from storage.uow import UnitOfWork
from workflow.amendments import abandon_open_amendment
from workflow.app import App
from workflow.commands import DueActionTaken
from workflow.dispatch import DeliveryReport, deliver
from workflow.emails import DEADLINE_NOTICES, amendment_snapshot, deadline_snapshot
from workflow.handlers import persist_outcome

SERVICE_ACTOR = "convflow (service)"
_END_KINDS = {"expire": "expiry", "terminate": "termination"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderHandled:
    """What became of one due reminder."""

    reference: str
    kind: str
    label: str
    planned_at: datetime
    outcome: str  # sent, coalesced or skipped


@dataclass
class DueReport:
    """What one pass did, and which conventions could not be processed."""

    actions: list[DueActionTaken] = field(default_factory=list)
    reminders: list[ReminderHandled] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    failures: dict[str, str] = field(default_factory=dict)


def due_end(convention: Convention, now: datetime) -> tuple[str, date] | None:
    """The automatic event due at `now`, with the day it takes effect: the end that comes first.

    A termination whose notice ends before the term terminates; when the term comes first (or
    the same day) the convention expires at its term (LEGAL-DEADLINES.md, rule 10).
    """
    if convention.state not in IN_FORCE:
        return None
    notice = convention.notice
    if notice is not None and notice.effective_end < convention.end_date:
        if now >= end_of_day(notice.effective_end):
            return "terminate", notice.effective_end
        return None
    if now >= end_of_day(convention.end_date):
        return "expire", convention.end_date
    return None


def apply_due_deadlines(app: App, reference: str, now: datetime) -> list[DueActionTaken]:
    """Apply, in one transaction, the deadlines of one convention that have fallen at `now`.

    Deadlines that fell before the convention's end are marked passed first, in the order
    they fell (and announced when there is something to announce); then the end (expire or
    terminate) is applied, which closes what remains and cancels its reminders.
    """
    actions: list[DueActionTaken] = []
    with app.uow() as uow:
        convention = uow.conventions.get(reference, for_update=True)
        convention_id = uow.conventions.id_of(reference)
        due = uow.deadlines.due_for(convention_id, now)
        if not due:
            return actions  # another worker got here first
        end = due_end(convention, now)
        end_at = end_of_day(end[1]) if end else None
        for row in due:
            if end_at is None or (row.expires_at < end_at and row.kind not in _END_KINDS.values()):
                _mark_passed(app, uow, convention, convention_id, row, now)
                actions.append(
                    DueActionTaken(reference, row.kind, row.expires_at, "passed", convention.state)
                )
        if end is not None and end_at is not None:
            event, on = end
            outcome = fire(
                convention,
                event,
                on=on,
                actor=SERVICE_ACTOR,
                settings=app.legal,
                today=civil_date(now),
                by_service=True,
            )
            persist_outcome(app, uow, convention, outcome, now)
            abandon_open_amendment(app, uow, convention, convention_id, now, SERVICE_ACTOR)
            actions.append(
                DueActionTaken(reference, _END_KINDS[event], end_at, event, convention.state)
            )
        uow.commit()
    return actions


def _mark_passed(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    row: AnyRow,
    now: datetime,
) -> None:
    uow.deadlines.mark(row, "passed", now)
    notice = DEADLINE_NOTICES.get(row.kind)
    if notice is not None:
        app.mailer.queue(
            uow,
            convention,
            convention_id,
            notice,
            f"deadline:{row.id}",
            now,
            deadline=_row_snapshot(row),
        )


def _row_snapshot(
    row: AnyRow, kind: str | None = None, days_before: int | None = None
) -> dict[str, object]:
    """A stored deadline (or a reminder row joined with its deadline) as emails describe it."""
    court = row.details.get("earliest_court_date")
    return deadline_snapshot(
        kind or row.kind,
        row.due_date,
        row.expires_at,
        row.explanation,
        date.fromisoformat(court) if court else None,
        days_before,
    )


def send_due_reminders(
    app: App, references: list[str], now: datetime, failures: dict[str, str]
) -> list[ReminderHandled]:
    """Queue, in one transaction, the due reminders of a batch of conventions.

    Of the reminders of one deadline that are due, the latest goes out and the ones missed
    before it coalesce into it; one before a deadline that has already passed is skipped.
    A missing signature is reminded weekly: each one plans the next. Each convention is a
    savepoint: one that fails is undone alone and named in `failures`; the batch goes on.
    """
    handled: list[ReminderHandled] = []
    with app.uow() as uow:
        conventions = uow.conventions.get_unlocked_ones(references)
        ids = {uow.conventions.id_of(c.reference): c for c in conventions}
        due: dict[int, dict[int, list[AnyRow]]] = defaultdict(lambda: defaultdict(list))
        for row in uow.reminders.due_for(list(ids), now):
            due[row.convention_id][row.deadline_id].append(row)
        for convention_id, by_deadline in due.items():
            convention = ids[convention_id]
            try:
                with uow.savepoint():
                    for rows in by_deadline.values():
                        handled += _handle_deadline_reminders(
                            app, uow, convention, convention_id, rows, now
                        )
            except Exception as error:  # one bad convention must not stop the others
                log.exception("%s: could not send its reminders", convention.reference)
                failures[convention.reference] = str(error)
        uow.commit()
    return handled


def _handle_deadline_reminders(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    rows: list[AnyRow],
    now: datetime,
) -> list[ReminderHandled]:
    due = [reminders.DueReminder(r.id, r.days_before, r.planned_at) for r in rows]
    decisions = reminders.decide(due, rows[0].expires_at, now)
    about = _amendment_concerned(uow, convention, convention_id, rows[0].kind)
    handled = []
    for row in rows:
        decision = decisions[row.id]
        if decision == "send":
            outbox_id = app.mailer.queue(
                uow,
                convention,
                convention_id,
                row.template,
                f"reminder:{row.id}",
                now,
                deadline=_row_snapshot(row, row.deadline_kind, row.days_before),
                amendment=about.snapshot if about else None,
                to=about.missing if about else None,
            )
            uow.reminders.mark(row.id, "sent", now, outbox_id=outbox_id)
        else:
            note = (
                "regroupé avec un rappel plus récent"
                if decision == "coalesced"
                else ("échéance passée : elle est annoncée à la place")
            )
            uow.reminders.mark(row.id, decision, now, note=note)
        handled.append(
            ReminderHandled(convention.reference, row.kind, row.label, row.planned_at, decision)
        )
    if rows[0].kind in reminders.WEEKLY_KINDS:
        still_missing = about.missing if about else convention.missing_signatures()
        if still_missing and (about or convention.state == "signature"):
            _plan_next_weekly(app, uow, convention, convention_id, rows, now)
    return handled


@dataclass(frozen=True)
class _Concerned:
    """The amendment a reminder is about, and who has still to sign it."""

    snapshot: dict[str, object]
    missing: list[str]


def _amendment_concerned(
    uow: UnitOfWork, convention: Convention, convention_id: int, kind: str
) -> _Concerned | None:
    if kind != "amendment_signature":
        return None
    amendment = uow.amendments.open_one(convention_id)
    if amendment is None or amendment.state != "signature":
        return None
    missing = [
        s.email for s in convention.signatories if s.email.lower() not in amendment.signatures
    ]
    return _Concerned(amendment_snapshot(amendment), missing)


def _plan_next_weekly(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    rows: list[AnyRow],
    now: datetime,
) -> None:
    """A signature is still missing: remind again next week, if the term has not passed."""
    last = max(rows, key=lambda r: r.planned_at)
    hour = app.settings.reminder_hour
    every = convention.clauses.reminders.signature_every_days
    following = reminders.next_signature_reminder(
        last.label, last.due_date, every, now, hour, kind=last.kind
    )
    if following.planned_at < end_of_day(convention.end_date):
        uow.reminders.plan(convention_id, last.deadline_id, [following], now)


def _each_convention(
    references: Callable[[UnitOfWork, list[str]], list[str]],
    work: Callable[[str], None],
    report: DueReport,
    app: App,
) -> None:
    """Run `work` on every convention `references` finds, isolating failures."""
    while True:
        with app.uow(read_only=True) as uow:
            batch = references(uow, list(report.failures))
        if not batch:
            return
        for reference in batch:
            try:
                work(reference)
            except Exception as error:  # one bad convention must not stop the others
                log.exception("%s: could not process what is due", reference)
                report.failures[reference] = str(error)


def run_due(app: App, now: datetime, sender: Sender | None = None, batch: int = 200) -> DueReport:
    """One pass: deadlines, then reminders, then (with a sender) the outbox, as of `now`.

    Running it twice at the same instant does nothing the second time.
    """
    report = DueReport()

    def deadlines(reference: str) -> None:
        report.actions.extend(apply_due_deadlines(app, reference, now))

    _each_convention(
        lambda uow, exclude: uow.deadlines.conventions_due(now, batch, exclude),
        deadlines,
        report,
        app,
    )
    while True:
        with app.uow(read_only=True) as uow:
            references = uow.reminders.conventions_due(now, batch, report.failures)
        if not references:
            break
        done = send_due_reminders(app, references, now, report.failures)
        report.reminders.extend(done)
        if not done and not report.failures.keys() & set(references):
            break  # all held by another worker this instant: it will send them
    if sender is not None:
        report.delivery = deliver(app, sender, now)
    return report
