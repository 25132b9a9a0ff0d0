"""Fixtures of the HTTP tests: the web app on the test's app, served for real on loopback.

No test client double: requests go through uvicorn and a socket, to the real database (SQLite,
then PostgreSQL, as the root conftest parametrises `app`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from states.convention import Convention
from tests.http.live import serving
from tests.integration import steps
from workflow.bootstrap import App
from workflow.http import create_http_app
from workflow.usecases.tokens import create_token

REFERENCE = steps.REFERENCE


@dataclass(frozen=True)
class Tokens:
    """One token of each role, and their holders' names."""

    admin: str
    viewer: str


@pytest.fixture
def tokens(app: App) -> Tokens:
    """alice is an administrator, bob may only read."""
    now = app.clock()
    return Tokens(
        admin=create_token(app, "alice", "admin", "tests", now),
        viewer=create_token(app, "bob", "viewer", "tests", now),
    )


@pytest.fixture
def loaded(app: App, reference_convention: Convention) -> App:
    """The reference convention imported, in draft."""
    steps.load(app, reference_convention)
    return app


@pytest.fixture
def web(app: App) -> FastAPI:
    """The web app on the test's app."""
    return create_http_app(app)


@pytest.fixture
def base_url(web: FastAPI) -> Iterator[str]:
    """The web app served by uvicorn on 127.0.0.1 and a free port."""
    with serving(web) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    """An HTTP client of the served app, sending no credentials by itself."""
    with httpx.Client(base_url=base_url, timeout=10, follow_redirects=False) as http:
        yield http


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def form_value(page: str, name: str) -> str:
    """The value of the first hidden input `name` in an HTML page."""
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no field {name} in the page"
    return match.group(1)


def sign_in(client: httpx.Client, token: str) -> httpx.Response:
    """Sign the client in through the sign-in form, as a browser does."""
    page = client.get("/connexion")
    return client.post(
        "/connexion", data={"token": token, "nonce": form_value(page.text, "nonce"), "suite": "/"}
    )


@pytest.fixture
def admin_browser(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client signed in with alice's admin token."""
    assert sign_in(client, tokens.admin).status_code == 303
    return client


@pytest.fixture
def viewer_browser(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client signed in with bob's viewer token."""
    assert sign_in(client, tokens.viewer).status_code == 303
    return client
