"""Nothing is owed by a convention that expired without the notification of the award (article
2), as a script and a person read it from the command line (finance tester, M2: `status` said
« reste à verser 200 000 € » and offered `pay` and `forgo_payment` after the expiry)."""

from __future__ import annotations

from tests.e2e.conftest import CRPV, METROPOLE, REF, Convflow


def _expired_unnotified(loaded: Convflow) -> None:
    for args in (("submit", "--on", "2025-03-03"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2025-03-05"),
                 ("sign", f"signatory={CRPV}", "--on", "2025-03-10")):  # fmt: skip
        loaded.ok("event", REF, *args)
    loaded.ok("run-due", "--now", "2026-01-01T08:00:00+01:00")


def test_status_owes_nothing_and_offers_no_payment(loaded: Convflow) -> None:
    _expired_unnotified(loaded)
    status = loaded.json("status", REF)
    assert (status["state"], status["remaining"]) == ("expired", [])
    assert not {"pay", "forgo_payment"} & set(status["allowed_events"])
    assert "reste à verser" not in loaded.ok("status", REF)
    (listed,) = loaded.json("list")
    assert [o for o in listed["overdue"] if o["kind"] == "payment"] == []


def test_pay_and_forgo_are_refused_never_notified_changing_nothing(loaded: Convflow) -> None:
    _expired_unnotified(loaded)
    before = loaded.json("history", REF)
    for args in (("pay", "amount=200000.00"), ("forgo_payment", "reason=rien")):
        refusal = loaded.refusal("event", REF, *args, "--on", "2025-12-20")
        assert (refusal["code"], refusal["params"]) == ("never_notified", {
            "reference": REF, "event": args[0], "state": "expired", "notice_overridden": False,
        })  # fmt: skip
        assert "n'a jamais été notifiée" in refusal["message"]
        assert "(article 2)" in refusal["message"]
        text = loaded("event", REF, *args, "--on", "2025-12-20")
        assert text.exit_code == 1 and "Traceback" not in text.output
        assert "jamais été notifiée" in text.stderr
    assert loaded.json("history", REF) == before
    assert loaded.json("status", REF)["remaining"] == []
