"""A mail server that misbehaves on some messages: refuses them for a while (451, 421), for good
(550), answers their DATA after the client's timeout, or cuts the line after their DATA. Nothing
is lost; nothing goes twice, except what no sender can know: a message the server kept after
a cut line, which goes again under its Message-ID and is counted as uncertain."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from states.convention import Convention
from tests.faults.conftest import MailServers
from tests.faults.fleet import build_fleet
from tests.faults.harness import FAULT_SETTINGS, SCALE, settle, stop_all, tally, unresolved
from tests.faults.smtp import Fault, LedgerHandler
from tests.faults.tally import Figures
from tests.processes.conventions import outbox
from tests.processes.running import Processes, convflow_environment
from workflow.bootstrap import App

pytestmark = [pytest.mark.faults, pytest.mark.slow]
ADMIN = "politique.ville@example.org"
COMMAND_TIMEOUT, DATA_TIMEOUT, LATE_BY = 2, 30, 3.0
FAULTS = {
    "answers 451, or 421 and closes, then accepts": Fault("temporary", SCALE.fault_every),
    "refuses for good (550)": Fault("permanent", SCALE.fault_every),
    f"answers DATA {LATE_BY:.0f}s late (timeout {COMMAND_TIMEOUT}s)": Fault(
        "late", SCALE.fault_every, late_by=LATE_BY
    ),
    "cuts the line after DATA, message discarded": Fault("drop", SCALE.fault_every, keeps=False),
    "cuts the line after DATA, message kept": Fault("drop", SCALE.fault_every, keeps=True),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_mail_server_that_misbehaves_loses_nothing_and_repeats_nothing_it_confirmed(
    name: str, sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    mail_servers: MailServers, processes: Processes,
) -> None:  # fmt: skip
    fault = FAULTS[name]
    fleet = build_fleet(sqlite_app, reference_convention, SCALE.smtp_conventions)
    expected = fleet.expected()
    server = mail_servers.start(LedgerHandler(fault=fault))
    environment = convflow_environment(
        sqlite_url, server.port, **{**FAULT_SETTINGS, "admin_emails": ADMIN, "admin_copies": "no",
                                    "smtp_timeout": str(COMMAND_TIMEOUT),
                                    "smtp_data_timeout": str(DATA_TIMEOUT)},
    )  # fmt: skip
    started = time.monotonic()

    service = processes.start(["serve", "--no-http"], environment)
    # Alerts about refused emails are queued with the refusal: all final means all done.
    finished = settle(sqlite_app, fleet, sum(expected.values()), SCALE.settle_seconds)
    stop_all([service])

    refused = server.handler.refused
    # Each email refused for good is announced to the administrators, once.
    alerts = Counter(
        (row["reference"], "delivery_failed") for row in outbox(sqlite_app)
        if refused[row["message_id"]] and row["kind"] != "delivery_failed"  # none about an alert
    )  # fmt: skip
    # Copies nobody can avoid: a message the server kept but never confirmed goes again.
    unavoidable = server.handler.injected if fault.kind == "drop" and fault.keeps else 0
    figures = tally(
        Figures(f"mail server {name}", "sqlite", SCALE.smtp_conventions,
                sum((expected + alerts).values()), faults=server.handler.injected,
                bound=unavoidable, seconds=time.monotonic() - started, finished=finished),
        sqlite_app, expected + alerts, server.handler.copies(), refused,
    )  # fmt: skip
    assert figures.met, f"{figures.line()}; unresolved: {unresolved(sqlite_app)}"
    assert server.handler.injected > 0, "the fault never struck"
    assert figures.refused == sum(1 for n in refused.values() if n)
    assert service.popen.returncode == 0, service.output()
