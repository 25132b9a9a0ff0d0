"""A termination notice the term overrides (rule 10), in the dashboard's lists of deadlines read
in Chromium at a phone's width and a desktop's: the convention page's deadlines, the overview's
« Échéances des 90 prochains jours » and /echeances listed « Prise d'effet de la résiliation »
on the term's day, and the overview and /echeances badges said « en cours de résiliation ».
They now say « Résiliation sans effet : la convention expire à son terme le … » and the state
as the emails say it; nothing runs off the screen. Skipped without Chromium, unless
CONVFLOW_REQUIRE_BROWSER=1."""

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
LINE = "Résiliation sans effet : la convention expire à son terme le"


def on_screen(box: dict[str, float] | None, width: int) -> bool:
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def test_the_lists_say_the_termination_is_without_effect_at_both_widths(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-10-16T09:00:00Z")  # type: ignore[attr-defined]
    steps.record(loaded, "give_notice", "2025-10-15", party="crpv", received="2025-10-15")
    sign_in_page(page, tokens.viewer)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        headings = [said(h) for h in page.locator("article.deadline h3").all_inner_texts()]
        assert f"{LINE} mercredi 31 décembre 2025 à venir" in headings, (width, headings)
        assert not any(h.startswith("Prise d'effet") for h in headings), (width, headings)
        line = page.locator("article.deadline h3").filter(has_text="Résiliation sans effet")
        assert on_screen(line.bounding_box(), width), width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width

        page.goto("/")
        item = page.locator(".timeline-item").filter(has_text="Résiliation sans effet")
        text = said(item.inner_text())
        assert f"{LINE} 31 décembre 2025 — {REFERENCE} {OVERRIDDEN}" in text, (width, text)
        assert on_screen(item.bounding_box(), width), width
        timeline = said(page.locator(".timeline").inner_text())
        assert "Prise d'effet" not in timeline and "en cours de résiliation" not in timeline
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width

        page.goto("/echeances?jours=90")
        row = page.locator("table.list tbody tr").filter(has_text="Résiliation sans effet")
        cell = row.locator('td[data-label="Échéance"]')
        assert said(cell.inner_text()) == f"{LINE} 31 décembre 2025", width
        state = row.locator('td[data-label="État"]')
        assert said(state.inner_text()) == OVERRIDDEN, width
        assert on_screen(cell.bounding_box(), width) and on_screen(state.bounding_box(), width)
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
