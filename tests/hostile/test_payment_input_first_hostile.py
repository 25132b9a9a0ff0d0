"""A payment's inputs are judged before the payment (finance tester, L1), through the real
command line on SQLite and PostgreSQL, on AMP-EXEMPLE-2027 (n° 1 paid, n° 2 awaiting its
« bilan d'activité 2027 »): a zero amount is « not positive », not « the report is not
received »; an instalment number below 1 is an input refused as such, never said back as
« versement n° -1 ». Nothing written.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import EXAMPLE, METROPOLE, CliClock, Convflow

EXAMPLE_2027 = EXAMPLE.parent / "convention-exemple-quartiers-nord-2027.toml"
REF = "AMP-EXEMPLE-2027"
NADIA = "nadia.benali@example.org"

CASES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "pay-zero-report-not-received": (("pay", "amount=0"), "amount_not_positive", "amount"),
    "pay-zero-named": (("pay", "amount=0", "instalment=2"), "amount_not_positive", "amount"),
    "pay-negative-report-not-received": (("pay", "amount=-3"), "amount_not_positive", "amount"),
    "pay-instalment-minus-one": (("pay", "amount=5", "instalment=-1"), "number_too_small",
                                 "instalment"),
    "pay-instalment-zero": (("pay", "amount=5", "instalment=0"), "number_too_small",
                            "instalment"),
    "report-instalment-minus-one": (("report_received", "instalment=-1"), "number_too_small",
                                    "instalment"),
    "forgo-instalment-minus-one": (("forgo_payment", "reason=x", "instalment=-1"),
                                   "number_too_small", "instalment"),
}  # fmt: skip


@pytest.fixture
def first_paid(convflow: Convflow, cli_clock: CliClock) -> Convflow:
    cli_clock.now = datetime(2027, 3, 20, 10, 0, tzinfo=UTC)
    convflow.ok("import", "--without-history", str(EXAMPLE_2027))
    for args in (["submit", "--on", "2027-01-04"],
                 ["sign", f"signatory={NADIA}", "--on", "2027-01-06"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2027-01-08"],
                 ["notify", "--on", "2027-01-15"],
                 ["pay", "amount=27000.00", "--on", "2027-02-01"]):  # fmt: skip
        convflow.ok("event", REF, *args)
    return convflow


@pytest.mark.parametrize("name", list(CASES))
def test_the_input_is_judged_first_and_nothing_is_written(first_paid: Convflow, name: str) -> None:
    args, code, field = CASES[name]
    before = first_paid.json("status", REF)

    error = first_paid.refusal("event", REF, *args, "--on", "2027-03-10")

    assert (error["code"], error["params"]["field"]) == (code, field), error
    assert "n°\u00a0-" not in error["message"] and "n° -" not in error["message"], error
    assert "n°\u00a00" not in error["message"], error
    assert "Traceback" not in error["message"]
    assert first_paid.json("status", REF) == before
