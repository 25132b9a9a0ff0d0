"""states.reading: what a read at `now` says of what the due pass has not applied yet, on the
pass's own conditions (states.due)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from states.calendar import end_of_day
from states.reading import (
    EndUnrecorded,
    awaiting_pass,
    closed_at_pass,
    end_from_deadlines,
    passed_unrecorded,
    state_after_pass,
)

TERM = date(2025, 12, 31)
FALLS = end_of_day(TERM)  # 31 December 2025 at 24:00 in Paris


def test_a_deadline_is_passed_at_its_instant_as_the_pass_marks_it_never_before() -> None:
    assert passed_unrecorded("pending", FALLS, FALLS)  # the pass: expires_at <= now
    assert not passed_unrecorded("pending", FALLS, FALLS - timedelta(seconds=1))
    assert not passed_unrecorded("passed", FALLS, FALLS + timedelta(days=1))  # recorded
    assert not passed_unrecorded("met", FALLS, FALLS + timedelta(days=1))


def test_a_reminder_past_its_instant_and_still_planned_waits_for_the_pass() -> None:
    at = datetime(2025, 12, 24, 8, 0, tzinfo=UTC)
    assert awaiting_pass("planned", at, at)
    assert not awaiting_pass("planned", at, at - timedelta(minutes=1))
    assert not awaiting_pass("sent", at, at + timedelta(days=1))


def test_the_end_read_from_the_deadlines_is_the_pass_s_end() -> None:
    later = FALLS + timedelta(days=3)
    expiry = ("expiry", "pending", TERM, FALLS)
    notice_day = date(2025, 10, 15)
    notice = ("termination", "pending", notice_day, end_of_day(notice_day))
    same_day = ("termination", "pending", TERM, FALLS)

    assert end_from_deadlines("execution", [expiry], later, None) == EndUnrecorded(
        "expire", "expiry", TERM
    )
    assert end_from_deadlines("termination", [expiry, notice], later, None) == EndUnrecorded(
        "terminate", "termination", notice_day
    )
    # A notice ending on the term's day: the convention expires at its term (rule 10).
    assert end_from_deadlines("termination", [same_day, expiry], later, None).event == "expire"
    assert end_from_deadlines("execution", [expiry], FALLS - timedelta(hours=1), None) is None
    assert end_from_deadlines("expired", [expiry], later, None) is None  # ended, as recorded
    # Held by an extension in signature (rule 27): no end until the hold's end, as status.
    held_until = FALLS + timedelta(days=7)
    assert end_from_deadlines("execution", [expiry], later, held_until) is None
    assert end_from_deadlines("execution", [expiry], held_until, held_until) == EndUnrecorded(
        "expire", "expiry", TERM
    )
    ended = end_from_deadlines("execution", [expiry], later, None)
    assert state_after_pass("execution", ended) == "expired"
    assert state_after_pass("execution", None) == "execution"


def test_what_the_term_s_arrival_closes_is_read_closed_before_the_pass_applies_it() -> None:
    """Read after the term, not yet applied: the pass's rule (states.due.closed_by_end) says
    which pending deadlines the end cancels, whenever they fall."""
    ended = EndUnrecorded("expire", "expiry", TERM)
    before, after = FALLS - timedelta(days=10), FALLS + timedelta(days=19)

    assert closed_at_pass("signature", "pending", after, ended)  # after the term: cancelled
    assert closed_at_pass("termination", "pending", after, ended)  # the other end: cancelled
    assert not closed_at_pass("signature", "pending", before, ended)  # fell first: passed
    assert not closed_at_pass("payment", "pending", after, ended)  # still due (rule 25)
    assert not closed_at_pass("financial_report", "pending", after, ended)  # outlives it
    assert not closed_at_pass("publication", "pending", after, ended)
    assert not closed_at_pass("expiry", "pending", FALLS, ended)  # its own: applied
    assert not closed_at_pass("payment", "met", after, ended)  # no longer waits
    assert not closed_at_pass("payment", "pending", after, None)  # no end come
