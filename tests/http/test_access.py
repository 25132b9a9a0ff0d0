"""Deny by default: every route needs a valid token (API) or session (pages), and the right role."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from fastapi.routing import APIRoute

from states.documents import sha256
from tests.http.conftest import REFERENCE, Tokens, bearer, sign_in
from workflow.bootstrap import App
from workflow.http.factory import ROUTERS
from workflow.usecases.documents import Attach, attach
from workflow.usecases.tokens import revoke_token
from workflow.usecases.web_sessions import MAX_FAILURES, WINDOW

PUBLIC = {
    ("GET", "/openapi.json"),
    ("GET", "/connexion"),
    ("POST", "/connexion"),
    # The operator's probes carry no data; /metrics is kept to loopback or its own token
    # (tests/ops/test_probes.py).
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
}
PAPER = "Avis de réception : distribué le 5 mai 2025.\n".encode()
PAPER_SHA = sha256(PAPER)
"""A paper the routes that read one are tried with."""
WRITES = {
    ("POST", "/api/v1/conventions/{reference}/events"),
    ("POST", "/api/v1/conventions/{reference}/award"),
    ("POST", "/api/v1/conventions/{reference}/committee"),
    ("POST", "/api/v1/conventions/{reference}/documents"),
    ("POST", "/api/v1/conventions/{reference}/letters"),
    ("POST", "/api/v1/conventions/{reference}/amendments"),
    ("POST", "/api/v1/conventions/{reference}/amendments/{number}/events"),
    ("POST", "/api/v1/conventions"),
    ("PATCH", "/api/v1/conventions/{reference}"),
    ("POST", "/api/v1/extract"),
}


def routes() -> list[tuple[str, str]]:
    """Every (method, path) the app answers, path parameters filled with the reference."""
    found = []
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            path = re.sub(r"\{reference(:\w+)?\}", REFERENCE, route.path).replace("{number}", "1")
            path = path.replace("{sha256}", PAPER_SHA)
            found += [(method, path) for method in sorted(route.methods)]
    return found


def _path_template(path: str) -> str:
    return path.replace(REFERENCE, "{reference}").replace("/amendments/1/", "/amendments/{number}/")


def test_the_app_has_the_routes_this_test_walks():
    # Guards the tests below against passing because they walked nothing.
    paths = {path for _, path in routes()}
    assert len(paths) >= 20
    assert f"/api/v1/conventions/{REFERENCE}/events" in paths and "/" in paths


def test_every_route_but_sign_in_and_the_schema_refuses_a_request_without_credentials(
    client: httpx.Client, loaded: App
):
    for method, path in routes():
        if (method, _path_template(path)) in PUBLIC:
            continue
        answer = client.request(method, path)
        assert answer.status_code == 401, (method, path, answer.status_code)


def test_api_routes_say_how_to_authenticate(client: httpx.Client, loaded: App):
    answer = client.get("/api/v1/conventions")

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in answer.json()["detail"]


def test_pages_without_a_session_answer_401_with_the_sign_in_form(
    client: httpx.Client, loaded: App
):
    answer = client.get(f"/conventions/{REFERENCE}?x=1")

    assert answer.status_code == 401
    assert 'action="/connexion"' in answer.text
    assert f'name="suite" value="/conventions/{REFERENCE}?x=1"' in answer.text


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Bearer", "Basic YWxpY2U6eA==", "x"])
def test_a_wrong_or_malformed_token_is_401(client: httpx.Client, tokens: Tokens, header: str):
    answer = client.get("/api/v1/conventions", headers={"Authorization": header})

    assert answer.status_code == 401


def test_a_viewer_reads_every_api_route_but_cannot_record_an_event(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    attach(loaded, Attach(REFERENCE, PAPER, "ar.txt", "acknowledgement", "alice"), loaded.clock())
    for method, path in routes():
        if not path.startswith("/api/"):
            continue
        answer = client.request(
            method, path, headers=bearer(tokens.viewer), json={"event": "submit"}
        )
        expected = 403 if (method, _path_template(path)) in WRITES else 200
        assert answer.status_code == expected, (method, path, answer.status_code)


def test_an_admin_may_record_an_event(client: httpx.Client, tokens: Tokens, loaded: App):
    answer = client.post(
        f"/api/v1/conventions/{REFERENCE}/events",
        headers=bearer(tokens.admin),
        json={"event": "submit", "on": "2025-03-03"},
    )

    assert answer.status_code == 201
    assert answer.json()["actor"] == "alice (token)"


def test_a_revoked_token_is_refused_at_once(
    app: App, client: httpx.Client, tokens: Tokens, loaded: App
):
    revoke_token(app, "alice", app.clock())

    assert client.get("/api/v1/me", headers=bearer(tokens.admin)).status_code == 401


def test_revoking_a_token_ends_the_sessions_opened_with_it(
    app: App, client: httpx.Client, tokens: Tokens, loaded: App
):
    assert sign_in(client, tokens.viewer).status_code == 303
    assert client.get("/").status_code == 200

    revoke_token(app, "bob", app.clock())

    assert client.get("/").status_code == 401


def test_a_viewer_session_cannot_post_an_event_form(viewer_browser: httpx.Client, loaded: App):
    answer = viewer_browser.post(
        f"/conventions/{REFERENCE}/evenements", data={"event": "submit", "csrf_token": "x"}
    )

    assert answer.status_code == 403
    assert "réservée aux administrateurs" in answer.text


def test_the_calendar_takes_the_token_in_its_address_and_nothing_else_does(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    assert client.get(f"/api/v1/calendar.ics?token={tokens.viewer}").status_code == 200
    assert client.get(f"/api/v1/conventions?token={tokens.viewer}").status_code == 401
    assert client.get("/api/v1/calendar.ics?token=wrong").status_code == 401


def test_a_calendar_address_refuses_an_admin_token_with_a_403_saying_to_use_a_viewer_one(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    for path in ("/api/v1/calendar.ics", f"/api/v1/conventions/{REFERENCE}/calendar.ics"):
        refused = client.get(path, params={"token": tokens.admin},
                             headers={"Accept-Language": "fr"})  # fmt: skip

        assert refused.status_code == 403
        assert refused.json()["code"] == "admin_token_in_address"
        assert refused.json()["params"] == {"name": "alice"}
        assert "jeton lecture seule" in refused.json()["message"]
        assert "viewer token" in refused.json()["detail"]
        assert client.get(path, params={"token": tokens.viewer}).status_code == 200
        # In a header, where it does not end up in calendar clients, an admin token reads.
        assert client.get(path, headers=bearer(tokens.admin)).status_code == 200


def bad_tokens_until_throttled(send: Callable[[str], httpx.Response]) -> httpx.Response:
    """Send wrong tokens: MAX_FAILURES are 401, the next one the answer returned."""
    for attempt in range(MAX_FAILURES):
        answer = send(f"bad{attempt}")
        assert answer.status_code == 401 and answer.json()["code"] == "token_invalid"
    return send("bad-again")


def assert_throttled(answer: httpx.Response) -> None:
    assert answer.status_code == 429
    assert answer.json()["code"] == "too_many_tokens_refused"
    assert answer.json()["params"] == {"minutes": 15}
    assert int(answer.headers["Retry-After"]) == WINDOW.total_seconds()


def test_wrong_bearer_tokens_past_the_limit_are_429_and_a_valid_one_still_reads(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    answer = bad_tokens_until_throttled(
        lambda token: client.get("/api/v1/me", headers=bearer(token))
    )

    assert_throttled(answer)
    assert "réessayez dans 15 min" in answer.json()["message"]
    assert client.get("/api/v1/me", headers=bearer(tokens.viewer)).status_code == 200
    assert client.get("/api/v1/me").json()["code"] == "token_required"  # no token: not a guess


def test_wrong_calendar_tokens_past_the_limit_are_429_and_a_viewer_one_still_reads(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    answer = bad_tokens_until_throttled(
        lambda token: client.get("/api/v1/calendar.ics", params={"token": token})
    )

    assert_throttled(answer)
    assert client.get("/api/v1/calendar.ics", params={"token": tokens.viewer}).status_code == 200


def test_one_count_for_the_dashboard_and_the_api_from_one_address(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    for _ in range(MAX_FAILURES):
        assert sign_in(client, "typo").status_code == 401

    assert_throttled(client.get("/api/v1/conventions", headers=bearer("typo")))
    assert client.get("/api/v1/conventions", headers=bearer(tokens.admin)).status_code == 200


def test_the_openapi_schema_declares_bearer_tokens(client: httpx.Client):
    schema = client.get("/openapi.json").json()

    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert "/api/v1/conventions" in schema["paths"]
    assert not any(path.startswith("/conventions") for path in schema["paths"])
