"""What a reader is told at the instant of reading, before the due pass has caught up.

The service applies what falls due at its passes (states.due); between an instant and the pass
that follows it (the service stopped, a convention just imported with a past term, the minute
before the next wake-up) the tables still say what was true at the last pass: a deadline
`pending` whose end has gone by, a reminder `planned` whose instant is past, a convention in
force whose term is over. A view judged against the clock of its reading says so at once,
without applying anything: passed, not yet recorded; waiting for the next pass, and what that
pass will do with it (:func:`on_next_pass`, decided by the pass's own rules); a deadline still
pending that the convention's end, come and not yet applied, closes at that pass
(:func:`closed_at_pass`): not the next deadline, however far off its day.

Pure: stored statuses, instants and `now` in, facts out. The conditions are the due pass's own
(:func:`states.due.deadlines_due`: a deadline falls at `expires_at <= now`; the reminders due
are those `planned_at <= now`), so that a view read after the pass says what this one said.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from states.calendar import end_of_day
from states.convention import Convention
from states.due import (
    END_KINDS,
    WAITING_DEADLINE,
    WAITING_REMINDER,
    Agenda,
    DeadlineEntry,
    Outcome,
    Reason,
    ReminderEntry,
    cancelled_by_end,
    closed_by_end,
    convention_end,
    deadlines_due,
    reminder_decisions,
)
from states.lifecycle import IN_FORCE

if TYPE_CHECKING:  # as in states.due: amendments import this policy
    from states.amendments import Amendment

ENDED_STATE = {"expire": "expired", "terminate": "terminated"}
"""The state each automatic end leads to (states.lifecycle's transitions)."""


@dataclass(frozen=True)
class EndUnrecorded:
    """A convention's end that has come but that no pass has applied yet: the automatic event
    it waits for (`expire`, `terminate`), the deadline it applies, and the day it ended."""

    event: str
    kind: str
    on: date

    @property
    def state(self) -> str:
        """The state the pass will record."""
        return ENDED_STATE[self.event]

    @property
    def at(self) -> datetime:
        """24:00 in Paris on its day: the instant the convention ended (ConventionEnds.at)."""
        return end_of_day(self.on)


def passed_unrecorded(status: str, expires_at: datetime | None, now: datetime) -> bool:
    """Whether a deadline's end has passed at `now` while its stored status still waits for
    it: the due pass will mark it passed (or apply it), and has not yet."""
    return status == WAITING_DEADLINE and expires_at is not None and expires_at <= now


def closed_at_pass(
    kind: str, status: str, expires_at: datetime | None, end: EndUnrecorded | None
) -> bool:
    """Whether the next pass closes a stored deadline with the convention's end it applies
    (`end`: come at the instant of reading, not applied yet), cancelling it: still pending, not
    the end's own deadline (which it applies: `end` says so), and closed by that end on the
    pass's own rule (:func:`states.due.closed_by_end`: it does not outlive the convention and
    falls at or after its end, or it is the other end deadline). It is not to come, however
    far off its day, and will not be recorded passed: the pass cancels it."""
    return (
        end is not None
        and status == WAITING_DEADLINE
        and expires_at is not None
        and kind != end.kind
        and closed_by_end(kind, expires_at, end.at)
    )


def awaiting_pass(status: str, planned_at: datetime | None, now: datetime) -> bool:
    """Whether a reminder's instant has passed at `now` while it is still planned: the next
    pass decides it (sent, coalesced or skipped); until then it is neither to come nor sent."""
    return status == WAITING_REMINDER and planned_at is not None and planned_at <= now


NextPass = Literal["send", "coalesce", "skip", "cancel"]
"""What the next pass does with a reminder whose instant has passed (JSON `on_next_pass`):
sends it; coalesces it into a later reminder of the same deadline, which goes instead; skips
it (not sent, for `reason`); cancels it (the convention's end, applied at that pass)."""
NEXT_PASS: dict[Outcome, NextPass] = {"send": "send", "coalesced": "coalesce", "skipped": "skip"}
ENDED: Literal["convention_ended"] = "convention_ended"
"""The reason of a reminder the convention's end cancels at the pass."""


@dataclass(frozen=True)
class OnNextPass:
    """What the next pass does with one reminder past its instant, and why when it does not
    send it (a states.due.Reason, or `convention_ended`)."""

    action: NextPass
    reason: Reason | Literal["convention_ended"] | None = None


def on_next_pass(
    convention: Convention,
    deadlines: Iterable[DeadlineEntry],
    reminders: Iterable[ReminderEntry],
    now: datetime,
    amendment: Amendment | None,
    grace_days: int,
) -> dict[int, OnNextPass]:
    """What a pass at `now` does with each planned reminder whose instant has passed (by id),
    decided by the pass's own rules: its deadline step first (:func:`states.due.deadlines_due`:
    the convention's end, if it has come, cancels the reminders of every deadline that does
    not outlive it, :func:`states.due.cancelled_by_end`), then its reminder step, deadline by
    deadline (:func:`states.due.reminder_decisions`: one known late is skipped, the earlier
    ones coalesce into the latest, which is sent). `reminders` are the planned ones, `known_at`
    when they were planned; `amendment` (the one open) and `grace_days`, whether an extension
    in signature holds the expiry (:func:`states.due.expiry_held_until`)."""
    deadlines = tuple(deadlines)
    planned = tuple(reminders)
    agenda = Agenda(convention, deadlines, planned, amendment)
    end = deadlines_due(agenda, now, grace_days).end
    decided: dict[int, OnNextPass] = {}
    due: dict[int, list[ReminderEntry]] = defaultdict(list)
    for reminder in planned:
        if reminder.planned_at > now:
            continue
        if end is not None and cancelled_by_end(reminder.kind):
            decided[reminder.id] = OnNextPass("cancel", ENDED)
        else:
            due[reminder.deadline_id].append(reminder)
    by_id = {deadline.id: deadline for deadline in deadlines}
    for deadline_id, group in due.items():
        if deadline_id not in by_id:
            continue
        for decision in reminder_decisions(agenda, by_id[deadline_id], group, now):
            decided[decision.reminder.id] = OnNextPass(NEXT_PASS[decision.outcome], decision.reason)
    return decided


def end_unrecorded(
    convention: Convention, now: datetime, held_until: datetime | None = None
) -> EndUnrecorded | None:
    """The end a pass at `now` would apply to this convention and has not: None while it is
    in force (its expiry held until `held_until` by an extension in signature included), or
    once it has ended (the stored state says it)."""
    end = convention_end(convention, now, held_until)
    if end is None:
        return None
    return EndUnrecorded(end.event, end.kind, end.on)


def end_from_deadlines(
    state: str,
    deadlines: Iterable[tuple[str, str, date | None, datetime | None]],
    now: datetime,
    held_until: datetime | None,
) -> EndUnrecorded | None:
    """The same, read from a convention's stored deadlines (kind, status, due date, instant it
    falls at) when the
    convention itself is not at hand (the lists): the earliest end deadline passed but still
    pending; at the same instant, the term wins (states.due.convention_end: the convention
    expires at its term when the notice ends that day or after). None while an extension in
    signature holds the expiry until `held_until` (states.due.expiry_held_until, None when
    nothing holds it: a notice ending before the term is never held), as `end_unrecorded`:
    between the term and the first pass too, when its deadline still falls at the term."""
    if state not in IN_FORCE or (held_until is not None and now < held_until):
        return None
    ends = {kind: event for event, kind in END_KINDS.items()}
    due = sorted(
        (expires_at, kind != "expiry", kind, due_date)
        for kind, status, due_date, expires_at in deadlines
        if kind in ends and due_date is not None and passed_unrecorded(status, expires_at, now)
    )
    if not due:
        return None
    _, _, kind, day = due[0]
    return EndUnrecorded(ends[kind], kind, day)


def held_by_extension(
    kind: str,
    status: str,
    due_date: date | None,
    expires_at: datetime | None,
    now: datetime,
    held_until: datetime | None,
    term: datetime | None,
) -> bool:
    """Whether the expiry's hold (rule 27: an extension in signature, until `held_until`,
    after the `term`'s instant) keeps a deadline waiting at `now`: one a pass held (moved to
    `held_until`), or, between the term and the first pass after it, one that pass will hold
    (states.due.deadlines_due: due, and closed by the end at the term)."""
    if held_until is None or status != "pending" or due_date is None or expires_at is None:
        return False
    if not end_of_day(due_date) <= now < held_until:
        return False
    if expires_at == held_until:
        return True
    return (
        term is not None and term <= now and expires_at <= now
        and closed_by_end(kind, expires_at, term)
    )  # fmt: skip


def state_after_pass(state: str, end: EndUnrecorded | None) -> str:
    """The state the convention will have once the pass has applied what is due: the one
    stored, or the end's."""
    return end.state if end is not None else state


__all__ = [
    "ENDED",
    "ENDED_STATE",
    "NEXT_PASS",
    "EndUnrecorded",
    "NextPass",
    "OnNextPass",
    "awaiting_pass",
    "closed_at_pass",
    "end_from_deadlines",
    "end_unrecorded",
    "held_by_extension",
    "on_next_pass",
    "passed_unrecorded",
    "state_after_pass",
]
