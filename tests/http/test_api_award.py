"""The award decision through the API (admin), on SQLite and PostgreSQL."""

from __future__ import annotations

import httpx

from tests.http.conftest import REFERENCE, Tokens, bearer
from workflow.bootstrap import App

AWARD = f"/api/v1/conventions/{REFERENCE}/award"
BODY = {"decision": "DEL-BUR-2025-042", "adopted": "2025-02-13", "published": "2025-02-17",
        "transmitted": "2025-02-18", "on": "2025-02-20"}  # fmt: skip


def test_an_admin_records_the_award_decision_and_status_shows_it(
    client: httpx.Client, loaded: App, tokens: Tokens
):
    answer = client.post(AWARD, json=BODY, headers=bearer(tokens.admin))

    assert answer.status_code == 201
    assert answer.json()["inputs"]["enforceable"] == "2025-02-18"
    status = client.get(f"/api/v1/conventions/{REFERENCE}", headers=bearer(tokens.viewer)).json()
    assert status["award"]["enforceable_on"] == "2025-02-18"
    assert {"prefect_referral", "third_party_challenge"} <= {d["kind"] for d in status["deadlines"]}


def test_a_formality_before_the_adoption_is_a_422_naming_its_field(
    client: httpx.Client, loaded: App, tokens: Tokens
):
    answer = client.post(AWARD, json={**BODY, "published": "2025-02-01"},
                         headers={**bearer(tokens.admin), "Accept-Language": "fr"})  # fmt: skip

    assert answer.status_code == 422
    problem = answer.json()
    assert (problem["code"], problem["params"]["field"]) == ("award_date_before_adoption",
                                                             "published")  # fmt: skip
    assert "précède l'adoption" in problem["message"]


def test_an_unknown_key_is_refused(client: httpx.Client, loaded: App, tokens: Tokens):
    answer = client.post(AWARD, json={**BODY, "signed": "yes"}, headers=bearer(tokens.admin))

    assert answer.status_code == 422


def test_an_admin_records_it_from_the_conventions_page(admin_browser: httpx.Client, loaded: App):
    from html import unescape

    from tests.http.conftest import form_value

    page = admin_browser.get(f"/conventions/{REFERENCE}")
    assert "Pas encore enregistrée" in unescape(page.text)
    form = {"csrf_token": form_value(page.text, "csrf_token"), "event": "record_award",
            "version": form_value(page.text, "version"), "in_decision": "DEL-BUR-2025-042",
            "in_adopted": "2025-02-13", "in_published": "2025-02-17",
            "in_transmitted": "2025-02-18", "on": "2025-02-20"}  # fmt: skip

    answer = admin_browser.post(f"/conventions/{REFERENCE}/attribution", data=form)

    assert answer.status_code == 303
    shown = unescape(admin_browser.get(answer.headers["location"]).text)
    assert "Délibération DEL-BUR-2025-042 exécutoire le mardi 18 février 2025" in shown
    again = admin_browser.get(f"/conventions/{REFERENCE}").text
    refused = admin_browser.post(f"/conventions/{REFERENCE}/attribution",
                                 data={**form, "in_published": "2025-02-01",
                                       "version": form_value(again, "version")})  # fmt: skip
    assert refused.status_code == 422
    assert "précède l'adoption" in unescape(refused.text)


def test_the_open_data_csv_counts_what_it_leaves_out(
    client: httpx.Client, loaded: App, tokens: Tokens
):
    answer = client.get("/api/v1/scdl.csv", headers=bearer(tokens.viewer))

    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert answer.text.startswith("nomAttribuant,idAttribuant,")
    assert answer.headers["X-Convflow-Unpublished"] == "0"  # a draft is not due yet
