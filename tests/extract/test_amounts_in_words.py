"""Amounts written in words, to the cent, or left out with a warning: never a wrong amount.

The rule held here: the amount a convention file gets from words is the whole number the words
say, cents included, or nothing (the field left out, a warning quoting what was read). A part of
the words read as the whole (« vingt-sept mille virgule cinq euros » read as 5 €) is the defect
nobody notices after import.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from num2words import num2words

from workflow.files.extract import document_from_text, extract
from workflow.files.extract.money import amounts
from workflow.files.extract.numbers import words_value

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference-convention-2025.txt"
LINE_93 = "200 000 € TTC"


def reference_with(amount: str):
    """The reference convention whose line 93 gives the amount as `amount` instead."""
    text = REFERENCE.read_text(encoding="utf-8")
    assert LINE_93 in text.splitlines()[92]
    return extract(document_from_text(text.replace(LINE_93, amount, 1), "convention.txt"))


def amount_of(extraction) -> tuple[object, object]:
    found = extraction.fields
    return (
        found["amount"].value if "amount" in found else None,
        found["amount_basis"].value if "amount_basis" in found else None,
    )


@pytest.mark.parametrize(
    ("written", "value", "basis"),
    [
        ("vingt-sept mille euros et cinquante centimes TTC", "27000.50", "TTC"),
        ("vingt-sept mille euros cinquante TTC", "27000.50", "TTC"),
        ("vingt-sept mille euros cinquante centimes TTC", "27000.50", "TTC"),
        (
            "quatre-vingt-dix-neuf mille neuf cent quatre-vingt-dix-neuf euros et cinquante "
            "centimes TTC",
            "99999.50", "TTC",
        ),
        ("mille euros et un centime TTC", "1000.01", "TTC"),
        ("vingt et un mille euros et soixante et onze centimes TTC", "21000.71", "TTC"),
        ("deux millions d’euros TTC", "2000000.00", "TTC"),
        ("vingt-sept mille euros et cinquante centimes (27 000,50 €) TTC", "27000.50", "TTC"),
        ("27 000 euros et 50 centimes TTC", "27000.50", "TTC"),
        ("deux cent mille (200 000) euros TTC", "200000.00", "TTC"),
        ("deux cent mille (200 000) euros toutes taxes comprises", "200000.00", "TTC"),
        ("27 000 € HT, soit 32 400 € TTC", "32400.00", "TTC"),
    ],
)  # fmt: skip
def test_an_unambiguous_amount_is_read_to_the_cent_with_its_basis(written, value, basis):
    assert amount_of(reference_with(written)) == (value, basis)


@pytest.mark.parametrize(
    ("written", "quoted"),
    [
        ("vingt-sept mille virgule cinq euros TTC", "vingt-sept mille virgule cinq euros"),
        ("vingt-sept mille euros et cinquante TTC", "vingt-sept mille euros et cinquante"),
        ("vingt-sept mille euros et cent centimes TTC", "vingt-sept mille euros et cent centimes"),
        ("trente vingt mille euros TTC", "trente vingt mille euros"),
        ("2 millions d’euros TTC", "2 millions d’euros"),
        ("cinquante et soixante mille euros TTC", "cinquante et soixante mille euros"),
    ],
)
def test_words_not_understood_whole_leave_the_amount_out_quoting_them(written, quoted):
    found = reference_with(written)

    assert "amount" not in found.fields
    assert "amount" in found.missing
    [warning] = [w for w in found.warnings if w.startswith("amount:")]
    assert f"« {quoted} »" in warning


def test_words_and_bracketed_figures_that_disagree_are_a_warning_with_both():
    found = reference_with("deux cent mille (250 000) euros TTC")

    assert "amount" not in found.fields
    assert "amount: written 200000.00 in words and 250000.00 in figures" in found.warnings


def test_a_ht_amount_followed_by_its_ttc_equivalent_takes_the_ttc_and_says_so():
    found = reference_with("27 000 € HT, soit 32 400 € TTC")

    assert any(w.startswith("amount:") and "27000.00" in w for w in found.warnings)


@pytest.mark.parametrize(
    "words",
    ["cent cent", "mille mille", "mille million", "vingt trente", "cinquante et soixante",
     "dix onze", "deux zéro"],
)  # fmt: skip
def test_malformed_numbers_in_words_have_no_value(words):
    assert words_value(words) is None


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=1, max_value=999_999_999))
def test_every_whole_number_num2words_writes_reads_back(number):
    assert words_value(num2words(number, lang="fr")) == number


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=1, max_value=99_999_999),
    st.integers(min_value=0, max_value=99),
    st.sampled_from(["TTC", "HT", "toutes taxes comprises", ""]),
)
def test_an_amount_num2words_writes_in_euros_is_read_exactly(euros, cents, basis):
    written = num2words(Decimal(euros) + Decimal(cents) / 100, lang="fr", to="currency")
    sentence = f"La participation de la Métropole est de {written} {basis}."

    [money] = amounts(sentence)

    assert money.value == Decimal(euros) + Decimal(cents) / 100
    assert money.basis == {"TTC": "TTC", "toutes taxes comprises": "TTC", "HT": "HT"}.get(basis)
