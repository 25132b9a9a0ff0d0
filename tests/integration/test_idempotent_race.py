"""Two services on one PostgreSQL database decide the same idempotent email at the same moment
(the administrators' daily chain heads, the daily alert about a convention that cannot be
processed): it is queued once, and neither service fails (issue: `UniqueViolation:
uq_outbox_idempotency_key ... (chain_heads:2026-12-06) already exists`, logged as `the due
pass failed` with its traceback)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from states.convention import Convention
from storage.outbox import Email
from storage.tables import outbox_table
from tests.concurrency import at_once
from tests.conftest import FixedClock, empty_postgres
from tests.integration import steps
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.heads import send_chain_heads

ADMIN = "politique.ville@example.org"
ROUNDS = 8
T = TypeVar("T")


@pytest.fixture
def two_services(postgres_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[tuple[App, App]]:
    """Two services' apps (each its own engine, its own connections) on one database."""
    empty_postgres(postgres_url)
    environment = {"CONVFLOW_DATABASE_URL": postgres_url,
                   "CONVFLOW_MAIL_DIR": str(tmp_path / "mail"),
                   "CONVFLOW_LATE_RECORD_DAYS": "3650",
                   "CONVFLOW_OPEN_DATA_THRESHOLD": "10000000",
                   "CONVFLOW_ADMIN_EMAILS": ADMIN, "CONVFLOW_CHAIN_HEADS_DAILY": "yes"}  # fmt: skip
    apps = (App.create(load_settings(environment)), App.create(load_settings(environment)))
    for application in apps:
        application.clock = clock
    yield apps
    for application in apps:
        application.close()


def _at_once(work: Callable[[App], T], apps: tuple[App, App]) -> list[T | BaseException]:
    """`work` run by both services in threads of their own, released together."""
    return at_once(*(partial(work, app) for app in apps))


def _queued(app: App, key: str) -> int:
    with app.engine.connect() as connection:
        count = select(func.count()).where(outbox_table.c.idempotency_key == key)
        return int(connection.execute(count).scalar_one())


@pytest.mark.postgres
def test_two_services_queue_the_daily_chain_heads_once_and_neither_fails(
    two_services: tuple[App, App], reference_convention: Convention, clock: FixedClock
) -> None:
    first, _ = two_services
    reference_convention.end_date = reference_convention.end_date.replace(year=2027)
    steps.load(first, reference_convention)
    morning = steps.at("2026-12-06T10:00:00+01:00")

    for day in range(ROUNDS):  # a race each day: with check-then-insert, most were lost
        now = morning + timedelta(days=day)
        results = _at_once(lambda app, now=now: send_chain_heads(app, now), two_services)

        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == [], errors
        assert sorted(results) == [False, True]  # one queued it, the other found it queued
        assert _queued(first, f"chain_heads:{now.date().isoformat()}") == 1


@pytest.mark.postgres
def test_two_services_alert_once_about_a_convention_they_cannot_process(
    two_services: tuple[App, App], reference_convention: Convention, clock: FixedClock
) -> None:
    first, _ = two_services
    steps.load(first, reference_convention)
    with first.uow(read_only=True) as uow:
        convention_id = uow.conventions.find_id(steps.REFERENCE)
    assert convention_id is not None
    morning = steps.at("2026-12-06T10:00:00+01:00")

    def alert(app: App, now: datetime) -> bool:
        with app.uow() as uow:
            queued = app.mailer.queue_processing_alert(
                uow, steps.REFERENCE, convention_id, "boom", now
            )
            uow.commit()
            return queued

    for day in range(ROUNDS):
        now = morning + timedelta(days=day)
        results = _at_once(lambda app, now=now: alert(app, now), two_services)

        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == [], errors
        assert sorted(results) == [False, True]
        key = f"processing_failed:{steps.REFERENCE}:{now.date().isoformat()}"
        assert _queued(first, key) == 1


def test_an_email_queued_twice_under_one_key_is_queued_once(app: App, clock: FixedClock) -> None:
    email = Email(None, "chain_heads", "<once@example.org>", "chain_heads:2026-12-06",
                  "convflow <c@example.org>", [ADMIN], [], {"kind": "chain_heads"})  # fmt: skip
    with app.uow() as uow:
        first = uow.outbox.queue_once(email, clock.now)
        again = uow.outbox.queue_once(email, clock.now)
        uow.commit()

    assert isinstance(first, int) and again is None
    assert _queued(app, "chain_heads:2026-12-06") == 1
