"""What-if: every reminder and automatic event from now to a date, if nothing else is recorded.

Reads the convention, its pending deadlines and planned reminders, writes nothing, and replays
the service's passes in memory with the same rules (`due_end`, `reminders.decide`, weekly
signature reminders) at each instant something falls due.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime

from states import reminders
from states.calendar import end_of_day
from states.convention import Convention
from states.lifecycle import IN_FORCE, fire
from workflow.bootstrap import App
from workflow.usecases.due import SERVICE_ACTOR, due_end
from workflow.usecases.emails import DEADLINE_NOTICES, EVENT_NOTICES


@dataclass(frozen=True)
class Happening:
    """One thing the service would do, at `at`."""

    at: datetime
    what: str  # "reminder", "deadline passed", "expire", "terminate"
    kind: str  # the deadline kind
    detail: str  # the reminder label, or the new state
    email: str | None  # the email it would send


@dataclass
class _Deadline:
    id: int
    kind: str
    expires_at: datetime
    due_date: date
    pending: bool = True


@dataclass
class _Reminder:
    id: int
    deadline_id: int
    kind: str
    template: str
    label: str
    days_before: int
    planned_at: datetime
    planned: bool = True


def simulate(app: App, reference: str, now: datetime, until: date) -> list[Happening]:
    """Replay the service from `now` to the end of `until`, without writing anything."""
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
        convention_id = uow.conventions.id_of(reference)
        deadlines = [
            _Deadline(r.id, r.kind, r.expires_at, r.due_date)
            for r in uow.deadlines.for_convention(convention_id)
            if r.status == "pending"
        ]
        planned = [
            _Reminder(r.id, r.deadline_id, r.kind, r.template, r.label, r.days_before, r.planned_at)
            for r in uow.reminders.for_convention(convention_id)
            if r.status == "planned"
        ]
    return _Replay(app, convention, deadlines, planned).run(now, end_of_day(until))


class _Replay:
    """The service's passes, in memory."""

    def __init__(
        self, app: App, convention: Convention, deadlines: list[_Deadline], planned: list[_Reminder]
    ) -> None:
        self.app, self.convention = app, copy.deepcopy(convention)
        self.deadlines = {d.id: d for d in deadlines}
        self.planned = planned
        self.happened: list[Happening] = []
        self._next_id = -1

    def run(self, now: datetime, until: datetime) -> list[Happening]:
        instant: datetime | None = now
        while instant is not None and instant <= until:
            self._pass(instant)
            instant = self._next_instant(instant)
        return self.happened

    def _next_instant(self, after: datetime) -> datetime | None:
        times = [d.expires_at for d in self.deadlines.values() if d.pending]
        times += [r.planned_at for r in self.planned if r.planned]
        later = [t for t in times if t > after]
        return min(later, default=None)

    def _pass(self, now: datetime) -> None:
        self._deadlines(now)
        self._reminders(now)

    def _deadlines(self, now: datetime) -> None:
        due = sorted(
            (d for d in self.deadlines.values() if d.pending and d.expires_at <= now),
            key=lambda d: (d.expires_at, d.id),
        )
        if not due:
            return
        end = due_end(self.convention, now)
        end_at = end_of_day(end[1]) if end else None
        for deadline in due:
            if end_at is None or (
                deadline.expires_at < end_at and deadline.kind not in ("expiry", "termination")
            ):
                deadline.pending = False
                self.happened.append(
                    Happening(
                        deadline.expires_at,
                        "deadline passed",
                        deadline.kind,
                        "passed",
                        DEADLINE_NOTICES.get(deadline.kind),
                    )
                )
        if end is not None and end_at is not None:
            event, on = end
            fire(
                self.convention,
                event,
                on=on,
                actor=SERVICE_ACTOR,
                settings=self.app.legal,
                today=on,
                by_service=True,
            )
            for deadline in self.deadlines.values():
                deadline.pending = False
            for reminder in self.planned:
                reminder.planned = False
            kind = "expiry" if event == "expire" else "termination"
            self.happened.append(
                Happening(end_at, event, kind, self.convention.state, EVENT_NOTICES[event])
            )

    def _reminders(self, now: datetime) -> None:
        by_deadline: dict[int, list[_Reminder]] = {}
        for reminder in self.planned:
            if reminder.planned and reminder.planned_at <= now:
                by_deadline.setdefault(reminder.deadline_id, []).append(reminder)
        for deadline_id, due in by_deadline.items():
            deadline = self.deadlines[deadline_id]
            keyed = [reminders.DueReminder(r.id, r.days_before, r.planned_at) for r in due]
            decisions = reminders.decide(keyed, deadline.expires_at, now)
            for reminder in due:
                reminder.planned = False
                decision = decisions[reminder.id]
                self.happened.append(
                    Happening(
                        max(reminder.planned_at, now)
                        if decision == "send"
                        else reminder.planned_at,
                        "reminder",
                        reminder.kind,
                        f"{reminder.label}: {decision}",
                        reminder.template if decision == "send" else None,
                    )
                )
            if deadline.kind in reminders.WEEKLY_KINDS:
                self._next_signature(deadline, due, now)

    def _next_signature(self, deadline: _Deadline, due: list[_Reminder], now: datetime) -> None:
        convention = self.convention
        if deadline.kind == "signature" and (
            convention.state != "signature" or not convention.missing_signatures()
        ):
            return
        if deadline.kind == "amendment_signature" and convention.state not in IN_FORCE:
            return
        last = max(due, key=lambda r: r.planned_at)
        every = convention.clauses.reminders.signature_every_days
        hour = self.app.settings.reminder_hour
        following = reminders.next_signature_reminder(
            last.label,
            deadline.due_date,
            every,
            now,
            hour,
            kind=last.kind,  # type: ignore[arg-type]
        )
        if following.planned_at < end_of_day(convention.end_date):
            self.planned.append(
                _Reminder(
                    self._next_id,
                    deadline.id,
                    following.kind,
                    following.template,
                    following.label,
                    following.days_before,
                    following.planned_at,
                )
            )
            self._next_id -= 1
