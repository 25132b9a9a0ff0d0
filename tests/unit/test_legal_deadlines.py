"""How French law counts the convention's deadlines: LEGAL-DEADLINES.md, rule by rule."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from states.calendar import PARIS, HolidayCalendar, add_months, end_of_day, french_day
from states.deadlines import (
    SETTINGS_LINE,
    ComputedDeadline,
    LegalSettings,
    LetterNotNotified,
    RegisteredLetter,
    dispute_window,
    expiry,
    for_partners,
    payment_target,
    termination_notice,
)
from states.errors import InvalidInput
from states.inputs import parse_day
from states.open_data import publication_update
from tests.unit.builders import convention_in, refusal

DEFAULTS = LegalSettings()


def utc(year: int, month: int, day: int, hour: int) -> datetime:
    """An instant in UTC, to the hour."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def window_after_receipt(
    received: date, settings: LegalSettings = DEFAULTS, days: int = 30
) -> ComputedDeadline:
    """The amicable window of article 6 opened by a letter received on `received`."""
    return dispute_window(RegisteredLetter(received=received), days, settings)


def notice_after_receipt(
    received: date,
    term: date | None = None,
    settings: LegalSettings = DEFAULTS,
    months: int = 6,
) -> ComputedDeadline:
    """The termination notice of article 7 given by a letter received on `received`."""
    return termination_notice(RegisteredLetter(received=received), months, settings, term=term)


def a_window_ending_on(last_day: date, settings: LegalSettings = DEFAULTS) -> ComputedDeadline:
    """The 30-day dispute window whose raw end (before any extension) is `last_day`."""
    window = window_after_receipt(last_day - timedelta(days=30), settings)
    assert window.raw_end == last_day
    return window


# --- The worked examples of LEGAL-DEADLINES.md ---------------------------------------------


def test_receipt_on_thursday_20_february_crosses_february_and_moves_from_saturday_to_monday():
    window = window_after_receipt(date(2025, 2, 20))

    assert window.kind == "dispute_window"
    assert window.trigger_date == date(2025, 2, 20)
    assert window.raw_end == date(2025, 3, 22)  # a Saturday
    assert window.due_date == date(2025, 3, 24)  # the Monday after
    assert window.earliest_court_date == date(2025, 3, 25)
    assert window.expires_at == utc(2025, 3, 24, 23)  # 24:00 in Paris, winter time
    assert "samedi 22 mars 2025 (week-end), puis dimanche 23 mars 2025 (week-end)" in (
        window.explanation
    )
    assert "Saisine du tribunal compétent possible à partir du mardi 25 mars 2025" in (
        window.explanation
    )


def test_receipt_on_1_april_ends_on_labour_day_and_moves_to_friday_2_may():
    window = window_after_receipt(date(2025, 4, 1))

    assert window.raw_end == date(2025, 5, 1)
    assert window.due_date == date(2025, 5, 2)
    assert window.earliest_court_date == date(2025, 5, 3)
    assert window.expires_at == utc(2025, 5, 2, 22)  # 24:00 in Paris, summer time
    assert "jeudi 1er mai 2025 (jour férié\u00a0: Fête du Travail)" in window.explanation


def test_termination_letter_of_sunday_31_august_ends_on_28_february_without_extension():
    notice = notice_after_receipt(date(2025, 8, 31))

    assert notice.kind == "termination"
    assert notice.raw_end == date(2026, 2, 28)  # no 31 February; a Saturday
    assert notice.notice_end == date(2026, 2, 28)
    assert notice.due_date == date(2026, 2, 28)  # a notice is not extended to Monday
    assert notice.effective_end == date(2026, 2, 28)
    assert notice.ends_by == "termination"
    assert notice.expires_at == utc(2026, 2, 28, 23)
    assert "Fin de mois\u00a0: le 31 du mois d'arrivée n'existe pas" in notice.explanation
    assert "le samedi 28 février 2026 (de quantième à quantième)" in notice.explanation
    assert "Pas de prorogation\u00a0: un préavis n'est pas prorogé" in notice.explanation


def test_termination_received_15_september_is_overtaken_by_the_term_of_31_december():
    notice = notice_after_receipt(date(2025, 9, 15), term=date(2025, 12, 31))

    assert notice.raw_end == date(2026, 3, 15)
    assert notice.notice_end == date(2026, 3, 15)
    assert notice.effective_end == date(2025, 12, 31)
    assert notice.due_date == date(2025, 12, 31)
    assert notice.ends_by == "expiry"
    assert notice.expires_at == utc(2025, 12, 31, 23)
    assert (
        "Terme (article 4)\u00a0: la convention arrive à son terme le mercredi 31 décembre 2025"
        in (notice.explanation)
    )
    assert "elle expire à son terme et la résiliation reste sans effet" in notice.explanation


# --- Rule 1: civil dates in Europe/Paris ---------------------------------------------------


def test_an_electronic_receipt_late_on_saturday_in_utc_is_a_sunday_event_in_paris():
    received = parse_day("2025-10-25T22:30Z", "received")

    assert received == date(2025, 10, 26)
    assert received.strftime("%A") == "Sunday"
    window = dispute_window(RegisteredLetter(received=received, electronic=True), 30, DEFAULTS)
    assert window.trigger_date == date(2025, 10, 26)
    assert "Déclencheur\u00a0: réception de la lettre le dimanche 26 octobre 2025" in (
        window.explanation
    )


# --- Rule 3: periods in days, the trigger day not counted ----------------------------------


def test_a_period_in_days_does_not_count_the_trigger_day():
    window = window_after_receipt(date(2025, 6, 2))

    assert window.raw_end == date(2025, 7, 2)
    assert "le jour de la réception n'est pas compté (CPC art. 641 al. 1)" in window.explanation
    assert "2 juin 2025 + 30 jours = mercredi 2 juillet 2025" in window.explanation


# --- Rule 4: periods in months, de quantième à quantième -----------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        pytest.param(date(2025, 8, 31), 6, date(2026, 2, 28), id="31 Aug + 6 months = 28 Feb"),
        pytest.param(
            date(2027, 8, 31), 6, date(2028, 2, 29), id="31 Aug + 6 months in a leap year = 29 Feb"
        ),
        pytest.param(date(2025, 1, 31), 1, date(2025, 2, 28), id="31 Jan + 1 month = 28 Feb"),
        pytest.param(
            date(2024, 1, 31), 1, date(2024, 2, 29), id="31 Jan + 1 month in a leap year = 29 Feb"
        ),
        pytest.param(date(2025, 11, 30), 3, date(2026, 2, 28), id="30 Nov + 3 months = 28 Feb"),
        pytest.param(date(2025, 3, 31), 6, date(2025, 9, 30), id="31 Mar + 6 months = 30 Sep"),
        pytest.param(
            date(2024, 2, 29), 12, date(2025, 2, 28), id="29 Feb + 12 months = 28 Feb next year"
        ),
        pytest.param(date(2025, 3, 15), 6, date(2025, 9, 15), id="15 Mar + 6 months = 15 Sep"),
        pytest.param(date(2025, 9, 15), 6, date(2026, 3, 15), id="across the new year"),
    ],
)
def test_months_run_from_day_of_month_to_the_same_day_or_the_month_end(start, months, end):
    assert add_months(start, months) == end
    notice = notice_after_receipt(start, months=months)
    assert notice.raw_end == end
    assert "de quantième à quantième (CPC art. 641 al. 2)" in notice.explanation
    assert f"{french_day(start)} + {months} mois" in notice.explanation


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(date(2025, 8, 31), date(2026, 2, 28), id="31 Aug"),
        pytest.param(date(2025, 3, 31), date(2025, 9, 30), id="31 Mar"),
        pytest.param(date(2027, 8, 31), date(2028, 2, 29), id="31 Aug, leap year"),
    ],
)
def test_the_explanation_says_when_the_day_does_not_exist_in_the_month_of_arrival(start, end):
    notice = notice_after_receipt(start)

    assert f"Fin de mois\u00a0: le {start.day} du mois d'arrivée n'existe pas" in notice.explanation


def test_no_month_end_note_when_the_day_exists_in_the_month_of_arrival():
    notice = notice_after_receipt(date(2025, 3, 15))

    assert "Fin de mois" not in notice.explanation


@pytest.mark.parametrize(
    ("start", "six_months_later"),
    [
        pytest.param(date(2025, 8, 31), date(2026, 2, 28), id="181 days"),
        pytest.param(date(2025, 3, 1), date(2025, 9, 1), id="184 days"),
        pytest.param(date(2025, 9, 15), date(2026, 3, 15), id="181 days across February"),
    ],
)
def test_six_months_is_never_182_days(start, six_months_later):
    notice = notice_after_receipt(start)

    assert notice.raw_end == six_months_later
    assert notice.raw_end != start + timedelta(days=182)


# --- Rule 5: a period expires at 24:00 on its last day --------------------------------------


@pytest.mark.parametrize(
    ("last_day", "expires_at"),
    [
        pytest.param(date(2025, 7, 15), utc(2025, 7, 15, 22), id="summer: 22:00Z"),
        pytest.param(date(2025, 1, 15), utc(2025, 1, 15, 23), id="winter: 23:00Z"),
        pytest.param(date(2025, 3, 29), utc(2025, 3, 29, 23), id="2025-03-29, eve of summer time"),
        pytest.param(date(2025, 3, 30), utc(2025, 3, 30, 22), id="2025-03-30, summer time starts"),
        pytest.param(date(2025, 10, 25), utc(2025, 10, 25, 22), id="2025-10-25, eve of winter"),
        pytest.param(date(2025, 10, 26), utc(2025, 10, 26, 23), id="2025-10-26, winter starts"),
        pytest.param(date(2026, 3, 28), utc(2026, 3, 28, 23), id="2026-03-28, eve of summer time"),
        pytest.param(date(2026, 3, 29), utc(2026, 3, 29, 22), id="2026-03-29, summer time starts"),
        pytest.param(date(2026, 10, 24), utc(2026, 10, 24, 22), id="2026-10-24, eve of winter"),
        pytest.param(date(2026, 10, 25), utc(2026, 10, 25, 23), id="2026-10-25, winter starts"),
    ],
)
def test_a_period_expires_at_midnight_in_paris_at_the_end_of_its_last_day(last_day, expires_at):
    deadline = expiry(last_day)

    assert deadline.expires_at == expires_at
    assert deadline.expires_at.utcoffset() == timedelta(0)
    next_midnight = datetime.combine(last_day + timedelta(days=1), time(0), PARIS)
    assert deadline.expires_at.astimezone(PARIS) == next_midnight
    assert end_of_day(last_day) == expires_at
    assert f"à 24\u00a0h (heure de Paris), soit {expires_at:%H:%M} UTC" in deadline.explanation


# --- Rules 6, 7 and 8: extension to the next working day, and which days are holidays -------

# The 11 public holidays of Code du travail L3133-1, each on a weekday, with the first working
# day after it. Toussaint falls on a Saturday in 2025, so it is taken in 2027.
PUBLIC_HOLIDAYS_ON_WEEKDAYS = [
    (date(2025, 1, 1), "Jour de l'an", date(2025, 1, 2)),
    (date(2025, 4, 21), "Lundi de Pâques", date(2025, 4, 22)),
    (date(2025, 5, 1), "Fête du Travail", date(2025, 5, 2)),
    (date(2025, 5, 8), "Fête de la Victoire", date(2025, 5, 9)),
    (date(2025, 5, 29), "Ascension", date(2025, 5, 30)),
    (date(2025, 6, 9), "Lundi de Pentecôte", date(2025, 6, 10)),
    (date(2025, 7, 14), "Fête nationale", date(2025, 7, 15)),
    (date(2025, 8, 15), "Assomption", date(2025, 8, 18)),  # a Friday: to Monday
    (date(2027, 11, 1), "Toussaint", date(2027, 11, 2)),
    (date(2025, 11, 11), "Armistice", date(2025, 11, 12)),
    (date(2025, 12, 25), "Noël", date(2025, 12, 26)),  # 26 December is a working day
]


def test_the_calendar_knows_exactly_the_11_public_holidays_of_metropolitan_france():
    calendar = HolidayCalendar()
    year_2025 = [date(2025, 1, 1) + timedelta(days=n) for n in range(365)]

    holidays_2025 = {day: name for day in year_2025 if (name := calendar.holiday_name(day))}

    assert holidays_2025 == {
        date(2025, 1, 1): "Jour de l'an",
        date(2025, 4, 21): "Lundi de Pâques",
        date(2025, 5, 1): "Fête du Travail",
        date(2025, 5, 8): "Fête de la Victoire",
        date(2025, 5, 29): "Ascension",
        date(2025, 6, 9): "Lundi de Pentecôte",
        date(2025, 7, 14): "Fête nationale",
        date(2025, 8, 15): "Assomption",
        date(2025, 11, 1): "Toussaint",
        date(2025, 11, 11): "Armistice",
        date(2025, 12, 25): "Noël",
    }
    assert {name for _, name, _ in PUBLIC_HOLIDAYS_ON_WEEKDAYS} == set(holidays_2025.values())


@pytest.mark.parametrize(
    ("holiday", "name", "next_working_day"),
    [pytest.param(*row, id=f"{row[1]} {row[0]}") for row in PUBLIC_HOLIDAYS_ON_WEEKDAYS],
)
def test_a_dispute_window_ending_on_a_public_holiday_is_extended(holiday, name, next_working_day):
    window = a_window_ending_on(holiday)

    assert window.due_date == next_working_day
    assert window.earliest_court_date == next_working_day + timedelta(days=1)
    assert f"(jour férié\u00a0: {name})" in window.explanation
    assert "Prorogation par prudence" in window.explanation
    assert "ne vise que les délais pour accomplir un acte" in window.explanation


@pytest.mark.parametrize(
    ("last_day", "monday"),
    [
        pytest.param(date(2025, 3, 22), date(2025, 3, 24), id="Saturday"),
        pytest.param(date(2025, 3, 23), date(2025, 3, 24), id="Sunday"),
    ],
)
def test_a_dispute_window_ending_on_a_weekend_is_extended_to_monday(last_day, monday):
    window = a_window_ending_on(last_day)

    assert window.due_date == monday
    assert "(week-end)" in window.explanation
    assert "prolongée jusqu'au premier jour ouvrable suivant, le lundi 24 mars 2025" in (
        window.explanation
    )


@pytest.mark.parametrize(
    ("holiday", "name"),
    [
        pytest.param(date(2025, 4, 21), "Lundi de Pâques", id="Easter Monday 2025"),
        pytest.param(date(2025, 5, 29), "Ascension", id="Ascension 2025"),
        pytest.param(date(2025, 6, 9), "Lundi de Pentecôte", id="Whit Monday 2025"),
        pytest.param(date(2026, 4, 6), "Lundi de Pâques", id="Easter Monday 2026"),
        pytest.param(date(2026, 5, 14), "Ascension", id="Ascension 2026"),
        pytest.param(date(2026, 5, 25), "Lundi de Pentecôte", id="Whit Monday 2026"),
    ],
)
def test_the_movable_feasts_follow_easter_each_year(holiday, name):
    window = a_window_ending_on(holiday)

    assert window.due_date == holiday + timedelta(days=1)  # a Monday or a Thursday
    assert f"(jour férié\u00a0: {name})" in window.explanation


@pytest.mark.parametrize(
    "last_day",
    [
        pytest.param(date(2025, 4, 18), id="Good Friday 2025"),
        pytest.param(date(2026, 4, 3), id="Good Friday 2026"),
        pytest.param(date(2025, 12, 26), id="26 December 2025"),
        pytest.param(date(2024, 12, 26), id="26 December 2024"),
    ],
)
def test_good_friday_and_26_december_are_working_days_in_marseille(last_day):
    window = a_window_ending_on(last_day)

    assert window.due_date == last_day
    assert "Prorogation" not in window.explanation


@pytest.mark.parametrize(
    ("friday_holiday", "monday", "skipped"),
    [
        pytest.param(
            date(2025, 8, 15),
            date(2025, 8, 18),
            "vendredi 15 août 2025 (jour férié\u00a0: Assomption), puis samedi 16 août 2025 "
            "(week-end), puis dimanche 17 août 2025 (week-end)",
            id="Assomption 2025",
        ),
        pytest.param(
            date(2026, 5, 1),
            date(2026, 5, 4),
            "vendredi 1er mai 2026 (jour férié\u00a0: Fête du Travail), puis samedi 2 mai 2026 "
            "(week-end), puis dimanche 3 mai 2026 (week-end)",
            id="1 May 2026",
        ),
        pytest.param(
            date(2026, 5, 8),
            date(2026, 5, 11),
            "vendredi 8 mai 2026 (jour férié\u00a0: Fête de la Victoire), puis samedi 9 mai 2026 "
            "(week-end), puis dimanche 10 mai 2026 (week-end)",
            id="8 May 2026",
        ),
    ],
)
def test_a_friday_holiday_followed_by_the_weekend_extends_to_monday(
    friday_holiday, monday, skipped
):
    window = a_window_ending_on(friday_holiday)

    assert window.due_date == monday
    assert f"jour non ouvrable\u00a0: {skipped}\u00a0;" in window.explanation


def test_without_extension_of_acts_the_window_ends_on_the_saturday_and_says_so():
    settings = LegalSettings(extend_acts=False)

    window = window_after_receipt(date(2025, 2, 20), settings)

    assert window.due_date == date(2025, 3, 22)
    assert window.earliest_court_date == date(2025, 3, 23)
    assert "Pas de prorogation\u00a0: le samedi 22 mars 2025 (week-end) reste le dernier jour." in (
        window.explanation
    )
    assert "prorogation des actes au jour ouvrable suivant\u00a0: non" in window.explanation


def test_a_termination_notice_ending_on_a_sunday_is_not_extended_by_default():
    notice = notice_after_receipt(date(2025, 9, 15))  # + 6 months: Sunday 15 March 2026

    assert notice.due_date == date(2026, 3, 15)
    assert "Pas de prorogation\u00a0: un préavis n'est pas prorogé au jour ouvrable suivant" in (
        notice.explanation
    )
    assert "Cass. civ. 3e, 8 mars 2018, n°\u00a017-11.312" in notice.explanation
    assert "prorogation des préavis\u00a0: non" in notice.explanation


def test_a_termination_notice_ending_on_a_sunday_is_extended_when_notices_are():
    settings = LegalSettings(extend_notices=True)

    notice = notice_after_receipt(date(2025, 9, 15), settings=settings)

    assert notice.raw_end == date(2026, 3, 15)
    assert notice.notice_end == date(2026, 3, 16)
    assert notice.due_date == date(2026, 3, 16)
    assert "dimanche 15 mars 2026 (week-end)" in notice.explanation
    assert "Prorogation (CPC art. 642 al. 2, réglage)" in notice.explanation
    assert "prorogation des préavis\u00a0: oui" in notice.explanation


def test_the_term_is_never_extended_even_on_a_sunday():
    term = expiry(date(2028, 12, 31))  # a Sunday

    assert term.kind == "expiry"
    assert term.due_date == date(2028, 12, 31)
    assert term.expires_at == utc(2028, 12, 31, 23)
    assert "il n'est pas reporté au jour ouvrable suivant (il tombe pourtant un dimanche)" in (
        term.explanation
    )


def test_a_term_on_a_sunday_that_overtakes_a_notice_is_not_extended_either():
    settings = LegalSettings(extend_notices=True)

    notice = notice_after_receipt(date(2028, 9, 15), term=date(2028, 12, 31), settings=settings)

    assert notice.effective_end == date(2028, 12, 31)
    assert notice.ends_by == "expiry"


def test_in_moselle_good_friday_is_a_holiday_and_the_easter_weekend_is_skipped():
    settings = LegalSettings(calendar=HolidayCalendar(subdivision="57"))

    window = a_window_ending_on(date(2025, 4, 18), settings)

    assert window.due_date == date(2025, 4, 22)
    assert (
        "vendredi 18 avril 2025 (jour férié\u00a0: Vendredi saint), "
        "puis samedi 19 avril 2025 (week-end), "
        "puis dimanche 20 avril 2025 (week-end), "
        "puis lundi 21 avril 2025 (jour férié\u00a0: Lundi de Pâques)"
    ) in window.explanation
    assert "subdivision 57" in window.explanation


def test_in_moselle_26_december_is_a_holiday():
    settings = LegalSettings(calendar=HolidayCalendar(subdivision="57"))

    window = a_window_ending_on(date(2025, 12, 26), settings)

    assert window.due_date == date(2025, 12, 29)
    assert "(jour férié\u00a0: Saint-Étienne)" in window.explanation


def test_a_declared_non_working_day_extends_the_window_like_a_holiday():
    bridge = date(2025, 5, 2)  # the Friday after 1 May
    settings = LegalSettings(calendar=HolidayCalendar(extra_days=(bridge,)))

    window = window_after_receipt(date(2025, 4, 1), settings)

    assert window.due_date == date(2025, 5, 5)
    assert "vendredi 2 mai 2025 (jour férié\u00a0: jour chômé déclaré)" in window.explanation
    assert "jours chômés\u00a0: 2 mai 2025" in window.explanation


# --- Rule 9: the dispute window runs from the receipt, or the first presentation -----------


def test_an_uncollected_dispute_letter_counts_from_its_first_presentation_and_is_flagged():
    letter = RegisteredLetter(
        dispatched=date(2025, 2, 18), presented=date(2025, 2, 20), uncollected=True
    )

    window = dispute_window(letter, 30, DEFAULTS)

    assert window.trigger_date == date(2025, 2, 20)
    assert window.due_date == date(2025, 3, 24)
    assert window.flags == ("uncollected",)
    assert "Pli avisé non réclamé" in window.explanation
    assert "à compter de sa première présentation, le jeudi 20 février 2025" in (window.explanation)
    assert "le jour de la première présentation n'est pas compté" in window.explanation


def test_a_collected_dispute_letter_carries_no_flag():
    assert window_after_receipt(date(2025, 2, 20)).flags == ()


# --- Rule 10: the earlier of the notice's end and the term ----------------------------------


def test_a_termination_ending_the_same_day_as_the_term_ends_by_expiry():
    notice = notice_after_receipt(date(2025, 8, 31), term=date(2026, 2, 28))

    assert notice.notice_end == date(2026, 2, 28)
    assert notice.effective_end == date(2026, 2, 28)
    assert notice.ends_by == "expiry"
    assert "le même jour que la fin du préavis" in notice.explanation
    assert "ou le même jour" not in notice.explanation


def test_a_termination_ending_before_the_term_ends_by_termination():
    notice = notice_after_receipt(date(2025, 5, 5), term=date(2025, 12, 31))

    assert notice.effective_end == date(2025, 11, 5)
    assert notice.ends_by == "termination"
    assert "Terme" not in notice.explanation
    assert "la convention reste en vigueur jusqu'au mercredi 5 novembre 2025 à 24\u00a0h" in (
        notice.explanation
    )


# --- Rule 11: which date of the termination letter starts the 6 months ----------------------

TERMINATION_LETTER = RegisteredLetter(
    dispatched=date(2025, 3, 3), presented=date(2025, 3, 5), received=date(2025, 3, 10)
)


@pytest.mark.parametrize(
    ("basis", "start", "end", "label"),
    [
        pytest.param("receipt", date(2025, 3, 10), date(2025, 9, 10), "réception", id="receipt"),
        pytest.param("dispatch", date(2025, 3, 3), date(2025, 9, 3), "envoi", id="dispatch"),
        pytest.param(
            "presentation",
            date(2025, 3, 5),
            date(2025, 9, 5),
            "première présentation",
            id="presentation",
        ),
    ],
)
def test_the_termination_counts_from_the_letter_date_the_setting_chooses(basis, start, end, label):
    settings = LegalSettings(termination_letter_date=basis)

    notice = termination_notice(TERMINATION_LETTER, 6, settings)

    assert notice.trigger_date == start
    assert notice.due_date == end
    assert f"Déclencheur\u00a0: {label} de la lettre le " in notice.explanation
    assert (
        f"Réglages\u00a0: date retenue pour la lettre\u00a0: {label}\u00a0;" in notice.explanation
    )


def test_the_termination_counts_from_the_receipt_by_default():
    notice = termination_notice(TERMINATION_LETTER, 6, DEFAULTS)

    assert notice.trigger_date == date(2025, 3, 10)
    assert (
        "(date retenue par le réglage\u00a0; envoi le 3 mars 2025, première présentation le "
        in (notice.explanation)
    )


def test_the_termination_shows_the_result_for_each_date_of_the_letter():
    notice = termination_notice(TERMINATION_LETTER, 6, DEFAULTS)

    assert notice.by_basis == (
        ("dispatch", date(2025, 3, 3), date(2025, 9, 3)),
        ("presentation", date(2025, 3, 5), date(2025, 9, 5)),
        ("receipt", date(2025, 3, 10), date(2025, 9, 10)),
    )
    assert (
        "Selon la date retenue\u00a0: envoi le 3 mars 2025 → 3 septembre 2025\u00a0; première "
        "présentation le 5 mars 2025 → 5 septembre 2025\u00a0; réception le 10 mars 2025 → "
        "10 septembre 2025."
    ) in notice.explanation


def test_the_result_for_each_date_follows_the_extension_and_the_term():
    # Received Friday 7 March 2025: six months end on Sunday 7 September 2025.
    letter = RegisteredLetter(date(2025, 3, 3), date(2025, 3, 5), date(2025, 3, 7))
    extended = LegalSettings(extend_notices=True)

    notice = termination_notice(letter, 6, extended, term=date(2025, 9, 4))

    assert notice.by_basis == (
        ("dispatch", date(2025, 3, 3), date(2025, 9, 3)),
        ("presentation", date(2025, 3, 5), date(2025, 9, 5)),
        ("receipt", date(2025, 3, 7), date(2025, 9, 8)),  # Monday, the next working day
    )
    assert (
        "Selon la date retenue\u00a0: envoi le 3 mars 2025 → 3 septembre 2025\u00a0; première "
        "présentation le 5 mars 2025 → 5 septembre 2025 (le terme du 4 septembre 2025 vient "
        "avant\u00a0: expiration au terme)\u00a0; réception le 7 mars 2025 → 8 septembre 2025 (le "
        "terme "
        "du 4 septembre 2025 vient avant\u00a0: expiration au terme)."
    ) in notice.explanation


def test_a_termination_counted_from_a_letter_date_that_is_unknown_is_refused():
    settings = LegalSettings(termination_letter_date="dispatch")

    with pytest.raises(InvalidInput) as refused:
        notice_after_receipt(date(2025, 3, 10), settings=settings)

    assert refusal(refused.value) == (
        "letter_date_missing",
        {"field": "dispatched", "basis": "dispatch"},
    )


# --- Rule 22: the uncollected letter, one setting for articles 6 and 7 -----------------------

CIVIL = LegalSettings(uncollected_letter="not_notified")


def test_rule_22_a_dispute_letter_presented_2_june_and_not_collected_counts_from_that_day():
    letter = RegisteredLetter(presented=date(2025, 6, 2), uncollected=True)

    window = dispute_window(letter, 30, DEFAULTS)

    assert (window.due_date, window.earliest_court_date) == (date(2025, 7, 2), date(2025, 7, 3))
    assert window.flags == ("uncollected",)
    assert "Lecture appliquée (réglages du service)" in window.explanation
    assert "uncollected_letter" not in window.explanation  # partners read it
    assert "l'autre lecture existe\u00a0: le juge judiciaire" in window.explanation
    assert "notifier à nouveau par un autre moyen" in window.explanation


def test_rule_22_read_as_civil_courts_do_the_same_dispute_letter_opens_no_window():
    letter = RegisteredLetter(presented=date(2025, 6, 2), uncollected=True)

    with pytest.raises(LetterNotNotified) as refused:
        dispute_window(letter, 30, CIVIL)

    assert refusal(refused.value) == ("dispute_letter_not_collected", {"field": "received"})


def test_rule_22_a_termination_letter_presented_1_april_and_not_collected_ends_on_1_october():
    letter = RegisteredLetter(presented=date(2025, 4, 1), uncollected=True)

    notice = termination_notice(letter, 6, DEFAULTS, term=date(2025, 12, 31))

    assert (notice.trigger_date, notice.effective_end, notice.ends_by) == (
        date(2025, 4, 1), date(2025, 10, 1), "termination",
    )  # fmt: skip
    assert notice.flags == ("uncollected",)
    assert "lettre non retirée, présentée le mardi 1er avril 2025" in notice.explanation
    assert "l'autre lecture existe\u00a0: le juge judiciaire" in notice.explanation


def test_rule_22_a_never_collected_termination_counts_from_presentation_whatever_the_basis():
    letter = RegisteredLetter(dispatched=date(2025, 3, 28), presented=date(2025, 4, 1),
                              uncollected=True)  # fmt: skip
    by_dispatch = LegalSettings(termination_letter_date="dispatch")

    assert termination_notice(letter, 6, by_dispatch).trigger_date == date(2025, 4, 1)


def test_rule_22_read_as_civil_courts_an_uncollected_termination_letter_notifies_nothing():
    letter = RegisteredLetter(presented=date(2025, 4, 1), uncollected=True)

    with pytest.raises(LetterNotNotified) as refused:
        termination_notice(letter, 6, CIVIL)

    assert refusal(refused.value) == ("letter_not_collected", {"field": "received"})


def test_rule_22_an_lre_not_accepted_in_15_days_counts_from_its_information_day_flagged():
    letter = RegisteredLetter(presented=date(2025, 6, 2), received=date(2025, 6, 18),
                              electronic=True)  # fmt: skip

    window = dispute_window(letter, 30, DEFAULTS)

    assert (window.trigger_date, window.due_date) == (date(2025, 6, 2), date(2025, 7, 2))
    assert window.flags == ("uncollected",)


def test_rule_22_an_lre_accepted_on_its_15th_day_counts_from_its_acceptance():
    letter = RegisteredLetter(presented=date(2025, 6, 2), received=date(2025, 6, 17),
                              electronic=True)  # fmt: skip

    window = dispute_window(letter, 30, DEFAULTS)

    assert (window.trigger_date, window.due_date, window.flags) == (
        date(2025, 6, 17), date(2025, 7, 17), (),
    )  # fmt: skip


# --- Rule 12: the electronic registered letter (LRE) ----------------------------------------


def electronic_letter(presented: date, accepted: date) -> RegisteredLetter:
    """An LRE presented to its recipient, then accepted."""
    return RegisteredLetter(presented=presented, received=accepted, electronic=True)


def test_an_lre_accepted_within_15_days_counts_from_its_acceptance():
    letter = electronic_letter(date(2025, 2, 3), accepted=date(2025, 2, 18))  # 15 days

    window = dispute_window(letter, 30, DEFAULTS)

    assert window.trigger_date == date(2025, 2, 18)
    assert window.flags == ()


def test_an_lre_accepted_more_than_15_days_after_presentation_counts_as_uncollected():
    letter = electronic_letter(date(2025, 2, 3), accepted=date(2025, 2, 19))  # 16 days

    window = dispute_window(letter, 30, DEFAULTS)

    assert window.trigger_date == date(2025, 2, 3)
    assert window.flags == ("uncollected",)


def test_a_termination_by_an_lre_accepted_too_late_counts_as_uncollected():
    letter = electronic_letter(date(2025, 2, 3), accepted=date(2025, 2, 19))

    assert termination_notice(letter, 6, DEFAULTS).trigger_date == date(2025, 2, 3)
    with pytest.raises(LetterNotNotified):
        termination_notice(letter, 6, CIVIL)


def test_a_paper_letter_is_not_held_to_the_lre_acceptance_period():
    letter = RegisteredLetter(presented=date(2025, 2, 3), received=date(2025, 2, 19))

    assert dispute_window(letter, 30, DEFAULTS).trigger_date == date(2025, 2, 19)


# --- Rule 13: the term ------------------------------------------------------------------------


def test_the_reference_convention_is_in_force_until_31_december_2025_at_24_00():
    term = expiry(date(2025, 12, 31))

    assert term.due_date == date(2025, 12, 31)
    assert term.expires_at == utc(2025, 12, 31, 23)
    assert "Terme (article 4)\u00a0: la convention prend fin le mercredi 31 décembre 2025." in (
        term.explanation
    )
    # The term is a date the parties fixed, not a period: CPC 642 is not cited for it.
    assert "CPC" not in term.explanation and "ce jour est compris dans sa durée" in term.explanation
    assert "Seul un avenant signé par les deux parties avant le terme peut le prolonger" in (
        term.explanation
    )


# --- Rule 14: the payment target ------------------------------------------------------------


def test_the_payment_target_is_30_days_after_notification_and_no_legal_breach():
    target = payment_target(date(2025, 3, 20), 30)

    assert target.kind == "payment"
    assert target.due_date == date(2025, 4, 19)
    assert target.expires_at == utc(2025, 4, 19, 22)
    assert "Versement (article 2)" in target.explanation
    assert "notifiée le jeudi 20 mars 2025" in target.explanation
    assert "Si la convention était requalifiée en marché public" in target.explanation
    assert "n'est pas un marché public" not in target.explanation  # a reading, not a fact
    assert "pas un manquement légal" in target.explanation


# --- Explanations: what administrators read -----------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "fragments"),
    [
        pytest.param(
            window_after_receipt(date(2025, 2, 20)),
            [
                "Litige (article 6)\u00a0: règlement amiable pendant 30 jours calendaires",
                "Déclencheur\u00a0: réception de la lettre le jeudi 20 février 2025.",
                "(CPC art. 641 al. 1)",
                "Prorogation par prudence",
                "Échéance\u00a0: la période amiable expire le lundi 24 mars 2025 à 24\u00a0h "
                "(heure de Paris), soit 23:00 UTC (CPC art. 642 al. 1).",
                "Réglages\u00a0: prorogation des actes au jour ouvrable suivant\u00a0: oui\u00a0; "
                "calendrier\u00a0: "
                "France métropolitaine (Code du travail L3133-1).",
            ],
            id="dispute window",
        ),
        pytest.param(
            notice_after_receipt(date(2025, 8, 31), term=date(2025, 12, 31)),
            [
                "Résiliation (article 7)\u00a0: elle prend effet à l'expiration d'un délai de 6 "
                "mois",
                "Déclencheur\u00a0: réception de la lettre le dimanche 31 août 2025",
                "de quantième à quantième (CPC art. 641 al. 2)",
                "Fin de mois\u00a0:",
                "Pas de prorogation\u00a0:",
                "Terme (article 4)",
                "Échéance\u00a0: la convention reste en vigueur jusqu'au mercredi 31 décembre 2025 "
                "à 24\u00a0h (heure de Paris), soit 23:00 UTC (CPC art. 642 al. 1).",
                "Réglages\u00a0: date retenue pour la lettre\u00a0: réception\u00a0; prorogation "
                "des préavis\u00a0: "
                "non.",
            ],
            id="termination notice",
        ),
        pytest.param(
            expiry(date(2025, 12, 31)),
            ["Terme (article 4)", "pas un délai", "Pas de prorogation"],
            id="expiry",
        ),
        pytest.param(
            payment_target(date(2025, 3, 20), 30),
            ["Versement (article 2)", "le jeudi 20 mars 2025", "Objectif interne"],
            id="payment target",
        ),
    ],
)
def test_every_deadline_explains_itself_in_french(deadline, fragments):
    for fragment in fragments:
        assert fragment in deadline.explanation


def test_the_explanation_cites_the_article_of_the_convention_it_applies():
    window = dispute_window(RegisteredLetter(received=date(2025, 2, 20)), 45, DEFAULTS, "article 9")

    assert "Litige (article 9)\u00a0: règlement amiable pendant 45 jours calendaires" in (
        window.explanation
    )


def test_the_settings_describe_every_choice_of_the_legal_team():
    assert LegalSettings().describe() == [
        "prorogation des actes au jour ouvrable suivant\u00a0: oui",
        "prorogation des préavis\u00a0: non",
        "date retenue pour la lettre de résiliation\u00a0: réception",
        "calendrier des jours fériés\u00a0: France métropolitaine (Code du travail L3133-1)",
        "délai d'acceptation d'une LRE\u00a0: 15 jours",
        "lettre recommandée non retirée (articles 6 et 7)\u00a0: vaut notification à sa première "
        "présentation",
        "signature de la Métropole avant que la délibération soit exécutoire\u00a0: refusée",
        "mise à jour des données essentielles après un avenant\u00a0: quand il change une donnée "
        "publiée",
    ]


# --- A registered letter that cannot be counted from ----------------------------------------


@pytest.mark.parametrize(
    ("letter", "expected"),
    [
        pytest.param(
            RegisteredLetter(
                dispatched=date(2025, 3, 5), presented=date(2025, 3, 3), received=date(2025, 3, 10)
            ),
            (
                "letter_dates_out_of_order",
                {
                    "field": "presented",
                    "date": "2025-03-03",
                    "earlier_field": "dispatched",
                    "earlier": "2025-03-05",
                },
            ),
            id="presented before dispatched",
        ),
        pytest.param(
            RegisteredLetter(presented=date(2025, 3, 5), received=date(2025, 3, 4)),
            (
                "letter_dates_out_of_order",
                {
                    "field": "received",
                    "date": "2025-03-04",
                    "earlier_field": "presented",
                    "earlier": "2025-03-05",
                },
            ),
            id="received before presented",
        ),
        pytest.param(
            RegisteredLetter(dispatched=date(2025, 3, 5), received=date(2025, 3, 4)),
            (
                "letter_dates_out_of_order",
                {
                    "field": "received",
                    "date": "2025-03-04",
                    "earlier_field": "dispatched",
                    "earlier": "2025-03-05",
                },
            ),
            id="received before dispatched",
        ),
        pytest.param(
            RegisteredLetter(dispatched=date(2025, 3, 3), presented=date(2025, 3, 5)),
            ("receipt_date_required", {"field": "received"}),
            id="no receipt",
        ),
        pytest.param(
            RegisteredLetter(dispatched=date(2025, 3, 3), uncollected=True),
            ("presentation_date_required", {"field": "presented"}),
            id="uncollected without presentation",
        ),
        pytest.param(
            RegisteredLetter(
                presented=date(2025, 3, 5), received=date(2025, 3, 6), uncollected=True
            ),
            ("uncollected_with_receipt", {"field": "received"}),
            id="uncollected yet received",
        ),
    ],
)
def test_a_letter_that_cannot_be_counted_from_is_refused(letter, expected):
    with pytest.raises(InvalidInput) as refused:
        letter.validate()

    assert refusal(refused.value) == expected
    with pytest.raises(InvalidInput):
        dispute_window(letter, 30, DEFAULTS)


# --- What the partners read of an explanation: no setting ------------------------------------


def _explanations_with_settings() -> list[str]:
    """An explanation of each kind that names the service's settings: the dispute window (its
    « Réglages : » line), an uncollected letter's reading, a termination's letter date and its
    extension, the open data's update after an amendment."""
    uncollected = RegisteredLetter(presented=date(2025, 6, 2), uncollected=True)
    before = convention_in("execution")
    after = replace(before, amount=Decimal("250000.00"))
    update = publication_update(before, after, "avenant n°\u00a01", date(2025, 11, 12), DEFAULTS)
    assert update is not None
    return [
        window_after_receipt(date(2025, 2, 20)).explanation,
        dispute_window(uncollected, 30, DEFAULTS).explanation,
        notice_after_receipt(
            date(2025, 9, 15), settings=LegalSettings(extend_notices=True)
        ).explanation,
        update.explanation,
    ]


def test_the_partners_read_an_explanation_without_the_settings_the_service_reads():
    for explanation in _explanations_with_settings():
        assert "églage" in explanation  # the command line's, as before

        said = for_partners(explanation)

        assert "églage" not in said, said
        assert SETTINGS_LINE not in said
        kept = [line for line in explanation.splitlines() if not line.startswith(SETTINGS_LINE)]
        assert len(said.splitlines()) == len(kept)  # only the settings' line is left out
    notice = for_partners(_explanations_with_settings()[2])
    assert (
        "Prorogation (CPC art. 642 al. 2)\u00a0: jour non ouvrable\u00a0: dimanche 15 mars 2026"
        in notice
    )
    assert "(date retenue par le service\u00a0; " in notice


def test_an_explanation_stored_before_its_signs_were_tied_reads_the_same_to_the_partners():
    # The deadlines table keeps each explanation as it was computed: those stored before
    # December 2026 say « Réglages : » and « (réglage du service : » with a plain space.
    for explanation in _explanations_with_settings():
        stored = re.sub("\u00a0(?=[:;])", " ", explanation)
        assert stored != explanation

        said = for_partners(stored)

        assert "églage" not in said, said
        kept = [line for line in stored.splitlines() if not line.startswith("Réglages :")]
        assert len(said.splitlines()) == len(kept)
    notice = for_partners(re.sub("\u00a0(?=[:;])", " ", _explanations_with_settings()[2]))
    assert "Prorogation (CPC art. 642 al. 2)\u00a0: jour non ouvrable : dimanche" in notice
    assert "(date retenue par le service\u00a0; " in notice
