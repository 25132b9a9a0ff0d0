"""The steering committee (article 3, rule 23) through the API and the convention's page, on
SQLite and PostgreSQL: an admin records a meeting, a reader reads them."""

from __future__ import annotations

from datetime import date
from html import unescape

import httpx

from states.convention import Convention
from tests.http.conftest import REFERENCE, Tokens, bearer, form_value, sign_in
from tests.integration import steps
from tests.integration.test_committee import cadence
from tests.integration.test_committee_name import named
from workflow.bootstrap import App
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side

COMMITTEE = f"/api/v1/conventions/{REFERENCE}/committee"
BODY = {
    "date": "2025-06-12",
    "attendees": "Métropole (DPV) ; GIP CRPV PACA",
    "decisions": "Programme 2025 validé",
    "minutes": "Compte rendu.\nOrientations validées.",
}


def test_an_admin_records_a_meeting_and_a_reader_reads_it(
    client: httpx.Client, loaded: App, tokens: Tokens
):
    steps.bring_into_force(loaded)

    answer = client.post(COMMITTEE, json=BODY, headers=bearer(tokens.admin))

    assert answer.status_code == 201, answer.text
    done = answer.json()
    assert (done["event"], done["on"], done["deadlines"]) == ("committee_meeting", "2025-06-12",
                                                              [])  # fmt: skip
    read = client.get(COMMITTEE, headers=bearer(tokens.viewer))
    assert read.status_code == 200
    (meeting,) = read.json()["meetings"]
    assert meeting["minutes"] == BODY["minutes"]
    status = client.get(f"/api/v1/conventions/{REFERENCE}", headers=bearer(tokens.viewer)).json()
    assert status["committee"] == read.json()
    assert status["history"][-1]["event"] == "committee_meeting"


def test_a_reader_cannot_record_one(client: httpx.Client, loaded: App, tokens: Tokens):
    steps.bring_into_force(loaded)

    assert client.post(COMMITTEE, json=BODY, headers=bearer(tokens.viewer)).status_code == 403


def test_a_meeting_before_the_signature_is_a_409_with_its_code(
    client: httpx.Client, loaded: App, tokens: Tokens
):
    steps.bring_into_force(loaded)

    answer = client.post(COMMITTEE, json={**BODY, "date": "2025-03-07"},
                         headers={**bearer(tokens.admin), "Accept-Language": "fr"})  # fmt: skip

    assert answer.status_code == 409
    problem = answer.json()
    assert problem["code"] == "committee_before_signature"
    assert "avant la signature de la convention" in problem["message"]
    future = client.post(COMMITTEE, json={**BODY, "date": "2099-01-01"},
                         headers=bearer(tokens.admin))  # fmt: skip
    assert future.json()["code"] == "dated_in_future"


def test_an_unknown_key_is_refused(client: httpx.Client, loaded: App, tokens: Tokens):
    answer = client.post(COMMITTEE, json={**BODY, "quorum": "yes"}, headers=bearer(tokens.admin))

    assert answer.status_code == 422


def test_an_admin_records_it_from_the_conventions_page(admin_browser: httpx.Client, loaded: App):
    steps.bring_into_force(loaded)
    page = admin_browser.get(f"/conventions/{REFERENCE}")
    assert "Aucune réunion enregistrée" in unescape(page.text)
    form = {"csrf_token": form_value(page.text, "csrf_token"), "event": "committee_meeting",
            "version": form_value(page.text, "version"), "in_attendees": BODY["attendees"],
            "in_decisions": BODY["decisions"], "in_minutes": BODY["minutes"],
            "on": "2025-06-12"}  # fmt: skip

    answer = admin_browser.post(f"/conventions/{REFERENCE}/comite", data=form)

    assert answer.status_code == 303
    shown = unescape(admin_browser.get(answer.headers["location"]).text)
    assert "Programme 2025 validé" in shown
    assert '<th scope="row"><time datetime="2025-06-12">12\xa0juin 2025</time></th>' in shown
    again = admin_browser.get(f"/conventions/{REFERENCE}").text
    refused = admin_browser.post(f"/conventions/{REFERENCE}/comite",
                                 data={**form, "on": "2025-03-01",
                                       "version": form_value(again, "version")})  # fmt: skip
    assert refused.status_code == 409
    assert "avant la signature de la convention" in unescape(refused.text)


def test_a_viewer_sees_the_meetings_but_no_form(viewer_browser: httpx.Client, loaded: App):
    steps.bring_into_force(loaded)
    record_side(loaded, RecordEvent(REFERENCE, "committee_meeting", "alice", date(2025, 6, 12),
                                    {"attendees": "A", "decisions": "Programme validé"}),
                loaded.clock())  # fmt: skip

    page = unescape(viewer_browser.get(f"/conventions/{REFERENCE}").text)

    assert "Programme validé" in page
    assert f'action="/conventions/{REFERENCE}/comite"' not in page
    refused = viewer_browser.post(f"/conventions/{REFERENCE}/comite", data={"csrf_token": "x"})
    assert refused.status_code == 403


def test_a_cadence_through_the_events_route_shows_on_the_deadlines_page_and_the_calendar(
    client: httpx.Client, loaded: App, tokens: Tokens
):
    steps.bring_into_force(loaded)
    answer = client.post(f"/api/v1/conventions/{REFERENCE}/events", headers=bearer(tokens.admin),
                         json={"event": "committee_cadence", "on": "2025-03-11",
                               "inputs": {"months": "6"}})  # fmt: skip
    assert answer.status_code == 201, answer.text
    assert answer.json()["deadlines"][0]["kind"] == "committee"

    feed = client.get(f"/api/v1/conventions/{REFERENCE}/calendar.ics",
                      headers=bearer(tokens.viewer)).text  # fmt: skip
    assert "prochaine réunion du Comité technique" in feed
    assert sign_in(client, tokens.viewer).status_code == 303
    page = unescape(client.get("/echeances").text)
    assert "Prochaine réunion du comité technique" in page  # the page capitalises its labels


def test_a_commission_s_next_meeting_in_every_list_of_the_dashboard_and_the_api(
    client: httpx.Client, app: App, reference_convention: Convention, tokens: Tokens
) -> None:
    """A convention whose committee is its « Commission de suivi »: the overview's timeline,
    the deadlines page, the conventions' list, their CSV and the API's lists name its next
    meeting so, never « comité technique »."""
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")  # due 10 September 2025
    app.clock.now = steps.at("2025-08-01T08:00:00Z")  # type: ignore[attr-defined]
    viewer = bearer(tokens.viewer)

    (deadline,) = [i for i in client.get("/api/v1/deadlines", headers=viewer).json()["items"]
                   if i["kind"] == "committee"]  # fmt: skip
    overview = client.get("/api/v1/overview", headers=viewer).json()
    (listed,) = client.get("/api/v1/conventions", headers=viewer).json()["items"]
    assert sign_in(client, tokens.viewer).status_code == 303
    pages = {path: unescape(client.get(path).text)
             for path in ("/", "/echeances", "/conventions", "/echeances.csv",
                          "/conventions.csv")}  # fmt: skip

    said = "prochaine réunion de la Commission de suivi"
    for path, text in pages.items():
        assert (said if path.endswith(".csv") else "P" + said[1:]) in text, path
        assert "omité technique" not in text, path
    assert (deadline["label"], deadline["committee_name"]) == (said, "Commission de suivi")
    assert said in [i["label"] for i in overview["upcoming"]["items"]]
    assert (listed["next_deadline_kind"], listed["next_deadline_label"]) == ("committee", said)
