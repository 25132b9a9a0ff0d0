"""The dashboard's main pages with the longest values a convention file allows, as an
administrator sees them in Chromium on a phone (375 px) and a desktop screen (1366 px).

A 64-character reference with nowhere to break, a long title, a long party name and the
largest amount (999 999 999 999,99 €): no page is wider than the screen, no list runs past
it in its sideways scroll, a usual reference still reads on one line, and a history date on
a desktop screen reads on one line. Skipped without Chromium, unless CONVFLOW_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from states.convention import Convention
from states.identifiers import REFERENCE_FORM
from states.inputs import LARGEST_AMOUNT
from tests.http.conftest import LONG_REFERENCE, LONG_TITLE, REFERENCE, Tokens
from tests.http.test_browser import (
    PAGE_WIDER_THAN_SCREEN,
    PAST_RIGHT,
    SHOTS,
    database_url,
    page,
    sign_in_page,
)
from tests.integration import steps
from workflow.bootstrap import App
from workflow.files.spreadsheet import template_csv
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]  # the fixtures, shared with the dashboard's browser tests

LONG_DRAFT = "AMP_BROUILLON_2024_2030_QUARTIERSNORD_PREVENTIONSPECIALISEE_LONG"
"""A draft's reference as long as the first, for its edit page."""
LONG_IMPORTED = "AMP_TABLEAU_2024_2030_QUARTIERSNORD_PREVENTIONSPECIALISEE_LONGUE"
"""A reference as long, in a spreadsheet the import page reads."""
LONG_PARTY = (
    "Association intercommunale pour la prévention spécialisée, l'insertion sociale et "
    "professionnelle des jeunes des quartiers nord de Marseille et de leurs familles"
)
LONG_FILE = "tableau_des_conventions_contrat_de_ville_2024_2030_quartiers_nord_version_finale.csv"
WIDTHS = [375, 1366]
# How many lines an inline element is laid out on (one box per line).
_LINES = "e => e.getClientRects().length"
_LIST_SCROLLS = "e => e.scrollWidth > e.clientWidth + 1"
_LISTS = ".table-wrap:has(table.list), .table-wrap:has(th[scope=row])"
"""The boxes of the tables that list conventions, rows or terms (not the history: on a phone it
may scroll sideways, from the keyboard too)."""


@pytest.fixture
def longest(app: App, reference_convention: Convention) -> App:
    """The reference convention in force (a usual reference), and beside it a convention with
    the longest values, notified on 2 June 2025 (its history has dates and instants), and a
    draft as long; read on 10 June 2025 at 14:05, Paris time."""
    for reference in (LONG_REFERENCE, LONG_DRAFT, LONG_IMPORTED):
        assert len(reference) == 64 and re.match(REFERENCE_FORM, reference), reference
    app.clock.now = steps.at("2025-06-10T12:05:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_force(app)
    parties = [replace(reference_convention.parties[0]),
               replace(reference_convention.parties[1], name=LONG_PARTY)]  # fmt: skip
    longest = replace(reference_convention, reference=LONG_REFERENCE, title=LONG_TITLE,
                      amount=LARGEST_AMOUNT, parties=parties)  # fmt: skip
    steps.load(app, longest)
    steps.load(app, replace(longest, reference=LONG_DRAFT))
    for event, on, inputs in (("submit", "2025-05-26", {}),
                              ("sign", "2025-05-27", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-05-28", {"signatory": steps.CRPV}),
                              ("notify", "2025-06-02", {})):  # fmt: skip
        command = RecordEvent(LONG_REFERENCE, event, "alice", date.fromisoformat(on), inputs)
        record_event(app, command, app.clock())
    return app


def spreadsheet(folder: Path) -> Path:
    """The import template's example row with the longest values, under a long file name."""
    header, example = list(csv.reader(io.StringIO(template_csv())))
    row = dict(zip(header, example, strict=True))
    row.update(reference=LONG_IMPORTED, title=LONG_TITLE, amount=str(LARGEST_AMOUNT),
               party2_name=LONG_PARTY)  # fmt: skip
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerows([header, [row[column] for column in header]])
    path = folder / LONG_FILE
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def fits_the_screen(page: Any, where: str, width: int) -> None:
    """Nothing sideways: the page is no wider than the screen, and on a desktop screen no list
    runs past its box (it would scroll sideways inside it)."""
    if SHOTS:
        name = re.sub(r"[^a-z0-9]+", "-", where.lower()).strip("-")[:40] or "accueil"
        page.screenshot(path=str(Path(SHOTS) / f"long-{name}-{width}.png"), full_page=True)
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), (where, page.evaluate(PAST_RIGHT))
    if width == 1366:
        for table in page.locator(_LISTS).all():
            assert not table.evaluate(_LIST_SCROLLS), (where, table.get_attribute("aria-label"))


@pytest.mark.parametrize("width", WIDTHS)
def test_the_longest_values_push_no_page_wider_than_the_screen(
    page: Any, longest: App, tokens: Tokens, tmp_path: Path, width: int
):
    """At 1366 px the list of conventions was 1616 px wide in its 1200 px box (the reference
    never broke); the draft edit page was 1512 px wide (1096 px at 375 px) for its heading;
    the import report was 763 px wide at 375 px for the file's name."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.admin)

    for address in ("/", "/conventions", "/echeances", f"/conventions/{LONG_REFERENCE}",
                    f"/conventions/{LONG_DRAFT}/modifier", "/import"):  # fmt: skip
        page.goto(address)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        fits_the_screen(page, address, width)

    page.goto("/conventions")
    row = page.locator("table.list tbody tr", has_text=LONG_REFERENCE)
    expect(row).to_contain_text(LONG_PARTY)
    expect(row).to_contain_text("999\u202f999\u202f999\u202f999,99\xa0€")
    if width == 1366:  # a usual reference still reads on one line
        usual = page.get_by_role("link", name=REFERENCE, exact=True)
        assert usual.evaluate(_LINES) == 1

    page.goto(f"/conventions/{LONG_DRAFT}/modifier")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Modifier le brouillon {LONG_DRAFT}")

    page.goto("/import")
    page.get_by_label("Tableau (CSV ou Excel .xlsx)").set_input_files(str(spreadsheet(tmp_path)))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", name="Rapport : 1 convention à créer")).to_be_visible()
    # The name stays with its guillemets (no-break spaces), breaking inside itself if it must.
    assert f"«\xa0{LONG_FILE}\xa0»" in page.locator("main").inner_text()
    fits_the_screen(page, "import report", width)
    page.get_by_role("button", name=re.compile(r"^Importer (la|les) ")).click()
    expect(page.get_by_role("link", name=LONG_IMPORTED)).to_be_visible()
    fits_the_screen(page, "imported", width)


def test_on_a_desktop_screen_each_history_date_reads_on_one_line(
    page: Any, longest: App, tokens: Tokens
):
    """At 1366 px « 10 juin 2025 à 14:05 » was laid out on three lines in the history's « Saisi
    le » column, « 26 mai 2025 » on two in its « Date » column: each is on one line now, the
    table still within its box."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1366, "height": 800})
    sign_in_page(page, tokens.admin)
    page.goto(f"/conventions/{LONG_REFERENCE}")

    history = page.locator("table.history")
    expect(history.locator("tbody tr")).to_have_count(5)
    expect(history.locator("tbody tr").last).to_contain_text("10\xa0juin 2025 à 14:05")
    times = history.locator("time")
    expect(times).to_have_count(10)  # each row's date and the instant it was recorded
    for time in times.all():
        assert time.evaluate(_LINES) == 1, time.inner_text()
    wrap = page.locator(".table-wrap", has=history)
    assert not wrap.evaluate(_LIST_SCROLLS)
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
