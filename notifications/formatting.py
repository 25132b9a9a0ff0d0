"""French formatting of dates, instants, amounts and durations, as used in the emails."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

__all__ = [
    "PARIS", "date_fr", "date_fr_full", "datetime_fr", "days_fr", "end_fr", "euros", "number_fr",
    "paris_only",
]  # fmt: skip

PARIS = ZoneInfo("Europe/Paris")
_FRENCH = Locale.parse("fr_FR")


def date_fr(day: date) -> str:
    """A civil date as French prose writes it: '31 décembre 2025', '1er janvier 2026'."""
    return format_date(_civil(day), _ordinal("d MMMM y", day), locale=_FRENCH)


def date_fr_full(day: date) -> str:
    """A civil date with its weekday: 'mercredi 31 décembre 2025'."""
    return format_date(_civil(day), _ordinal("EEEE d MMMM y", day), locale=_FRENCH)


def datetime_fr(moment: datetime, *, weekday: bool = True) -> str:
    """An instant as read in Marseille: 'lundi 24 mars 2025 à 09:00'; without its weekday
    (`weekday=False`, a table's narrow column): '24 mars 2025 à 09:00'."""
    if moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no place in time: {moment!r}")
    local = moment.astimezone(PARIS)
    day = date_fr_full if weekday else date_fr
    # %H, never Babel's 'kk': midnight is 00:00 of the new day, not 24:00 of the old one.
    return f"{day(local.date())} à {local:%H:%M}"


def end_fr(moment: date, *, weekday: bool = True) -> str:
    """The end of a period, as convflow says it everywhere (emails, command line): a civil date
    is its whole day, which ends « à 24 h » ('samedi 2 janvier 2027 à 24 h', the space before
    « h » a no-break one); an instant at midnight in Marseille is the day that ends then, never
    00:00 of the next; any other instant as :func:`datetime_fr` says it. Without its weekday
    (`weekday=False`, an email's subject): '2 janvier 2027 à 24 h'."""
    day = date_fr_full if weekday else date_fr
    if not isinstance(moment, datetime):
        return f"{day(moment)} à {_MIDNIGHT}"
    if moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no place in time: {moment!r}")
    local = moment.astimezone(PARIS)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return f"{day(local.date())} à {local:%H:%M}"
    # 00:00 of the next day reads as that day: a reader takes the deadline to be the Sunday.
    return f"{day(local.date() - timedelta(days=1))} à {_MIDNIGHT}"


_MIDNIGHT = "24\u00a0h"
"""The end of a day, French typography: a no-break space between the number and its unit."""


def euros(amount: Decimal) -> str:
    """An amount in euros as Babel writes it in French: '200 000,00 €' (with no-break spaces)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"an amount of money must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError(f"not an amount of money: {amount}")
    return format_currency(amount, "EUR", locale=_FRENCH)


def days_fr(count: int) -> str:
    """A number of days in French: '0 jour', '1 jour', '7 jours'."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"a number of days must be an int, not {type(count).__name__}")
    # French keeps the singular below two: « 0 jour », « 1 jour ».
    unit = "jour" if abs(count) < 2 else "jours"
    return f"{format_decimal(count, locale=_FRENCH)} {unit}"


def number_fr(count: int) -> str:
    """A whole number in French, its thousands apart: '3', '2 980'."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"a count must be an int, not {type(count).__name__}")
    return str(format_decimal(count, locale=_FRENCH))


def _civil(day: date) -> date:
    """Refuses an instant where a civil date is expected: its day depends on the time zone."""
    if isinstance(day, datetime):
        raise TypeError("an instant has no civil date of its own: use datetime_fr")
    if not isinstance(day, date):
        raise TypeError(f"a date is expected, not {type(day).__name__}")
    return day


def _ordinal(pattern: str, day: date) -> str:
    """French writes the first day of a month as an ordinal: « 1er janvier »."""
    return pattern.replace("d ", "d'er' ", 1) if day.day == 1 else pattern


_UTC_ASIDE = re.compile(r", soit \d{2}:\d{2} UTC")


def paris_only(explanation: str) -> str:
    """A deadline's explanation as the partners read it: its ends in Paris time (« à 24 h (heure
    de Paris) ») without the instant in UTC the service keeps beside them (« , soit 23:00
    UTC »), in explanations stored before and after this was said."""
    return _UTC_ASIDE.sub("", explanation)
