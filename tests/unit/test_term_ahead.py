"""`convflow import --term-ahead` (workflow/files/term_ahead.py): an example's term moved by
whole years until it is six months away at least, every date of its file with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from states.financial_report import FinancialReport
from states.payments import Instalment
from workflow.files.convention_file import read_file
from workflow.files.term_ahead import moved_by_years, years_later, years_to_move

SECOND = (
    Path(__file__).resolve().parents[2] / "examples/convention-exemple-quartiers-nord-2027.toml"
)


@pytest.mark.parametrize(
    ("today", "years"),
    [
        (date(2026, 12, 7), 0),  # the file's term, 31 December 2027, as written
        (date(2027, 6, 30), 0),  # six months ahead to the day: kept
        (date(2027, 7, 1), 1),  # less than six months: 31 December 2028
        (date(2028, 1, 1), 1),  # past (the day README's walk began to be refused)
        (date(2031, 9, 15), 5),  # 31 December 2032
    ],
)
def test_the_term_is_moved_by_the_fewest_whole_years_that_keep_it_six_months_ahead(
    today: date, years: int
) -> None:
    assert years_to_move(date(2027, 12, 31), today) == years


def test_the_29th_of_february_becomes_the_28th_in_a_common_year() -> None:
    assert years_later(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert years_to_move(date(2028, 2, 29), date(2028, 8, 28)) == 1  # 28 February 2029


def test_every_date_the_file_gives_moves_with_the_term() -> None:
    convention = read_file(SECOND, payment_target_days=30, signature_target_days=7).convention
    dated = replace(
        convention,
        clauses=replace(convention.clauses, instalments=(
            Instalment(1, Decimal("45000.00"), trigger="date", on=date(2027, 3, 1)),
        )),
        financial_report=replace(FinancialReport(), basis="by_law", year=2027),
    )  # fmt: skip
    moved = moved_by_years(dated, 2)
    assert moved.end_date == date(2029, 12, 31)
    assert [i.on for i in moved.clauses.instalments] == [date(2029, 3, 1)]
    assert moved.financial_report.year == 2029
    assert (moved.reference, moved.title) == (convention.reference, convention.title)
    assert moved_by_years(dated, 0) is dated
