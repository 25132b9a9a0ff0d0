"""The single payment the Métropole forwent (rule 25), on the convention's dashboard page, read
in Chromium at a phone's width and a desktop's: the reference convention, notified on 20 March
2025, its payment forgone on 15 April. Before (A2), the page said « Versement — » and the state
« en attente de versement » for good. Skipped without Chromium, unless
CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import REFERENCE, Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.integration import steps
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]


def test_the_page_says_the_payment_was_forgone_and_the_convention_is_executed(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    loaded.clock.now = steps.at("2025-04-15T10:00:00Z")  # type: ignore[attr-defined]
    steps.record(loaded, "forgo_payment", "2025-04-15", reason="subvention réduite")
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        text = page.locator("main").inner_text().replace("\u00a0", " ").replace("\u202f", " ")
        assert "Versement\nnon versé : renonciation le mardi 15 avril 2025" in text, width
        assert "notifiée, en attente de versement → en exécution" in text, width  # its history
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
