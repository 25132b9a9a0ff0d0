"""/echeances in Chromium at a phone's width and a desktop's, read before the service's pass
after the term: the term of 31 December 2025, passed and not yet recorded, was listed among
« À venir » (« il y a 3 jours »); it is under « En retard », in a table that fits the screen
(cards at 375 px), and nothing is to come. Skipped without Chromium, unless
CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.integration import steps
from tests.reading import said
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]


@pytest.mark.parametrize("width", [375, 1366])
def test_a_term_passed_and_not_recorded_is_shown_late_at_both_widths(
    page: Any, loaded: App, tokens: Tokens, width: int
) -> None:
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2026-01-03T09:00:00Z")  # type: ignore[attr-defined]
    sign_in_page(page, tokens.viewer)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto("/echeances")

    late = page.locator("section[aria-labelledby=en-retard]")
    heading = late.get_by_role("heading", name="Échéances passées, pas encore closes")
    assert heading.is_visible(), width
    row = late.locator("table tbody tr").first
    assert "Terme de la convention" in said(row.inner_text()), width
    assert said(row.locator('td[data-label="Échue"]').inner_text()) == "il y a 3 jours", width
    status = said(page.locator(".results-count").inner_text())
    assert status == "0 échéance dans les 90 prochains jours.", (width, status)
    assert page.get_by_text("Aucune échéance sur cette période.").is_visible(), width
    box = row.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, width
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
