"""The page of a convention whose single payment was completed by a balance, as its reader reads
it: the reference convention paid its 200 000,00 € on Tuesday 1 April 2025; avenant n°1,
in force on Saturday 3 May 2025, raised the amount to 250 000,00 €; the 50 000,00 € balance
was paid on Monday 5 May 2025. The page shows both payments, each with its date and amount,
and the total paid; not the first payment's date beside the total, as if it were the only one.
"""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from states.convention import Convention
from tests.http.conftest import REFERENCE, Tokens, bearer, sign_in
from tests.integration.steps import record
from tests.integration.test_balance_after_amendment import raise_by_avenant
from workflow.bootstrap import App

PAGE = f"/conventions/{REFERENCE}"


def words(html: str) -> str:
    """The page's text as read: tags dropped, entities decoded, every space a plain one."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def conditions(page: str) -> str:
    """The text of the page's « Conditions » section."""
    found = re.search(r'<section id="conditions".*?</section>', page, re.S)
    assert found, "no Conditions section"
    return words(found.group(0))


@pytest.fixture
def balance_paid(app: App, reference_convention: Convention) -> App:
    """Paid 200 000,00 € on 1 April 2025, raised to 250 000,00 € by avenant n°1 in force on
    3 May, its 50 000,00 € balance paid on 5 May 2025."""
    raise_by_avenant(app, reference_convention)
    record(app, "pay", "2025-05-05", amount="50000.00")
    return app


def test_the_page_lists_both_payments_with_their_dates_and_the_total(
    balance_paid: App, client: httpx.Client, tokens: Tokens
):
    assert sign_in(client, tokens.viewer).status_code == 303

    text = conditions(client.get(PAGE).text)

    assert "Versements 200 000,00 € le mardi 1er avril 2025 (premier versement)" in text, text
    assert "50 000,00 € le lundi 5 mai 2025 (solde après l'avenant)" in text, text
    assert "Total versé 250 000,00 € sur 250 000,00 €" in text, text
    assert "250 000,00 € le mardi 1er avril 2025" not in text  # the total on the first's day
    assert "Solde à verser" not in text


def test_while_the_balance_is_due_the_page_shows_the_one_payment_and_the_balance(
    app: App, reference_convention: Convention, client: httpx.Client, tokens: Tokens
):
    raise_by_avenant(app, reference_convention)
    assert sign_in(client, tokens.viewer).status_code == 303

    text = conditions(client.get(PAGE).text)

    assert "Versement 200 000,00 € le mardi 1er avril 2025" in text, text
    assert "Solde à verser 50 000,00 € (montant porté à 250 000,00 € par avenant" in text, text
    assert "Total versé" not in text


def test_the_api_gives_each_payment(balance_paid: App, client: httpx.Client, tokens: Tokens):
    status = client.get(f"/api/v1/conventions/{REFERENCE}", headers=bearer(tokens.viewer)).json()

    assert status["payments_made"] == [
        {"on": "2025-04-01", "amount": "200000.00", "instalment": 0, "balance": False},
        {"on": "2025-05-05", "amount": "50000.00", "instalment": 0, "balance": True},
    ]
    assert (status["paid_on"], status["paid_amount"]) == ("2025-04-01", "250000.00")
