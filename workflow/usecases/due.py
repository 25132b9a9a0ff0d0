"""What the service does on time: apply deadlines, send due reminders, deliver the outbox.

What is due, and what becomes of it, is decided by the pure policy of `states.due`; this
module loads what it needs and writes what it decides (`simulate` applies the same decisions
in memory).

`run_due(app, now, sender)` is one pass: `convflow run-due` runs it once, the service runs it
whenever something falls due. Every step works one convention per transaction, so a crash
loses at most the transaction in flight and a second pass does nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from notifications import Sender
from states import due
from states.calendar import civil_date
from states.convention import Convention
from states.lifecycle import fire
from storage.mapping import deadline_entry, reminder_entry
from storage.tables import AnyRow
from storage.uow import UnitOfWork
from workflow.bootstrap import App
from workflow.usecases.amendments import lapse_open_amendment
from workflow.usecases.commands import DueActionTaken
from workflow.usecases.conventions import persist_outcome
from workflow.usecases.dispatch import DeliveryReport, deliver
from workflow.usecases.emails import EVENT_NOTICES, amendment_snapshot, deadline_snapshot
from workflow.usecases.heads import send_chain_heads
from workflow.usecases.late import report_late_records
from workflow.usecases.outage import database_gone
from workflow.usecases.reminding import ReminderHandled, send_due_reminders
from workflow.wording.refusals import failure_text

SERVICE_ACTOR = "convflow (service)"
log = logging.getLogger(__name__)


@dataclass
class DueReport:
    """What one pass did, and which conventions could not be processed."""

    actions: list[DueActionTaken] = field(default_factory=list)
    reminders: list[ReminderHandled] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    failures: dict[str, str] = field(default_factory=dict)
    withheld: int = 0  # emails of late records, summed up for the administrators instead


def apply_due_deadlines(app: App, reference: str, now: datetime) -> list[DueActionTaken]:
    """Apply, in one transaction, what the due policy decides for one convention's deadlines
    at `now`: those that fell before its end marked passed, in the order they fell (their
    announcement, if any, left to wait for the reminder hour), then the announcements due
    (those that waited, and those of deadlines that fell before the hour of this very pass),
    then the end (expire or terminate), which closes what remains and cancels its reminders."""
    actions: list[DueActionTaken] = []
    with app.uow() as uow:
        # Not a lock that waits: services reading the same due conventions would then work
        # in lockstep, each waiting for the other's transaction and then finding it done.
        if not uow.conventions.try_lock(reference):
            return actions  # another service is applying them
        convention = uow.conventions.get(reference, for_update=True)
        convention_id = uow.conventions.id_of(reference)
        rows = {row.id: row for row in uow.deadlines.due_for(convention_id, now)}
        if not rows:
            return actions  # another worker got here first
        planned = [reminder_entry(r) for r in uow.reminders.planned_for(convention_id)]
        entries = {row_id: deadline_entry(row) for row_id, row in rows.items()}
        # The amendment open, read only when the convention's end has come: an extension in
        # signature holds the expiry (states.due.expiry_held_until).
        pending = None
        if due.convention_end(convention, now) is not None:
            pending = uow.amendments.open_one(convention_id)
        agenda = due.Agenda(convention, tuple(entries.values()), tuple(planned), pending)
        decided = due.deadlines_due(agenda, now, app.settings.extension_grace_days)
        hour = app.settings.reminder_hour
        for passed in decided.passed:
            row = rows[passed.deadline.id]
            announce_at = due.announcement_at(row.expires_at, hour) if passed.announce else None
            uow.deadlines.mark(row, "passed", now, announce_at)
            if passed.reason == "known_late":
                _withhold_announcement(app, uow, convention, convention_id, row, now)
            entries[row.id] = entries[row.id]._replace(status="passed", announce_at=announce_at)
            actions.append(
                DueActionTaken(
                    reference,
                    row.kind,
                    row.expires_at,
                    "passed",
                    convention.state,
                    None,
                    passed.reason,
                    committee_name=convention.committee.name,
                )
            )
        for announcement in due.announcements_due(entries.values(), now):
            row = rows[announcement.deadline.id]
            queued = _announce(app, uow, convention, convention_id, row, announcement.announce,
                               now)  # fmt: skip
            actions.append(
                DueActionTaken(
                    reference,
                    row.kind,
                    announcement.deadline.announce_at or now,
                    "announce",
                    convention.state,
                    announcement.announce,
                    committee_name=convention.committee.name,
                    ends_at=row.expires_at,
                    message_ids=tuple(queued),
                )
            )
        held = decided.held
        if held is not None:
            # The term has come, an extension is in signature: the expiry falls again when the
            # grace has run, its day still the term.
            for waiting in held.deadlines:
                uow.deadlines.hold(rows[waiting.id], held.until)
        if held is not None and held.deadline is not None:
            row = rows[held.deadline.id]
            actions.append(
                DueActionTaken(
                    reference, row.kind, row.expires_at, "held", convention.state,
                    reason=due.HELD_REASON, committee_name=convention.committee.name,
                )
            )  # fmt: skip
        end = decided.end
        if end is not None:
            # An amendment still in draft or signature lapses with the convention, and the
            # email of the end names it.
            lapsed = None
            if pending is not None:
                new_end = pending.changes.get("end_date")
                extends = new_end is not None and new_end > convention.end_date.isoformat()
                lapsed = {**amendment_snapshot(pending, convention), "lapsed": True,
                          "extends": extends}  # fmt: skip
                grace = app.settings.extension_grace_days
                waited = due.expiry_held_until(convention, pending, grace)
                if waited is not None and end.event == "expire":  # the expiry waited (rule 27)
                    lapsed["waited_until"] = (civil_date(waited) - timedelta(days=1)).isoformat()
            outcome = fire(
                convention,
                end.event,
                on=end.on,
                actor=SERVICE_ACTOR,
                settings=app.legal,
                today=civil_date(now),
                by_service=True,
            )
            ending = next((r for r in rows.values() if r.kind == end.kind), None)
            late = ending is not None and _known_late(ending, app.settings.late_record_days)
            told_at = end.told_at(app.settings.reminder_hour)
            persist_outcome(app, uow, convention, outcome, now, late=late, told_at=told_at,
                            amendment=lapsed, by_service=True)  # fmt: skip
            lapse_open_amendment(app, uow, convention, convention_id, pending, now, SERVICE_ACTOR)
            actions.append(
                DueActionTaken(
                    reference,
                    end.kind,
                    end.at,
                    end.event,
                    convention.state,
                    EVENT_NOTICES[end.event],
                )
            )
        uow.commit()
    return actions


def _withhold_announcement(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    row: AnyRow,
    now: datetime,
) -> None:
    """The announcement of a deadline that had already passed when it became known: never
    sent to the partners (no news for them), it goes to the administrators' summary of late
    records (the court may be seized since the amicable window closed: someone must know)."""
    kind = due.ANNOUNCEMENTS.get(row.kind)
    if kind is None:
        return
    app.mailer.queue(uow, convention, convention_id, kind, f"deadline:{row.id}", now,
                     deadline=_row_snapshot(row), withheld=True)  # fmt: skip


def _announce(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    row: AnyRow,
    announce: str,
    now: datetime,
) -> list[str]:
    """Queue the email announcing a passed deadline; nothing waits for it any more. Its
    Message-IDs."""
    uow.deadlines.announced(row)
    # The day the service noticed it: the email says it was still not met then, and how
    # many days after its day, whenever it is delivered.
    noticed = {**_row_snapshot(row), "noticed_on": civil_date(now).isoformat()}
    return app.mailer.queue(
        uow, convention, convention_id, announce, f"deadline:{row.id}", now, deadline=noticed
    )


def _known_late(row: AnyRow, horizon_days: int) -> bool:
    """A deadline computed when it had fallen more than the late-record horizon before (its
    events recorded after the fact): what it brings is no news for the partners; the
    administrators are told in the summary."""
    return bool(row.created_at - row.expires_at > timedelta(days=horizon_days))


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
        instalment=getattr(row, "instalment", 0),
        signed_on=row.trigger_date,
        amendment=row.details.get("amendment", 0),
        amount_changed=row.details.get("amount_changed", False),
    )


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
                if database_gone(app, error):  # not this convention's doing: the pass ends
                    raise
                log.exception("%s: could not process what is due", reference)
                report.failures[reference] = failure_text(error)


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
    held: list[str] = []
    while True:
        with app.uow(read_only=True) as uow:
            references = uow.reminders.conventions_due(now, batch, report.failures)
        if not references:
            break
        done = send_due_reminders(app, references, now, report.failures)
        report.reminders.extend(done)
        if not done and not report.failures.keys() & set(references):
            # All taken by another service between the read and the lock: the next read
            # skips what it holds (PostgreSQL), so read again; the same batch twice means
            # another worker holds it still (SQLite reads no locks): it will send them.
            if references == held:
                break
            held = references
            continue
        held = []
    _alert_failures(app, report.failures, now)
    report.withheld = report_late_records(app, now)
    send_chain_heads(app, now)
    if sender is not None:
        # Emails go out in real time even when the pass acts as of an earlier instant
        # (`run-due --now` in the past): what is sent, and when, is what really happened.
        report.delivery = deliver(app, sender, max(now, app.clock()))
    return report


def _alert_failures(app: App, failures: dict[str, str], now: datetime) -> None:
    """Tell the administrators, once a day, of each convention whose due work failed: a
    deadline left unapplied must reach a person, not only the log."""
    for reference, error in failures.items():
        try:
            with app.uow() as uow:
                convention_id = uow.conventions.find_id(reference)
                if convention_id is None:
                    continue  # gone: nothing left to process
                if app.mailer.queue_processing_alert(uow, reference, convention_id, error, now):
                    uow.commit()
                    log.warning("%s: administrators alerted that it could not be processed",
                                reference)  # fmt: skip
        except Exception as error:  # the alert must never stop the pass, nor the other alerts
            if database_gone(app, error):  # nor wait for a database gone, once per convention
                raise
            log.exception("%s: could not queue the alert about it", reference)
