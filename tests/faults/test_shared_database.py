"""Two and three services on one PostgreSQL database, with a short claim lease and a mail server
slow enough that a batch takes longer than the lease: a claim is its holder's while it works on
it, so no email goes twice and none is lost."""

from __future__ import annotations

import time

import pytest

from states.convention import Convention
from tests.faults.conftest import MailServers
from tests.faults.fleet import build_fleet
from tests.faults.harness import FAULT_SETTINGS, SCALE, settle, stop_all, tally, unresolved
from tests.faults.smtp import LedgerHandler
from tests.faults.tally import Figures
from tests.processes.running import Processes, convflow_environment
from workflow.bootstrap import App

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.postgres]
SLOW_DATA = 0.15  # seconds per DATA: a batch of 25 takes ~4 s, twice the lease
LEASE = 2


@pytest.mark.parametrize("count", [2, 3], ids=["two services", "three services"])
def test_services_sharing_postgresql_with_passes_longer_than_the_lease_send_each_email_once(
    count: int, postgres_database: str, postgres_app: App, reference_convention: Convention,
    mail_servers: MailServers, processes: Processes,
) -> None:  # fmt: skip
    fleet = build_fleet(postgres_app, reference_convention, SCALE.shared_conventions)
    expected = fleet.expected()
    server = mail_servers.start(LedgerHandler(delay=SLOW_DATA))
    settings = {**FAULT_SETTINGS, "claim_lease_seconds": str(LEASE)}
    environment = convflow_environment(postgres_database, server.port, **settings)
    started = time.monotonic()

    services = [processes.start(["serve", "--no-http"], environment) for _ in range(count)]
    finished = settle(postgres_app, fleet, sum(expected.values()), SCALE.settle_seconds)
    stop_all(services)

    figures = tally(
        Figures(f"{count} services, lease {LEASE}s, {SLOW_DATA}s per DATA", "postgresql",
                SCALE.shared_conventions, sum(expected.values()),
                seconds=time.monotonic() - started, finished=finished),
        postgres_app, expected, server.handler.copies(),
    )  # fmt: skip
    assert figures.met, f"{figures.line()}; unresolved: {unresolved(postgres_app)}"
    assert all(service.popen.returncode == 0 for service in services)
