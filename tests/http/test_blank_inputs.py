"""An optional input given blank, through the API and the dashboard's form, on both backends:
left out as not given (N2), as the command line leaves it out; a required one given blank is
refused with its code, nothing recorded. The reference convention, paid in one payment of
200 000 €, notified on 20 March 2025."""

from __future__ import annotations

import httpx
import pytest

from tests.http.conftest import REFERENCE, Tokens, bearer, form_value
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases import views

EVENTS = f"/api/v1/conventions/{REFERENCE}/events"
PAGE = f"/conventions/{REFERENCE}"
RECORDED = {"amount": "200000.00"}
"""What the payment records given its amount and blank optional inputs: nothing more."""


@pytest.fixture
def notified(loaded: App) -> App:
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    return loaded


def last_inputs(app: App) -> dict[str, str]:
    """The inputs of the convention's last event, as its history keeps them."""
    return dict(views.history(app, REFERENCE)[-1]["inputs"])


def test_a_payment_sent_with_a_blank_mandate_and_note_records_neither(
    client: httpx.Client, tokens: Tokens, notified: App
) -> None:
    inputs = {"amount": "200000", "mandate": "   ", "note": ""}
    answer = client.post(EVENTS, json={"event": "pay", "on": "2025-04-01", "inputs": inputs},
                         headers=bearer(tokens.admin))  # fmt: skip

    assert answer.status_code == 201, answer.text[:300]
    assert answer.json()["inputs"] == RECORDED
    assert last_inputs(notified) == RECORDED
    history = client.get(f"/api/v1/conventions/{REFERENCE}/history", headers=bearer(tokens.admin))
    assert history.json()[-1]["inputs"] == RECORDED


@pytest.mark.parametrize("amount", ["", "   ", "\u00a0\u202f"])
def test_a_payment_sent_with_a_blank_amount_is_refused_saying_it_is_required(
    client: httpx.Client, tokens: Tokens, notified: App, amount: str
) -> None:
    inputs = {"amount": amount, "note": "acompte"}
    answer = client.post(EVENTS, json={"event": "pay", "on": "2025-04-01", "inputs": inputs},
                         headers=bearer(tokens.admin))  # fmt: skip

    assert answer.status_code == 422, answer.text[:300]
    assert (answer.json()["code"], answer.json()["params"]["field"]) == ("required_input", "amount")
    assert steps.state(notified) == "payment"


def test_the_payment_form_with_its_optional_fields_left_empty_records_them_as_the_api_does(
    admin_browser: httpx.Client, notified: App
) -> None:
    page = admin_browser.get(PAGE).text

    answer = admin_browser.post(
        f"{PAGE}/evenements",
        data={"csrf_token": form_value(page, "csrf_token"), "event": "pay",
              "version": form_value(page, "version"), "on": "2025-04-01",
              "in_amount": "200000", "in_mandate": "   ", "in_note": ""},
    )  # fmt: skip

    assert answer.status_code in (200, 303), answer.text[:300]
    assert steps.state(notified) == "execution"
    assert last_inputs(notified) == RECORDED
