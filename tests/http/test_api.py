"""The JSON API: read conventions, their deadlines and history; record events as the CLI does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from states.convention import Convention
from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.integration import steps
from workflow.bootstrap import App

EVENTS = f"/api/v1/conventions/{REFERENCE}/events"


@pytest.fixture
def api(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client with alice's admin token on every request."""
    client.headers.update(bearer(tokens.admin))
    return client


def post_event(api: httpx.Client, **body: Any) -> httpx.Response:
    return api.post(EVENTS, json=body)


def test_one_convention_has_the_status_keys_of_the_cli_and_its_history(
    api: httpx.Client, loaded: App
):
    steps.bring_into_force(loaded)

    body = api.get(f"/api/v1/conventions/{REFERENCE}").json()

    for key in ("reference", "state", "effective_date", "end_date", "amount", "parties",
                "signatories", "allowed_events", "deadlines", "version", "history"):  # fmt: skip
        assert key in body
    assert body["state"] == "notification" and body["amount"] == "200000.00"
    assert [row["event"] for row in body["history"]] == ["import", "submit", "sign", "sign"]
    expiry = next(d for d in body["deadlines"] if d["kind"] == "expiry")
    assert expiry["expires_at"] == "2025-12-31T23:00:00Z"
    assert "article 4" in expiry["explanation"]


def test_an_unknown_reference_is_404_with_the_reason(api: httpx.Client, loaded: App):
    for path in ("/api/v1/conventions/NOPE-2025", "/api/v1/conventions/NOPE-2025/history",
                 "/api/v1/conventions/NOPE-2025/calendar.ics"):  # fmt: skip
        answer = api.get(path)
        assert answer.status_code == 404, path
    assert api.post("/api/v1/conventions/NOPE/events", json={"event": "submit"}).json() == {
        "detail": "no convention with reference 'NOPE'",
        "error": "UnknownConvention",
        "code": "unknown_convention",
        "params": {"reference": "NOPE", "closest": None},
        "message": "aucune convention n'a la référence «\u00a0NOPE\u00a0»",
    }


def test_a_reference_in_another_case_is_404_naming_the_one_meant(api: httpx.Client, loaded: App):
    # Still not found (404, unknown_convention), nothing recorded: the one meant is only named.
    asked = REFERENCE.lower()
    for path in (f"/api/v1/conventions/{asked}", f"/api/v1/conventions/{asked}/history",
                 f"/api/v1/conventions/{asked}/calendar.ics"):  # fmt: skip
        answer = api.get(path)
        assert (answer.status_code, answer.json()["params"]) == (
            404, {"reference": asked, "closest": REFERENCE}), path  # fmt: skip
    answer = api.post(f"/api/v1/conventions/{asked}/events", json={"event": "submit"})
    assert (answer.status_code, answer.json()["code"], answer.json()["message"]) == (
        404, "unknown_convention",
        f"aucune convention n'a la référence «\u00a0{asked}\u00a0»\u00a0; vouliez-vous dire "
        f"«\u00a0{REFERENCE}\u00a0»\u00a0?",
    )  # fmt: skip
    assert api.get(f"/api/v1/conventions/{REFERENCE}").json()["state"] == "draft"


def test_recording_an_event_answers_what_it_did_and_the_history_names_the_token(
    api: httpx.Client, loaded: App
):
    steps.bring_into_force(loaded)

    answer = post_event(api, event="notify", on="2025-03-20")

    assert answer.status_code == 201
    body = answer.json()
    assert (body["from_state"], body["to_state"], body["on"]) == ("notification", "payment",
                                                                  "2025-03-20")  # fmt: skip
    assert body["deadlines"][0]["kind"] == "payment"
    assert steps.state(loaded) == "payment"
    last = api.get(f"/api/v1/conventions/{REFERENCE}/history").json()[-1]
    assert (last["event"], last["actor"]) == ("notify", "alice (token)")


def test_a_refused_event_is_409_with_the_command_lines_reason_and_changes_nothing(
    api: httpx.Client, loaded: App
):
    answer = post_event(api, event="pay", inputs={"amount": "200000.00"})

    assert answer.status_code == 409
    assert answer.json() == {
        "detail": f"{REFERENCE}: event 'pay' is not allowed in state 'draft' (allowed: submit, "
        "cancel)",
        "error": "InvalidTransition",
        "code": "invalid_transition",
        "params": {"reference": REFERENCE, "event": "pay", "state": "draft",
                   "allowed": ["submit", "cancel"], "notice_overridden": False},
        "message": "«\u00a0Enregistrer le versement\u00a0» n'est pas possible quand la convention "
        "est en "
        "préparation (possibles\u00a0: Soumettre à la signature, Abandonner la convention)",
    }  # fmt: skip
    assert steps.state(loaded) == "draft"


@pytest.mark.parametrize(
    ("accept", "start"),
    [
        ("en", f"{REFERENCE}: event 'pay' is not allowed"),
        ("en-GB,en;q=0.9,fr;q=0.5", f"{REFERENCE}: event 'pay' is not allowed"),
        ("fr-FR,fr;q=0.9", "«\u00a0Enregistrer le versement\u00a0» n'est pas possible"),
        ("de, fr;q=0.2, en;q=0.1", "«\u00a0Enregistrer le versement\u00a0» n'est pas possible"),
        ("de", "«\u00a0Enregistrer le versement\u00a0» n'est pas possible"),  # the setting: French
    ],
)
def test_a_client_chooses_the_language_of_the_message(
    api: httpx.Client, loaded: App, accept: str, start: str
):
    answer = api.post(
        EVENTS, json={"event": "pay", "inputs": {"amount": "200000.00"}},
        headers={"Accept-Language": accept},
    )  # fmt: skip

    assert answer.json()["message"].startswith(start)
    assert answer.json()["code"] == "invalid_transition"


def test_going_to_court_too_early_gives_the_first_day_the_law_allows(
    api: httpx.Client, loaded: App
):
    steps.bring_into_execution(loaded)
    steps.record(loaded, "open_dispute", party="crpv", received="2025-06-02")

    answer = post_event(api, event="go_to_court", on="2025-06-20")

    assert answer.status_code == 409
    assert "a party may go to court from 2025-07-03" in answer.json()["detail"]


def test_an_automatic_event_cannot_be_recorded_by_hand(api: httpx.Client, loaded: App):
    steps.bring_into_execution(loaded)

    answer = post_event(api, event="expire")

    assert answer.status_code == 409
    assert answer.json()["error"] == "AutomaticEventRefused"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event": "sign", "inputs": {}}, "signatory"),
        ({"event": "submit", "on": "2025-02-30"}, "on"),
        ({"event": "submit", "inputs": {"colour": "blue"}}, "colour"),
    ],
)
def test_invalid_inputs_are_422_with_the_field_named(
    api: httpx.Client, loaded: App, body: dict[str, Any], field: str
):
    if body["event"] == "sign":
        steps.record(loaded, "submit", "2025-03-03")

    answer = api.post(EVENTS, json=body)

    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(field)
    assert answer.json()["params"]["field"] == field


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"event": "dance"}',
        '{"event": "submit", "expected_version": "one"}',
        '{"event": "submit", "inputs": ["signatory"]}',
        '{"event": "submit", "extra": 1}',
        '{"event": "submit", "inputs": {"note": "nul\\u0000byte"}}',
    ],
)
def test_a_malformed_body_is_422_and_changes_nothing(api: httpx.Client, loaded: App, body: str):
    answer = api.post(EVENTS, content=body, headers={"Content-Type": "application/json"})

    assert answer.status_code == 422
    assert answer.json()["code"] in ("invalid_request", "unknown_event", "control_characters")
    assert answer.json()["message"]
    assert steps.state(loaded) == "draft"


def test_two_administrators_at_once_the_second_gets_409(api: httpx.Client, loaded: App):
    version = api.get(f"/api/v1/conventions/{REFERENCE}").json()["version"]
    first = post_event(api, event="submit", on="2025-03-03", expected_version=version)

    second = post_event(api, event="cancel", expected_version=version)

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["error"] == "ConcurrentChange"
    assert steps.state(loaded) == "signature"


def test_the_list_filters_sorts_and_paginates(api: httpx.Client, loaded: App):
    steps.bring_into_force(loaded)
    loaded.clock.now = steps.at("2025-06-01T09:00:00Z")  # type: ignore[attr-defined]

    everything = api.get("/api/v1/conventions").json()
    by_state = api.get("/api/v1/conventions", params={"state": "notification"}).json()
    other_state = api.get("/api/v1/conventions", params={"state": "draft"}).json()
    by_party = api.get("/api/v1/conventions", params={"party": "crpv"}).json()
    by_text = api.get("/api/v1/conventions", params={"q": "gip crpv"}).json()
    due = api.get("/api/v1/conventions", params={"due_within_days": 3660}).json()
    not_due = api.get("/api/v1/conventions", params={"due_within_days": 0}).json()

    assert everything["total"] == 1 and everything["pages"] == 1
    assert everything["items"][0]["next_deadline_kind"] == "expiry"
    assert everything["items"][0]["next_deadline_due"] == "2025-12-31"
    assert [p["key"] for p in everything["items"][0]["parties"]] == ["metropole", "crpv"]
    assert (by_state["total"], other_state["total"]) == (1, 0)
    assert (by_party["total"], by_text["total"]) == (1, 1)
    assert (due["total"], not_due["total"]) == (1, 0)


def test_a_pending_deadline_already_past_counts_as_due_within_any_window(
    api: httpx.Client, loaded: App
):
    """The payment target of 19 April 2025, read on 5 May and not recorded passed yet: overdue,
    so due within any window. (The term passed and not recorded is not: the next pass applies
    it, and nothing is due of it; tests/http/test_reading_clock.py.)"""
    loaded.clock.now = steps.at("2025-05-05T10:00:00Z")  # type: ignore[attr-defined]
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")

    answer = api.get("/api/v1/conventions", params={"due_within_days": 0}).json()

    assert answer["total"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "password"},
        {"sort": "reference; DROP TABLE convention"},
        {"order": "sideways"},
        {"page": 0},
        {"per_page": 10_000},
        {"state": "sleeping"},
        {"due_within_days": -1},
    ],
)
def test_list_parameters_outside_their_allow_list_are_422(
    api: httpx.Client, loaded: App, params: dict[str, Any]
):
    assert api.get("/api/v1/conventions", params=params).status_code == 422


@pytest.mark.parametrize(
    "text", ["' OR '1'='1", "%", "_", "\\", "AMP%' --", "'; DROP TABLE convention; --"]
)
def test_sql_looking_search_text_is_only_text(api: httpx.Client, loaded: App, text: str):
    answer = api.get("/api/v1/conventions", params={"q": text, "party": text})

    assert answer.status_code == 200
    assert answer.json()["total"] == 0
    assert api.get("/api/v1/conventions").json()["total"] == 1


def test_a_sql_looking_reference_is_an_unknown_one(api: httpx.Client, loaded: App):
    answer = api.get("/api/v1/conventions/x' OR '1'='1")

    assert answer.status_code == 404
    assert api.get("/api/v1/conventions").json()["total"] == 1


def test_script_looking_input_is_kept_as_text_in_json(api: httpx.Client, loaded: App):
    script = "<script>alert('x')</script>"

    answer = post_event(api, event="submit", on="2025-03-03", inputs={"note": script})

    assert answer.status_code == 201
    assert api.get(f"/api/v1/conventions/{REFERENCE}/history").json()[-1]["inputs"] == {
        "note": script
    }


def test_the_overview_counts_states_and_lists_what_falls_due(api: httpx.Client, loaded: App):
    steps.bring_into_force(loaded)
    loaded.clock.now = steps.at("2025-11-15T09:00:00Z")  # type: ignore[attr-defined]

    overview = api.get("/api/v1/overview").json()
    deadlines = api.get("/api/v1/deadlines", params={"within_days": 90}).json()

    assert overview["counts"] == {"notification": 1} and overview["total"] == 1
    assert [d["kind"] for d in overview["upcoming"]["items"]] == ["expiry"]
    assert overview["failed_emails"] == {"items": [], "total": 0}
    assert deadlines["total"] == 1 and deadlines["items"][0]["due_date"] == "2025-12-31"


def test_the_overview_lists_the_obligations_overdue_as_the_dashboard_does(
    api: httpx.Client, late: App, reference_convention: Convention
):
    """Two payments overdue on 15 July 2025, one recorded passed by the service, one passed and
    not recorded yet: the dashboard's « En retard » names both; a script polling the overview
    is told the same, oldest first, in the shape the list gives each convention's."""
    from tests.http.conftest import LONG_REFERENCE, LONG_TITLE

    overview = api.get("/api/v1/overview").json()
    (listed,) = api.get("/api/v1/conventions", params={"q": LONG_REFERENCE}).json()["items"]

    assert overview["overdue"] == {
        "items": [
            {"reference": REFERENCE, "title": reference_convention.title, "state": "payment",
             "kind": "payment", "instalment": 0, "due_date": "2025-04-19",
             "passed_unrecorded": False, "notice_overridden": False},
            {"reference": LONG_REFERENCE, "title": LONG_TITLE, "state": "payment",
             "kind": "payment", "instalment": 0, "due_date": "2025-07-02",
             "passed_unrecorded": True, "notice_overridden": False},
        ],
        "total": 2,
    }  # fmt: skip
    # Each item is a list's `overdue` item, with its convention.
    assert ({k: v for k, v in overview["overdue"]["items"][1].items()
            if k not in ("reference", "title", "state", "notice_overridden")}
            == listed["overdue"][0])  # fmt: skip
    schema = api.get("/openapi.json").json()["components"]["schemas"]
    assert "overdue" in schema["Overview"]["required"]
    assert set(schema["OverdueItem"]["required"]) >= {"reference", "kind", "due_date"}


def test_who_am_i(api: httpx.Client, tokens: Tokens, loaded: App):
    assert api.get("/api/v1/me").json() == {"name": "alice", "role": "admin"}
    viewer = api.get("/api/v1/me", headers=bearer(tokens.viewer)).json()
    assert viewer == {"name": "bob", "role": "viewer"}


def test_paying_a_single_payment_the_metropole_forwent_is_409_naming_the_day(
    api: httpx.Client, loaded: App
):
    """Paid in one payment, forgone on 15 April 2025 (rule 25): the payment posted after is
    409 with the code of a forgone payment and its day (before: `invalid_transition`)."""
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    steps.record(loaded, "forgo_payment", "2025-04-15", reason="subvention réduite")

    answer = post_event(api, event="pay", on="2025-04-20", inputs={"amount": "200000.00"})

    assert answer.status_code == 409
    body = answer.json()
    assert (body["code"], body["params"]) == (
        "payment_forgone",
        {"reference": REFERENCE, "event": "pay", "forgone_on": "2025-04-15"},
    )
    assert body["message"] == (
        "«\u00a0Enregistrer le versement\u00a0» refusé\u00a0: la Métropole a renoncé au "
        "versement le 15 avril 2025\u00a0: rien n'est plus dû à ce titre"
    )
    assert steps.state(loaded) == "execution"  # forgone: nothing awaited (A2)
