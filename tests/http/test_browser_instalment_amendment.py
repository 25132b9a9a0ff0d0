"""An avenant raising an instalment already paid, on the dashboard page, read in Chromium at a
phone's width and a desktop's: AMP-EXEMPLE-2027, its n° 1 (27 000,00 €) paid on 1 February
2027, then raised to 30 000,00 € by avenant n° 1 in force on 15 March. The schedule says the
balance, the consolidated terms say who set the instalment's amount and the new total, the
payment form is filled with the balance, and the page never runs wider than the screen.
Skipped without Chromium, unless CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.http.conftest import Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.http.test_browser_balance_after_end import EXAMPLE, record, shot
from tests.integration import steps
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]


def first_raised(app: App) -> None:
    """In force on 8 January 2027, n° 1 paid on 1 February, raised to 30 000,00 € on 15 March."""
    from tests.conftest import ROOT

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
    app.clock.now = steps.at("2027-03-15T10:00:00Z")  # type: ignore[attr-defined]
    drafted = DraftAmendment(EXAMPLE, {"instalment.1.amount": "30000.00"}, "alice",
                             date(2027, 3, 15))  # fmt: skip
    draft_amendment(app, drafted, app.clock())
    for event, inputs in (("submit", {}), ("sign", {"signatory": "nadia.benali@example.org"}),
                          ("sign", {"signatory": "martial.alvarez@example.org"})):  # fmt: skip
        command = RecordAmendmentEvent(EXAMPLE, 1, event, "alice", date(2027, 3, 15), inputs)
        record_amendment_event(app, command, app.clock())


def test_the_page_says_the_raised_instalment_its_balance_and_who_set_it(
    page: Any, app: App, tokens: Tokens
) -> None:
    first_raised(app)
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{EXAMPLE}")
        shot(page, f"instalment-amended-{width}", "main")
        text = page.locator("main").inner_text().replace("\u00a0", " ").replace("\u202f", " ")
        assert "solde de 3 000,00 € à verser après l’avenant" in text, width
        # a table's row at 1366 px, a card at 375 px (its cells one under the other)
        read = " ".join(text.split())
        assert "Montant du versement n° 1 30 000,00 € avenant n° 1" in read, width
        assert "48 000,00 €" in text, width
        assert page.locator('input[name="in_amount"]').first.input_value() == "3000.00", width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
