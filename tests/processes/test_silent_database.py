"""A PostgreSQL server that says nothing: a TCP proxy between convflow and the server keeps the
links open and stops forwarding (as a hung server, or a network gone without a reset, would).
Every wait is bounded (storage.link): commands and `serve` refuse in one line, `doctor` says
there was no answer in time, the running service is not ready at once, says the outage once and
when it ends, and stops when asked."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.faults.proxy import CuttableProxy
from tests.notifications.helpers import free_port
from tests.processes.running import Processes, convflow_environment, wait_until
from workflow.cli.service import STOP_SECONDS

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
NO_ANSWER = "no answer in time: the server is down or too slow, or a firewall blocks the connection"
OUTAGE = "the database does not answer"
BACK = "the database answers again"


@pytest.fixture
def proxy(postgres_database: str) -> Iterator[CuttableProxy]:
    """A link to the PostgreSQL server of the test database that can stall."""
    link = CuttableProxy(make_url(postgres_database).port or 5432)
    yield link
    link.close()


def _environment(postgres_database: str, proxy: CuttableProxy, **settings: str) -> dict[str, str]:
    url = make_url(postgres_database).set(host="127.0.0.1", port=proxy.port)
    return convflow_environment(url.render_as_string(hide_password=False), free_port(),
                                language="en", **settings)  # fmt: skip


def only_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_a_silent_database_is_refused_at_once_by_serve_and_the_commands_and_said_by_doctor(
    postgres_database: str, proxy: CuttableProxy, processes: Processes
) -> None:
    proxy.stall()
    environment = _environment(postgres_database, proxy, http_port=str(free_port()))
    began = time.monotonic()
    serve, listing, doctor = (processes.start(command, environment)
                              for command in (["serve"], ["list"], ["doctor"]))  # fmt: skip

    for process in (serve, listing, doctor):
        assert process.wait(40) == 1, process.output()
    assert time.monotonic() - began < 30  # each waited 10 s to connect, side by side
    for process in (serve, listing):
        line = only_line(process.stderr)
        assert line.startswith("Error: the database postgresql+psycopg://")
        assert line.endswith(f"does not answer: {NO_ANSWER} (connection timeout expired)"), line
    assert "convflow service started" not in serve.stdout
    [database] = [line for line in doctor.stdout.splitlines() if " database " in line]
    assert database.startswith("FAIL") and f"does not answer: {NO_ANSWER}" in database


def _get(client: httpx.Client, path: str) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    answer = client.get(path)
    return answer, time.monotonic() - began


def _ready(client: httpx.Client) -> bool:
    return client.get("/readyz").status_code == 200


def test_while_the_database_says_nothing_the_service_is_not_ready_says_it_once_and_stops(
    postgres_database: str, proxy: CuttableProxy, processes: Processes
) -> None:
    port = free_port()
    environment = _environment(postgres_database, proxy, http_port=str(port),
                               wake_interval="2", watch_interval="1")  # fmt: skip
    service = processes.serve(environment, http=True)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        wait_until(lambda: _ready(client), 30, "the service to be ready")

        proxy.stall()
        ready, waited = _get(client, "/readyz")
        assert ready.status_code == 503 and waited < 5, (ready.text, waited)
        assert ready.json()["checks"]["database"] == "unreachable"
        metrics, waited = _get(client, "/metrics")
        assert metrics.status_code == 200 and waited < 8, waited
        assert "\nconvflow_database_up 0.0\n" in metrics.text
        service.wait_for_log(OUTAGE, timeout=40)
        time.sleep(12)  # a few more wake-ups and tries, on a database still silent
        assert service.count(OUTAGE) == 1, service.output()
        # a statement the server never answered, or a connection it never greeted
        assert f"{OUTAGE} ({NO_ANSWER} (" in service.stderr

        proxy.resume()
        service.wait_for_log(BACK, timeout=40)
        wait_until(lambda: _ready(client), 30, "the service to be ready again")

        proxy.stall()  # silent again, and the service asked to stop meanwhile
        time.sleep(3)
        asked = time.monotonic()
        service.popen.terminate()
        assert service.wait(STOP_SECONDS + 15) == 0, service.output()
        assert time.monotonic() - asked < STOP_SECONDS + 10
    log = service.stderr
    assert "maximum number of running instances" not in log  # APScheduler's line, each wake-up
    assert log.count(BACK) == 1
    assert "stopping: finishing the pass in flight" in log and ", on SIGTERM" in log
