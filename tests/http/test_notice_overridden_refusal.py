"""The API's refusal of an event under a termination notice the term overrides (rule 10): its
French message says the state as the pages do, « en exécution jusqu'à son terme (résiliation
notifiée, sans effet) », not « en cours de résiliation »; code, state's name and English
`detail` unchanged, `notice_overridden` added to its parameters (false elsewhere). Through
the served app, on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.http.test_notice_overridden_state_words import OVERRIDDEN, notice_given
from workflow.bootstrap import App

EVENTS = f"/api/v1/conventions/{REFERENCE}/events"


@pytest.fixture
def api(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client with alice's admin token on every request."""
    client.headers.update(bearer(tokens.admin))
    return client


def second_notice(api: httpx.Client) -> httpx.Response:
    return api.post(EVENTS, json={"event": "give_notice", "on": "2025-10-16",
                                  "inputs": {"party": "metropole", "received": "2025-10-16"}},
                    headers={"Accept-Language": "fr-FR"})  # fmt: skip


def test_the_refusal_says_the_notice_has_no_effect(api: httpx.Client, loaded: App) -> None:
    notice_given(loaded, "2025-10-15")  # would end on 15 April 2026, after the term

    answer = second_notice(api)

    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "invalid_transition"
    assert body["params"]["state"] == "termination"
    assert body["params"]["notice_overridden"] is True
    message = body["message"].replace("\u00a0", " ")
    assert f"n'est pas possible quand la convention est {OVERRIDDEN} (possibles" in message
    assert "en cours de résiliation" not in message
    assert "is not allowed in state 'termination'" in body["detail"]


def test_a_notice_ending_before_the_term_is_still_said_under_way(
    api: httpx.Client, loaded: App
) -> None:
    notice_given(loaded, "2025-05-02")  # ends on 2 November 2025, before the term

    answer = api.post(EVENTS, json={"event": "give_notice", "on": "2025-05-03",
                                    "inputs": {"party": "metropole", "received": "2025-05-03"}},
                      headers={"Accept-Language": "fr-FR"})  # fmt: skip

    assert answer.status_code == 409
    assert answer.json()["params"]["notice_overridden"] is False
    assert "quand la convention est en cours de résiliation" in answer.json()["message"]
