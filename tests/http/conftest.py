"""Fixtures of the HTTP tests: the web app on the test's app, served for real on loopback.

No test client double: requests go through uvicorn and a socket, to the real database (SQLite,
then PostgreSQL, as the root conftest parametrises `app`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

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


LONG_REFERENCE = "AMP_CONTRATDEVILLE_2024_2030_QUARTIERSNORD_PREVENTIONSPECIALISEE"
"""A reference as long as convention files allow, with nowhere to break a line."""
LONG_TITLE = (
    "Convention pluriannuelle d'objectifs entre la Métropole Aix-Marseille-Provence et "
    "l'Association intercommunale de prévention spécialisée des quartiers nord de Marseille"
)


@pytest.fixture
def late(loaded: App, reference_convention: Convention) -> App:
    """Two payments overdue on 15 July 2025: the reference convention's (notified on 20 March,
    due 19 April, recorded passed by the service's pass of 2 June) and, notified on 2 June, that
    of a convention with a long reference and a long title, passed and not recorded yet."""
    from dataclasses import replace

    from workflow.usecases.commands import RecordEvent
    from workflow.usecases.conventions import record_event
    from workflow.usecases.due import run_due

    loaded.clock.now = steps.at("2025-03-20T16:00:00Z")  # type: ignore[attr-defined]
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    steps.load(loaded, replace(reference_convention, reference=LONG_REFERENCE, title=LONG_TITLE))
    loaded.clock.now = steps.at("2025-06-02T16:00:00Z")  # type: ignore[attr-defined]
    for event, on, inputs in (("submit", "2025-05-26", {}),
                              ("sign", "2025-05-27", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-05-28", {"signatory": steps.CRPV}),
                              ("notify", "2025-06-02", {})):  # fmt: skip
        command = RecordEvent(LONG_REFERENCE, event, "alice", date.fromisoformat(on), inputs)
        record_event(loaded, command, loaded.clock())
    run_due(loaded, loaded.clock())
    loaded.clock.now = steps.at("2025-07-15T08:00:00Z")  # type: ignore[attr-defined]
    return loaded
