"""An instalment still unpaid at the convention's end, on its dashboard page (rule 25), read in
Chromium at a phone's width and a desktop's: AMP-EXEMPLE-2027 expired with its balance of
18 000 € due on its activity report; the alert says what remains to pay and on what condition,
the events possible are the payment's, and once the Métropole forgoes it the schedule says so
and nothing is possible any more. Skipped without Chromium, unless CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.http.conftest import Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.integration import steps
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.usecases import views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event
from workflow.usecases.due import run_due

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]

EXAMPLE = "AMP-EXEMPLE-2027"


def record(app: App, event: str, on: str, **inputs: str) -> None:
    app.clock.now = steps.at(f"{on}T10:00:00Z")  # type: ignore[attr-defined]
    record_event(app, RecordEvent(EXAMPLE, event, "alice", date.fromisoformat(on), inputs),
                 app.clock())  # fmt: skip


def expired_with_its_balance(app: App) -> None:
    """The example convention in force on 8 January 2027, its first instalment paid on 1
    February, its term of 31 December 2027 applied on 2 January 2028."""
    app.clock.now = steps.at("2027-01-04T09:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, read_convention_file(
        ROOT / "examples" / "convention-exemple-quartiers-nord-2027.toml",
        payment_target_days=30, signature_target_days=7,
    ))  # fmt: skip
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory="nadia.benali@example.org")
    record(app, "sign", "2027-01-08", signatory="martial.alvarez@example.org")
    record(app, "notify", "2027-01-15")
    record(app, "pay", "2027-02-01", amount="27000.00")
    app.clock.now = steps.at("2028-01-02T10:00:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock())
    assert views.status(app, EXAMPLE)["state"] == "expired"


def shot(page: Any, name: str, where: str = "#cycle") -> None:
    """A screenshot of a part of the page to look at, when CONVFLOW_SCREENSHOTS names a
    folder."""
    folder = os.environ.get("CONVFLOW_SCREENSHOTS")
    if folder:
        page.locator(where).first.screenshot(path=f"{folder}/{name}.png")


def test_an_expired_convention_says_what_remains_to_pay_and_offers_its_events(
    page: Any, app: App, tokens: Tokens
) -> None:
    expired_with_its_balance(app)
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{EXAMPLE}")
        shot(page, f"balance-after-end-{width}")
        text = page.locator("#cycle").inner_text().replace("\u00a0", " ").replace("\u202f", " ")
        assert "Reste à verser" in text, width
        assert (
            "La convention a pris fin, mais ce qui a été acquis pendant sa durée reste dû : "
            "versement n° 2 : 18 000,00 €, à la réception du document « bilan d'activité 2027 » "
            "(pas encore reçu)." in text
        ), width
        assert "Aucun événement ne peut plus être saisi." not in text, width
        assert (  # the document of the balance, not only the financial report (rule 25)
            "Événements possibles : enregistrer le versement, enregistrer la réception du "
            "document, enregistrer la renonciation à un versement." in text
        ), width
        named = page.locator(".ways-out li").evaluate_all("all => all.map(e => e.dataset.events)")
        assert named == ["report_received pay forgo_payment"], width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width

    record(app, "forgo_payment", "2028-07-03", instalment="2", reason="bilan jamais transmis")
    sign_in_page(page, tokens.admin)  # six months on: a new session
    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{EXAMPLE}")
        shot(page, f"balance-forgone-{width}", ".table-wrap:has(caption)")
        text = page.locator("main").inner_text().replace("\u00a0", " ").replace("\u202f", " ")
        assert "Reste à verser" not in text, width
        assert "Aucun événement ne peut plus être saisi." in text, width
        assert "non versé : renonciation le 3 juillet 2028" in text, width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
