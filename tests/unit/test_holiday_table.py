"""The table of public holidays commands read instead of importing the `holidays` package.

It must say exactly what the package says, and the package must still answer whatever the
table does not hold: another subdivision, or a table made by another version of the package.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from states import holiday_table
from states.calendar import HolidayCalendar
from workflow.ops.holiday_table import TABLE, render


def test_the_table_is_what_the_installed_package_computes() -> None:
    # `make holidays` writes it again after the `holidays` package is upgraded.
    assert TABLE.read_text(encoding="utf-8") == render()


def test_the_table_covers_every_year_a_date_may_take() -> None:
    # convflow refuses dates outside 2000-2100 (README, "Bad input").
    assert set(holiday_table.METROPOLITAN) == set(range(2000, 2101))
    assert all(len(days) in (10, 11) for days in holiday_table.METROPOLITAN.values())


def test_whit_monday_was_a_working_day_from_2005_to_2007() -> None:
    # The "journée de solidarité" (loi 2004-626), then again a public holiday (loi 2008-351).
    calendar = HolidayCalendar()
    assert calendar.holiday_name(date(2005, 5, 16)) is None
    assert calendar.holiday_name(date(2008, 5, 12)) == "Lundi de Pentecôte"


def _run(program: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout.strip()


ASK = """
import sys
from datetime import date
{before}
from states.calendar import HolidayCalendar
calendar = HolidayCalendar({arguments})
print(calendar.holiday_name(date({day})), "holidays" in sys.modules)
"""


def test_a_metropolitan_date_is_answered_without_importing_the_package() -> None:
    program = ASK.format(before="", arguments="", day="2025, 5, 29")
    assert _run(program) == "Ascension False"


def test_a_subdivision_is_answered_by_the_package() -> None:
    program = ASK.format(before="", arguments="subdivision='57'", day="2025, 12, 26")
    assert _run(program) == "Saint-Étienne True"


def test_a_table_made_by_another_version_of_the_package_is_not_used() -> None:
    before = "import states.holiday_table as table; table.HOLIDAYS_VERSION = '0.1'"
    program = ASK.format(before=before, arguments="", day="2025, 5, 29")
    assert _run(program) == "Ascension True"
