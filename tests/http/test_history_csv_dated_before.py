"""historique.csv, as the dashboard and the API export it, of a dispute letter received on
2 June 2025 and logged after the Métropole's signature of avenant n° 1 dated 10 June: the page
marks the letter's line, the export did not. A last column « saisi après coup, daté avant »
names the line recorded earlier and its date as recorded (« ligne n° 9 du 2025-06-10 »); the
columns before it are as they were. Read with the csv module; SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import httpx

from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.integration import steps
from tests.integration.test_late_letter_after_avenant import avenant_signed_by_the_metropole
from workflow.bootstrap import App

COLUMNS = ["n°", "date", "événement", "de", "vers", "par", "saisi le (UTC)", "données",
           "saisi après coup, daté avant"]  # fmt: skip


def rows(answer: httpx.Response) -> list[list[str]]:
    assert answer.status_code == 200, answer.text
    return list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff")), delimiter=";"))


def test_the_export_names_the_line_the_letter_is_dated_before(
    admin_browser: httpx.Client, client: httpx.Client, tokens: Tokens, loaded: App
) -> None:
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-06-12T09:00:00Z")  # type: ignore[attr-defined]
    avenant_signed_by_the_metropole(loaded)
    steps.record(loaded, "open_dispute", "2025-06-02", party="crpv", received="2025-06-02")

    page = rows(admin_browser.get(f"/conventions/{REFERENCE}/historique.csv"))
    api = rows(client.get(f"/api/v1/conventions/{REFERENCE}/history.csv",
                          headers=bearer(tokens.viewer)))  # fmt: skip

    assert page[0] == COLUMNS and api == page
    late = {row[0]: row[-1].replace("\u00a0", " ") for row in page[1:] if row[-1]}
    assert late == {"10": "ligne n° 9 du 2025-06-10"}, late
    assert [row[1] for row in page[1:]][-2:] == ["2025-06-10", "2025-06-02"]


def test_a_history_in_date_order_leaves_the_column_empty(
    admin_browser: httpx.Client, loaded: App
) -> None:
    steps.bring_into_execution(loaded)

    page = rows(admin_browser.get(f"/conventions/{REFERENCE}/historique.csv"))

    assert page[0] == COLUMNS
    assert all(len(row) == len(COLUMNS) and row[-1] == "" for row in page[1:]), page
