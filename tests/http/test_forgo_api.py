"""`forgo_payment` through the API, as a script reads it: the reference convention, paid in one
payment of 200 000 €, notified on 20 March 2025."""

from __future__ import annotations

import httpx
import pytest

from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.integration import steps
from workflow.bootstrap import App

EVENTS = f"/api/v1/conventions/{REFERENCE}/events"


@pytest.fixture
def api(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client with alice's admin token on every request."""
    client.headers.update(bearer(tokens.admin))
    return client


@pytest.fixture
def notified(loaded: App) -> App:
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    return loaded


def test_an_instalment_named_on_a_single_payment_is_409_saying_it_does_not_apply(
    api: httpx.Client, notified: App
) -> None:
    inputs = {"instalment": "1", "reason": "réduite"}
    answer = api.post(EVENTS, json={"event": "forgo_payment", "on": "2025-04-15", "inputs": inputs})

    assert answer.status_code == 409
    body = answer.json()
    assert (body["code"], body["params"]) == ("instalment_of_single_payment", {
        "reference": REFERENCE, "event": "forgo_payment", "instalment": 1,
    })  # fmt: skip
    assert "un seul versement" in body["message"] and "aucun" not in body["message"]
    assert steps.state(notified) == "payment"


def test_forgoing_the_single_payment_again_is_409_naming_the_day(
    api: httpx.Client, notified: App
) -> None:
    body = {"event": "forgo_payment", "on": "2025-04-15", "inputs": {"reason": "réduite"}}
    assert api.post(EVENTS, json=body).status_code == 201

    again = api.post(EVENTS, json={**body, "on": "2025-04-16"})

    assert again.status_code == 409
    assert (again.json()["code"], again.json()["params"]) == ("payment_forgone", {
        "reference": REFERENCE, "event": "forgo_payment", "forgone_on": "2025-04-15",
    })  # fmt: skip


def test_forgoing_the_single_payment_moves_it_to_execution_and_says_when(
    api: httpx.Client, notified: App
) -> None:
    body = {"event": "forgo_payment", "on": "2025-04-15", "inputs": {"reason": "réduite"}}
    assert api.post(EVENTS, json=body).status_code == 201

    convention = api.get(f"/api/v1/conventions/{REFERENCE}").json()

    assert (convention["state"], convention["forgone_on"], convention["remaining"]) == (
        "execution", "2025-04-15", [],
    )  # fmt: skip
