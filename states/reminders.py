"""When reminders go out for a deadline: planned when it opens, weekly for a missing signature.

Pure rules: a deadline and the convention's offsets in, planned reminders out. What becomes of
them when they fall due is decided by :mod:`states.due`.

A reminder goes out at the reminder hour (Paris) on a working day: one whose day (the deadline's
day less its offset, or a weekly one's day) is a Saturday, a Sunday or a public holiday of the
calendar the deadlines use goes out on the working day before it instead, never later than the
clause says (:func:`reminder_at`). Its label (J-7...) and `days_before` stay the clause's; its
email says the deadline's date and the days really left on the day it goes. The court-possible
reminder alone keeps its day: it says that the court may now be seized, which is not true the
day before, and it stands for the announcement of the amicable window's close, which goes the
morning after the window's last day whatever that day is (:func:`states.due.announcement_at`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from states.calendar import HolidayCalendar, at_paris_time
from states.convention import ReminderOffsets
from states.deadlines import ComputedDeadline, DeadlineKind

TEMPLATES: dict[DeadlineKind, str] = {
    "expiry": "reminder_expiry",
    "termination": "reminder_termination",
    "dispute_window": "reminder_dispute_window",
    "payment": "reminder_payment",
    "signature": "reminder_signature",
    "amendment_signature": "reminder_amendment_signature",
    "publication": "reminder_publication",
    "financial_report": "reminder_financial_report",
    "committee": "reminder_committee",
}
WEEKLY_KINDS = ("signature", "amendment_signature")
"""Deadlines reminded on their day, then every week while a signature is missing."""
COURT_TEMPLATE = "reminder_court_possible"


@dataclass(frozen=True)
class PlannedReminder:
    """A reminder to send at `planned_at`, `days_before` its deadline's day (<0: after it) as
    the clause says; `planned_at` may be earlier, on the working day before a day off."""

    kind: DeadlineKind
    template: str
    label: str
    days_before: int
    planned_at: datetime


def reminder_day(day: date, calendar: HolidayCalendar) -> date:
    """The day a reminder meant for `day` goes out: `day` when it is a working day, else the
    working day before it (earlier, never later than the clause says)."""
    return calendar.previous_working_day(day)


def reminder_at(day: date, hour: int, calendar: HolidayCalendar) -> datetime:
    """The instant a reminder meant for `day` goes out: `hour` (Paris) on its working day."""
    return at_paris_time(reminder_day(day, calendar), hour)


def _planned(
    kind: DeadlineKind,
    day: date,
    offsets: Sequence[int],
    hour: int,
    calendar: HolidayCalendar,
    opened_at: datetime | None,
) -> list[PlannedReminder]:
    planned = []
    for days in sorted(set(offsets), reverse=True):
        meant = day - timedelta(days=days)
        at = reminder_at(meant, hour, calendar)
        if opened_at is not None and at < opened_at <= at_paris_time(meant, hour):
            # Moved before the deadline was even known (it opened on the Friday of a Sunday's
            # reminder): it goes as soon as it is known, rather than never (a reminder planned
            # before its deadline is known is skipped) or later than the clause says.
            at = opened_at
        planned.append(PlannedReminder(kind, TEMPLATES[kind], f"J-{days}", days, at))
    return planned


def plan(
    deadline: ComputedDeadline,
    offsets: ReminderOffsets,
    hour: int,
    calendar: HolidayCalendar,
    opened_at: datetime | None = None,
) -> list[PlannedReminder]:
    """The reminders of a deadline opened at `opened_at`, at `hour` (Paris) on their day, or
    on the working day before it when `calendar` says it is a day off (:func:`reminder_at`)."""
    kind, due = deadline.kind, deadline.due_date
    # When the term comes first the convention expires: the expiry reminders say so.
    if kind == "termination" and deadline.ends_by == "expiry":
        return []
    chosen = _offsets(kind, offsets)
    planned = _planned(kind, due, chosen, hour, calendar, opened_at)
    court = deadline.earliest_court_date
    if kind == "dispute_window" and offsets.court_possible and court is not None:
        # On its day, day off or not: see the module's docstring.
        at = at_paris_time(court, hour)
        planned.append(PlannedReminder(kind, COURT_TEMPLATE, "court", (due - court).days, at))
    return planned


def _offsets(kind: str, offsets: ReminderOffsets) -> Sequence[int]:
    """The days before its due day each reminder of a `kind` deadline is meant for (0: on the
    day): the convention's offsets; a signature is reminded on its target day, then weekly
    (each weekly reminder is planned as the one before it goes out); none for the award's
    windows, given as information (INFORMATION_KINDS: the committee alone is reminded)."""
    chosen: Sequence[int] = {
        "expiry": offsets.expiry, "termination": offsets.termination,
        "dispute_window": offsets.dispute_window, "payment": offsets.payment,
        "signature": (0,), "amendment_signature": (0,), "committee": offsets.committee,
        "publication": offsets.publication, "financial_report": offsets.financial_report,
    }.get(kind, ())  # fmt: skip
    return chosen


def next_signature_reminder(
    last_label: str,
    due_date: date,
    every_days: int,
    now: datetime,
    hour: int,
    calendar: HolidayCalendar,
    kind: DeadlineKind = "signature",
) -> PlannedReminder:
    """The weekly reminder after the one labelled `last_label`, the first still ahead of `now`.

    Weekly reminders are meant for the target day plus whole weeks (on the working day before
    it when that day is off), so a service that was down skips the weeks it missed instead of
    sending them all at once.
    """
    number = int(last_label.removeprefix("relance-")) if last_label.startswith("relance-") else 0
    while True:
        number += 1
        day = due_date + timedelta(days=every_days * number)
        planned_at = reminder_at(day, hour, calendar)
        if planned_at > now:
            return PlannedReminder(
                kind,
                TEMPLATES[kind],
                f"relance-{number}",
                -(day - due_date).days,
                planned_at,
            )


def first_reminder_days(kind: str, offsets: ReminderOffsets) -> int | None:
    """How many days before its due day a deadline's first reminder is meant for, as its
    clause says (0: on the day); None when the kind has none."""
    chosen = _offsets(kind, offsets)
    return max(chosen) if chosen else None


def first_reminder_day(
    kind: str, offsets: ReminderOffsets, due: date, calendar: HolidayCalendar
) -> date | None:
    """The day a deadline due on `due` has its first reminder go out, as `plan` plans it (on
    the working day before a day off); None when the kind has none."""
    days = first_reminder_days(kind, offsets)
    return None if days is None else reminder_day(due - timedelta(days=days), calendar)
