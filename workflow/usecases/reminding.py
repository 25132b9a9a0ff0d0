"""Sending the reminders that have fallen due, a batch of conventions per transaction.

What becomes of each due reminder is the due policy's decision (`states.due.reminders_due`):
of the reminders of one deadline, the latest goes out and the ones missed before it coalesce
into it; skipped are those planned before their deadline was even known, those of a deadline
that can no longer fall and those before a deadline already passed. A missing signature is
reminded weekly: each one plans the next.

A batch is decided in memory and written with one statement per table, which is what keeps a
thousand reminders due in the same second on time. If a batch fails, its conventions are taken
one by one, so that one bad convention is isolated and named, never the others held back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from states import due
from states.amendments import Amendment
from states.calendar import civil_date
from states.convention import Convention
from states.reminders import PlannedReminder
from storage.mapping import reminder_deadline_entry, reminder_entry
from storage.outbox import Email
from storage.reminders import Mark
from storage.tables import AnyRow
from workflow.bootstrap import App
from workflow.usecases.emails import amendment_snapshot, deadline_snapshot
from workflow.usecases.outage import database_gone
from workflow.usecases.schedule import remaining_payments
from workflow.wording.labels import reminder_reason
from workflow.wording.refusals import failure_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderHandled:
    """What became of one due reminder."""

    reference: str
    kind: str
    label: str
    planned_at: datetime
    outcome: str  # send, coalesced or skipped
    reason: str | None = None  # why it was not sent (states.due.Reason)
    days_left: int | None = None  # what a sent one says is left, in days
    template: str | None = None  # the email a sent one queued
    committee_name: str | None = None  # the name its convention gives its committee (None:
    # the model's), with which `run-due` names the committee's next meeting
    message_ids: tuple[str, ...] = ()  # a sent one's emails as queued: what became of them,
    # `run-due` reads in the delivery that follows


@dataclass
class _Decided:
    """A batch's writes, decided before any is made."""

    emails: list[Email] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    weekly: list[tuple[int, int, PlannedReminder]] = field(default_factory=list)
    handled: list[ReminderHandled] = field(default_factory=list)


@dataclass(frozen=True)
class _Concerned:
    """The amendment a reminder is about, and who has still to sign it; `to_missing`: the
    reminder goes to them alone (the amendment's own signature reminders), not to the
    convention's usual recipients (the term's reminders, which name it)."""

    snapshot: dict[str, object]
    missing: list[str]
    to_missing: bool = True


def send_due_reminders(
    app: App, references: list[str], now: datetime, failures: dict[str, str]
) -> list[ReminderHandled]:
    """Queue the due reminders of a batch of conventions; name those that fail in `failures`."""
    try:
        return _remind(app, references, now)
    except Exception as error:
        if database_gone(app, error):  # not these conventions' doing: the pass ends
            raise
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
        amendments = uow.amendments.open_ones(list(due))
        for convention_id, by_deadline in due.items():
            for rows in by_deadline.values():
                _decide(app, conventions[convention_id], convention_id,
                        amendments.get(convention_id), rows, now, decided)  # fmt: skip
        uow.outbox.queue_many(decided.emails, now)
        uow.reminders.mark_many(decided.marks, now)
        for convention_id, deadline_id, following in decided.weekly:
            uow.reminders.plan(convention_id, deadline_id, [following], now)
        uow.commit()
    return decided.handled


def _decide(
    app: App,
    convention: Convention,
    convention_id: int,
    open_amendment: Amendment | None,
    rows: list[AnyRow],
    now: datetime,
    decided: _Decided,
) -> None:
    """What the due policy decides for the due reminders of one deadline, as writes;
    `open_amendment`, the convention's amendment being drafted or signed, if any."""
    deadline = reminder_deadline_entry(rows[0])
    # the term's reminders name an extension being drafted or signed (what still extends it)
    wanted = deadline.kind in ("amendment_signature", "expiry")
    amendment = open_amendment if wanted else None
    agenda = due.Agenda(convention, (deadline,), (), amendment)
    by_id = {row.id: row for row in rows}
    entries = [reminder_entry(r) for r in rows]
    hour, calendar = app.settings.reminder_hour, app.legal.calendar
    result = due.reminders_due(agenda, deadline, entries, now, hour, calendar)
    about = _amendment_concerned(agenda, deadline, app.settings.extension_grace_days, now)
    for decision in result.decisions:
        row, key = by_id[decision.reminder.id], f"reminder:{decision.reminder.id}"
        queued: list[Email] = []
        if decision.outcome == "send":
            queued = _emails(app, convention, convention_id, row, key, about, decision.days_left)
            decided.emails.extend(queued)
        elif decision.reason == "known_late":
            # Its hour had passed when its deadline became known: not news for the partners,
            # but what it would have said goes to the administrators' summary of late records.
            partners = _emails(app, convention, convention_id, row, key, about, row.days_before)
            planned = {"label": row.label, "on": civil_date(row.planned_at).isoformat()}
            context = {**partners[0].context, "planned": planned}
            decided.emails.append(replace(partners[0], status="late", context=context))
        status = "sent" if decision.outcome == "send" else decision.outcome
        note = reminder_reason(decision.reason) if decision.reason else None  # stored in French
        decided.marks.append(Mark(row.id, status, note, key))
        decided.handled.append(
            ReminderHandled(
                convention.reference,
                row.kind,
                row.label,
                row.planned_at,
                decision.outcome,
                decision.reason,
                decision.days_left,
                row.template if decision.outcome == "send" else None,
                convention.committee.name,
                tuple(email.message_id for email in queued),
            )
        )
    if result.following is not None:
        decided.weekly.append((convention_id, deadline.id, result.following))


def _emails(
    app: App,
    convention: Convention,
    convention_id: int,
    row: AnyRow,
    key: str,
    about: _Concerned | None,
    days_left: int | None,
) -> list[Email]:
    court = row.details.get("earliest_court_date")
    deadline = deadline_snapshot(
        row.deadline_kind,
        row.due_date,
        row.expires_at,
        row.explanation,
        date.fromisoformat(court) if court else None,
        # What the email says is left is what is left on the day it goes, not the offset
        # it was planned at: a reminder sent late does not say "in 30 days" with 27 left.
        days_left,
        instalment=row.instalment,
        signed_on=row.trigger_date,
        amendment=row.details.get("amendment", 0),
        amount_changed=row.details.get("amount_changed", False),
    )
    if row.deadline_kind == "expiry":
        # what will stay due after the term, and the report each instalment still waits for:
        # the term's reminders say it, as the expiry's email does (rule 25)
        remaining = remaining_payments(convention)
        if remaining:
            deadline["remaining_payments"] = remaining
    recipients = (
        sorted(about.missing)
        if about and about.to_missing
        else app.mailer.recipients(convention, row.template)
    )
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
    agenda: due.Agenda, deadline: due.DeadlineEntry, grace_days: int, now: datetime
) -> _Concerned | None:
    """The amendment a reminder is about, and who has still to sign it: the amendment being
    signed, for its signature reminders, with the expiry's hold when the term has passed
    (rule 27: only a signature dated on or before the term can still be recorded, until the
    hold's last day); the extension being drafted or signed, for the term's reminders (what
    still has to happen for the convention to go on)."""
    amendment, convention = agenda.amendment, agenda.convention
    if amendment is None:
        return None
    if deadline.kind == "expiry":
        new_end = amendment.changes.get("end_date")
        extends = new_end is not None and date.fromisoformat(new_end) > convention.end_date
        if not extends or amendment.state not in ("draft", "signature"):
            return None
        missing = due.still_to_sign(agenda, "amendment_signature")
        return _Concerned(_with_signers(agenda, missing), missing, to_missing=False)
    if deadline.kind != "amendment_signature" or amendment.state != "signature":
        return None
    missing = due.still_to_sign(agenda, deadline.kind)
    snapshot = _with_signers(agenda, missing)
    until = due.expiry_held_at(convention, amendment, grace_days, now)
    if until is not None:
        snapshot["held"] = {  # the term, and the hold's last day (rule 27)
            "end_date": convention.end_date.isoformat(),
            "held_to": due.hold_last_day(until).isoformat(),
        }
    return _Concerned(snapshot, missing)


def _with_signers(agenda: due.Agenda, missing: list[str]) -> dict[str, object]:
    """The amendment as emails describe it, with its state and the signatories who have not
    signed it (`missing`: their name, title and party, as the email names them)."""
    assert agenda.amendment is not None
    convention = agenda.convention
    wanted = {email.lower() for email in missing}
    signers = []
    for signatory in convention.signatories:
        if signatory.email.lower() in wanted:
            party = convention.party(signatory.party)
            signers.append({
                "name": signatory.name,
                "title": signatory.title,
                "party": party.name if party else signatory.party,
            })  # fmt: skip
    snapshot: dict[str, object] = amendment_snapshot(agenda.amendment, convention)
    return {**snapshot, "state": agenda.amendment.state, "missing": signers}
