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
        "la convention est payée en un seul versement\u00a0: elle n'a pas de versement n°\u00a01, "
        "l'argument instalment ne s'applique pas (retirez instalment=1)"
    )
    assert "aucun" not in loaded(*args).stderr
    assert loaded.json("history", REF) == before
