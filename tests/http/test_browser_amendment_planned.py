"""An open avenant's planned change, read on its convention's page in Chromium at a phone's
width and a desktop's: its card's column « Avant → après » said « — » until every party had
signed; it now says « 31 décembre 2027 → 30 juin 2028 (prévu, si l'avenant est signé) » and the
subsidy's « 45 000,00 € → 47 000,00 € », readable (the table scrolls in its own frame at a
phone's width, the page does not). Skipped without Chromium, unless CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import Tokens
from tests.http.test_amendment_planned_changes import PLANNED, drafted
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.http.test_instalment_pages import PAGE, in_payment, notified
from tests.reading import said
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "in_payment", "notified", "page"]


def test_the_avenant_card_shows_its_planned_change_at_both_widths(
    page: Any, in_payment: App, tokens: Tokens
) -> None:
    drafted(in_payment)
    sign_in_page(page, tokens.viewer)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(PAGE)
        card = page.locator("article.card.amendment")
        rows = [said(r) for r in card.locator("tbody tr").all_inner_texts()]
        term = next(r for r in rows if r.startswith("Terme de la convention"))
        assert term.endswith(f"31 décembre 2027 → 30 juin 2028 {PLANNED}"), (width, rows)
        total = next(r for r in rows if r.startswith("Montant de la subvention"))
        assert total.endswith(f"45 000,00 € → 47 000,00 € {PLANNED}"), (width, rows)
        cell = card.locator("tbody tr").first.locator("td").last
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0, width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
