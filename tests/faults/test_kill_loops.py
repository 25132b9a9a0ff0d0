"""`kill -9` of the service at random moments, again and again: a killed sender may repeat the
one email in flight (under its Message-ID), never the emails it had already sent; nothing is
lost, and the terms that passed are applied once."""

from __future__ import annotations

import time

import pytest

from states.convention import Convention
from tests.faults.conftest import MailServers
from tests.faults.fleet import build_fleet
from tests.faults.harness import (
    FAULT_SETTINGS,
    SCALE,
    kill_loop,
    random_moments,
    settle,
    stop_all,
    tally,
    unresolved,
)
from tests.faults.smtp import LedgerHandler
from tests.faults.tally import Figures
from tests.processes.conventions import open_app
from tests.processes.running import Processes, convflow_environment

pytestmark = [pytest.mark.faults, pytest.mark.slow]
SLOW_DATA = 0.02  # seconds per DATA: delivery lasts long enough for kills to land in it


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_service_killed_at_random_moments_repeats_at_most_the_email_in_flight(
    backend: str, request: pytest.FixtureRequest, reference_convention: Convention,
    mail_servers: MailServers, processes: Processes,
) -> None:  # fmt: skip
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_database")
    app = open_app(url)
    request.addfinalizer(app.close)
    fleet = build_fleet(app, reference_convention, SCALE.conventions)
    expected = fleet.expected()
    server = mail_servers.start(LedgerHandler(delay=SLOW_DATA))
    environment = convflow_environment(url, server.port, **FAULT_SETTINGS)
    started = time.monotonic()

    moments = random_moments(0 if backend == "sqlite" else 1)
    # From start-up (about half a second) into the delivery, which lasts about `span`.
    span = SLOW_DATA * sum(expected.values()) + 1.0
    kill_loop(processes, environment, SCALE.kills, moments, (0.5, min(max(1.5, span), 4.0)))
    final = processes.start(["serve", "--no-http"], environment)
    finished = settle(app, fleet, sum(expected.values()), SCALE.settle_seconds)
    stop_all([final])

    figures = tally(
        Figures("kill -9 of serve at random moments", backend, SCALE.conventions,
                sum(expected.values()), kills=SCALE.kills, bound=SCALE.kills,
                seconds=time.monotonic() - started, finished=finished),
        app, expected, server.handler.copies(),
    )  # fmt: skip
    assert figures.met, f"{figures.line()}; unresolved: {unresolved(app)}"
