"""`/healthz`, `/readyz` and `/metrics`, asked as an operator's probes and Prometheus would.

A real uvicorn server on loopback, the real scheduler (APScheduler) running the due pass on the
test database, SQLite then PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from notifications import MemorySender
from states.convention import Convention
from storage.migrate import head_revision
from tests.http.live import serving
from tests.integration import steps
from tests.processes.running import wait_until
from workflow.bootstrap import App
from workflow.http import create_http_app
from workflow.ops.metrics import Metrics
from workflow.scheduler.service import Service


@pytest.fixture
def service(app: App) -> Iterator[Service]:
    """The scheduler on the test's app, started; stopped at the end."""
    # The probes say whether the scheduler lives, not what an email says: MemorySender.
    running = Service(app, MemorySender(), metrics=Metrics(app))
    running.start()
    # Its first pass runs at once in the scheduler's thread: let it end, so that what a test
    # does next (move the clock, tick) is not raced by it.
    wait_until(lambda: running.health.pass_finished_at is not None, 10, "the first pass")
    yield running
    running.stop()


@contextmanager
def served(app: App, service: Service | None) -> Iterator[httpx.Client]:
    """A client of the web app served with the service's health and metrics (or none)."""
    health = service.health if service else None
    metrics = service.metrics if service else None
    with (
        serving(create_http_app(app, health, metrics), proxy_headers=True) as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        yield http


@pytest.fixture
def probe(app: App, service: Service) -> Iterator[httpx.Client]:
    """A client of the web app served beside the running scheduler."""
    with served(app, service) as client:
        yield client


def metric(page: str, name: str, **labels: str) -> float:
    """The value of one sample of the Prometheus text `page`."""
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    raise AssertionError(f"no sample {name} {labels} in:\n{page}")


def test_alive_needs_nothing_and_says_nothing_more(probe):
    answer = probe.get("/healthz")

    assert answer.status_code == 200
    assert answer.json() == {"status": "alive"}


def test_ready_once_the_scheduler_has_run_a_pass(app, service, probe):
    service.tick()

    answer = probe.get("/readyz")

    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "scheduler": "ok", "last_pass": "ok"},
    }


def test_not_ready_when_the_scheduler_stopped(app, service, probe):
    service.tick()
    service.stop()

    answer = probe.get("/readyz")

    assert answer.status_code == 503
    assert answer.json()["checks"]["scheduler"] == "stopped"


def test_not_ready_without_a_scheduler_in_the_process(app):
    with served(app, None) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {  # every check named, always: scripts read them
        "database": "ok", "migrations": "ok",
        "scheduler": "no scheduler in this process", "last_pass": "no scheduler in this process",
    }  # fmt: skip


def test_not_ready_when_the_schema_is_behind_the_code(app, service, probe):
    service.tick()
    head = head_revision(app.engine)
    with app.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        answer = probe.get("/readyz")
    finally:  # the PostgreSQL database is the session's: put its revision back
        with app.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})

    assert answer.status_code == 503
    assert answer.json()["checks"]["migrations"] == "not at the code's revision"


def test_not_ready_when_no_pass_ran_lately(app, service, probe, clock):
    service.tick()
    clock.now += timedelta(minutes=10)  # the wake interval is 60 s: three of them went by

    assert probe.get("/readyz").json()["checks"]["last_pass"] == "no recent due pass"


def test_metrics_count_what_the_pass_did_and_what_the_database_holds(
    app: App, service: Service, probe: httpx.Client, reference_convention: Convention, clock
) -> None:
    clock.now = steps.at("2025-04-02T09:00:00Z")  # its 2025 life, recorded as it happens
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    clock.now = steps.at("2026-01-01T00:00:05Z")  # the term (31 December 2025) has passed
    service.tick()

    def delivered() -> bool:  # delivery runs beside the pass, in a job of its own
        return metric(probe.get("/metrics").text, "convflow_emails_total", outcome="sent") >= 1

    wait_until(delivered, 10, "the expiry's email delivered")
    page = probe.get("/metrics").text

    assert metric(page, "convflow_deadlines_applied_total", action="expire") == 1
    assert metric(page, "convflow_conventions", state="expired") == 1
    assert metric(page, "convflow_due_pass_duration_seconds_count") >= 1
    assert metric(page, "convflow_due_lateness_seconds_count", what="deadline") == 1
    assert metric(page, "convflow_database_up") == 1
    sent = metric(page, "convflow_emails_total", outcome="sent")
    assert sent >= 1 and metric(page, "convflow_outbox_emails", status="sent") == sent
    assert metric(page, "convflow_outbox_oldest_pending_age_seconds") == 0


def test_metrics_say_how_old_the_oldest_waiting_email_is(app, probe, reference_convention, clock):
    steps.load(app, reference_convention)
    steps.record(app, "submit", "2025-03-03")  # decides "signature requested"; nobody delivers it
    clock.now += timedelta(minutes=30)

    page = probe.get("/metrics").text

    assert metric(page, "convflow_outbox_emails", status="pending") == 1
    assert metric(page, "convflow_outbox_oldest_pending_age_seconds") == pytest.approx(1800, 5)


def test_metrics_are_refused_to_a_client_beyond_loopback(probe):
    # Behind a reverse proxy on this machine, the client is the one it forwards.
    answer = probe.get("/metrics", headers={"X-Forwarded-For": "203.0.113.7"})

    assert answer.status_code == 403
    assert "CONVFLOW_METRICS_TOKEN" in answer.text


def test_with_a_metrics_token_it_is_required_from_anywhere(app, settings_env, clock):
    with_token = App.create(app.settings.with_overrides(metrics_token="m3tr1cs"))
    with_token.clock = clock
    try:
        with served(with_token, None) as client:
            assert client.get("/metrics").status_code == 401
            wrong = {"Authorization": "Bearer nope"}
            assert client.get("/metrics", headers=wrong).status_code == 401
            right = {"Authorization": "Bearer m3tr1cs", "X-Forwarded-For": "203.0.113.7"}
            answer = client.get("/metrics", headers=right)
            assert answer.status_code == 200
            assert "convflow_database_up 1.0" in answer.text
    finally:
        with_token.close()


def test_every_known_label_is_said_from_the_start_at_zero(probe):
    # Alert rules read 0, not a series absent until the first failure.
    page = probe.get("/metrics").text

    for outcome in ("sent", "retried", "uncertain", "failed", "cancelled", "held"):
        assert metric(page, "convflow_emails_total", outcome=outcome) == 0
    for action in ("expire", "terminate", "passed"):
        assert metric(page, "convflow_deadlines_applied_total", action=action) == 0
    assert metric(page, "convflow_due_lateness_seconds_count", what="reminder") == 0
    for status in ("pending", "uncertain", "sending", "sent", "failed", "cancelled"):
        assert metric(page, "convflow_outbox_emails", status=status) == 0
    for state in ("draft", "signature", "execution", "expired", "terminated", "cancelled"):
        assert metric(page, "convflow_conventions", state=state) == 0
    assert metric(page, "convflow_deadlines", status="pending") == 0


def test_a_metrics_token_is_asked_of_loopback_too_with_the_bearer_challenge(app, clock):
    with_token = App.create(app.settings.with_overrides(metrics_token="m3tr1cs"))
    with_token.clock = clock
    try:
        with served(with_token, None) as client:  # a loopback client
            answer = client.get("/metrics")
    finally:
        with_token.close()

    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
