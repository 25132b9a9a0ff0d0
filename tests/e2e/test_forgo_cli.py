"""`forgo_payment` from the command line, as a script reads it (`--json`, exit codes): the
reference convention, paid in one payment of 200 000 €, notified on 20 March 2025."""

from __future__ import annotations

from tests.e2e.conftest import CRPV, METROPOLE, REF, Convflow


def _notified(loaded: Convflow) -> None:
    for args in (("submit", "--on", "2025-03-03"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2025-03-05"),
                 ("sign", f"signatory={CRPV}", "--on", "2025-03-10"),
                 ("notify", "--on", "2025-03-20")):  # fmt: skip
        loaded.ok("event", REF, *args)


def test_an_instalment_named_on_a_single_payment_is_said_not_to_apply(loaded: Convflow) -> None:
    """Before: « la convention ne prévoit pas de versement n° 1 (versements prévus : aucun) »."""
    _notified(loaded)
    before = loaded.json("history", REF)
    args = ("event", REF, "forgo_payment", "instalment=1", "reason=réduite", "--on", "2025-04-15")

    refusal = loaded.refusal(*args)

    assert (refusal["code"], refusal["params"]) == ("instalment_of_single_payment", {
        "reference": REF, "event": "forgo_payment", "instalment": 1,
    })  # fmt: skip
    assert refusal["message"].endswith(
        "la convention est payée en un seul versement, qui n'a pas de numéro\u00a0: l'argument "
        "instalment ne s'applique pas (retirez instalment=1)"
    )  # never « versement n° 0 » when 0 is typed (finance tester, H1)
    assert "aucun" not in loaded(*args).stderr
    assert loaded.json("history", REF) == before


def test_forgoing_the_single_payment_again_is_refused_as_forgone(loaded: Convflow) -> None:
    """A script retrying `forgo_payment` tells "already done" from "wrong state": before, the
    retry got `invalid_transition` (« possibles : … »)."""
    _notified(loaded)
    loaded.ok("event", REF, "forgo_payment", "reason=subvention réduite", "--on", "2025-04-15")
    before = loaded.json("history", REF)

    refusal = loaded.refusal("event", REF, "forgo_payment", "reason=encore", "--on", "2025-04-16")

    assert (refusal["code"], refusal["params"]) == ("payment_forgone", {
        "reference": REF, "event": "forgo_payment", "forgone_on": "2025-04-15",
    })  # fmt: skip
    assert loaded.json("history", REF) == before


def test_forgoing_the_single_payment_moves_it_to_execution_and_status_says_it(
    loaded: Convflow,
) -> None:
    """Before: `payment` (« en attente de versement ») for good, nothing in status."""
    _notified(loaded)
    recorded = loaded.json(
        "event", REF, "forgo_payment", "reason=subvention réduite", "--on", "2025-04-15"
    )
    assert (recorded["from_state"], recorded["to_state"]) == ("payment", "execution")

    status = loaded.json("status", REF)

    assert (status["state"], status["forgone_on"], status["remaining"]) == (
        "execution", "2025-04-15", [],
    )  # fmt: skip
    text = loaded.ok("status", REF)
    assert "la Métropole a renoncé au versement le mardi 15 avril 2025" in text.replace(
        "\u00a0", " "
    )
