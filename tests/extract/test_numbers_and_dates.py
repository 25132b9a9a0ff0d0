"""French numbers and dates as conventions write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from workflow.files.extract.dates import dates
from workflow.files.extract.money import amounts
from workflow.files.extract.numbers import quantity_before, words_value


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("un", 1),
        ("six", 6),
        ("quinze", 15),
        ("trente", 30),
        ("quarante-cinq", 45),
        ("soixante et onze", 71),
        ("quatre-vingts", 80),
        ("quatre-vingt-dix", 90),
        ("quatre-vingt-dix-neuf", 99),
        ("cent vingt mille", 120_000),
        ("deux cent mille", 200_000),
        ("deux cent cinquante mille", 250_000),
        ("soixante-quinze mille", 75_000),
        ("quinze mille cinq cents", 15_500),
        ("mille deux cent trente-quatre", 1_234),
        ("deux millions", 2_000_000),
    ],
)
def test_numbers_in_words(words, value):
    assert words_value(words) == value


@pytest.mark.parametrize("words", ["trois deux", "et", "mille et", "convention"])
def test_what_is_not_a_number_in_words(words):
    assert words_value(words) is None


@pytest.mark.parametrize(
    ("text", "value", "conflict"),
    [
        ("un délai de trente (30) ", 30, False),
        ("un délai de 30 ", 30, False),
        ("un délai de six ", 6, False),
        ("un préavis d’un (1) ", 1, False),
        ("un délai d'un ", 1, False),
        ("quatre-vingt-dix (90) ", 90, False),
        ("trente (60) ", 60, True),
    ],
)
def test_a_period_s_number_in_words_figures_or_both(text, value, conflict):
    found = quantity_before(text, len(text))

    assert found is not None
    assert (found.value, found.conflict) == (value, conflict)


def test_a_period_without_a_number_has_none():
    assert quantity_before("au plus tard ", len("au plus tard ")) is None


@pytest.mark.parametrize(
    ("text", "value", "basis"),
    [
        ("est de 200 000 € TTC.", "200000.00", "TTC"),
        ("de 80.000,00 euros TTC, versée", "80000.00", "TTC"),
        ("de 35 500 € TTC.", "35500.00", "TTC"),
        ("à hauteur de 50 000 € HT.", "50000.00", "HT"),
        ("de 12 345,67 euros hors taxes", "12345.67", "HT"),
        ("de deux cent cinquante mille euros toutes taxes comprises", "250000.00", "TTC"),
        ("de cent vingt mille euros (120 000 €) TTC", "120000.00", "TTC"),
        ("de 60 000 € (soixante mille euros) TTC", "60000.00", "TTC"),
        ("de quarante-cinq mille euros (45 000 €).", "45000.00", None),
    ],
)
def test_amounts_in_figures_in_words_and_both(text, value, basis):
    (found,) = amounts(text)

    assert (found.value, found.basis) == (Decimal(value), basis)


def test_amounts_whose_words_and_figures_disagree_are_a_conflict():
    (found,) = amounts("une subvention de vingt mille euros (25 000 €), versée")

    assert found.conflict
    assert found.readings == (Decimal("20000.00"), Decimal("25000.00"))


def test_numbers_without_euros_are_not_amounts():
    assert amounts("les 300 000 habitants des 66 quartiers prioritaires") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("au 31 décembre 2025", [date(2025, 12, 31)]),
        ("le 31/12/2027", [date(2027, 12, 31)]),
        ("le 31.12.2026", [date(2026, 12, 31)]),
        ("le 1er janvier 2026", [date(2026, 1, 1)]),
        ("le premier avril 2026", [date(2026, 4, 1)]),
        ("du 1er janvier au 31 décembre 2026", [date(2026, 1, 1), date(2026, 12, 31)]),
        ("du 1er mars 2026 au 28 février 2027", [date(2026, 3, 1), date(2027, 2, 28)]),
    ],
)
def test_french_dates(text, expected):
    assert [d.value for d in dates(text)] == expected


def test_a_date_without_its_year_is_not_guessed():
    (found,) = dates("à compter du 1er janvier")

    assert found.value is None
    assert found.problem == "written without its year"


def test_a_day_the_calendar_lacks_is_no_date():
    (found,) = dates("le 31 février 2026")

    assert found.value is None
