"""The API's refusals that name the convention's state, under a termination notice the term
overrides (rule 10): their French message says the state as `invalid_transition` and the pages
do, « en exécution jusqu'à son terme (résiliation notifiée, sans effet) », not « en cours de
résiliation »; code and state's name unchanged, `notice_overridden` added to their parameters
(false elsewhere). The letters' form on the convention page says it so too. Through the served
app, on SQLite and PostgreSQL."""

from __future__ import annotations

from html import unescape
from typing import Any

import httpx
import pytest

from tests.http.conftest import REFERENCE, Tokens, bearer, form_value
from tests.http.test_notice_overridden_state_words import OVERRIDDEN, notice_given, words
from tests.integration import steps
from workflow.bootstrap import App

CONVENTION = f"/api/v1/conventions/{REFERENCE}"
UNDER_WAY = "en cours de résiliation"
FRENCH = {"Accept-Language": "fr-FR"}


@pytest.fixture
def api(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client with alice's admin token on every request, asking for French."""
    client.headers.update({**bearer(tokens.admin), **FRENCH})
    return client


def unnotified_notice(app: App, received: str) -> None:
    """Signed in March 2025, the award never notified, the GIP's notice received on
    `received` (six months' notice, term 31 December 2025)."""
    steps.bring_into_force(app)
    app.clock.now = steps.at(f"{received}T16:00:00Z")  # type: ignore[attr-defined]
    steps.record(app, "give_notice", received, party="crpv", received=received)


def award(api: httpx.Client, on: str) -> httpx.Response:
    return api.post(f"{CONVENTION}/award", json={"decision": "DEL-BUR-2025-042",
                                                 "adopted": "2025-02-13", "on": on})  # fmt: skip


def edit(api: httpx.Client, _on: str) -> httpx.Response:
    return api.patch(CONVENTION, json={"title": "Autre titre"})


REFUSALS = {"award_not_now": award, "not_a_draft": edit}


def refused(answer: httpx.Response, code: str) -> tuple[dict[str, Any], str]:
    """The refusal's body and its message as read (every space a plain one)."""
    assert answer.status_code == 409, answer.text
    body = answer.json()
    assert (body["code"], body["params"]["state"]) == (code, "termination")
    return body, " ".join(body["message"].replace("\u00a0", " ").split())


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_each_refusal_says_the_notice_has_no_effect(
    api: httpx.Client, loaded: App, code: str
) -> None:
    notice_given(loaded, "2025-10-15")  # would end on 15 April 2026, after the term

    body, message = refused(REFUSALS[code](api, "2025-10-16"), code)

    assert body["params"]["notice_overridden"] is True
    assert OVERRIDDEN in message, message
    assert UNDER_WAY not in message


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_under_a_notice_ending_before_the_term_they_still_say_under_way(
    api: httpx.Client, loaded: App, code: str
) -> None:
    notice_given(loaded, "2025-05-02")  # ends on 2 November 2025, before the term

    body, message = refused(REFUSALS[code](api, "2025-05-03"), code)

    assert body["params"]["notice_overridden"] is False
    assert UNDER_WAY in message and OVERRIDDEN not in message, message


def test_a_payment_never_due_says_the_notice_has_no_effect(api: httpx.Client, loaded: App) -> None:
    unnotified_notice(loaded, "2025-10-15")

    answer = api.post(f"{CONVENTION}/events", json={"event": "pay", "on": "2025-10-16",
                                                    "inputs": {"amount": "200000.00"}})  # fmt: skip

    body, message = refused(answer, "never_notified")
    assert body["params"]["notice_overridden"] is True
    assert f"(état : {OVERRIDDEN})" in message, message
    assert UNDER_WAY not in message


def test_a_payment_never_due_under_a_notice_ending_first_is_still_under_way(
    api: httpx.Client, loaded: App
) -> None:
    unnotified_notice(loaded, "2025-05-02")

    answer = api.post(f"{CONVENTION}/events", json={"event": "pay", "on": "2025-05-03",
                                                    "inputs": {"amount": "200000.00"}})  # fmt: skip

    body, message = refused(answer, "never_notified")
    assert body["params"]["notice_overridden"] is False
    assert f"(état : {UNDER_WAY})" in message, message


def test_the_letters_form_says_the_notice_has_no_effect(
    admin_browser: httpx.Client, loaded: App
) -> None:
    notice_given(loaded, "2025-10-15")
    loaded.clock.now = steps.at("2025-10-16T09:00:00Z")  # type: ignore[attr-defined]
    page = admin_browser.get(f"/conventions/{REFERENCE}")
    form = {"csrf_token": form_value(page.text, "csrf_token"), "kind": "award", "format": "pdf",
            "on": "2025-10-16"}  # fmt: skip

    answer = admin_browser.post(f"/conventions/{REFERENCE}/lettres", data=form)

    said = words(unescape(answer.text))
    assert f"« notification d'attribution » ne s'écrit pas dans l'état « {OVERRIDDEN} »" in said, (
        said[:3000]
    )
    assert f"l'état « {UNDER_WAY}" not in said
