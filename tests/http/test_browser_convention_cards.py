"""The convention page's tables on a phone (375 px) read as cards, as the list's rows do: no
table scrolls sideways, no column is cut, each cell shows its column's name; on a desktop
(1366 px) they stay tables. Read in Chromium; skipped without it, unless
CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.http.conftest import REFERENCE, Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.integration import steps
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]

TABLES = (
    "Conditions consolidées (tableau)",
    "Rappels prévus et envoyés (tableau)",
    "Ce que l'avenant change (tableau)",
    "Historique (tableau)",
)
"""The convention page's tables the officer saw scroll sideways at 375 px."""

UNNAMED = """() => [...document.querySelectorAll('.table-wrap table')].flatMap((table) => {
  const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
  return [...table.querySelectorAll('tbody td')]
    .filter((td) => {
      const column = [...td.parentElement.children].indexOf(td);
      return td.getAttribute('data-label') !== heads[column];
    })
    .map((td) => [table.closest('.table-wrap').getAttribute('aria-label'),
                  td.outerHTML.slice(0, 80)]);
})"""
"""The page's table cells that do not carry their column's header as their name (data-label)."""

CELLS = """(label) => {
  const wrap = [...document.querySelectorAll('.table-wrap')]
    .find((w) => w.getAttribute('aria-label') === label);
  if (!wrap) return null;
  const cells = [...wrap.querySelectorAll('tbody td')].map((td) => {
    const box = td.getBoundingClientRect();
    return {
      said: getComputedStyle(td, '::before').content,
      left: box.left, right: box.right,
    };
  });
  return {
    scrolls: wrap.scrollWidth > wrap.clientWidth,
    head: getComputedStyle(wrap.querySelector('thead')).position,
    cells,
  };
}"""


def test_the_convention_page_tables_are_cards_on_a_phone_and_tables_on_a_desktop(
    page: Any, loaded: App, tokens: Tokens
) -> None:
    steps.bring_into_execution(loaded)
    steps.amend_and_sign(loaded, {"end_date": "2026-06-30"})
    loaded.clock.now = steps.at("2025-06-10T09:00:00Z")  # type: ignore[attr-defined]
    sign_in_page(page, tokens.viewer)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/conventions/{REFERENCE}")
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    assert page.evaluate(UNNAMED) == []  # a new column cannot come without its name on a phone
    for label in TABLES:
        found = page.evaluate(CELLS, label)
        assert found is not None, label
        assert not found["scrolls"], label
        assert found["head"] == "absolute", label  # the header read by screen readers only
        for cell in found["cells"]:
            assert cell["said"] not in ("none", "normal", '""'), (label, cell)
            assert cell["said"].endswith('\u00a0: "'), (label, cell)
            assert cell["left"] >= 0 and cell["right"] <= 375, (label, cell)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/conventions/{REFERENCE}")
    for label in TABLES:
        found = page.evaluate(CELLS, label)
        assert found["head"] != "absolute", label
        assert all(cell["said"] in ("none", "normal") for cell in found["cells"]), label


def test_every_cell_of_the_convention_page_is_written_with_its_columns_name() -> None:
    """Tables the scenario above does not show (the schedule of instalments) too: each cell of
    the page's template is written with the name of its column, which the phone shows."""
    written = (Path(__file__).parents[2] / "workflow/http/templates/convention.html").read_text()
    assert [cell for cell in re.findall(r"<td\b[^>]*>", written) if "data-label=" not in cell] == []
