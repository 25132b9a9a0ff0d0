"""French formatting of dates, instants, amounts and durations."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from notifications import date_fr, date_fr_full, datetime_fr, days_fr, euros
from notifications.formatting import end_fr, number_fr


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 31), "31 décembre 2025"),
        (date(2025, 3, 24), "24 mars 2025"),
        (date(2026, 2, 28), "28 février 2026"),
        (date(2026, 1, 1), "1er janvier 2026"),  # French writes the first as an ordinal
    ],
)
def test_date_fr(day: date, expected: str) -> None:
    assert date_fr(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 31), "mercredi 31 décembre 2025"),
        (date(2025, 3, 24), "lundi 24 mars 2025"),
        (date(2025, 3, 25), "mardi 25 mars 2025"),
        (date(2025, 5, 1), "jeudi 1er mai 2025"),
    ],
)
def test_date_fr_full(day: date, expected: str) -> None:
    assert date_fr_full(day) == expected


def test_a_date_filter_refuses_an_instant_whose_day_depends_on_the_time_zone() -> None:
    with pytest.raises(TypeError, match="datetime_fr"):
        date_fr(datetime(2025, 10, 25, 22, 30, tzinfo=UTC))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # winter: Paris is UTC+1
        (datetime(2025, 3, 24, 8, 0, tzinfo=UTC), "lundi 24 mars 2025 à 09:00"),
        # summer: Paris is UTC+2
        (datetime(2025, 7, 15, 7, 0, tzinfo=UTC), "mardi 15 juillet 2025 à 09:00"),
        # the night of the change to summer time: 01:30Z is already 03:30 in Paris
        (datetime(2025, 3, 30, 1, 30, tzinfo=UTC), "dimanche 30 mars 2025 à 03:30"),
        # LEGAL-DEADLINES rule 1: a Saturday evening in UTC is a Sunday in Paris
        (datetime(2025, 10, 25, 22, 30, tzinfo=UTC), "dimanche 26 octobre 2025 à 00:30"),
        # another time zone converts too
        (
            datetime(2025, 3, 24, 3, 0, tzinfo=timezone(timedelta(hours=-5))),
            "lundi 24 mars 2025 à 09:00",
        ),
    ],
)
def test_datetime_fr_shows_the_instant_in_paris(moment: datetime, expected: str) -> None:
    assert datetime_fr(moment) == expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 12, 31, 23, 0, tzinfo=UTC), "jeudi 1er janvier 2026 à 00:00"),  # winter
        (datetime(2025, 10, 14, 22, 0, tzinfo=UTC), "mercredi 15 octobre 2025 à 00:00"),  # summer
    ],
)
def test_midnight_in_paris_is_00_00_of_the_new_day_never_24_00(
    moment: datetime, expected: str
) -> None:
    assert datetime_fr(moment) == expected


def test_without_its_weekday_an_instant_keeps_its_day_and_hour_in_paris() -> None:
    # A table's narrow column on the dashboard: '1er janvier 2026 à 00:00', as the emails say
    # the day (date_fr) and the hour.
    assert datetime_fr(datetime(2025, 12, 31, 23, 0, tzinfo=UTC), weekday=False) == (
        "1er janvier 2026 à 00:00"
    )
    assert datetime_fr(datetime(2025, 6, 10, 12, 5, tzinfo=UTC), weekday=False) == (
        "10 juin 2025 à 14:05"
    )


def test_datetime_fr_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="naive"):
        datetime_fr(datetime(2025, 3, 24, 9, 0))


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("200000"), "200\u202f000,00\xa0€"),
        (Decimal("200000.00"), "200\u202f000,00\xa0€"),
        (Decimal("1234.5"), "1\u202f234,50\xa0€"),
        (Decimal("0.10"), "0,10\xa0€"),
    ],
)
def test_euros_as_babel_writes_them(amount: Decimal, expected: str) -> None:
    assert euros(amount) == expected


@pytest.mark.parametrize("amount", [200000.0, 200000, "200000"])
def test_euros_refuses_anything_but_decimal(amount: object) -> None:
    with pytest.raises(TypeError, match="Decimal"):
        euros(amount)  # type: ignore[arg-type]


def test_euros_refuses_a_decimal_that_is_not_an_amount() -> None:
    with pytest.raises(ValueError, match="NaN"):
        euros(Decimal("NaN"))


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 jour"),
        (1, "1 jour"),
        (2, "2 jours"),
        (7, "7 jours"),
        (30, "30 jours"),
        (1000, "1\u202f000 jours"),
    ],
)
def test_days_fr(count: int, expected: str) -> None:
    assert days_fr(count) == expected


@pytest.mark.parametrize("count", [True, 1.0, "1"])
def test_days_fr_refuses_what_is_not_a_whole_number(count: object) -> None:
    with pytest.raises(TypeError):
        days_fr(count)  # type: ignore[arg-type]


@pytest.mark.parametrize(("count", "expected"), [(0, "0"), (3, "3"), (2980, "2\u202f980")])
def test_number_fr(count: int, expected: str) -> None:
    """A count as French writes it, its thousands apart (`… et 2 980 autres`)."""
    assert number_fr(count).replace("\xa0", "\u202f") == expected


def test_end_fr_says_midnight_as_the_day_that_ends_at_24_h() -> None:
    assert end_fr(datetime(2027, 1, 2, 23, 0, tzinfo=UTC)) == "samedi 2 janvier 2027 à 24\u00a0h"
    assert end_fr(datetime(2025, 6, 10, 22, 0, tzinfo=UTC)) == "mardi 10 juin 2025 à 24\u00a0h"
    assert end_fr(datetime(2025, 6, 10, 7, 0, tzinfo=UTC)) == "mardi 10 juin 2025 à 09:00"


def test_end_fr_says_a_civil_days_end_as_the_emails_write_it() -> None:
    """The emails wrote « {{ day|date_fr_full }} à 24 h » by hand, some with a plain space,
    most with a no-break one; they now ask end_fr, the command line's formatter, for it."""
    assert end_fr(date(2025, 12, 31)) == "mercredi 31 décembre 2025 à 24\u00a0h"
    assert end_fr(date(2025, 10, 1), weekday=False) == "1er octobre 2025 à 24\u00a0h"
    assert end_fr(datetime(2025, 10, 14, 22, 0, tzinfo=UTC), weekday=False) == (
        "14 octobre 2025 à 24\u00a0h"
    )
    with pytest.raises(ValueError, match="naive"):
        end_fr(datetime(2025, 10, 14, 22, 0))
