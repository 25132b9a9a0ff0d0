"""The database says nothing for a while in the middle of a delivery (a TCP proxy between the
service and PostgreSQL keeps the links open and stops forwarding, as a hung server or a network
gone without a reset would), then answers again: every wait on it ends within its bound, what
the mail server accepted meanwhile is recorded once it answers, and goes once; the outage is
said once, and its end once."""

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
SLOW_DATA = 0.03  # seconds per DATA: the stall lands in the middle of the delivery


def test_a_database_silent_for_a_while_loses_nothing_and_sends_nothing_twice(
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
    proxy.stall()
    time.sleep(SCALE.stall_seconds)
    proxy.resume()
    finished = settle(postgres_app, fleet, emails, SCALE.settle_seconds)
    stop_all([service])

    figures = tally(
        Figures(f"database silent for {SCALE.stall_seconds:.0f}s", "postgresql",
                SCALE.conventions, emails, faults=proxy.stalls,
                seconds=time.monotonic() - started, finished=finished),
        postgres_app, expected, server.handler.copies(),
    )  # fmt: skip
    assert figures.met, f"{figures.line()}; unresolved: {unresolved(postgres_app)}"
    assert service.popen.returncode == 0, service.output()
    log = service.stderr
    # said once by the service, and once by delivery waiting to record (as for a link cut)
    assert log.count("convflow.service: the database does not answer (") == 1, log
    assert log.count("convflow.service: the database answers again") == 1, log
    assert log.count("cannot record delivery outcomes now") <= 1, log
    assert "sqlalche.me" not in log  # in convflow's words, never SQLAlchemy's links
    assert "maximum number of running instances" not in log
    assert "could not process what is due" not in log and "Traceback" not in log
