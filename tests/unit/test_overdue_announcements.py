"""A payment target or a financial report's date that passes unmet is announced, once, by the
due policy alone (no database): `payment_overdue` and `financial_report_missed`, under the
rules of every announcement: not when the deadline was met in time, not when it was already
past when it became known (its event recorded after the fact), not when the convention's end
comes first (a payment; the financial report outlives the end, rule 20). A missing signature
is not announced: its weekly reminders say it (states.due.ANNOUNCEMENTS)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from states import due
from states.calendar import at_paris_time, end_of_day
from states.deadlines import DeadlineClosure, DeadlineKind
from tests.unit.builders import PAID, TERM, convention_in, record

NOTIFIED_AT = end_of_day(date(2025, 3, 20)) - timedelta(hours=10)  # the notify event, recorded
TARGET = date(2025, 4, 19)  # 30 days after the notification of 20 March 2025
REPORT_DUE = date(2026, 6, 30)  # the 2025 exercise's report, six months after its end


def deadline(
    kind: DeadlineKind, day: date, known_at: datetime = NOTIFIED_AT, ident: int = 1
) -> due.DeadlineEntry:
    return due.DeadlineEntry(ident, kind, "pending", day, end_of_day(day), known_at)


def passed_at(agenda: due.Agenda, now: datetime) -> list[tuple[str, str | None, str | None]]:
    return [
        (p.deadline.kind, p.announce, p.reason) for p in due.deadlines_due(agenda, now, 0).passed
    ]


def test_an_unpaid_payment_target_is_announced_once() -> None:
    target = deadline("payment", TARGET)
    agenda = due.Agenda(convention_in("payment"), (target,), ())

    assert passed_at(agenda, target.expires_at - timedelta(seconds=1)) == []
    assert passed_at(agenda, target.expires_at) == [("payment", "payment_overdue", None)]
    marked = due.Agenda(agenda.convention, (target._replace(status="passed"),), ())
    assert passed_at(marked, target.expires_at + timedelta(days=3)) == []  # said once


def test_a_payment_made_in_time_is_not_announced() -> None:
    convention = convention_in("payment")
    target = deadline("payment", TARGET)
    paid = record(convention, "pay", PAID, amount="200000.00")  # 15 April, before its target
    closed = due.close((target,), paid.closures)
    assert [d.status for d in closed] == ["met"]

    assert (
        passed_at(due.Agenda(convention, closed, ()), target.expires_at + timedelta(days=1)) == []
    )


def test_a_payment_target_already_past_when_the_award_was_recorded_is_not_announced() -> None:
    recorded = end_of_day(TARGET) + timedelta(days=12)  # the notification, recorded late
    target = deadline("payment", TARGET, known_at=recorded)
    agenda = due.Agenda(convention_in("payment"), (target,), ())

    assert passed_at(agenda, recorded) == [("payment", None, "known_late")]


def test_a_payment_target_after_the_term_outlives_the_expiry_and_is_announced() -> None:
    """Rule 25: what was earned during the term stays due after it; the expiry applied in the
    same pass no longer cancels the payment's target, which falls and is announced."""
    late_target = deadline("payment", TERM + timedelta(days=10))
    agenda = due.Agenda(convention_in("payment"), (late_target,), ())

    decided = due.deadlines_due(agenda, late_target.expires_at + timedelta(days=1), 0)

    assert [(p.deadline.kind, p.announce) for p in decided.passed] == [
        ("payment", "payment_overdue")
    ]
    assert decided.end == due.ConventionEnds("expire", TERM, "expiry")


def test_a_payment_target_before_the_term_is_announced_in_the_pass_that_expires_it() -> None:
    target = deadline("payment", TARGET)
    agenda = due.Agenda(convention_in("payment"), (target,), ())

    decided = due.deadlines_due(agenda, end_of_day(TERM) + timedelta(days=1), 0)

    assert [(p.announce, p.reason) for p in decided.passed] == [("payment_overdue", None)]
    assert decided.end is not None and decided.end.event == "expire"


def test_a_financial_report_not_received_is_announced_after_the_end_it_outlives() -> None:
    convention = convention_in("execution")
    report = deadline("financial_report", REPORT_DUE)
    agenda = due.Agenda(convention, (report,), ())
    now = report.expires_at + timedelta(hours=8)

    # the service was down: the term came first, and the report, which outlives it, falls in
    # the same pass (a pass leaves nothing due behind it)
    first = due.deadlines_due(agenda, now, 0)
    assert [(p.deadline.kind, p.announce, p.reason) for p in first.passed] == [
        ("financial_report", "financial_report_missed", None)
    ]
    assert first.end is not None and first.end.event == "expire"


def test_a_financial_report_received_in_time_is_not_announced() -> None:
    convention = convention_in("execution")
    report = deadline("financial_report", REPORT_DUE)
    received = due.close((report,), [DeadlineClosure("financial_report", "met", ("pending",),
                                                          date(2026, 6, 15))])  # fmt: skip

    assert passed_at(due.Agenda(convention, received, ()), report.expires_at) == []


@pytest.mark.parametrize("kind", ["signature", "amendment_signature", "prefect_referral",
                                  "third_party_challenge", "committee"])  # fmt: skip
def test_a_missing_signature_and_the_information_deadlines_pass_silently(kind: DeadlineKind):
    target = deadline(kind, date(2025, 5, 2))
    agenda = due.Agenda(convention_in("execution"), (target,), ())

    assert passed_at(agenda, target.expires_at) == [(kind, None, None)]


# --- When the announcement goes: the reminder hour after the deadline passed ----------------


def test_an_unpaid_target_passes_at_midnight_and_is_announced_at_nine() -> None:
    """The target of Saturday 19 April 2025 passes at 24:00 (00:00 on Sunday 20 April in
    Paris): the deadline is passed then, but its email waits for 09:00 that Sunday (the next
    morning, whatever the day): a pass at 00:00:01 sends nothing and says when to wake up, the
    pass at 09:00 sends it, and no later pass sends it again."""
    target = deadline("payment", TARGET)
    nine = due.announcement_at(target.expires_at, 9)
    assert nine == at_paris_time(date(2025, 4, 20), 9)
    agenda = due.Agenda(convention_in("payment"), (target,), ())
    assert passed_at(agenda, target.expires_at) == [("payment", "payment_overdue", None)]
    waiting = target._replace(status="passed", announce_at=nine)

    assert due.announcements_due([waiting], target.expires_at + timedelta(seconds=1)) == []
    assert due.next_due([waiting], []) == nine  # the service wakes up for it
    assert due.announcements_due([waiting], nine) == [(waiting, "payment_overdue")]
    announced = waiting._replace(announce_at=None)
    assert due.announcements_due([announced], nine + timedelta(days=3)) == []
    assert due.next_due([announced], []) is None


def test_the_announcement_keeps_the_hour_in_paris_across_summer_time() -> None:
    """Saturday 29 March 2025 passes at 00:00 CET; 09:00 that Sunday is summer time already
    (07:00 UTC). At a reminder hour of 0 the announcement goes as the deadline passes."""
    passes = end_of_day(date(2025, 3, 29))
    assert passes == datetime(2025, 3, 29, 23, tzinfo=UTC)
    assert due.announcement_at(passes, 9) == datetime(2025, 3, 30, 7, tzinfo=UTC)
    assert due.announcement_at(passes, 0) == passes


def test_a_payment_recorded_before_nine_drops_the_announcement_waiting() -> None:
    """Paid on Sunday 20 April, the day after its target, recorded before 09:00: the deadline
    stays passed (it was met late), and the announcement waiting is dropped: the payment's own
    email says it was received."""
    convention = convention_in("payment")
    target = deadline("payment", TARGET)
    nine = due.announcement_at(target.expires_at, 9)
    waiting = target._replace(status="passed", announce_at=nine)
    paid = record(convention, "pay", date(2025, 4, 20), amount="200000.00")

    [closed] = due.close((waiting,), paid.closures)

    assert (closed.status, closed.announce_at) == ("passed", None)
    assert due.announcements_due([closed], nine) == []
