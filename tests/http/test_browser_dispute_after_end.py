"""A dispute still open at the convention's end, on its dashboard page (rule 24), read in
Chromium at a phone's width and a desktop's: the alert says the dispute outlives the end and
its window, the events possible are the dispute's, and so are the ways out named beside the
drawing; a convention ended without a dispute offers none of them. Skipped without Chromium,
unless CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import REFERENCE, Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.http.test_diagram_browser import reach
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases.due import run_due

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]


def ended(app: App, dispute: bool) -> None:
    """The reference convention in execution, a dispute opened on 15 December 2025 (window to
    14 January 2026) or none, and its term of 31 December 2025 applied on 1 January 2026."""
    clock = app.clock
    clock.now = steps.at("2025-04-01T10:00:00Z")  # type: ignore[attr-defined]
    reach(app, "execution")
    if dispute:
        clock.now = steps.at("2025-12-15T10:00:00Z")  # type: ignore[attr-defined]
        steps.record(app, "open_dispute", party="crpv", received="2025-12-15")
    clock.now = steps.at("2026-01-02T10:00:00Z")  # type: ignore[attr-defined]
    run_due(app, clock())
    assert steps.state(app) == "expired"


def test_an_expired_convention_shows_its_dispute_still_open_and_its_events(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    ended(loaded, dispute=True)
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        text = page.locator("#cycle").inner_text().replace("\u00a0", " ")
        assert "La convention a pris fin, mais le litige ouvert par" in text, width
        assert "code civil, art. 1230" in text and "14 janvier 2026" in text, width
        assert (
            "Événements possibles : enregistrer le règlement amiable, enregistrer la saisine du "
            "tribunal." in text
        ), width
        named = page.locator(".ways-out li").evaluate_all("all => all.map(e => e.dataset.events)")
        # what « Événements possibles » says, no more: no report awaited, not in court yet
        assert named == ["settle go_to_court"], width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width


def test_an_expired_convention_without_a_dispute_offers_none_of_its_events(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    ended(loaded, dispute=False)
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        text = page.locator("#cycle").inner_text()
        assert "Aucun événement ne peut plus être saisi." in text, width
        assert "Litige (article 6)" not in text, width
        named = page.locator(".ways-out li").evaluate_all("all => all.map(e => e.dataset.events)")
        assert all(event not in way for way in named for event in ("settle", "go_to_court")), width
