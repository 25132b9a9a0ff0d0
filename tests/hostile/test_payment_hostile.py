"""Payments that look right and are not, each refused through the real command line on SQLite
and PostgreSQL, as the finance tester typed them: its code, the sentence that says why, never
« versement n° 0 », nothing written.

The findings: a negative amount was « not an amount in euros » where zero is « not positive »
(L2); a payment recorded again on a convention paid in one payment was refused by its state
(« possibles : Ouvrir un litige… », after its end « possibles : aucun »), not as already
recorded (L1); a balance an avenant left could not be forgone (« le versement n° 0 est déjà
enregistré », H1) and a wrong amount for it was said « prévu à l'article 2 » (M1); a wrong
amount for an instalment did not say which instalment it was held against, nor that it was
another unpaid one's (L3).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow
from tests.reading import plain

EXAMPLE_2027 = EXAMPLE.parent / "convention-exemple-quartiers-nord-2027.toml"
NADIA = "nadia.benali@example.org"


def _reference_notified(convflow: Convflow) -> None:
    """The reference convention notified on 20 March 2025: its payment awaited."""
    convflow.ok("import", "--without-history", str(EXAMPLE))
    for args in (("submit", "--on", "2025-03-03"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2025-03-05"),
                 ("sign", f"signatory={CRPV}", "--on", "2025-03-10"),
                 ("notify", "--on", "2025-03-20")):  # fmt: skip
        convflow.ok("event", REF, *args)


def _reference_paid(convflow: Convflow) -> None:
    """Notified, then paid 200 000,00 € on 1 April 2025."""
    _reference_notified(convflow)
    convflow.ok("event", REF, "pay", "amount=200000.00", "--on", "2025-04-01")


def _avenant(convflow: Convflow, reference: str, change: str, on: str, *signers: str) -> None:
    convflow.ok("amend", reference, change, "--on", on)
    for args in (["submit"], *(["sign", f"signatory={s}"] for s in signers)):
        convflow.ok("event", reference, *args, "--amendment", "1", "--on", on)


def _reference_raised(convflow: Convflow) -> None:
    """Paid, then avenant n° 1 raising the amount to 250 000,00 €, signed on 5 May 2025."""
    _reference_paid(convflow)
    _avenant(convflow, REF, "amount=250000.00", "2025-05-05", CRPV, METROPOLE)


def _reference_balance_forgone(convflow: Convflow) -> None:
    """Raised, then its balance of 50 000,00 € forgone on 20 May 2025."""
    _reference_raised(convflow)
    convflow.ok("event", REF, "forgo_payment", "reason=action abandonnée", "--on", "2025-05-20")


def _example_notified(convflow: Convflow) -> None:
    """AMP-EXEMPLE-2027 notified on 15 January 2027: n° 1 (27 000,00 €) awaited."""
    convflow.ok("import", "--without-history", str(EXAMPLE_2027))
    for args in (["submit", "--on", "2027-01-04"],
                 ["sign", f"signatory={NADIA}", "--on", "2027-01-06"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2027-01-08"],
                 ["notify", "--on", "2027-01-15"]):  # fmt: skip
        convflow.ok("event", "AMP-EXEMPLE-2027", *args)


def _example_first_paid(convflow: Convflow) -> None:
    """Notified, then n° 1 paid 27 000,00 € on 10 February 2027."""
    _example_notified(convflow)
    convflow.ok("event", "AMP-EXEMPLE-2027", "pay", "amount=27000.00", "--on", "2027-02-10")


def _example_first_raised(convflow: Convflow) -> None:
    """Then avenant n° 1 raising n° 1 to 30 000,00 €, signed on 5 April 2027."""
    _example_first_paid(convflow)
    _avenant(convflow, "AMP-EXEMPLE-2027", "instalment.1.amount=30000.00", "2027-04-05",
             NADIA, METROPOLE)  # fmt: skip


def _example_balance_forgone(convflow: Convflow) -> None:
    """Then the 3 000,00 € balance of n° 1 forgone on 10 May 2027."""
    _example_first_raised(convflow)
    convflow.ok("event", "AMP-EXEMPLE-2027", "forgo_payment", "instalment=1",
                "reason=action réduite", "--on", "2027-05-10")  # fmt: skip


def _reference_in_force(convflow: Convflow) -> None:
    """The reference convention in force on 10 March 2025, never notified."""
    convflow.ok("import", "--without-history", str(EXAMPLE))
    for args in (("submit", "--on", "2025-03-03"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2025-03-05"),
                 ("sign", f"signatory={CRPV}", "--on", "2025-03-10")):  # fmt: skip
        convflow.ok("event", REF, *args)


def _reference_expired_unnotified(convflow: Convflow) -> None:
    """In force, never notified, expired by the pass of 1 January 2026 (M2)."""
    _reference_in_force(convflow)
    convflow.ok("run-due", "--now", "2026-01-01T08:00:00+01:00")


def _reference_notice_unnotified(convflow: Convflow) -> None:
    """In force, never notified, the CRPV's notice received on 2 May 2025."""
    _reference_in_force(convflow)
    convflow.ok("event", REF, "give_notice", "party=crpv", "received=2025-05-02", "--on",
                "2025-05-02")  # fmt: skip


Setup = Callable[[Convflow], None]
SPRING_2025 = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)
SPRING_2027 = datetime(2027, 6, 1, 10, 0, tzinfo=UTC)
JANUARY_2026 = datetime(2026, 1, 4, 10, 0, tzinfo=UTC)
NEVER_NOTIFIED = (
    "n'est dû qu'après la notification de l'attribution (article 2) ; rien n'a été dû, il n'y "
    "a rien à verser ni à quoi renoncer"
)

CASES: dict[str, tuple[Setup, datetime, str, tuple[str, ...], str, str]] = {
    "negative-amount": (
        _reference_notified, SPRING_2025, REF, ("pay", "amount=-5"), "amount_not_positive",
        "le montant doit être supérieur à zéro",
    ),
    "negative-amount-minus-sign": (
        _reference_notified, SPRING_2025, REF, ("pay", "amount=\u22125 000,00"),
        "amount_not_positive", "le montant doit être supérieur à zéro",
    ),
    "single-payment-again": (
        _reference_paid, SPRING_2025, REF, ("pay", "amount=200000,00"), "payment_already_paid",
        "le versement est déjà enregistré, le 1er avril 2025",
    ),
    "forgo-single-payment-made": (
        _reference_paid, SPRING_2025, REF, ("forgo_payment", "reason=réduite"),
        "payment_already_paid", "le versement est déjà enregistré, le 1er avril 2025",
    ),
    "balance-wrong-amount": (
        _reference_raised, SPRING_2025, REF, ("pay", "amount=250000.00"), "balance_differs",
        "le montant saisi (250 000,00 €) n'est pas le solde dû (50 000,00 €), fixé par "
        "l'avenant n° 1",
    ),
    "balance-with-instalment-zero": (
        _reference_raised, SPRING_2025, REF, ("forgo_payment", "instalment=0", "reason=x"),
        "instalment_of_single_payment",
        "la convention est payée en un seul versement, qui n'a pas de numéro : l'argument "
        "instalment ne s'applique pas (retirez instalment=0)",
    ),
    "balance-forgone-twice": (
        _reference_balance_forgone, SPRING_2025, REF, ("forgo_payment", "reason=encore"),
        "balance_forgone",
        "la Métropole a renoncé au solde de 50 000,00 € le 20 mai 2025 : rien n'est plus dû à "
        "ce titre, ce qui a été versé reste versé",
    ),
    "balance-forgone-then-paid": (
        _reference_balance_forgone, SPRING_2025, REF, ("pay", "amount=50000.00"),
        "balance_forgone",
        "la Métropole a renoncé au solde de 50 000,00 € le 20 mai 2025 : rien n'est plus dû à "
        "ce titre, ce qui a été versé reste versé",
    ),
    "another-instalment-s-amount": (
        _example_notified, SPRING_2027, "AMP-EXEMPLE-2027", ("pay", "amount=18000.00"),
        "amount_of_another_instalment",
        "le montant saisi (18 000,00 €) n'est pas celui du versement n° 1, le premier non payé "
        "(27 000,00 €), mais celui du versement n° 2 : ajoutez instalment=2",
    ),
    "first-unpaid-wrong-amount": (
        _example_notified, SPRING_2027, "AMP-EXEMPLE-2027", ("pay", "amount=20000.00"),
        "first_unpaid_amount_differs",
        "le montant saisi (20 000,00 €) n'est pas le montant dû (27 000,00 €) du versement n° 1, "
        "le premier non payé, prévu à l'article 2 ; pour un autre versement, nommez-le avec "
        "instalment=N",
    ),
    "instalment-again": (
        _example_first_paid, SPRING_2027, "AMP-EXEMPLE-2027",
        ("pay", "amount=27000.00", "instalment=1"), "instalment_already_paid",
        "le versement n° 1 est déjà enregistré, le 10 février 2027",
    ),
    "instalment-balance-wrong-amount": (
        _example_first_raised, SPRING_2027, "AMP-EXEMPLE-2027", ("pay", "amount=30000.00"),
        "instalment_balance_differs",
        "le montant saisi (30 000,00 €) n'est pas le solde dû sur le versement n° 1 "
        "(3 000,00 €), fixé par l'avenant n° 1",
    ),
    "instalment-balance-forgone-twice": (
        _example_balance_forgone, SPRING_2027, "AMP-EXEMPLE-2027",
        ("forgo_payment", "instalment=1", "reason=encore"), "instalment_balance_forgone",
        "la Métropole a renoncé au solde du versement n° 1 (3 000,00 €) le 10 mai 2027 : rien "
        "n'est plus dû à ce titre, ce qui a été versé reste versé",
    ),
    "instalment-balance-forgone-then-paid": (
        _example_balance_forgone, SPRING_2027, "AMP-EXEMPLE-2027",
        ("pay", "amount=3000.00", "instalment=1"), "instalment_balance_forgone",
        "la Métropole a renoncé au solde du versement n° 1 (3 000,00 €) le 10 mai 2027 : rien "
        "n'est plus dû à ce titre, ce qui a été versé reste versé",
    ),
    # M2: nothing was ever due on a convention ended (or under notice) never notified
    "pay-expired-never-notified": (
        _reference_expired_unnotified, JANUARY_2026, REF, ("pay", "amount=200000.00"),
        "never_notified", NEVER_NOTIFIED,
    ),
    "pay-expired-never-notified-dated-in-term": (
        _reference_expired_unnotified, JANUARY_2026, REF,
        ("pay", "amount=200000.00", "--on", "2025-12-20"), "never_notified", NEVER_NOTIFIED,
    ),
    "forgo-expired-never-notified": (
        _reference_expired_unnotified, JANUARY_2026, REF, ("forgo_payment", "reason=x"),
        "never_notified", NEVER_NOTIFIED,
    ),
    "pay-during-notice-never-notified": (
        _reference_notice_unnotified, SPRING_2025, REF, ("pay", "amount=200000.00"),
        "never_notified", NEVER_NOTIFIED,
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_a_payment_that_is_not_owed_is_refused_saying_why(
    convflow: Convflow, cli_clock: CliClock, name: str
) -> None:
    setup, now, reference, args, code, said = CASES[name]
    cli_clock.now = now
    setup(convflow)
    before = convflow.json("history", reference)

    error = convflow.refusal("event", reference, *args)

    assert error["code"] == code, error
    message = plain(error["message"])
    assert message.endswith(said), message
    assert "n° 0" not in message and "Traceback" not in message
    assert convflow.json("history", reference) == before


def test_a_second_financial_report_after_the_end_is_said_already_received(
    convflow: Convflow, cli_clock: CliClock, tmp_path: Path
) -> None:
    """Before (L1): « n'est pas possible quand la convention est arrivée à son terme »."""
    owing = tmp_path / "avec-compte-rendu.toml"
    owing.write_text(EXAMPLE.read_text(encoding="utf-8")
                     + '\n[financial_report]\nbasis = "by_convention"\nyear = 2025\n',
                     encoding="utf-8")  # fmt: skip
    cli_clock.now = SPRING_2025
    convflow.ok("import", "--without-history", str(owing))
    for args in (("submit", "--on", "2025-03-03"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2025-03-05"),
                 ("sign", f"signatory={CRPV}", "--on", "2025-03-10"),
                 ("notify", "--on", "2025-03-20"),
                 ("pay", "amount=200000.00", "--on", "2025-04-01"),
                 ("report_received", "--on", "2025-05-30")):  # fmt: skip
        convflow.ok("event", REF, *args)
    cli_clock.now = datetime(2026, 1, 2, 8, 5, tzinfo=UTC)
    convflow.ok("run-due")
    assert convflow.json("status", REF)["state"] == "expired"
    before = convflow.json("history", REF)

    error = convflow.refusal("event", REF, "report_received", "--on", "2026-01-02")

    assert (error["code"], error["params"]["received_on"]) == (
        "financial_report_already_received", "2025-05-30",
    )  # fmt: skip
    assert plain(error["message"]).endswith(
        "le compte rendu financier est déjà reçu, le 30 mai 2025"
    ), error["message"]
    assert convflow.json("history", REF) == before
