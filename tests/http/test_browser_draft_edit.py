"""An administrator, in Chromium on a phone and on a desktop screen, opens a draft from its page
with « Modifier le brouillon », corrects a typo in its title and saves: the page says it is
saved, and every other term of the draft (those the form shows and those it carries in hidden
inputs) is as it was. Skipped without Chromium, unless CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.http.test_draft_edit_round_trip import (
    NEW_TITLE,
    load_draft,
    only_the_title_changed,
    status_but_the_title,
    stored,
)
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]  # the fixtures, shared with the dashboard's browser tests


@pytest.mark.parametrize("draft", ["reference", "rich"])
@pytest.mark.parametrize("width", [375, 1366])
def test_an_administrator_corrects_a_draft_s_title_and_nothing_else_changes(
    page: Any, app: App, tokens: Tokens, width: int, draft: str
):
    from playwright.sync_api import expect

    reference = load_draft(app, draft)
    before, status_before = stored(app, reference), status_but_the_title(app, reference)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, tokens.admin)

    page.goto(f"/conventions/{reference}")
    page.get_by_role("link", name="Modifier le brouillon").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Modifier le brouillon {reference}")
    expect(page.get_by_label("Intitulé")).to_have_value(before.title)
    page.get_by_label("Intitulé").fill(NEW_TITLE)
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "« Modifier le brouillon » : c'est enregistré"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEW_TITLE)
    expect(page.locator(".page-header .badge")).to_have_text("en préparation")
    only_the_title_changed(app, reference, before, status_before)
