"""Dates typed by hand in the avenant form's « Terme de la convention » (a date field that also
reads JJ/MM/AAAA) and values typed in the list's address: each refused with a clear reason in
French, a code behind it, nothing drafted; never a 500."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from tests.http import conftest as dashboard
from tests.http.conftest import REFERENCE, form_value
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases import views

admin_browser, client, base_url = dashboard.admin_browser, dashboard.client, dashboard.base_url
web, tokens, loaded = dashboard.web, dashboard.tokens, dashboard.loaded
PAGE = f"/conventions/{REFERENCE}"


def said(html: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("99/99/9999", "n'est pas une date du calendrier"),
        ("29/02/2027", "n'est pas une date du calendrier"),
        ("31/12/99999", "au format JJ/MM/AAAA"),
        ("30.06.2026", "au format JJ/MM/AAAA"),
        ("30/06/26", "au format JJ/MM/AAAA"),
        ("２０２６-０６-３０", "au format JJ/MM/AAAA"),  # full-width digits
        ("30/06/2026\u202e", "au format JJ/MM/AAAA"),
        ("1/1/0001", "entre le"),  # a day of the calendar, outside convflow's bounds
    ],
)  # fmt: skip
def test_a_term_typed_by_hand_that_is_no_date_is_refused_and_nothing_drafted(
    admin_browser: httpx.Client, loaded: App, typed: str, reason: str
) -> None:
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-06-10T09:00:00Z")  # type: ignore[attr-defined]
    csrf = form_value(admin_browser.get(PAGE).text, "csrf_token")

    answer = admin_browser.post(f"{PAGE}/avenants", data={"csrf_token": csrf, "ch_end_date": typed})

    assert answer.status_code == 422, said(answer.text)[:500]
    assert reason in said(answer.text), said(answer.text)[:4000]
    assert views.amendments(loaded, REFERENCE) == []


@pytest.mark.parametrize("value", ["abc", "-1", "99999", "1e3", "\u0661\u0662", "<script>"])
def test_a_wrong_deadline_filter_is_named_with_its_value_and_the_list_still_shows(
    admin_browser: httpx.Client, loaded: App, value: str
) -> None:
    answer = admin_browser.get("/conventions", params={"due_within_days": value})

    assert answer.status_code == 200
    text = said(answer.text)
    assert f"Filtre ignoré : échéance dans les N jours, « {value} »" in text
    assert "<script>" not in answer.text
    assert REFERENCE in text
