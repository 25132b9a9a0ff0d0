"""The finance tester's avenant on a forgone single payment (H1), through the real command line
on SQLite and PostgreSQL: refused with its code and its sentence, nothing drafted or signed,
the convention's version and what was forgone unchanged, no traceback.

Before: on the reference convention (paid 200 000,00 € in one payment), after avenant n° 1 to
210 000,00 € and the renunciation of its 10 000,00 € balance, `amend amount=215000.00` was
drafted, submitted and signed, and the status then said « la Métropole a renoncé au solde de
15 000,00 € » (the forgo line kept 10 000,00 €); the whole payment forgone, an avenant to
210 000,00 € made the forgone amount 210 000,00 €.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow
from tests.reading import plain


def _notified(convflow: Convflow) -> None:
    convflow.ok("import", "--without-history", str(EXAMPLE))
    for args in (("submit", "--on", "2025-03-03"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2025-03-05"),
                 ("sign", f"signatory={CRPV}", "--on", "2025-03-10"),
                 ("notify", "--on", "2025-03-20")):  # fmt: skip
        convflow.ok("event", REF, *args)


def _amend(convflow: Convflow, change: str, on: str, number: str, *signers: str) -> None:
    convflow.ok("amend", REF, change, "--on", on)
    for args in (["submit"], *(["sign", f"signatory={s}"] for s in signers)):
        convflow.ok("event", REF, *args, "--amendment", number, "--on", on)


def _money(convflow: Convflow) -> tuple[Any, ...]:
    status = convflow.json("status", REF)
    return (status["version"], status["amount"], status["forgone_amount"], status["forgone_on"],
            convflow.json("amendments", REF))  # fmt: skip


@pytest.fixture
def balance_forgone(convflow: Convflow, cli_clock: CliClock) -> Convflow:
    """Paid 200 000,00 € on 1 April 2025, avenant n° 1 to 210 000,00 € signed on 5 May, its
    balance of 10 000,00 € forgone on 20 May."""
    cli_clock.now = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    _notified(convflow)
    convflow.ok("event", REF, "pay", "amount=200000.00", "--on", "2025-04-01")
    _amend(convflow, "amount=210000.00", "2025-05-05", "1", CRPV, METROPOLE)
    convflow.ok("event", REF, "forgo_payment", "reason=x", "--on", "2025-05-20")
    return convflow


def test_the_tester_s_avenant_n_2_is_refused_and_the_forgone_balance_stays(
    balance_forgone: Convflow,
) -> None:
    before = _money(balance_forgone)
    assert before[1:4] == ("210000.00", "10000.00", "2025-05-20")

    error = balance_forgone.refusal("amend", REF, "amount=215000.00", "--on", "2025-05-26")

    assert (error["code"], error["params"]["field"]) == ("amend_forgone_balance", "amount")
    assert plain(error["message"]).endswith(
        "la Métropole a renoncé au solde de 10 000,00 € le 20 mai 2025 : un avenant ne peut plus "
        "changer le montant de la subvention"
    ), error["message"]
    assert "Traceback" not in error["message"]
    assert _money(balance_forgone) == before
    paid = balance_forgone.refusal("event", REF, "pay", "amount=5000.00", "--on", "2025-05-27")
    assert paid["code"] == "balance_forgone"


def test_the_whole_payment_forgone_is_not_raised_by_an_avenant(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    cli_clock.now = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    _notified(convflow)
    convflow.ok("event", REF, "forgo_payment", "reason=x", "--on", "2025-03-25")
    before = _money(convflow)

    error = convflow.refusal("amend", REF, "amount=210000.00", "--on", "2025-04-02")

    assert (error["code"], error["params"]["field"]) == ("amend_forgone_payment", "amount")
    assert plain(error["message"]).endswith(
        "la Métropole a renoncé au versement de la subvention le 25 mars 2025 : un avenant ne "
        "peut plus en changer le montant"
    ), error["message"]
    assert _money(convflow) == before
    assert before[2] == "200000.00"


def test_an_avenant_in_signature_is_refused_at_its_last_signature(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    """Avenant n° 2 signed by the CRPV before the renunciation: the Métropole's signature, the
    last, is refused; the avenant stays in signature."""
    cli_clock.now = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
    _notified(convflow)
    convflow.ok("event", REF, "pay", "amount=200000.00", "--on", "2025-04-01")
    _amend(convflow, "amount=210000.00", "2025-05-05", "1", CRPV, METROPOLE)
    _amend(convflow, "amount=215000.00", "2025-05-12", "2", CRPV)
    convflow.ok("event", REF, "forgo_payment", "reason=x", "--on", "2025-05-20")
    before = _money(convflow)

    error = convflow.refusal("event", REF, "sign", f"signatory={METROPOLE}", "--amendment", "2",
                             "--on", "2025-05-26")  # fmt: skip

    assert error["code"] == "amend_forgone_balance", error
    assert "10 000,00 €" in plain(error["message"])
    assert _money(convflow) == before
    assert before[2] == "10000.00"
