"""The dashboard and the API while PostgreSQL cannot be reached: a real `convflow serve` whose
link to the database a TCP proxy cuts (as a server restart or a firewall reset would), then
restores. Every answer says so (503, the API's `service_unavailable`, the dashboard's error
page), `/readyz` names all its checks in fixed words, and the log holds one line a request."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import make_url

from states.convention import Convention
from tests.faults.proxy import CuttableProxy
from tests.http.conftest import bearer, sign_in
from tests.integration import steps
from tests.notifications.helpers import free_port
from tests.processes.conftest import postgres_database, processes
from tests.processes.conventions import open_app
from tests.processes.running import ConvflowProcess, Processes, convflow_environment, wait_until
from workflow.usecases.tokens import create_token

__all__ = ["postgres_database", "processes"]  # the process tests' own fixtures

pytestmark = pytest.mark.postgres
REFERENCE = steps.REFERENCE
CHECKS = {"database", "migrations", "scheduler", "last_pass"}


@pytest.fixture
def proxy(postgres_database: str) -> Iterator[CuttableProxy]:
    """A cuttable TCP link to the PostgreSQL server of the test database."""
    link = CuttableProxy(make_url(postgres_database).port or 5432)
    yield link
    link.close()


@pytest.fixture
def token(postgres_database: str, reference_convention: Convention) -> str:
    """The reference convention in draft, and an administrator's token."""
    app = open_app(postgres_database)
    try:
        steps.load(app, reference_convention)
        return create_token(app, "alice", "admin", "tests", app.clock())
    finally:
        app.close()


@pytest.fixture
def served(
    postgres_database: str, proxy: CuttableProxy, processes: Processes, token: str
) -> Iterator[tuple[ConvflowProcess, httpx.Client]]:
    """`convflow serve` reaching the database through the proxy, and a client of its web app."""
    through = make_url(postgres_database).set(host="127.0.0.1", port=proxy.port)
    port = free_port()
    environment = convflow_environment(
        through.render_as_string(hide_password=False), free_port(), http_port=str(port)
    )
    service = processes.serve(environment, http=True)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
        wait_until(lambda: _answers(client), 20, "the web app to answer")
        yield service, client


def _answers(client: httpx.Client) -> bool:
    try:
        return client.get("/healthz").status_code == 200
    except httpx.TransportError:
        return False


def _state(client: httpx.Client, token: str) -> str:
    answer = client.get(f"/api/v1/conventions/{REFERENCE}", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["state"])


def test_the_api_answers_503_service_unavailable_while_the_database_is_cut(
    served: tuple[ConvflowProcess, httpx.Client], proxy: CuttableProxy, token: str
) -> None:
    service, client = served
    before = _state(client, token)
    proxy.cut()

    listed = client.get("/api/v1/conventions", headers=bearer(token))
    cancelled = client.post(
        f"/api/v1/conventions/{REFERENCE}/events",
        json={"event": "cancel"},
        headers={**bearer(token), "Accept-Language": "en"},
    )

    for answer in (listed, cancelled):
        assert answer.status_code == 503, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        body = answer.json()
        assert body["code"] == "service_unavailable", body
        assert set(body) >= {"code", "params", "message", "detail", "error"}
        assert answer.headers["retry-after"] == "30"
        # Anyone may be asking (no token can be checked): nothing of the database is told.
        assert "127.0.0.1" not in answer.text and "postgresql" not in answer.text
    assert "cannot reach its database" in cancelled.json()["message"]
    assert "ne peut pas joindre sa base de données" in listed.json()["message"]
    proxy.restore()
    wait_until(lambda: client.get("/readyz").json()["checks"]["database"] == "ok", 20,
               "the database to answer again")  # fmt: skip
    assert _state(client, token) == before  # the refused event changed nothing
    assert "Traceback" not in service.stderr and "Exception in ASGI" not in service.stderr
    assert service.count(r"WARNING convflow\.http: (GET|POST) /api/v1/conventions") == 2


def test_the_dashboard_shows_its_error_page_while_the_database_is_cut(
    served: tuple[ConvflowProcess, httpx.Client], proxy: CuttableProxy, token: str
) -> None:
    service, client = served
    assert sign_in(client, token).status_code == 303
    assert client.get("/").status_code == 200
    proxy.cut()

    page = client.get("/")

    assert page.status_code == 503
    assert page.headers["content-type"].startswith("text/html")
    assert "Service indisponible" in page.text and "joindre sa base de données" in page.text
    assert "127.0.0.1" not in page.text
    assert "Traceback" not in service.stderr and "Exception in ASGI" not in service.stderr
    assert service.count(r"WARNING convflow\.http: GET /: ") == 1


def test_readyz_names_its_four_checks_in_fixed_words_while_the_database_is_cut(
    served: tuple[ConvflowProcess, httpx.Client], proxy: CuttableProxy
) -> None:
    _, client = served
    wait_until(lambda: client.get("/readyz").status_code == 200, 20, "the service to be ready")
    proxy.cut()

    answer = client.get("/readyz")

    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert set(checks) == CHECKS, checks
    assert checks["database"] == "unreachable"
    assert checks["migrations"] == "unknown"
    proxy.restore()
    wait_until(lambda: client.get("/readyz").json()["checks"]["database"] == "ok", 20,
               "the database to answer again")  # fmt: skip
    assert set(client.get("/readyz").json()["checks"]) == CHECKS
