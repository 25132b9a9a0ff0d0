"""The convention page's history in Chromium at a phone's width and a desktop's: a dispute
letter received on 2 June 2025, logged after the avenant signature dated 10 June, stays where it
was recorded (the hash chain's order) and is marked, visibly, as dated before the line recorded
earlier; its mark fits the card at 375 px and the table's column at 1366 px. Skipped without
Chromium, unless CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import REFERENCE, Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.integration import steps
from tests.integration.test_late_letter_after_avenant import avenant_signed_by_the_metropole
from tests.reading import said
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]

NOTE = "saisi après coup : daté avant la ligne n° 9 du 10 juin 2025, saisie plus tôt"


@pytest.mark.parametrize("width", [375, 1366])
def test_a_letter_logged_late_is_marked_visibly_at_both_widths(
    page: Any, loaded: App, tokens: Tokens, width: int
) -> None:
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-06-12T09:00:00Z")  # type: ignore[attr-defined]
    avenant_signed_by_the_metropole(loaded)
    steps.record(loaded, "open_dispute", "2025-06-02", party="crpv", received="2025-06-02")
    sign_in_page(page, tokens.viewer)
    page.set_viewport_size({"width": width, "height": 900})

    page.goto(f"/conventions/{REFERENCE}#historique")

    rows = page.locator("table.history tbody tr")
    late = rows.last
    assert said(late.locator('td[data-label="N°"]').inner_text()) == "10", width
    note = late.locator(".history-late-note")
    note.scroll_into_view_if_needed()
    assert note.is_visible(), width
    assert said(note.inner_text()) == NOTE, (width, note.inner_text())
    assert page.locator("table.history .history-late-note").count() == 1, width
    background = "e => getComputedStyle(e).backgroundColor"
    marked = late.evaluate(background)
    plain = {rows.nth(n).evaluate(background) for n in (7, 8)}  # lines 8 and 9, striped or not
    assert marked not in plain, (width, marked, plain)  # the line stands out, not its note only
    box, cell = note.bounding_box(), late.locator('td[data-label="Date"]').bounding_box()
    assert box is not None and cell is not None, width
    assert box["x"] >= cell["x"] and box["x"] + box["width"] <= cell["x"] + cell["width"] + 1
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, width
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
