"""The use cases: each opens a unit of work, loads, fires, records and commits, all or nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from states.calendar import civil_date, end_of_day
from states.convention import Convention
from states.errors import ConcurrentChange, DuplicateReference
from states.lifecycle import IN_FORCE, Outcome, default_event_date, fire
from storage.uow import UnitOfWork
from workflow.app import App
from workflow.commands import (
    ConventionImported,
    DeadlineOpened,
    DueActionTaken,
    EventRecorded,
    ImportConvention,
    RecordEvent,
)

SERVICE_ACTOR = "convflow (service)"
log = logging.getLogger(__name__)


def import_convention(app: App, command: ImportConvention, now: datetime) -> ConventionImported:
    """Load a convention in `draft`; a reference that exists already is refused."""
    convention = command.convention
    with app.uow() as uow:
        if uow.conventions.exists(convention.reference):
            raise DuplicateReference(convention.reference)
        convention_id = uow.conventions.add(convention, now)
        uow.conventions.append_event(
            convention_id, 1, "import", None, convention.state, civil_date(now),
            command.actor, {"file": command.source} if command.source else {}, now,
        )  # fmt: skip
        uow.commit()
    return ConventionImported(convention.reference, convention.state, convention.version)


def record_event(app: App, command: RecordEvent, now: datetime) -> EventRecorded:
    """Record a person's event: fire it, write its history and deadlines, in one transaction."""
    today = civil_date(now)
    with app.uow() as uow:
        convention = uow.conventions.get(command.reference, for_update=True)
        if command.expected_version not in (None, convention.version):
            raise ConcurrentChange(command.reference, command.expected_version, convention.version)
        on = command.on or default_event_date(command.event, command.inputs, today)
        outcome = fire(
            convention, command.event, on=on, actor=command.actor,
            settings=app.legal, today=today, inputs=command.inputs,
        )  # fmt: skip
        persist_outcome(uow, convention, outcome, now)
        uow.commit()
    return _recorded(outcome, convention.version)


def persist_outcome(
    uow: UnitOfWork, convention: Convention, outcome: Outcome, now: datetime
) -> int:
    """Write what an event did: state, history line, signature, deadlines closed and opened."""
    seq = uow.conventions.record(convention, outcome, now)
    convention_id = uow.conventions.id_of(convention.reference)
    uow.deadlines.close(convention_id, outcome.closures, now)
    uow.deadlines.open(convention_id, seq, outcome.opened, now)
    return seq


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
        deadlines=tuple(DeadlineOpened(d.kind, d.due_date, d.expires_at) for d in outcome.opened),
    )


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


def apply_due(app: App, reference: str, now: datetime) -> list[DueActionTaken]:
    """Apply, in one transaction, what has fallen due on one convention at `now`.

    Deadlines that fell before the convention's end are marked passed first, in the order
    they fell; then the end (expire or terminate) is applied, which closes what remains.
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
                uow.deadlines.mark(row, "passed", now)
                actions.append(
                    DueActionTaken(reference, row.kind, row.expires_at, "passed", convention.state)
                )
        if end is not None and end_at is not None:
            event, on = end
            outcome = fire(
                convention, event, on=on, actor=SERVICE_ACTOR, settings=app.legal,
                today=civil_date(now), by_service=True,
            )  # fmt: skip
            persist_outcome(uow, convention, outcome, now)
            actions.append(
                DueActionTaken(reference, _END_KINDS[event], end_at, event, convention.state)
            )
        uow.commit()
    return actions


_END_KINDS = {"expire": "expiry", "terminate": "termination"}


@dataclass
class DueReport:
    """What one pass over due work did, and which conventions could not be processed."""

    actions: list[DueActionTaken] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)


def run_due(app: App, now: datetime, batch: int = 200) -> DueReport:
    """Apply, once, everything that has fallen due at `now`; running it again does nothing.

    A convention that cannot be processed is logged and left for the next pass; it never
    stops the others.
    """
    report = DueReport()
    while True:
        with app.uow(read_only=True) as uow:
            references = uow.deadlines.conventions_due(now, batch, exclude=report.failures)
        if not references:
            return report
        for reference in references:
            try:
                report.actions += apply_due(app, reference, now)
            except Exception as error:  # one bad convention must not stop the others
                log.exception("%s: could not apply what is due", reference)
                report.failures[reference] = str(error)
