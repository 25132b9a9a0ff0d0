"""A convention expired without the notification of the award owes nothing (article 2): the
API refuses `pay` and `forgo_payment` (`never_notified`, 409, nothing recorded), its status says
nothing remains, the dashboard offers neither, /echeances lists no payment for it (finance
tester, M2: a `pay` dated 4 January 2026 was recorded, 201, on the expired convention)."""

from __future__ import annotations

import httpx
import pytest

from notifications import MemorySender
from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases.due import run_due

STATUS = f"/api/v1/conventions/{REFERENCE}"


@pytest.fixture
def expired(loaded: App) -> App:
    """In force on 10 March 2025, never notified, expired by the pass of 1 January 2026; read
    on 4 January."""
    steps.bring_into_force(loaded)
    loaded.clock.now = steps.at("2026-01-01T08:00:00Z")  # type: ignore[attr-defined]
    run_due(loaded, loaded.clock(), MemorySender())
    loaded.clock.now = steps.at("2026-01-04T10:00:00Z")  # type: ignore[attr-defined]
    return loaded


def test_the_api_refuses_pay_and_forgo_and_says_nothing_remains(
    client: httpx.Client, tokens: Tokens, expired: App
) -> None:
    client.headers.update(bearer(tokens.admin))
    status = client.get(STATUS).json()
    assert (status["state"], status["remaining"]) == ("expired", [])
    assert not {"pay", "forgo_payment"} & set(status["allowed_events"])
    history = client.get(f"{STATUS}/history").json()
    for event, inputs in (("pay", {"amount": "200000.00"}), ("forgo_payment", {"reason": "x"})):
        answer = client.post(f"{STATUS}/events", json={
            "event": event, "on": "2026-01-04", "inputs": inputs,
        })  # fmt: skip
        assert answer.status_code == 409, answer.text
        error = answer.json()
        assert (error["code"], error["params"]["state"]) == ("never_notified", "expired")
        assert "n'a jamais été notifiée" in error["message"]
    assert client.get(f"{STATUS}/history").json() == history
    assert client.get(STATUS).json()["remaining"] == []


def test_the_dashboard_offers_no_payment_and_lists_none_due(
    admin_browser: httpx.Client, expired: App
) -> None:
    page = admin_browser.get(f"/conventions/{REFERENCE}").text
    assert 'name="event" value="pay"' not in page
    assert 'name="event" value="forgo_payment"' not in page
    assert "Reste à verser" not in page and "reste à verser" not in page
    due = admin_browser.get("/echeances", params={"jours": 3650}).text
    assert "versement" not in due.lower() or REFERENCE not in due
