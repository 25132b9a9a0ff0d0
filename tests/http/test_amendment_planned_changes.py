"""An avenant's card on its convention's page, in its column « Avant → après »: while the avenant
was a draft or in signature it showed « — », the officer seeing neither « 31 décembre 2027 →
30 juin 2028 » nor the subsidy's « 45 000,00 € → 47 000,00 € » before every party had signed.
Now an open avenant shows the change it plans (before: the convention's value today; after: the
avenant's), marked « (prévu, si l'avenant est signé) », the subsidy's total from the avenant's
`new_total`; once in force, what it changed, unmarked. Through the served app, on SQLite and
PostgreSQL.

AMP-EXEMPLE-2027 (examples/): 45 000 € in two instalments (27 000 € and 18 000 €), term
31 December 2027."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import httpx

from tests.http.conftest import Tokens, sign_in
from tests.http.test_instalment_pages import EXAMPLE, PAGE, in_payment, notified
from tests.integration.steps import at
from workflow.bootstrap import App
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)

__all__ = ["in_payment", "notified"]

PLANNED = "(prévu, si l'avenant est signé)"
CHANGES = {"end_date": "2028-06-30", "instalment.2.amount": "20000.00"}


def card(client: httpx.Client, tokens: Tokens) -> str:
    """The avenant's card as read: tags dropped, entities decoded, every space a plain one."""
    assert sign_in(client, tokens.viewer).status_code == 303
    page = client.get(PAGE).text
    found = re.search(r'<article class="card amendment">(.*?)</article>', page, re.S)
    assert found, page
    return re.sub(r"[\s\u202f\xa0]+", " ", unescape(re.sub(r"<[^>]+>", " ", found.group(1))))


def amendment_event(app: App, event: str, on: date, **inputs: str) -> None:
    app.clock.now = at(f"{on.isoformat()}T10:00:00Z")  # type: ignore[attr-defined]
    record_amendment_event(app, RecordAmendmentEvent(EXAMPLE, 1, event, "alice", on, inputs),
                           app.clock())  # fmt: skip


def drafted(app: App) -> App:
    """Avenant n° 1 drafted on 10 March 2027: term 30 June 2028, instalment 2 at 20 000 €."""
    app.clock.now = at("2027-03-10T10:00:00Z")  # type: ignore[attr-defined]
    draft_amendment(app, DraftAmendment(EXAMPLE, CHANGES, "alice", date(2027, 3, 10)),
                    app.clock())  # fmt: skip
    return app


def test_a_draft_avenant_shows_the_change_it_plans(
    in_payment: App, client: httpx.Client, tokens: Tokens
) -> None:
    drafted(in_payment)

    said = card(client, tokens)

    assert f"Terme de la convention 30 juin 2028 31 décembre 2027 → 30 juin 2028 {PLANNED}" in said
    assert f"Montant du versement n° 2 20 000,00 € 18 000,00 € → 20 000,00 € {PLANNED}" in said, (
        said
    )
    assert (
        f"Montant de la subvention somme des versements 45 000,00 € → 47 000,00 € {PLANNED}" in said
    ), said
    assert " — " not in said


def test_an_avenant_in_signature_shows_it_too_and_once_signed_what_it_changed(
    in_payment: App, client: httpx.Client, tokens: Tokens
) -> None:
    drafted(in_payment)
    amendment_event(in_payment, "submit", date(2027, 3, 10))
    amendment_event(in_payment, "sign", date(2027, 3, 11), signatory="nadia.benali@example.org")

    said = card(client, tokens)
    assert "en signature" in said
    assert f"31 décembre 2027 → 30 juin 2028 {PLANNED}" in said, said
    assert f"45 000,00 € → 47 000,00 € {PLANNED}" in said, said

    amendment_event(in_payment, "sign", date(2027, 3, 12),
                    signatory="martial.alvarez@example.org")  # fmt: skip
    said = card(client, tokens)
    assert "en vigueur" in said and "prévu" not in said, said
    assert "Terme de la convention 30 juin 2028 31 décembre 2027 → 30 juin 2028" in said
    assert "Montant de la subvention somme des versements 45 000,00 € → 47 000,00 €" in said
