"""A termination notice the term overrides (rule 10), on the dashboard read in Chromium at a
phone's width and a desktop's (inbox test I9): the convention's page and the list said « en
cours de résiliation », and the page « elle prend effet le 15 avril 2026 », a day after the
term, while the emails say the convention runs to its term and the notice will have no effect.
Both now say what the emails say; nothing runs off the screen. Skipped without Chromium,
unless CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import REFERENCE, Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.integration import steps
from tests.reading import said
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]

OVERRIDDEN = "en exécution jusqu'à son terme (résiliation notifiée, sans effet)"


def test_the_page_and_the_list_say_the_notice_will_have_no_effect_at_both_widths(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-10-16T09:00:00Z")  # type: ignore[attr-defined]
    steps.record(loaded, "give_notice", "2025-10-15", party="crpv", received="2025-10-15")
    sign_in_page(page, tokens.viewer)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        badge = page.locator(".page-header .badge")
        assert said(badge.inner_text()) == OVERRIDDEN, width
        notice = page.locator(".alert").filter(has_text="Résiliation sans effet")
        text = said(notice.first.inner_text())
        assert (
            "le mercredi 15 octobre 2025 : elle restera sans effet, son préavis courant "
            "jusqu'au mercredi 15 avril 2026, après le terme. La convention poursuit son "
            "exécution et expirera à son terme, le mercredi 31 décembre 2025." in text
        ), (width, text)
        assert "prend effet" not in text, (width, text)
        box = notice.first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width

        page.goto("/conventions")
        cell = page.locator("table.list tbody tr").first.locator('td[data-label="État"]')
        assert said(cell.inner_text()) == OVERRIDDEN, width
        assert cell.is_visible(), width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width


def test_the_lifecycle_under_the_diagram_says_it_too_at_both_widths(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    """« État actuel : en cours de résiliation » stood under the diagram, beside a badge and
    an alert saying the notice will have no effect."""
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-10-16T09:00:00Z")  # type: ignore[attr-defined]
    steps.record(loaded, "give_notice", "2025-10-15", party="crpv", received="2025-10-15")
    sign_in_page(page, tokens.viewer)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}#cycle")
        current = page.locator("#cycle figcaption p").first
        text = said(current.inner_text())
        assert text.startswith(f"État actuel : {OVERRIDDEN}."), (width, text)
        assert "en cours de résiliation" not in text, (width, text)
        box = current.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
