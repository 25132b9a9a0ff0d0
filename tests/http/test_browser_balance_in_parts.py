"""A balance paid on its own day, and a balance given up, on the dashboard page, read in Chromium
at a phone's width and a desktop's (finance tester, H1 and H2): AMP-EXEMPLE-2027, its n° 1
(27 000,00 €) paid on 1 February 2027, raised to 30 000,00 € by avenant n° 1 on 15 March, its
balance paid on 10 May; the reference convention, raised to 250 000,00 € after its payment,
its balance given up by the Métropole. Each part with its day, the renunciation with its
amount, and the page never wider than the screen. Skipped without Chromium, unless
CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from states.convention import Convention
from tests.http.conftest import REFERENCE, Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.http.test_browser_balance_after_end import EXAMPLE, record, shot
from tests.http.test_browser_instalment_amendment import first_raised
from tests.integration import steps
from tests.integration.test_balance_after_amendment import raise_by_avenant
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]


def text_of(page: Any) -> str:
    """The page's main text as read, every space one plain space."""
    return " ".join(page.locator("main").inner_text().replace("\u00a0", " ")
                    .replace("\u202f", " ").split())  # fmt: skip


def test_the_schedule_says_each_part_of_the_instalment_on_its_day(
    page: Any, app: App, tokens: Tokens
) -> None:
    first_raised(app)
    record(app, "pay", "2027-05-10", amount="3000.00", instalment="1")
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{EXAMPLE}")
        shot(page, f"instalment-in-parts-{width}", "#conditions")
        text = text_of(page)
        assert (
            "versé 27 000,00 € le 1er février 2027, puis le solde de 3 000,00 € le 10 mai 2027"
        ) in text, width
        assert "versé le 10 mai 2027" not in text, width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width


def test_the_conditions_say_the_balance_given_up_with_its_amount(
    page: Any, app: App, reference_convention: Convention, tokens: Tokens
) -> None:
    raise_by_avenant(app, reference_convention)
    app.clock.now = steps.at("2025-05-20T10:00:00Z")  # type: ignore[attr-defined]
    steps.record(app, "forgo_payment", "2025-05-20", reason="action complémentaire abandonnée")
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        shot(page, f"balance-forgone-{width}", "#conditions")
        text = text_of(page)
        assert "Versement 200 000,00 € le mardi 1er avril 2025" in text, width
        assert (
            "Solde 50 000,00 € (fixé par l’avenant n° 1) : renonciation de la Métropole le "
            "mardi 20 mai 2025"
        ) in text, width
        assert "n° 0" not in text, width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
