"""The API as the Métropole's IT admin scripts it (retest of the HTTP API on PostgreSQL):
numbers a refusal gives are taken back, a request it cannot read says why in French, an
echoed value shows no raw direction override, lists of events are event names."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import FixedClock
from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.http.test_instalment_pages import EXAMPLE, EXAMPLE_FILE, record
from tests.integration.steps import at, load
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.usecases import views

PAY = f"/api/v1/conventions/{EXAMPLE}/events"
EVENTS = f"/api/v1/conventions/{REFERENCE}/events"


@pytest.fixture
def in_payment(app: App, clock: FixedClock) -> App:
    """AMP-EXEMPLE-2027 (two instalments, 27 000 € then 18 000 €) signed, notified on
    15 January 2027: instalment 1 is due."""
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory="nadia.benali@example.org")
    record(app, "sign", "2027-01-08", signatory="martial.alvarez@example.org")
    record(app, "notify", "2027-01-15")
    return app


@pytest.fixture
def api(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client with alice's admin token, asking for French."""
    client.headers.update({**bearer(tokens.admin), "Accept-Language": "fr"})
    return client


def test_an_instalment_given_as_a_json_number_is_recorded_as_its_text(
    api: httpx.Client, in_payment: App
) -> None:
    body = {"event": "pay", "inputs": {"amount": "27000.00", "instalment": 1}}

    answer = api.post(PAY, json=body)

    assert answer.status_code == 201, answer.text
    assert answer.json()["inputs"]["instalment"] == "1"
    assert views.history(in_payment, EXAMPLE)[-1]["inputs"]["instalment"] == "1"


def test_a_number_a_refusal_gave_sent_back_meets_the_domain_s_own_check(
    api: httpx.Client, in_payment: App
) -> None:
    # the same code as "9" typed as text: the domain's check, not the JSON reader's
    as_text = api.post(PAY, json={"event": "pay",
                                  "inputs": {"amount": "27000.00", "instalment": "9"}})  # fmt: skip
    as_number = api.post(PAY, json={"event": "pay",
                                    "inputs": {"amount": "27000.00", "instalment": 9}})  # fmt: skip

    assert as_number.status_code == as_text.status_code != 201
    assert as_number.json()["code"] == as_text.json()["code"] != "invalid_request"
    assert as_number.json()["params"] == as_text.json()["params"]


def test_an_amount_with_a_decimal_point_as_a_json_number_is_refused_asking_for_text(
    api: httpx.Client, in_payment: App
) -> None:
    before = views.history(in_payment, EXAMPLE)

    answer = api.post(PAY, json={"event": "pay",
                                 "inputs": {"amount": 27000.5, "instalment": 1}})  # fmt: skip

    assert answer.status_code == 422
    body = answer.json()
    assert (body["code"], body["params"]) == ("float_value", {"field": "amount",
                                                             "value": "27000.5"})  # fmt: skip
    assert "nombre décimal" in body["message"] and "guillemets" in body["message"]
    assert views.history(in_payment, EXAMPLE) == before


@pytest.mark.parametrize("typed", ["1e5", "1E5", "100000.0", "-2.50e+3"])
def test_a_decimal_number_is_refused_as_the_client_typed_it(
    api: httpx.Client, in_payment: App, typed: str
) -> None:
    """`1e5` is echoed as typed, not as the `100000.0` Python writes; a decimal number, not
    « un nombre à virgule » (1e5 has none)."""
    before = views.history(in_payment, EXAMPLE)
    body = '{"event": "pay", "inputs": {"amount": ' + typed + ', "instalment": 1}}'

    answer = api.post(PAY, content=body, headers={"Content-Type": "application/json"})

    assert answer.status_code == 422
    said = answer.json()
    assert (said["code"], said["params"]) == ("float_value", {"field": "amount", "value": typed})
    assert said["message"] == (
        f"Montant versé, en euros\u00a0: «\u00a0{typed}\u00a0» est un nombre décimal, qui ne "
        'resterait pas exact\u00a0: écrivez-le entre guillemets, par exemple "200000.00"'
    )
    assert views.history(in_payment, EXAMPLE) == before


@pytest.mark.parametrize("given", [True, {"value": "1"}, ["1"]], ids=["boolean", "object", "list"])
def test_a_boolean_an_object_or_a_list_as_an_input_is_refused_naming_the_input(
    api: httpx.Client, in_payment: App, given: object
) -> None:
    inputs = {"amount": "27000.00", "instalment": given}
    answer = api.post(PAY, json={"event": "pay", "inputs": inputs})

    assert answer.status_code == 422
    body = answer.json()
    assert (body["code"], body["params"]["field"]) == ("invalid_value", "instalment")
    assert "un texte, une date ou un nombre entier est attendu" in body["message"]


def _unreadable(answer: httpx.Response) -> dict[str, object]:
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert {"detail", "error", "code", "params", "message"} <= set(body)
    assert "fields" in body["params"]  # as before: the keys stay, `reasons` is added
    return body


def test_malformed_json_is_said_in_french_with_its_line_and_column(
    api: httpx.Client, loaded: App
) -> None:
    headers = {"Content-Type": "application/json"}
    body = _unreadable(api.post(EVENTS, content=b'{\n  "event": "sign",', headers=headers))

    assert body["params"]["reasons"] == [  # type: ignore[index]
        {"field": "body.20", "reason": "json_malformed", "line": 2, "column": 19}
    ]
    assert body["message"] == (
        "la requête ne peut pas être lue\u00a0: le JSON est mal formé ligne 2, colonne 19\u00a0: "
        "vérifiez les guillemets, les virgules et les accolades à cet endroit"
    )


@pytest.mark.parametrize("per_page", ["0", "100000"])
def test_a_page_size_out_of_bounds_is_said_with_both_bounds(
    api: httpx.Client, loaded: App, per_page: str
) -> None:
    body = _unreadable(api.get(f"/api/v1/conventions?per_page={per_page}"))

    assert body["params"]["reasons"] == [  # type: ignore[index]
        {"field": "query.per_page", "reason": "out_of_range", "least": 1, "most": 200}
    ]
    assert body["message"].endswith(  # type: ignore[attr-defined]
        "query.per_page\u00a0: un nombre entier de 1 à 200 est attendu"
    )


def test_a_body_sent_as_plain_text_is_said_to_need_json(api: httpx.Client, loaded: App) -> None:
    answer = api.post(EVENTS, content=b'{"event": "sign"}', headers={"Content-Type": "text/plain"})
    body = _unreadable(answer)

    assert body["params"]["reasons"] == [  # type: ignore[index]
        {"field": "body", "reason": "json_expected", "content_type": "text/plain"}
    ]
    assert "un objet JSON est attendu" in body["message"]  # type: ignore[operator]
    assert "application/json" in body["message"]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("body", "reason", "said"),
    [
        ('{"event": "sign", "expected_version": "x"}', "whole_number_expected",
         "body.expected_version\u00a0: un nombre entier est attendu"),
        ('{"event": "sign", "on": 5}', "text_expected",
         "body.on\u00a0: un texte est attendu, entre guillemets"),
        ('["sign"]', "object_expected", "body\u00a0: un objet est attendu, entre accolades { }"),
        ('{"event": "sign", "colour": "red"}', "unknown_key",
         "body.colour\u00a0: cette clé n'est pas acceptée ici\u00a0: retirez-la"),
        ('{"event": "sign", "inputs": {"note": null}}', "input_expected",
         "body.inputs.note\u00a0: un texte ou un nombre entier est attendu"),
    ],
    ids=["version-text", "on-number", "array", "unknown-key", "input-null"],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_said_with_the_type_expected(
    api: httpx.Client, loaded: App, body: str, reason: str, said: str
) -> None:
    headers = {"Content-Type": "application/json"}
    refused = _unreadable(api.post(EVENTS, content=body.encode(), headers=headers))

    assert [r["reason"] for r in refused["params"]["reasons"]] == [reason]  # type: ignore[index]
    assert said in refused["message"]  # type: ignore[operator]


def test_the_english_detail_of_a_refused_event_lists_event_names_only(
    client: httpx.Client, tokens: Tokens, in_payment: App
) -> None:
    # instalment 1 due: its report may be received (« Record the report's receipt » was
    # listed among the names)
    answer = client.post(PAY, json={"event": "sign"}, headers=bearer(tokens.admin))

    assert answer.status_code == 409
    body = answer.json()
    allowed = body["params"]["allowed"]
    assert "report_received" in allowed
    assert body["detail"].endswith(f"(allowed: {', '.join(allowed)})"), body["detail"]
    english = client.post(PAY, json={"event": "report_received", "inputs": {"x": "1"}},
                          headers={**bearer(tokens.admin), "Accept-Language": "en"})  # fmt: skip
    assert english.status_code == 422
    assert "Record the report" not in english.json()["message"], english.json()["message"]


def test_an_unknown_reference_s_params_write_out_its_direction_override(
    api: httpx.Client, loaded: App
) -> None:
    answer = api.get("/api/v1/conventions/NOPE%E2%80%AE")

    assert answer.status_code == 404
    body = answer.json()
    assert body["params"]["reference"] == "NOPE\\u202e"  # as `message` writes it
    assert "\u202e" not in answer.text
    assert "«\u00a0NOPE\\u202e\u00a0»" in body["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"event": "submit", "on": "demain\u202e"},
        {"event": "submit", "colour": "rouge\u202e"},
        {"event": "submit", "colour\u202e": "rouge"},
    ],
    ids=["date-in-params", "value-in-detail", "key-in-fields-and-reasons"],
)
def test_a_value_echoed_by_a_refusal_shows_no_raw_override(
    api: httpx.Client, loaded: App, body: dict[str, str]
) -> None:
    answer = api.post(EVENTS, json=body)

    assert answer.status_code == 422
    assert "\u202e" not in answer.text, answer.text
    assert "\\u202e" in answer.text  # written out, as the message writes it


def test_a_parameter_a_list_does_not_take_is_ignored_as_the_readme_says(
    api: httpx.Client, loaded: App
) -> None:
    # kept so (README): a script's cache-buster passes; `limit` is GET deadlines' own
    listed = api.get("/api/v1/conventions?limit=1&_=1712345678")
    history = api.get(f"/api/v1/conventions/{REFERENCE}/history?per_page=2&page=9")

    assert listed.status_code == 200 and listed.json()["per_page"] == 50
    assert history.status_code == 200 and isinstance(history.json(), list)  # not paginated
