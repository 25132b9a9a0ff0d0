"""What-if: every reminder and automatic event from now to a date, if nothing else is recorded.

Reads the convention, its deadlines and reminders, writes nothing, and replays the service's
passes in memory with the due policy itself (`states.due`): the same decisions `run-due`
makes, applied to an in-memory copy instead of the tables, at each instant the policy says
something falls due (or, when the service is down until an instant, once at that instant).
Reminders already cancelled that would have gone out in the period are listed too, with why.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import date, datetime

from states import due
from states.calendar import civil_date, end_of_day
from states.deadlines import OUTLIVING_KINDS
from states.errors import InvalidInput
from states.lifecycle import fire
from storage.mapping import deadline_entry, reminder_entry
from storage.tables import AnyRow
from workflow.bootstrap import App
from workflow.usecases.due import SERVICE_ACTOR
from workflow.usecases.emails import EVENT_NOTICES
from workflow.wording.catalogue import gettext_noop
from workflow.wording.labels import deadline_reason, reminder_reason
from workflow.wording.values import countdown_text
from workflow.wording.words import Words

UNSIGNED_AT_END = gettext_noop("still unsigned when the convention ends")
"""Why an amendment lapses with the convention: the note of a `lapse` (its text's too)."""


@dataclass(frozen=True)
class Happening:
    """One thing the service would do, at `at` (the instant of its pass)."""

    at: datetime
    what: str  # "reminder", "deadline passed", "announcement", "expire", "terminate", "expiry
    # held" (the term come while an extension is in signature: states.due.ExpiryHeld), "lapse"
    # (an amendment still in draft or signature when the convention ends: « caduc »)
    kind: str  # the deadline kind
    detail: str  # "J-30: send", "passed", "announce", "held", "lapsed", or the new state
    email: str | None  # the email it would send
    due_at: datetime  # when it fell due: the reminder's planned instant, the deadline's, the
    # announcement's (the reminder hour after the deadline passed)
    outcome: str  # send, coalesced, skipped, cancelled (reminders); passed, announce, expire,
    # terminate, held, lapse
    state: str  # the convention's state after it
    label: str | None = None  # the reminder's label (J-30, court, relance-2...)
    reason: str | None = None  # why not sent, or not announced (states.due.Reason)
    note: str | None = None  # that reason, or what a sent reminder says is left, in French
    days_left: int | None = None  # what a sent reminder says is left, in days
    held_until: datetime | None = None  # the expiry held: when it falls again (the grace's end)
    committee_name: str | None = None  # the name the convention gives its committee (None:
    # the model's), with which `simulate` names the committee's next meeting
    amendment: int | None = None  # the number of the amendment that lapses ("lapse"), or
    # that holds the expiry ("expiry held")


def simulate(
    app: App,
    reference: str,
    now: datetime,
    until: date | datetime,
    down_until: datetime | None = None,
) -> list[Happening]:
    """Replay the service from `now` to `until` (an instant, or the end of that day), without
    writing anything; with `down_until`, as if the service made no pass before that instant.

    An end before the start is refused: the simulation would say that nothing happens, while
    what is overdue happens at the next pass (« rien ne se passerait jusqu'au 31 janvier »,
    asked in December, hid an expiry the service was about to record)."""
    end = until if isinstance(until, datetime) else end_of_day(until)
    if end < now:
        # The day in Paris (rule 1): at 23:30 UTC on 31 December it is 1 January there.
        day = civil_date(until) if isinstance(until, datetime) else until
        raise InvalidInput("until", "simulation_ends_before_start", until=day, start=now)
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get(reference)
        convention_id = uow.conventions.id_of(reference)
        deadlines = tuple(map(deadline_entry, uow.deadlines.for_convention(convention_id)))
        rows = uow.reminders.for_convention(convention_id)
        amendment = uow.amendments.open_one(convention_id)
    planned = tuple(reminder_entry(r) for r in rows if r.status == due.WAITING_REMINDER)
    agenda = due.Agenda(copy.deepcopy(convention), deadlines, planned, amendment)
    first = max(now, down_until) if down_until is not None else now
    happenings = _Replay(app, agenda).run(first, end)
    # Cancelled reminders that would have gone out while the convention is still in force.
    ends = [h.at for h in happenings if h.what in due.END_KINDS]
    cancelled = [
        _cancelled(r, convention.state)
        for r in rows
        if _cancelled_within(r, now, min(ends, default=end))
    ]
    # In time order; at one instant, in the order of the pass (deadlines, then reminders).
    name = convention.committee.name
    return sorted((replace(h, committee_name=name) for h in cancelled + happenings),
                  key=lambda h: h.at)  # fmt: skip


def _cancelled_within(row: AnyRow, now: datetime, end: datetime) -> bool:
    return bool(row.status == "cancelled" and now < row.planned_at <= end)


def _cancelled(row: AnyRow, state: str) -> Happening:
    """A reminder that would have gone out in the period, cancelled beforehand."""
    return Happening(
        row.planned_at,
        "reminder",
        row.kind,
        f"{row.label}: cancelled",
        None,
        row.planned_at,
        "cancelled",
        state,
        row.label,
        None,
        row.note,
    )


class _Replay:
    """The service's passes, in memory, deciding with the due policy."""

    def __init__(self, app: App, agenda: due.Agenda) -> None:
        self.app, self.agenda = app, agenda
        self.happened: list[Happening] = []
        self._next_id = -1

    def run(self, first: datetime, until: datetime) -> list[Happening]:
        """Passes from `first` to `until`, each at the next instant something falls due."""
        instant: datetime | None = first
        while instant is not None and instant <= until:
            self._pass(instant)
            following = due.next_due(self.agenda.deadlines, self.agenda.reminders)
            if following is not None and following <= instant:
                raise RuntimeError(f"the due policy left work due at {following} after a pass")
            instant = following
        return self.happened

    def _pass(self, now: datetime) -> None:
        self._deadlines(now)
        self._reminders(now)

    def _deadlines(self, now: datetime) -> None:
        decided = due.deadlines_due(self.agenda, now, self.app.settings.extension_grace_days)
        state = self.agenda.convention.state
        hour = self.app.settings.reminder_hour
        waiting = {
            p.deadline.id: due.announcement_at(p.deadline.expires_at, hour) if p.announce else None
            for p in decided.passed
        }
        held = decided.held
        deadlines = tuple(
            d._replace(status="passed", announce_at=waiting[d.id])
            if d.id in waiting
            else d._replace(expires_at=held.until)
            if held is not None and d in held.deadlines
            else d
            for d in self.agenda.deadlines
        )
        for p in decided.passed:
            self.happened.append(
                Happening(
                    now,
                    "deadline passed",
                    p.deadline.kind,
                    "passed",
                    None,
                    p.deadline.expires_at,
                    "passed",
                    state,
                    reason=p.reason,
                    note=deadline_reason(p.reason) if p.reason else None,
                )
            )
        if held is not None and held.deadline is not None:
            # `detail` says what the text's detail column says (« suspendue jusqu'au … »:
            # held, until `held_until`), and `amendment` the extension that holds it.
            holding = self.agenda.amendment
            self.happened.append(
                Happening(
                    now, "expiry held", held.deadline.kind, "held", None,
                    held.deadline.expires_at, "held", state, reason=due.HELD_REASON,
                    note=deadline_reason(due.HELD_REASON), held_until=held.until,
                    amendment=holding.number if holding is not None else None,
                )
            )  # fmt: skip
        announced = set()
        for announcement in due.announcements_due(deadlines, now):
            deadline = announcement.deadline
            announced.add(deadline.id)
            self.happened.append(
                Happening(
                    now,
                    "announcement",
                    deadline.kind,
                    "announce",
                    announcement.announce,
                    deadline.announce_at or now,
                    "announce",
                    state,
                )
            )
        self.agenda = replace(
            self.agenda,
            deadlines=tuple(
                d._replace(announce_at=None) if d.id in announced else d for d in deadlines
            ),
        )
        if decided.end is not None:
            self._end(decided.end, now)

    def _end(self, end: due.ConventionEnds, now: datetime) -> None:
        """The convention ends: every deadline closes, every reminder is cancelled, an
        amendment still open lapses, as the event's transaction does in the tables."""
        convention = self.agenda.convention
        outcome = fire(
            convention,
            end.event,
            on=end.on,
            actor=SERVICE_ACTOR,
            settings=self.app.legal,
            today=civil_date(now),
            by_service=True,
        )
        kinds = {closure.kind for closure in outcome.closures}
        lapsing = self.agenda.amendment
        self.agenda = replace(
            self.agenda,
            deadlines=due.close(self.agenda.deadlines, outcome.closures),
            reminders=tuple(
                r
                for r in self.agenda.reminders
                if r.kind not in kinds and (None not in kinds or r.kind in OUTLIVING_KINDS)
            ),
            amendment=None,
        )
        self.happened.append(
            Happening(
                now,
                end.event,
                end.kind,
                convention.state,
                EVENT_NOTICES[end.event],
                end.at,
                end.event,
                convention.state,
            )
        )
        if lapsing is not None:  # lapses with it, as lapse_open_amendment records it
            self.happened.append(
                Happening(
                    now, "lapse", end.kind, "lapsed", None, end.at, "lapse", convention.state,
                    amendment=lapsing.number, note=Words("fr")(UNSIGNED_AT_END),
                )
            )  # fmt: skip

    def _reminders(self, now: datetime) -> None:
        by_deadline: dict[int, list[due.ReminderEntry]] = {}
        for reminder in self.agenda.reminders:
            if reminder.planned_at <= now:
                by_deadline.setdefault(reminder.deadline_id, []).append(reminder)
        deadlines = {d.id: d for d in self.agenda.deadlines}
        hour, calendar = self.app.settings.reminder_hour, self.app.legal.calendar
        decided: set[int] = set()
        following: list[due.ReminderEntry] = []
        for deadline_id, group in sorted(by_deadline.items()):
            deadline = deadlines[deadline_id]
            result = due.reminders_due(self.agenda, deadline, group, now, hour, calendar)
            for decision in result.decisions:
                decided.add(decision.reminder.id)
                self.happened.append(self._reminder_happening(decision, now))
            if result.following is not None:
                planned = result.following
                following.append(
                    due.ReminderEntry(
                        self._next_id,
                        deadline_id,
                        planned.kind,
                        planned.template,
                        planned.label,
                        planned.days_before,
                        planned.planned_at,
                        now,
                    )
                )
                self._next_id -= 1
        remaining = tuple(r for r in self.agenda.reminders if r.id not in decided)
        self.agenda = replace(self.agenda, reminders=remaining + tuple(following))

    def _reminder_happening(self, decision: due.ReminderDecision, now: datetime) -> Happening:
        reminder = decision.reminder
        sent = decision.outcome == "send"
        note = reminder_reason(decision.reason) if decision.reason else None
        if sent and decision.days_left is not None:
            note = f"annonce\u00a0: {countdown_text(decision.days_left)}"
        return Happening(
            now,
            "reminder",
            reminder.kind,
            f"{reminder.label}: {decision.outcome}",
            reminder.template if sent else None,
            reminder.planned_at,
            decision.outcome,
            self.agenda.convention.state,
            reminder.label,
            decision.reason,
            note,
            decision.days_left if sent else None,
        )
