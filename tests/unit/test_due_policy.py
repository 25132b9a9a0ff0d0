"""The due policy on its own: given a convention's agenda and an instant, what is due, and when
next. No database: the agenda is built by hand as the tables would hold it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from states import due
from states.calendar import HolidayCalendar, at_paris_time, end_of_day
from states.deadlines import DeadlineClosure, DeadlineKind
from states.reminders import TEMPLATES
from tests.unit.builders import (
    COURT_OPENS,
    DISPUTE_WINDOW_ENDS,
    NOTICE_ENDS,
    TERM,
    convention_in,
)

KNOWN = datetime(2025, 3, 12, 12, tzinfo=UTC)  # when the deadlines below were recorded
METROPOLITAN = HolidayCalendar()  # the calendar the deadlines use, by default


def deadline(
    kind: DeadlineKind, day: date, known_at: datetime = KNOWN, ident: int = 1
) -> due.DeadlineEntry:
    return due.DeadlineEntry(ident, kind, "pending", day, end_of_day(day), known_at)


def reminder(
    of: due.DeadlineEntry,
    days_before: int,
    *,
    known_at: datetime = KNOWN,
    ident: int | None = None,
    template: str | None = None,
    label: str | None = None,
) -> due.ReminderEntry:
    return due.ReminderEntry(
        ident if ident is not None else 100 + days_before,
        of.id,
        of.kind,
        template or TEMPLATES[of.kind],
        label or f"J-{days_before}",
        days_before,
        at_paris_time(of.due_date - timedelta(days=days_before), 9),
        known_at,
    )


def test_of_the_reminders_missed_the_latest_goes_out_saying_the_days_really_left() -> None:
    term = deadline("expiry", TERM)
    missed = [reminder(term, days) for days in (90, 60, 30)]
    agenda = due.Agenda(convention_in("execution"), (term,), tuple(missed))
    now = datetime(2025, 12, 4, 9, tzinfo=UTC)  # three days after J-30

    decided = due.reminders_due(agenda, term, missed, now, hour=9, calendar=METROPOLITAN)

    assert [(d.reminder.label, d.outcome, d.reason, d.days_left) for d in decided.decisions] == [
        ("J-90", "coalesced", "coalesced", None),
        ("J-60", "coalesced", "coalesced", None),
        ("J-30", "send", None, 27),
    ]


def test_a_reminder_planned_after_its_instant_is_skipped() -> None:
    recorded = datetime(2025, 6, 26, 8, tzinfo=UTC)  # a dispute letter of 2 June, recorded late
    window = deadline("dispute_window", DISPUTE_WINDOW_ENDS, recorded)
    j7, j1 = reminder(window, 7, known_at=recorded), reminder(window, 1, known_at=recorded)
    agenda = due.Agenda(convention_in("dispute"), (window,), (j7, j1))

    decided = due.reminders_due(agenda, window, [j7], recorded, hour=9, calendar=METROPOLITAN)

    assert [(d.outcome, d.reason) for d in decided.decisions] == [("skipped", "known_late")]
    assert due.next_due(agenda.deadlines, [j1]) == j1.planned_at


def test_the_term_is_moot_while_a_notice_ends_the_convention_before_it() -> None:
    assert due.moot_kinds(convention_in("execution")) == frozenset()
    terminating = convention_in("termination")
    assert terminating.notice is not None and terminating.notice.effective_end == NOTICE_ENDS
    assert due.moot_kinds(terminating) == {"expiry"}
    term = deadline("expiry", TERM)
    j90 = reminder(term, 90)
    agenda = due.Agenda(terminating, (term,), (j90,))

    decided = due.reminders_due(agenda, term, [j90], j90.planned_at, hour=9, calendar=METROPOLITAN)

    assert [(d.outcome, d.reason) for d in decided.decisions] == [("skipped", "moot")]


def test_a_window_closing_the_day_its_court_reminder_goes_is_said_once() -> None:
    window = deadline("dispute_window", DISPUTE_WINDOW_ENDS)
    court = reminder(window, -1, template="reminder_court_possible", label="court")
    assert court.planned_at == at_paris_time(COURT_OPENS, 9)
    agenda = due.Agenda(convention_in("dispute"), (window,), (court,))

    decided = due.deadlines_due(agenda, window.expires_at, 0)

    [passed] = decided.passed
    assert (passed.announce, passed.reason) == (None, "with_court_reminder")
    without = due.deadlines_due(due.Agenda(agenda.convention, (window,), ()), window.expires_at, 0)
    assert [p.announce for p in without.passed] == ["amicable_window_closed"]


def test_a_window_already_closed_when_recorded_is_not_announced() -> None:
    recorded = end_of_day(DISPUTE_WINDOW_ENDS) + timedelta(days=10)
    window = deadline("dispute_window", DISPUTE_WINDOW_ENDS, recorded)
    agenda = due.Agenda(convention_in("dispute"), (window,), ())

    [passed] = due.deadlines_due(agenda, recorded, 0).passed

    assert (passed.announce, passed.reason) == (None, "known_late")


def test_the_end_that_comes_first_ends_the_convention_and_nothing_after_it_passes() -> None:
    terminating = convention_in("termination")
    notice = deadline("termination", NOTICE_ENDS, ident=1)
    term = deadline("expiry", TERM, ident=2)
    agenda = due.Agenda(terminating, (notice, term), ())

    decided = due.deadlines_due(agenda, end_of_day(TERM) + timedelta(days=3), 0)

    assert decided.passed == ()
    assert decided.end == due.ConventionEnds("terminate", NOTICE_ENDS, "termination")
    assert decided.end.at == end_of_day(NOTICE_ENDS)
    assert due.deadlines_due(agenda, end_of_day(NOTICE_ENDS) - timedelta(seconds=1), 0) == (
        due.DeadlinesDue()
    )


def test_a_missing_signature_is_reminded_weekly_until_the_term() -> None:
    signing = convention_in("signature")
    target = deadline("signature", date(2025, 3, 10))
    j0 = reminder(target, 0)
    agenda = due.Agenda(signing, (target,), (j0,))

    decided = due.reminders_due(agenda, target, [j0], j0.planned_at, hour=9, calendar=METROPOLITAN)

    assert decided.following is not None
    assert (decided.following.label, decided.following.planned_at) == (
        "relance-1", at_paris_time(date(2025, 3, 17), 9),
    )  # fmt: skip
    signed = due.Agenda(convention_in("notification"), (target,), (j0,))
    assert (
        due.reminders_due(
            signed, target, [j0], j0.planned_at, hour=9, calendar=METROPOLITAN
        ).following
        is None
    )


def test_only_waiting_entries_say_when_next() -> None:
    term = deadline("expiry", TERM)
    applied = due.DeadlineEntry(2, "payment", "met", date(2025, 4, 19), datetime.min, KNOWN)
    assert due.next_due([term, applied], []) == term.expires_at
    assert due.next_due([None], [None]) is None


def test_closures_move_deadlines_as_the_repository_does() -> None:
    early = deadline("payment", date(2025, 4, 1), ident=1)
    late = deadline("payment", date(2025, 5, 1), ident=2)
    met = DeadlineClosure("payment", "met", ("pending", "passed"), date(2025, 4, 15))

    closed = due.close((early, late), [met])

    assert [d.status for d in closed] == ["passed", "met"]  # met late: the record shows it
    everything = DeadlineClosure(None, "cancelled")
    assert [d.status for d in due.close(closed, [everything])] == ["passed", "met"]


def test_a_reminder_missed_before_a_date_given_as_information_says_nothing_announces_it() -> None:
    """The committee's next meeting passed while the service was down: its reminder is not
    sent, and its reason does not claim an announcement (`reminders` said « elle est annoncée à
    la place », and none is: INFORMATION_KINDS are not in ANNOUNCEMENTS)."""
    meeting = deadline("committee", date(2025, 9, 15))
    missed = reminder(meeting, 14)
    agenda = due.Agenda(convention_in("execution"), (meeting,), (missed,))
    now = end_of_day(meeting.due_date) + timedelta(days=2)

    decided = due.reminder_decisions(agenda, meeting, [missed], now)

    assert [(d.outcome, d.reason) for d in decided] == [("skipped", "information_passed")]
    assert "committee" not in due.ANNOUNCEMENTS


def test_a_reminder_missed_before_an_announced_deadline_says_the_announcement_tells_it() -> None:
    window = deadline("dispute_window", DISPUTE_WINDOW_ENDS)
    missed = reminder(window, 7)
    agenda = due.Agenda(convention_in("dispute"), (window,), (missed,))
    now = end_of_day(window.due_date) + timedelta(days=2)

    decided = due.reminder_decisions(agenda, window, [missed], now)

    assert [(d.outcome, d.reason) for d in decided] == [("skipped", "deadline_passed")]
    assert due.ANNOUNCEMENTS["dispute_window"] == "amicable_window_closed"
