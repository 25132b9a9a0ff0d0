"""The inputs of an event, as text from the command line or the HTTP API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from states.deadlines import RegisteredLetter
from states.errors import InvalidInput
from states.inputs import (
    INPUTS,
    check_keys,
    is_digits,
    letter_date,
    letter_inputs,
    parse_amount,
    parse_day,
    parse_flag,
    parse_instant,
    parse_letter,
)
from states.lifecycle import EVENTS, SIDE_RECORDS
from tests.unit.builders import refusal

# --- Dates and instants ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        pytest.param("2025-10-26", date(2025, 10, 26), id="a civil date"),
        pytest.param(" 2025-06-02 ", date(2025, 6, 2), id="a civil date with spaces"),
        pytest.param("2025-10-25T22:30Z", date(2025, 10, 26), id="UTC, past midnight in Paris"),
        pytest.param("2025-10-25T21:30Z", date(2025, 10, 25), id="UTC, before midnight in Paris"),
        pytest.param("2025-10-25T22:30+02:00", date(2025, 10, 25), id="Paris summer offset"),
        pytest.param("2025-10-26T00:30+02:00", date(2025, 10, 26), id="just past midnight, +02:00"),
        pytest.param("2025-01-15T23:30Z", date(2025, 1, 16), id="UTC in winter, +01:00 in Paris"),
        pytest.param("2025-06-01T23:30-04:00", date(2025, 6, 2), id="an acceptance from Montréal"),
    ],
)
def test_a_day_is_read_as_a_civil_date_in_paris(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param(
            "2025-10-25T22:30", "instant_needs_timezone", id="an instant without its timezone"
        ),
        pytest.param("demain", "not_a_date", id="a word"),
        pytest.param("2025-02-30", "not_a_calendar_date", id="30 February"),
        pytest.param("25/10/2025", "not_a_date", id="a French-style date"),
        pytest.param("", "not_a_date", id="nothing"),
    ],
)
def test_a_day_that_cannot_be_read_is_refused_with_its_field(text, code):
    with pytest.raises(InvalidInput) as refused:
        parse_day(text, "received")

    assert refusal(refused.value) == (code, {"field": "received", "value": text})
    assert refused.value.field == "received"


def test_an_instant_given_as_a_bare_date_is_midnight_in_paris():
    assert parse_instant("2025-07-15") == datetime(2025, 7, 14, 22, 0, tzinfo=UTC)
    assert parse_instant("2025-01-15") == datetime(2025, 1, 14, 23, 0, tzinfo=UTC)


def test_an_instant_keeps_its_timezone():
    assert parse_instant("2025-10-25T22:30Z") == datetime(2025, 10, 25, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("2025-10-25T22:30", "instant_needs_timezone", id="without its timezone"),
        pytest.param("bientôt", "not_an_instant", id="a word"),
    ],
)
def test_an_instant_that_cannot_be_read_is_refused(text, code):
    with pytest.raises(InvalidInput) as refused:
        parse_instant(text)

    assert refusal(refused.value) == (code, {"field": "now", "value": text})


# --- Amounts in euros -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        pytest.param("200000", Decimal("200000.00"), id="whole euros"),
        pytest.param("200000.00", Decimal("200000.00"), id="with cents"),
        pytest.param("200000.5", Decimal("200000.50"), id="with tenths"),
        pytest.param(" 200000.00 ", Decimal("200000.00"), id="surrounding spaces"),
        pytest.param("200 000.00", Decimal("200000.00"), id="a space between thousands"),
        pytest.param("200\u202f000.00", Decimal("200000.00"), id="a narrow no-break space"),
        pytest.param("200\xa0000.00", Decimal("200000.00"), id="a no-break space"),
        pytest.param("0.01", Decimal("0.01"), id="one cent"),
        pytest.param("200 000,00", Decimal("200000.00"), id="the French way"),
        pytest.param("200\u202f000,5", Decimal("200000.50"), id="as Babel writes it"),
        pytest.param("27 000,00 €", Decimal("27000.00"), id="as the dashboard writes it"),
        pytest.param("27\u202f000,00\xa0€", Decimal("27000.00"), id="copied from a page"),
        pytest.param("27000€", Decimal("27000.00"), id="the euro sign right after"),
        pytest.param("27000.00 € ", Decimal("27000.00"), id="spaces after the euro sign"),
    ],
)
def test_an_amount_is_exact_to_the_cent(text, amount):
    parsed = parse_amount(text)

    assert parsed == amount
    assert isinstance(parsed, Decimal)
    assert parsed.as_tuple().exponent == -2


def not_an_amount(text: str) -> tuple[str, dict[str, str]]:
    return "not_an_amount", {"field": "amount", "value": text}


POSITIVE = ("amount_not_positive", {"field": "amount"})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("200,000.00", not_an_amount("200,000.00"), id="English commas"),
        pytest.param("-200000", POSITIVE, id="negative: said not positive, as zero"),
        pytest.param("+200000", not_an_amount("+200000"), id="with a sign"),
        pytest.param("200000.001", not_an_amount("200000.001"), id="three decimals"),
        pytest.param("2e5", not_an_amount("2e5"), id="an exponent"),
        pytest.param("2.0E5", not_an_amount("2.0E5"), id="a float's exponent"),
        pytest.param("€ 200000", not_an_amount("€ 200000"), id="the euro sign before"),
        pytest.param("200 € 000", not_an_amount("200 € 000"), id="the euro sign inside"),
        pytest.param("200000 € €", not_an_amount("200000 € €"), id="two euro signs"),
        pytest.param("200000 EUR", not_an_amount("200000 EUR"), id="the currency's code"),
        pytest.param("€", not_an_amount("€"), id="the euro sign alone"),
        pytest.param("", not_an_amount(""), id="nothing"),
        pytest.param("0", POSITIVE, id="zero"),
        pytest.param("0.00", POSITIVE, id="zero with cents"),
        pytest.param(
            "1" * 27,
            ("amount_too_large", {"field": "amount", "most": "999999999999.99"}),
            id="beyond exact decimal precision: too large, however many digits",
        ),
    ],
)
def test_an_amount_that_is_not_exact_euros_is_refused(text, expected):
    with pytest.raises(InvalidInput) as refused:
        parse_amount(text)

    assert refusal(refused.value) == expected


# --- Yes or no ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["yes", "YES", "true", "oui", "Oui", "1", " yes "])
def test_a_flag_says_yes(text):
    assert parse_flag(text, "uncollected") is True


@pytest.mark.parametrize("text", ["no", "false", "non", "NON", "0", "", "  "])
def test_a_flag_says_no(text):
    assert parse_flag(text, "uncollected") is False


def test_a_flag_that_is_neither_yes_nor_no_is_refused():
    with pytest.raises(InvalidInput) as refused:
        parse_flag("peut-être", "uncollected")

    assert refusal(refused.value) == (
        "not_yes_or_no",
        {"field": "uncollected", "value": "peut-être"},
    )


# --- The keys each event accepts ------------------------------------------------------------


def test_every_event_declares_its_inputs_and_so_does_the_award_decision():
    assert set(INPUTS) == {*EVENTS, *SIDE_RECORDS}


def test_the_keys_and_values_are_stripped():
    assert check_keys("sign", {" signatory ": " martial.alvarez@example.org "}) == {
        "signatory": "martial.alvarez@example.org"
    }


def test_optional_inputs_may_be_left_out():
    assert check_keys("open_dispute", {"party": "crpv"}) == {"party": "crpv"}


def test_an_optional_input_given_blank_is_as_not_given():
    # what a dashboard form sends for its empty fields, and `mandate='   '` on the command
    # line: no input with nothing in it reaches the history (N2)
    given = {"amount": "1000", "mandate": "   ", "note": "", "instalment": "\u00a0\t"}

    assert check_keys("pay", given) == {"amount": "1000"}


@pytest.mark.parametrize(
    ("trigger", "inputs", "expected"),
    [
        pytest.param(
            "sign",
            {"signatory": "martial.alvarez@example.org", "witness": "Jean Dupont"},
            ("unknown_input", {"field": "witness", "event": "sign", "accepted": ["signatory"]}),
            id="an unknown key",
        ),
        pytest.param(
            "give_notice",
            {"party": "crpv", "subject": "résiliation"},
            ("unknown_input", {"field": "subject", "event": "give_notice", "accepted": [
                "party", "received", "dispatched", "presented", "uncollected", "electronic"]}),
            id="a key of another event",
        ),
        pytest.param(
            "expire",
            {"note": "fin"},
            ("no_input_accepted", {"field": "note", "event": "expire"}),
            id="an event that takes no inputs",
        ),
        pytest.param(
            "pay", {}, ("required_input", {"field": "amount", "event": "pay"}), id="a missing key"
        ),
        pytest.param(
            "pay", {"amount": " "}, ("required_input", {"field": "amount", "event": "pay"}),
            id="a blank value",
        ),
        pytest.param(
            "open_dispute",
            {"received": "2025-06-02"},
            ("required_input", {"field": "party", "event": "open_dispute"}),
            id="a letter without its party",
        ),
    ],
)  # fmt: skip
def test_keys_an_event_does_not_take_or_needs_are_refused(trigger, inputs, expected):
    with pytest.raises(InvalidInput) as refused:
        check_keys(trigger, inputs)

    assert refusal(refused.value) == expected


# --- Registered letters from their inputs --------------------------------------------------


def test_a_letter_is_read_from_its_dates_and_flags():
    letter = parse_letter(
        {
            "dispatched": "2025-05-28",
            "presented": "2025-05-30",
            "received": "2025-06-01T22:30Z",
            "electronic": "oui",
        }
    )

    assert letter == RegisteredLetter(
        dispatched=date(2025, 5, 28),
        presented=date(2025, 5, 30),
        received=date(2025, 6, 2),
        electronic=True,
    )
    assert letter_inputs(letter) == {
        "dispatched": "2025-05-28",
        "presented": "2025-05-30",
        "received": "2025-06-02",
        "electronic": "yes",
    }


def test_a_letter_that_cannot_be_counted_from_is_refused_as_it_is_read():
    with pytest.raises(InvalidInput) as refused:
        parse_letter({"presented": "2025-05-30", "uncollected": "yes", "received": "2025-06-02"})

    assert refusal(refused.value) == ("uncollected_with_receipt", {"field": "received"})


@pytest.mark.parametrize(
    ("inputs", "day"),
    [
        pytest.param(
            {"received": "2025-06-02", "presented": "2025-05-30"}, date(2025, 6, 2), id="receipt"
        ),
        pytest.param(
            {"presented": "2025-05-30", "uncollected": "yes"},
            date(2025, 5, 30),
            id="first presentation",
        ),
        pytest.param({"dispatched": "2025-05-28"}, None, id="only its dispatch"),
    ],
)
def test_a_letter_event_is_dated_by_its_receipt_else_its_first_presentation(inputs, day):
    assert letter_date(inputs) == day


# --- Digits a person types: 0-9 only --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("１８０００", id="full-width digits"),
        pytest.param("١٨٠٠٠", id="Arabic-Indic digits"),
        pytest.param("18000²", id="a superscript"),
    ],
)
def test_an_amount_in_other_digits_than_0_to_9_is_refused_not_read_as_another(text):
    # Decimal('１８０００') is 18000: it was stored as 18 000,00 € from what was typed
    with pytest.raises(InvalidInput) as refused:
        parse_amount(text)

    assert refusal(refused.value) == not_an_amount(text)


@pytest.mark.parametrize(
    ("text", "digits"),
    [("2025", True), ("²", False), ("１", False), ("٣", False), ("", False), ("-1", False)],
)
def test_digits_are_0_to_9_and_nothing_else(text, digits):
    assert is_digits(text) is digits
