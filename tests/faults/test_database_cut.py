"""The database becomes unreachable for a while in the middle of a delivery (a TCP proxy between
the service and PostgreSQL cuts the link, then restores it): what the mail server accepted
meanwhile is recorded once the database answers again, and goes once."""

from __future__ import annotations

import time

import pytest

from states.convention import Convention
from tests.faults.conftest import MailServers, through
from tests.faults.fleet import build_fleet
from tests.faults.harness import FAULT_SETTINGS, SCALE, settle, stop_all, tally, unresolved
from tests.faults.proxy import CuttableProxy
from tests.faults.smtp import LedgerHandler
from tests.faults.tally import Figures
from tests.processes.running import Processes, convflow_environment, wait_until
from workflow.bootstrap import App

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.postgres]
SLOW_DATA = 0.03  # seconds per DATA: the cut lands in the middle of the delivery


def test_a_database_unreachable_for_a_while_loses_nothing_and_sends_nothing_twice(
    postgres_database: str, postgres_app: App, reference_convention: Convention,
    mail_servers: MailServers, processes: Processes, proxy: CuttableProxy,
) -> None:  # fmt: skip
    fleet = build_fleet(postgres_app, reference_convention, SCALE.conventions)
    expected = fleet.expected()
    emails = sum(expected.values())
    server = mail_servers.start(LedgerHandler(delay=SLOW_DATA))
    environment = convflow_environment(through(proxy, postgres_database), server.port,
                                       **FAULT_SETTINGS)  # fmt: skip
    started = time.monotonic()

    service = processes.start(["serve", "--no-http"], environment)
    wait_until(lambda: sum(server.handler.copies().values()) >= emails // 5, 60,
               "a fifth of the emails to be sent")  # fmt: skip
    proxy.cut()
    time.sleep(SCALE.cut_seconds)
    proxy.restore()
    finished = settle(postgres_app, fleet, emails, SCALE.settle_seconds)
    stop_all([service])

    figures = tally(
        Figures(f"database unreachable for {SCALE.cut_seconds:.0f}s", "postgresql",
                SCALE.conventions, emails, faults=proxy.cuts,
                seconds=time.monotonic() - started, finished=finished),
        postgres_app, expected, server.handler.copies(),
    )  # fmt: skip
    assert figures.met, f"{figures.line()}; unresolved: {unresolved(postgres_app)}"
    assert service.popen.returncode == 0, service.output()
