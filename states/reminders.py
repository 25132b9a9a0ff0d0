"""When reminders go out for a deadline: planned when it opens, weekly for a missing signature.

Pure rules: a deadline and the convention's offsets in, planned reminders out. What becomes of
them when they fall due is decided by :mod:`states.due`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from states.calendar import at_paris_time
from states.convention import ReminderOffsets
from states.deadlines import INFORMATION_KINDS, ComputedDeadline, DeadlineKind

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
    """A reminder to send at `planned_at`, `days_before` its deadline's day (<0: after it)."""

    kind: DeadlineKind
    template: str
    label: str
    days_before: int
    planned_at: datetime


def _before(
    kind: DeadlineKind, day: date, offsets: Sequence[int], hour: int
) -> list[PlannedReminder]:
    return [
        PlannedReminder(
            kind,
            TEMPLATES[kind],
            f"J-{days}",
            days,
            at_paris_time(day - timedelta(days=days), hour),
        )
        for days in sorted(set(offsets), reverse=True)
    ]


def plan(deadline: ComputedDeadline, offsets: ReminderOffsets, hour: int) -> list[PlannedReminder]:
    """The reminders of a newly opened deadline, at `hour` (Paris) on their day."""
    kind, due = deadline.kind, deadline.due_date
    if kind == "committee":
        return _before(kind, due, offsets.committee, hour)
    if kind in INFORMATION_KINDS:
        return []
    if kind == "expiry":
        return _before(kind, due, offsets.expiry, hour)
    if kind == "termination":
        # When the term comes first the convention expires: the expiry reminders say so.
        if deadline.ends_by == "expiry":
            return []
        return _before(kind, due, offsets.termination, hour)
    if kind == "dispute_window":
        planned = _before(kind, due, offsets.dispute_window, hour)
        court = deadline.earliest_court_date
        if offsets.court_possible and court is not None:
            planned.append(
                PlannedReminder(
                    kind, COURT_TEMPLATE, "court", (due - court).days, at_paris_time(court, hour)
                )
            )
        return planned
    if kind == "payment":
        return _before(kind, due, offsets.payment, hour)
    if kind == "publication":
        return _before(kind, due, offsets.publication, hour)
    if kind == "financial_report":
        return _before(kind, due, offsets.financial_report, hour)
    # signatures: on the target day; the next ones are planned weekly as each one goes out
    return _before(kind, due, (0,), hour)


def next_signature_reminder(
    last_label: str,
    due_date: date,
    every_days: int,
    now: datetime,
    hour: int,
    kind: DeadlineKind = "signature",
) -> PlannedReminder:
    """The weekly reminder after the one labelled `last_label`, the first still ahead of `now`.

    Weekly reminders fall on the target day plus whole weeks, so a service that was down
    skips the weeks it missed instead of sending them all at once.
    """
    number = int(last_label.removeprefix("relance-")) if last_label.startswith("relance-") else 0
    while True:
        number += 1
        day = due_date + timedelta(days=every_days * number)
        planned_at = at_paris_time(day, hour)
        if planned_at > now:
            return PlannedReminder(
                kind,
                TEMPLATES[kind],
                f"relance-{number}",
                -(day - due_date).days,
                planned_at,
            )


def first_reminder_days(kind: str, offsets: ReminderOffsets) -> int | None:
    """How many days before its due day a deadline's first reminder goes out (0: on the day),
    as `plan` would plan it; None when the kind has none."""
    chosen = {
        "expiry": offsets.expiry, "termination": offsets.termination,
        "dispute_window": offsets.dispute_window, "payment": offsets.payment,
        "signature": (0,), "amendment_signature": (0,), "committee": offsets.committee,
        "publication": offsets.publication, "financial_report": offsets.financial_report,
    }.get(kind, ())  # fmt: skip
    return max(chosen) if chosen else None
