"""Reminders go out on a working day, never later than the convention says.

A reminder meant for a Saturday, a Sunday or a public holiday (the calendar the deadlines use)
goes out on the working day before it, at the reminder hour (09:00, Paris). Its label (J-7) and
its days before stay the clause's; the email says the deadline's real date and the days really
left on the day it goes. Read on the reference convention (AMP-CRPV-PACA-2025) and the French
calendar of 2025: Easter Monday 21 April, Ascension 29 May, Bastille Day 14 July, All Saints'
Day on Saturday 1 November. No database: the pure rules of `states.reminders` and `states.due`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from states import due
from states.calendar import HolidayCalendar, at_paris_time
from states.deadlines import ComputedDeadline, expiry
from states.reminders import (
    PlannedReminder,
    first_reminder_day,
    next_signature_reminder,
    plan,
    reminder_at,
)
from tests.unit.builders import TERM, convention_in, receive_dispute_letter, record

METROPOLITAN = HolidayCalendar()  # the deadlines' calendar by default
OFFSETS = convention_in("execution").clauses.reminders  # the reference convention's


def nine(day: date) -> datetime:
    """09:00 in Paris on `day`, the default reminder hour."""
    return at_paris_time(day, 9)


def planned(reminders: list[PlannedReminder]) -> list[tuple[str, int, datetime]]:
    return [(r.label, r.days_before, r.planned_at) for r in reminders]


def dispute_window(received: date) -> ComputedDeadline:
    """The amicable window (article 6) of a dispute letter received on `received`."""
    [window] = receive_dispute_letter(convention_in("execution"), received).opened
    return window


def test_a_j7_meant_for_sunday_1_june_goes_out_on_friday_30_may() -> None:
    """The term moved to Sunday 8 June 2025: its J-7 is Sunday 1 June, Saturday 31 May is off
    too; Friday 30 May is a working day (Ascension was the Thursday)."""
    term = expiry(date(2025, 6, 8))

    assert planned(plan(term, OFFSETS, 9, METROPOLITAN)) == [
        ("J-90", 90, nine(date(2025, 3, 10))),  # a Monday
        ("J-60", 60, nine(date(2025, 4, 9))),  # a Wednesday
        ("J-30", 30, nine(date(2025, 5, 9))),  # a Friday
        ("J-7", 7, nine(date(2025, 5, 30))),  # meant for Sunday 1 June
    ]


def test_the_reference_terms_j60_on_all_saints_day_goes_out_the_friday_before() -> None:
    """31 December 2025: J-60 is Saturday 1 November, a holiday as well; the others are
    working days and keep their day."""
    assert planned(plan(expiry(TERM), OFFSETS, 9, METROPOLITAN)) == [
        ("J-90", 90, nine(date(2025, 10, 2))),
        ("J-60", 60, nine(date(2025, 10, 31))),
        ("J-30", 30, nine(date(2025, 12, 1))),
        ("J-7", 7, nine(date(2025, 12, 24))),
    ]


def test_around_bastille_day_the_window_is_reminded_earlier_and_the_court_keeps_its_day() -> None:
    """A letter received on Saturday 21 June 2025: the amicable window ends on Monday 21 July.
    J-7 is Monday 14 July (Fête nationale), J-1 Sunday 20 July: both go out on the Friday
    before. The court-possible reminder stays on Tuesday 22 July: the court may not be seized
    the day before."""
    window = dispute_window(date(2025, 6, 21))
    assert (window.due_date, window.earliest_court_date) == (date(2025, 7, 21), date(2025, 7, 22))

    assert planned(plan(window, OFFSETS, 9, METROPOLITAN)) == [
        ("J-7", 7, nine(date(2025, 7, 11))),
        ("J-1", 1, nine(date(2025, 7, 18))),
        ("court", -1, nine(date(2025, 7, 22))),
    ]


def test_a_payment_target_on_easter_monday_is_reminded_on_the_friday_or_thursday() -> None:
    """Notified on Saturday 22 March 2025: the internal target is Monday 21 April, Easter
    Monday. Good Friday is a working day in metropolitan France, not in Moselle (subdivision
    57); a day the Métropole declares off (CONVFLOW_EXTRA_HOLIDAYS) counts too."""
    [target] = record(convention_in("notification"), "notify", date(2025, 3, 22)).opened
    assert (target.kind, target.due_date) == ("payment", date(2025, 4, 21))

    assert planned(plan(target, OFFSETS, 9, METROPOLITAN)) == [("J-0", 0, nine(date(2025, 4, 18)))]
    moselle = HolidayCalendar(subdivision="57")
    assert planned(plan(target, OFFSETS, 9, moselle)) == [("J-0", 0, nine(date(2025, 4, 17)))]
    declared = HolidayCalendar(extra_days=(date(2025, 4, 18),))
    assert planned(plan(target, OFFSETS, 9, declared)) == [("J-0", 0, nine(date(2025, 4, 17)))]


def test_the_reminder_hour_is_kept_on_the_day_before() -> None:
    """At 08:00 (CONVFLOW_REMINDER_HOUR=8), Paris time, summer time included."""
    assert reminder_at(date(2025, 7, 14), 8, METROPOLITAN) == datetime(2025, 7, 11, 6, tzinfo=UTC)
    assert reminder_at(date(2025, 12, 25), 8, METROPOLITAN) == datetime(2025, 12, 24, 7, tzinfo=UTC)


def test_weekly_signature_reminders_each_go_out_on_a_working_day() -> None:
    """A signature target on Monday 7 July 2025: the first weekly reminder is meant for Monday
    14 July and goes out on Friday 11 July, labelled relance-1 (7 days after the target); the
    next one keeps its Monday."""
    target = date(2025, 7, 7)

    first = next_signature_reminder("J-0", target, 7, nine(target), 9, METROPOLITAN)
    second = next_signature_reminder(first.label, target, 7, first.planned_at, 9, METROPOLITAN)

    assert planned([first, second]) == [
        ("relance-1", -7, nine(date(2025, 7, 11))),
        ("relance-2", -14, nine(date(2025, 7, 21))),
    ]


def test_a_reminder_moved_before_its_deadline_was_known_goes_as_soon_as_it_is() -> None:
    """The letter of Saturday 21 June is recorded on Friday 11 July at 10:00, after 09:00: the
    J-7 meant for Monday 14 July would have gone on the Friday at 09:00, before the window was
    known (and been skipped); it goes when it is known instead, never later than the Monday.
    Recorded on Tuesday 15 July, the J-7's own day had passed: it is skipped, as before."""
    window = dispute_window(date(2025, 6, 21))
    recorded = datetime(2025, 7, 11, 8, tzinfo=UTC)  # 10:00 in Paris

    assert planned(plan(window, OFFSETS, 9, METROPOLITAN, opened_at=recorded))[:2] == [
        ("J-7", 7, recorded),
        ("J-1", 1, nine(date(2025, 7, 18))),
    ]
    too_late = datetime(2025, 7, 15, 8, tzinfo=UTC)
    [j7, *_] = plan(window, OFFSETS, 9, METROPOLITAN, opened_at=too_late)
    assert j7.planned_at == nine(date(2025, 7, 11)) < too_late


def test_a_j7_sent_on_the_friday_says_the_days_really_left() -> None:
    """The J-7 of the window ending Monday 21 July goes on Friday 11 July: labelled J-7, it says
    10 days are left."""
    window = dispute_window(date(2025, 6, 21))
    known = datetime(2025, 6, 23, 10, tzinfo=UTC)
    entry = due.DeadlineEntry(1, "dispute_window", "pending", window.due_date,
                              window.expires_at, known)  # fmt: skip
    j7 = plan(window, OFFSETS, 9, METROPOLITAN)[0]
    reminder = due.ReminderEntry(
        10, 1, j7.kind, j7.template, j7.label, j7.days_before, j7.planned_at, known
    )
    agenda = due.Agenda(convention_in("dispute"), (entry,), (reminder,))

    decided = due.reminders_due(agenda, entry, [reminder], j7.planned_at, 9, METROPOLITAN)

    [(label, outcome, days_left)] = [
        (d.reminder.label, d.outcome, d.days_left) for d in decided.decisions
    ]
    assert (label, outcome, days_left) == ("J-7", "send", 10)


def test_the_calendar_alarm_rings_with_the_first_reminder() -> None:
    """The iCalendar feed's alarm rings when the first reminder goes out: 10 days before the
    window's end for a J-7 moved from Bastille Day."""
    day = first_reminder_day("dispute_window", OFFSETS, date(2025, 7, 21), METROPOLITAN)
    assert day == date(2025, 7, 11)
    assert date(2025, 7, 21) - day == timedelta(days=10)
    assert first_reminder_day("expiry", OFFSETS, TERM, METROPOLITAN) == date(2025, 10, 2)
    assert first_reminder_day("prefect_referral", OFFSETS, TERM, METROPOLITAN) is None
