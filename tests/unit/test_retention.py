"""Keeping the file (rule 21 of docs/LEGAL-DEADLINES.md), its worked examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from states.convention import TerminationNotice
from states.deadlines import RegisteredLetter
from states.financial_report import FinancialReport
from states.retention import retention
from tests.unit.builders import convention_in


def test_a_convention_in_force_has_no_retention_date_yet():
    assert retention(convention_in("execution"), 10) is None


def test_expired_at_its_term_after_its_payment_the_file_is_kept_ten_years():
    paid_in_april = replace(convention_in("execution"), paid_on=date(2025, 4, 1))
    expired = replace(paid_in_april, state="expired")

    kept = retention(expired, 10)

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2025, 12, 31), date(2035, 12, 31), date(2036, 1, 1),
    )  # fmt: skip
    assert "jamais effacée" in kept.explanation


def test_terminated_on_1_october_the_file_is_kept_until_1_october_2035():
    letter = RegisteredLetter(received=date(2025, 4, 1))
    october = date(2025, 10, 1)
    notice = TerminationNotice("metropole", letter, date(2025, 4, 1), october, october)
    terminated = replace(convention_in("execution"), state="terminated", notice=notice,
                         paid_on=date(2025, 4, 1))  # fmt: skip

    kept = retention(terminated, 10)

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2025, 10, 1), date(2035, 10, 1), date(2035, 10, 2),
    )  # fmt: skip


def test_the_financial_reports_receipt_closes_the_file_when_it_comes_last():
    owed = FinancialReport("by_convention", 2025)
    expired = replace(convention_in("execution"), paid_on=date(2025, 4, 1), state="expired",
                      financial_report=owed)  # fmt: skip
    assert retention(expired, 10) is None  # the report is still owed: the file stays open

    received = replace(expired, financial_report=owed.received(date(2026, 6, 15)))
    kept = retention(received, 10)

    assert kept is not None
    assert (kept.closed_on, kept.kept_until, kept.erasable_from) == (
        date(2026, 6, 15), date(2036, 6, 15), date(2036, 6, 16),
    )  # fmt: skip
