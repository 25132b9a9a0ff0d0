"""Civil time in Paris: dates of instants, the end of a day, months, working days and holidays.

French law counts periods in civil dates in Europe/Paris (docs/LEGAL-DEADLINES.md, rules 1-8).
Everything here is pure: the clock is always passed in.
"""

from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

PARIS = ZoneInfo("Europe/Paris")

_FRENCH = Locale.parse("fr_FR")  # dates in words from Babel's CLDR data, not a hand-made table


def civil_date(instant: datetime) -> date:
    """The date in Paris of an instant (a timezone-aware datetime)."""
    if instant.tzinfo is None:
        raise ValueError(f"instant {instant.isoformat()} has no timezone")
    return instant.astimezone(PARIS).date()


def start_of_day(day: date) -> datetime:
    """00:00 in Paris on `day`, as a UTC instant."""
    return datetime.combine(day, time(0), PARIS).astimezone(UTC)


def end_of_day(day: date) -> datetime:
    """24:00 in Paris on `day` (CPC 642 al. 1), as a UTC instant: 00:00 Paris the next day."""
    return start_of_day(day + timedelta(days=1))


def at_paris_time(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour:minute` in Paris on `day`, as a UTC instant (09:00 for reminders by default)."""
    return datetime.combine(day, time(hour, minute), PARIS).astimezone(UTC)


def add_days(day: date, days: int) -> date:
    """The last day of a period of `days` days from `day`, the trigger day not counted."""
    return day + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """`day` plus `months`, de quantième à quantième, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _gregorian.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def french_date(day: date) -> str:
    """`day` as French text with its weekday: 'lundi 24 mars 2025', 'samedi 1er mars 2025'."""
    return f"{french_weekday(day)} {french_day(day)}"


# Cached (Babel takes tens of microseconds a date, and every recorded event words a few in
# its deadlines' explanations); typed: a datetime is never mistaken for the equal date.
@lru_cache(maxsize=4096, typed=True)
def french_day(day: date) -> str:
    """`day` as French text without its weekday: '24 mars 2025', '1er mars 2025'."""
    # French writes the first day of a month as an ordinal: « 1er mars ».
    return format_date(day, "d'er' MMMM y" if day.day == 1 else "d MMMM y", locale=_FRENCH)


@lru_cache(maxsize=4096, typed=True)
def french_weekday(day: date) -> str:
    """The French name of the weekday of `day`."""
    return format_date(day, "EEEE", locale=_FRENCH)


@cache
def holiday_subdivisions() -> tuple[str, ...]:
    """The subdivisions of France the holiday calendar knows ("57" for Moselle...)."""
    import holidays  # its ~200 countries load in a fifth of a second: only when needed

    return tuple(holidays.country_holidays("FR").subdivisions)


@lru_cache(maxsize=16)
def _holidays_for(subdivision: str | None, year: int) -> dict[date, str]:
    from states import holiday_table  # 9 ms to load: only for the commands that count days

    if subdivision is None and _table_is_current() and year in holiday_table.METROPOLITAN:
        return {
            date(year, month, day): name for month, day, name in holiday_table.METROPOLITAN[year]
        }
    import holidays

    calendar = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return dict(calendar.items())


@cache
def _table_is_current() -> bool:
    """Whether `states.holiday_table` was made by the `holidays` version installed.

    The table spares a command the package's 280 country modules (about 0.1 s); after an
    upgrade of the package, the package answers until the table is written again.
    """
    from importlib.metadata import PackageNotFoundError, version

    from states import holiday_table

    try:
        return version("holidays") == holiday_table.HOLIDAYS_VERSION
    except PackageNotFoundError:
        return False


@dataclass(frozen=True)
class HolidayCalendar:
    """French public holidays: metropolitan by default (no Alsace-Moselle extras).

    `subdivision` is a `holidays` subdivision code (e.g. "57" for Moselle); `extra_days` are
    further official non-working days (jours chômés) the Métropole declares.
    """

    subdivision: str | None = None
    extra_days: tuple[date, ...] = field(default=())

    def holiday_name(self, day: date) -> str | None:
        """The name of the public holiday on `day`, or None."""
        if day in self.extra_days:
            return "jour chômé déclaré"
        return _holidays_for(self.subdivision, day.year).get(day)

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day (CPC 642 al. 2), or None when it is one."""
        name = self.holiday_name(day)
        if name is not None:
            return f"jour férié\u00a0: {name}"
        if day.weekday() >= 5:
            return "week-end"
        return None

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the next day that is one."""
        while self.non_working_reason(day) is not None:
            day += timedelta(days=1)
        return day

    def previous_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the last day before it that is one."""
        while self.non_working_reason(day) is not None:
            day -= timedelta(days=1)
        return day

    def describe(self) -> str:
        """The calendar in French, as the explanations show it."""
        text = "France métropolitaine (Code du travail L3133-1)"
        if self.subdivision:
            text += f", subdivision {self.subdivision}"
        if self.extra_days:
            text += ", jours chômés\u00a0: " + ", ".join(french_day(d) for d in self.extra_days)
        return text


def french_days(count: int, calendar: bool = False) -> str:
    """A number of days as explanations write it: '1 jour', '30 jours'; with `calendar`,
    '1 jour calendaire', '30 jours calendaires'. French keeps the singular below two (« 0 jour »,
    « 1 jour »), as the emails' `days_fr` does (notifications/ reads nothing of states/)."""
    plural = "s" if abs(count) >= 2 else ""
    unit = f"jour{plural} calendaire{plural}" if calendar else f"jour{plural}"
    return f"{format_decimal(count, locale=_FRENCH)} {unit}"


def french_euros(amount: Decimal) -> str:
    """An amount in euros as explanations write it: '60 000,00 €' (Babel, French)."""
    if type(amount) is Decimal:
        return _french_euros(str(amount))
    return format_currency(amount, "EUR", locale=_FRENCH)


@lru_cache(maxsize=1024)
def _french_euros(amount: str) -> str:
    # Keyed by the Decimal's text, not the Decimal: equal Decimals may differ in sign (-0, 0)
    # or exponent, and the text gives back exactly the same Decimal.
    return format_currency(Decimal(amount), "EUR", locale=_FRENCH)
