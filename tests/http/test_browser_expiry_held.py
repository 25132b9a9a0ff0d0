"""The expiry held while an extension is in signature (rule 27), on the convention's page read
in Chromium at a phone's width and a desktop's: the alert names the signatory the avenant waits
for as the emails do, by name, title and party, not by email, and the avenant's card names
who signed it alike; nothing runs off the screen. Skipped without Chromium, unless
CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import REFERENCE, Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.integration import steps
from tests.integration.test_amendments import amend, amendment
from workflow.bootstrap import App
from workflow.usecases.due import run_due

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]


def test_the_held_expiry_names_the_signatory_awaited_by_name_at_both_widths(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-12-16T09:00:00Z")  # type: ignore[attr-defined]
    amend(loaded, "2025-12-15", end_date="2026-06-30")
    amendment(loaded, 1, "submit", "2025-12-15")
    amendment(loaded, 1, "sign", "2025-12-16", signatory=steps.CRPV)
    loaded.clock.now = steps.at("2026-01-02T09:00:00Z")  # type: ignore[attr-defined]
    run_due(loaded, loaded.clock())
    sign_in_page(page, tokens.viewer)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        alert = page.get_by_role("alert").filter(has_text="Arrivée à terme suspendue")
        if not alert.count():  # an alert may be a status region rather than role=alert
            alert = page.locator(".alert").filter(has_text="Arrivée à terme suspendue")
        said = " ".join(alert.first.inner_text().replace("\u00a0", " ").split())
        assert (
            "attend la signature de Martial Alvarez, Vice-Président délégué, pour la "
            "Présidente (Métropole Aix-Marseille-Provence)." in said
        ), (width, said)
        assert steps.METROPOLE not in said, width
        assert alert.first.is_visible(), width
        box = alert.first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, width
        card = page.locator("article.amendment").first.inner_text().replace("\u00a0", " ")
        assert "Signé par Mustapha Berra, Directeur-ordonnateur (GIP Centre" in card, width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width


def test_the_conventions_list_says_the_held_expiry_at_both_widths(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    """The list said only « en exécution » and the term, passed: its state now says the term
    passed and the expiry suspended until the last day, with the avenant in signature, as
    `convflow list` does; nothing runs off the screen."""
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-12-16T09:00:00Z")  # type: ignore[attr-defined]
    amend(loaded, "2025-12-15", end_date="2026-06-30")
    amendment(loaded, 1, "submit", "2025-12-15")
    amendment(loaded, 1, "sign", "2025-12-16", signatory=steps.CRPV)
    loaded.clock.now = steps.at("2026-01-02T09:00:00Z")  # type: ignore[attr-defined]
    run_due(loaded, loaded.clock())
    sign_in_page(page, tokens.viewer)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/conventions")
        cell = page.locator("table.list tbody tr").first.locator('td[data-label="État"]')
        said = " ".join(cell.inner_text().replace("\u00a0", " ").split())
        assert "en exécution" in said, (width, said)
        assert (
            "terme passé le 31 décembre 2025, arrivée à terme suspendue jusqu'au 7 janvier 2026 "
            "inclus (avenant n° 1 en signature)" in said
        ), (width, said)
        assert cell.is_visible(), width
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), width
