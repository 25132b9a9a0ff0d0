"""The database becomes unreachable for a while in the middle of a delivery (a TCP proxy between
the service and PostgreSQL cuts the link, then restores it): what the mail server accepted
meanwhile is recorded once the database answers again, and goes once."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from states.convention import Convention
from tests.faults.conftest import MailServers, through
from tests.faults.fleet import build_fleet
from tests.faults.harness import FAULT_SETTINGS, SCALE, settle, stop_all, tally, unresolved
from tests.faults.proxy import CuttableProxy
from tests.faults.smtp import LedgerHandler
from tests.faults.tally import Figures
from tests.processes.running import ConvflowProcess, Processes, convflow_environment, wait_until
from workflow.bootstrap import App

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.postgres]
SLOW_DATA = 0.03  # seconds per DATA: the fault lands in the middle of the delivery


@dataclass(frozen=True)
class LinkFault:
    """How the link between the service and PostgreSQL fails for a while, then comes back."""

    said: str  # as the figures name it: « unreachable », « silent »
    seconds: float
    begin: Callable[[CuttableProxy], None]
    end: Callable[[CuttableProxy], None]
    count: Callable[[CuttableProxy], int]


CUT = LinkFault("unreachable", SCALE.cut_seconds, CuttableProxy.cut, CuttableProxy.restore,
                lambda proxy: proxy.cuts)  # fmt: skip


def deliver_through(
    fault: LinkFault, postgres_database: str, postgres_app: App, convention: Convention,
    mail_servers: MailServers, processes: Processes, proxy: CuttableProxy,
) -> tuple[Figures, ConvflowProcess]:  # fmt: skip
    """A service delivering a fleet's emails while `fault` strikes the database's link once a
    fifth are sent: what was lost and doubled, and the service, stopped."""
    fleet = build_fleet(postgres_app, convention, SCALE.conventions)
    expected = fleet.expected()
    emails = sum(expected.values())
    server = mail_servers.start(LedgerHandler(delay=SLOW_DATA))
    environment = convflow_environment(through(proxy, postgres_database), server.port,
                                       **FAULT_SETTINGS)  # fmt: skip
    started = time.monotonic()

    service = processes.start(["serve", "--no-http"], environment)
    wait_until(lambda: sum(server.handler.copies().values()) >= emails // 5, 60,
               "a fifth of the emails to be sent")  # fmt: skip
    fault.begin(proxy)
    time.sleep(fault.seconds)
    fault.end(proxy)
    finished = settle(postgres_app, fleet, emails, SCALE.settle_seconds)
    stop_all([service])

    figures = tally(
        Figures(f"database {fault.said} for {fault.seconds:.0f}s", "postgresql",
                SCALE.conventions, emails, faults=fault.count(proxy),
                seconds=time.monotonic() - started, finished=finished),
        postgres_app, expected, server.handler.copies(),
    )  # fmt: skip
    assert figures.met, f"{figures.line()}; unresolved: {unresolved(postgres_app)}"
    assert service.popen.returncode == 0, service.output()
    return figures, service


def test_a_database_unreachable_for_a_while_loses_nothing_and_sends_nothing_twice(
    postgres_database: str, postgres_app: App, reference_convention: Convention,
    mail_servers: MailServers, processes: Processes, proxy: CuttableProxy,
) -> None:  # fmt: skip
    deliver_through(CUT, postgres_database, postgres_app, reference_convention, mail_servers,
                    processes, proxy)  # fmt: skip
