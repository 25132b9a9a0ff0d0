"""The convention page's history is in recording order (the hash chain proves it): a dispute
letter received on 2 June 2025, logged after the Métropole's signature of avenant n° 1 dated
10 June, showed « 2 juin 2025 » below « 10 juin 2025 » with no word why. Its line is now marked
« saisi après coup : daté avant la ligne n° 9 du 10 juin 2025, saisie plus tôt », and the
table says its order; the lines recorded after a convention's import, dated before the import's
day, are not marked (the import is dated the day the file was loaded). Through the served app,
on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from html import unescape

import httpx

from tests.http.conftest import REFERENCE
from tests.integration import steps
from tests.integration.test_late_letter_after_avenant import avenant_signed_by_the_metropole
from workflow.bootstrap import App
from workflow.wording.dashboard import dated_before

NOTE = "saisi après coup : daté avant la ligne n° 9 du 10 juin 2025, saisie plus tôt"


def words(html: str) -> str:
    """The text as read: tags dropped, entities decoded, every space a plain one."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[\s\u202f\xa0]+", " ", text).replace(" ,", ",").strip()  # « </time>, »


def history_rows(page: str) -> dict[int, str]:
    """The history table's rows as read, by their number."""
    table = page[page.index('<table class="history') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr(?: [^>]*)?>(.*?)</tr>", table, re.S)[1:]  # the header left out
    return {int(words(row).split()[0]): words(row) for row in rows}


def test_a_letter_logged_late_is_marked_where_it_was_recorded(
    admin_browser: httpx.Client, loaded: App
) -> None:
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-06-12T09:00:00Z")  # type: ignore[attr-defined]
    avenant_signed_by_the_metropole(loaded)
    steps.record(loaded, "open_dispute", "2025-06-02", party="crpv", received="2025-06-02")

    page = admin_browser.get(f"/conventions/{REFERENCE}").text
    rows = history_rows(page)

    assert list(rows) == sorted(rows)  # the recording order, kept
    assert rows[10].startswith(f"10 2 juin 2025 {NOTE} Litige notifié"), rows[10]
    assert [seq for seq, row in rows.items() if "saisi après coup" in row] == [10], rows
    assert "Les lignes suivent l'ordre de leur saisie" in words(page)
    assert '<tr class="history-late">' in page


def test_a_history_in_date_order_marks_nothing(admin_browser: httpx.Client, loaded: App) -> None:
    """The import (dated the day the file was loaded, 25 November 2026 on the tests' clock),
    then the convention's 2025 life recorded in its order."""
    steps.bring_into_execution(loaded)

    page = admin_browser.get(f"/conventions/{REFERENCE}").text

    assert "saisi après coup" not in words(page)
    assert "Les lignes suivent l'ordre de leur saisie" not in words(page)
    assert "history-late" not in page


def test_each_line_is_held_against_the_latest_dated_line_before_it() -> None:
    history = [
        {"seq": 1, "event": "import", "date": "2026-11-25"},
        {"seq": 2, "event": "submit", "date": "2025-03-03"},
        {"seq": 3, "event": "sign", "date": "2025-06-14"},
        {"seq": 4, "event": "open_dispute", "date": "2025-06-10"},
        {"seq": 5, "event": "attach_document", "date": "2025-06-20"},
        {"seq": 6, "event": "settle", "date": "2025-06-12"},
        {"seq": 7, "event": "pay", "date": "2025-06-14"},
    ]

    earlier = dated_before(history)

    assert {seq: line["seq"] for seq, line in earlier.items()} == {4: 3, 6: 3}
