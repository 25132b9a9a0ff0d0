"""Avenants setting an instalment's amount that look right and are not, on AMP-EXEMPLE-2027
(27 000,00 € then 18 000,00 €, paid in two), each refused through the real command line on
SQLite and PostgreSQL: its code, the field named, nothing drafted, no traceback.

The findings: `instalment.02.amount` was read as instalment 2 yet set nothing (now refused as
an unknown term: a number is written once); two instalments each at the largest amount a field
holds were drafted, their sum beyond what the database keeps (now refused at the draft).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import EXAMPLE, CliClock, Convflow

EXAMPLE_2027 = EXAMPLE.parent / "convention-exemple-quartiers-nord-2027.toml"
REFERENCE = "AMP-EXEMPLE-2027"

CASES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "below-paid": (("instalment.1.amount=26999.99",), "instalment_below_paid",
                   "instalment.1.amount"),
    "unknown-number": (("instalment.3.amount=1000",), "unknown_instalment", "instalment.3.amount"),
    "number-zero": (("instalment.0.amount=1000",), "not_amendable", "instalment.0.amount"),
    "leading-zero": (("instalment.02.amount=21000",), "not_amendable", "instalment.02.amount"),
    "negative": (("instalment.2.amount=-5",), "amount_not_positive", "instalment.2.amount"),
    "zero": (("instalment.2.amount=0",), "amount_not_positive", "instalment.2.amount"),
    "exponent": (("instalment.2.amount=2e4",), "not_an_amount", "instalment.2.amount"),
    "total-too-large": (
        ("instalment.1.amount=999999999999.99", "instalment.2.amount=999999999999.99"),
        "amount_too_large", "instalment.2.amount",
    ),
    "total-alone": (("amount=50000",), "amount_of_a_schedule", "amount"),
    "no-amount-key": (("instalment.2=21000",), "not_amendable", "instalment.2"),
}  # fmt: skip


@pytest.fixture
def first_paid(convflow: Convflow, cli_clock: CliClock) -> Convflow:
    """Signed on 8 January 2027, notified on the 15th, instalment n° 1 paid on 1 February."""
    cli_clock.now = datetime(2027, 3, 20, 10, 0, tzinfo=UTC)
    convflow.ok("import", "--without-history", str(EXAMPLE_2027))
    for args in (
        ["submit", "--on", "2027-01-04"],
        ["sign", "signatory=nadia.benali@example.org", "--on", "2027-01-06"],
        ["sign", "signatory=martial.alvarez@example.org", "--on", "2027-01-08"],
        ["notify", "--on", "2027-01-15"],
        ["pay", "amount=27000.00", "--on", "2027-02-01"],
    ):
        convflow.ok("event", REFERENCE, *args)
    return convflow


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_instalment_amendment_is_refused_and_drafts_nothing(
    first_paid: Convflow, name: str
) -> None:
    changes, code, field = CASES[name]

    error = first_paid.refusal("amend", REFERENCE, *changes, "--on", "2027-03-01")

    assert (error["code"], error["params"]["field"]) == (code, field), error
    assert "Traceback" not in error["message"]
    assert first_paid.json("amendments", REFERENCE) == []


def test_a_forgone_instalment_is_refused_by_name(first_paid: Convflow) -> None:
    first_paid.ok("event", REFERENCE, "forgo_payment", "instalment=2", "reason=bilan non remis",
                  "--on", "2027-03-01")  # fmt: skip

    error = first_paid.refusal(
        "amend", REFERENCE, "instalment.2.amount=20000", "--on", "2027-03-02"
    )

    assert error["code"] == "amend_forgone_instalment"
    assert "renoncé au versement n°\u00a02 le" in error["message"]
    assert first_paid.json("amendments", REFERENCE) == []
