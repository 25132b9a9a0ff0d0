"""The database says nothing for a while in the middle of a delivery (a TCP proxy between the
service and PostgreSQL keeps the links open and stops forwarding, as a hung server or a network
gone without a reset would), then answers again: every wait on it ends within its bound, what
the mail server accepted meanwhile is recorded once it answers, and goes once; the outage is
said once, and its end once."""

from __future__ import annotations

import pytest

from states.convention import Convention
from tests.faults.conftest import MailServers
from tests.faults.harness import SCALE
from tests.faults.proxy import CuttableProxy
from tests.faults.test_database_cut import LinkFault, deliver_through
from tests.processes.running import Processes
from workflow.bootstrap import App

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.postgres]
STALL = LinkFault("silent", SCALE.stall_seconds, CuttableProxy.stall, CuttableProxy.resume,
                  lambda proxy: proxy.stalls)  # fmt: skip


def test_a_database_silent_for_a_while_loses_nothing_and_sends_nothing_twice(
    postgres_database: str, postgres_app: App, reference_convention: Convention,
    mail_servers: MailServers, processes: Processes, proxy: CuttableProxy,
) -> None:  # fmt: skip
    _, service = deliver_through(STALL, postgres_database, postgres_app, reference_convention,
                                 mail_servers, processes, proxy)  # fmt: skip

    log = service.stderr
    # said once by the service, and once by delivery waiting to record (as for a link cut)
    assert log.count("convflow.service: the database does not answer (") == 1, log
    assert log.count("convflow.service: the database answers again") == 1, log
    assert log.count("cannot record delivery outcomes now") <= 1, log
    assert "sqlalche.me" not in log  # in convflow's words, never SQLAlchemy's links
    assert "maximum number of running instances" not in log
    assert "could not process what is due" not in log and "Traceback" not in log
