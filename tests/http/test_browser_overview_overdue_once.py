"""The overview in Chromium at a phone's width and a desktop's, read on 22 April 2025 before
the service's pass: the payment target of Saturday 19 April, passed and unpaid, was named under
« En retard » and again in the section of the next 90 days (« En retard : échéance passée, pas
encore close »). It is named once, under « En retard », visible within the screen. Skipped
without Chromium, unless CONVFLOW_REQUIRE_BROWSER=1."""

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
def test_a_payment_passed_and_unpaid_is_named_once_at_both_widths(
    page: Any, loaded: App, tokens: Tokens, width: int
) -> None:
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    loaded.clock.now = steps.at("2025-04-22T09:00:00Z")  # type: ignore[attr-defined]
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, tokens.viewer)

    shown = said(page.locator("main").inner_text())
    assert shown.count("samedi 19 avril 2025") == 1, (width, shown)
    late = page.locator("section[aria-labelledby=en-retard] .late-item")
    assert late.count() == 1 and "samedi 19 avril 2025" in said(late.inner_text()), width
    assert late.is_visible(), width
    coming = page.locator("section[aria-labelledby=a-venir]")
    assert coming.locator(".timeline-passed").count() == 0, width
    assert "il y a" not in said(coming.inner_text()), width
    assert coming.get_by_text("Aucune échéance dans les 90 prochains jours.").is_visible(), width
    box = late.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, width
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
