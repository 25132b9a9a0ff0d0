"""An example convention kept ahead of the calendar: `convflow import --term-ahead`.

`make run` imports examples/convention-exemple-quartiers-nord-2027.toml for a newcomer to walk
live (README, "The first minute": submit, sign...). A term written in the file would one day be
past, and every event of that walk refused (`dated_after_end`), with no code changed. With
--term-ahead the import moves the file's term by whole years until it is six months away at
least, and every other date the file gives with it (an instalment due on a date, the financial
report's year), so that the convention keeps the shape its file gives it. The reference and the
title stay as written: they are names, not dates convflow reads.

Six months: longer than the example's periods (a 3-month notice, 30-day windows) and than the
first reminder of its term (90 days before it, ReminderOffsets.expiry), so its whole life can be
walked and its first minute sends no expiry reminder; and no longer, so that the term moves as
little as it can (the file's own until the end of June of its year).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from states.calendar import add_months
from states.convention import Convention

MARGIN_MONTHS = 6
"""How far ahead of today the term is kept, at least."""


def years_later(day: date, years: int) -> date:
    """The same day `years` years later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def years_to_move(term: date, today: date) -> int:
    """The fewest whole years (0 or more) that put `term` MARGIN_MONTHS after `today` at least."""
    horizon = add_months(today, MARGIN_MONTHS)
    years = max(0, horizon.year - term.year - 1)
    while years_later(term, years) < horizon:
        years += 1
    return years


def moved_by_years(convention: Convention, years: int) -> Convention:
    """A convention in draft with every date its file gave moved by `years` whole years: the
    term, each instalment due on a date, the financial report's year."""
    if years == 0:
        return convention
    clauses = convention.clauses
    instalments = tuple(
        replace(i, on=years_later(i.on, years)) if i.on is not None else i
        for i in clauses.instalments
    )
    report = convention.financial_report
    if report.year is not None:
        report = replace(report, year=report.year + years)
    return replace(
        convention,
        end_date=years_later(convention.end_date, years),
        clauses=replace(clauses, instalments=instalments),
        financial_report=report,
    )
