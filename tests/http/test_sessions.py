"""Sessions that end (issue 14.5): a sign-out holds on every instance and across restarts,
and sign-ins are throttled per address with a 429 said in French."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import httpx

from tests.conftest import FixedClock
from tests.http.conftest import Tokens, form_value, sign_in
from tests.http.live import serving
from workflow.bootstrap import App
from workflow.http.factory import create_http_app
from workflow.http.sessions import SESSION_COOKIE
from workflow.settings import load_settings
from workflow.usecases.web_sessions import MAX_FAILURES, WINDOW


def test_a_session_holds_across_a_restart_and_a_sign_out_holds_on_every_instance(
    app: App, client: httpx.Client, tokens: Tokens, settings_env: dict[str, str]
) -> None:
    assert sign_in(client, tokens.admin).status_code == 303
    cookie = client.cookies[SESSION_COOKIE]
    restarted = App.create(load_settings(settings_env))
    restarted.clock = app.clock
    try:
        with (
            serving(create_http_app(restarted)) as other_url,
            httpx.Client(base_url=other_url, cookies={SESSION_COOKIE: cookie}) as other,
        ):
            assert other.get("/").status_code == 200  # the same session, another process

            page = client.get("/").text
            csrf = form_value(page, "csrf_token")
            signed_out = client.post("/deconnexion", data={"csrf_token": csrf})
            assert signed_out.status_code == 303

            refused = other.get("/")  # the copied cookie, on the other instance
            assert refused.status_code == 401 and "Connexion" in refused.text
    finally:
        restarted.close()


def test_wrong_tokens_past_the_limit_are_429_in_french_but_a_valid_one_still_signs_in(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    for _ in range(MAX_FAILURES):
        assert sign_in(client, "not-a-token").status_code == 401

    throttled = sign_in(client, "still-not-a-token")

    assert throttled.status_code == 429
    said = unescape(throttled.text)
    assert "Trop de jetons refusés depuis cette adresse\u00a0: réessayez dans 15 minutes" in said
    assert "Un jeton valide reste accepté" in said
    assert int(throttled.headers["Retry-After"]) == WINDOW.total_seconds()
    assert SESSION_COOKIE not in client.cookies

    # A colleague behind the same address (a reverse proxy) is not locked out by the typos.
    assert sign_in(client, tokens.admin).status_code == 303
    assert client.get("/").status_code == 200


def test_a_throttled_address_is_counted_no_further_and_waits_out_the_window(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    for _ in range(MAX_FAILURES):
        assert sign_in(client, "not-a-token").status_code == 401
    clock.now += timedelta(minutes=10)
    for _ in range(3):  # refused while throttled: not recorded, so the wait does not grow
        assert sign_in(client, "not-a-token").status_code == 429

    waiting = sign_in(client, "not-a-token")
    assert int(waiting.headers["Retry-After"]) == (WINDOW - timedelta(minutes=10)).total_seconds()
    assert "réessayez dans 5 minutes" in unescape(waiting.text)

    clock.now += timedelta(minutes=5, seconds=1)
    assert sign_in(client, "not-a-token").status_code == 401  # the window has passed
