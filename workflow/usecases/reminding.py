"""Sending the reminders that have fallen due, a batch of conventions per transaction.

Of the reminders of one deadline that are due, the latest goes out and the ones missed before it
coalesce into it; one before a deadline that has already passed is skipped (what happens at the
deadline is announced instead). A missing signature is reminded weekly: each one plans the next.

A batch is decided in memory and written with one statement per table, which is what keeps a
thousand reminders due in the same second on time. If a batch fails, its conventions are taken
one by one, so that one bad convention is isolated and named, never the others held back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from states import reminders
from states.calendar import end_of_day
from states.convention import Convention
from states.reminders import PlannedReminder
from storage.outbox import Email
from storage.reminders import Mark
from storage.tables import AnyRow
from storage.uow import UnitOfWork
from workflow.bootstrap import App
from workflow.usecases.emails import amendment_snapshot, deadline_snapshot
from workflow.wording.refusals import failure_text

log = logging.getLogger(__name__)
_NOTES = {
    "coalesced": "regroupé avec un rappel plus récent",
    "skipped": "échéance passée : elle est annoncée à la place",
}


@dataclass(frozen=True)
class ReminderHandled:
    """What became of one due reminder."""

    reference: str
    kind: str
    label: str
    planned_at: datetime
    outcome: str  # send, coalesced or skipped


@dataclass
class _Decided:
    """A batch's writes, decided before any is made."""

    emails: list[Email] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    weekly: list[tuple[int, int, PlannedReminder]] = field(default_factory=list)
    handled: list[ReminderHandled] = field(default_factory=list)


@dataclass(frozen=True)
class _Concerned:
    """The amendment a reminder is about, and who has still to sign it."""

    snapshot: dict[str, object]
    missing: list[str]


def send_due_reminders(
    app: App, references: list[str], now: datetime, failures: dict[str, str]
) -> list[ReminderHandled]:
    """Queue the due reminders of a batch of conventions; name those that fail in `failures`."""
    try:
        return _remind(app, references, now)
    except Exception as error:
        if len(references) == 1:
            log.exception("%s: could not send its reminders", references[0])
            failures[references[0]] = failure_text(error)
            return []
        log.warning("a batch of %d conventions failed; taking them one by one", len(references))
    handled: list[ReminderHandled] = []
    for reference in references:
        handled += send_due_reminders(app, [reference], now, failures)
    return handled


def _remind(app: App, references: list[str], now: datetime) -> list[ReminderHandled]:
    decided = _Decided()
    with app.uow() as uow:
        conventions = {
            uow.conventions.id_of(c.reference): c
            for c in uow.conventions.get_unlocked_ones(references)
        }
        due: dict[int, dict[int, list[AnyRow]]] = defaultdict(lambda: defaultdict(list))
        for row in uow.reminders.due_for(list(conventions), now):
            due[row.convention_id][row.deadline_id].append(row)
        for convention_id, by_deadline in due.items():
            for rows in by_deadline.values():
                _decide(app, uow, conventions[convention_id], convention_id, rows, now, decided)
        uow.outbox.queue_many(decided.emails, now)
        uow.reminders.mark_many(decided.marks, now)
        for convention_id, deadline_id, following in decided.weekly:
            uow.reminders.plan(convention_id, deadline_id, [following], now)
        uow.commit()
    return decided.handled


def _decide(
    app: App,
    uow: UnitOfWork,
    convention: Convention,
    convention_id: int,
    rows: list[AnyRow],
    now: datetime,
    decided: _Decided,
) -> None:
    """What to do with the due reminders of one deadline."""
    due = [reminders.DueReminder(r.id, r.days_before, r.planned_at) for r in rows]
    decisions = reminders.decide(due, rows[0].expires_at, now)
    about = _amendment_concerned(uow, convention, convention_id, rows[0].kind)
    for row in rows:
        decision = decisions[row.id]
        key = f"reminder:{row.id}"
        if decision == "send":
            decided.emails.extend(_emails(app, convention, convention_id, row, key, about))
        decided.marks.append(
            Mark(row.id, "sent" if decision == "send" else decision, _NOTES.get(decision), key)
        )
        decided.handled.append(
            ReminderHandled(convention.reference, row.kind, row.label, row.planned_at, decision)
        )
    if rows[0].kind in reminders.WEEKLY_KINDS:
        still_missing = about.missing if about else convention.missing_signatures()
        if still_missing and (about or convention.state == "signature"):
            _plan_next_weekly(app, convention, convention_id, rows, now, decided)


def _emails(
    app: App,
    convention: Convention,
    convention_id: int,
    row: AnyRow,
    key: str,
    about: _Concerned | None,
) -> list[Email]:
    court = row.details.get("earliest_court_date")
    deadline = deadline_snapshot(
        row.deadline_kind,
        row.due_date,
        row.expires_at,
        row.explanation,
        date.fromisoformat(court) if court else None,
        row.days_before,
    )
    recipients = sorted(about.missing) if about else app.mailer.recipients(convention, row.template)
    return app.mailer.emails(
        convention,
        convention_id,
        row.template,
        key,
        recipients,
        deadline=deadline,
        amendment=about.snapshot if about else None,
        reminder_id=row.id,
    )


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
    return _Concerned(amendment_snapshot(amendment, convention), missing)


def _plan_next_weekly(
    app: App,
    convention: Convention,
    convention_id: int,
    rows: list[AnyRow],
    now: datetime,
    decided: _Decided,
) -> None:
    """A signature is still missing: remind again next week, if the term has not passed."""
    last = max(rows, key=lambda r: r.planned_at)
    hour = app.settings.reminder_hour
    every = convention.clauses.reminders.signature_every_days
    following = reminders.next_signature_reminder(
        last.label, last.due_date, every, now, hour, kind=last.kind
    )
    if following.planned_at < end_of_day(convention.end_date):
        decided.weekly.append((convention_id, last.deadline_id, following))
