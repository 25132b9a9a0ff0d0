"""The mail server is down, then comes back: the service retries with exponential backoff,
loses nothing, and delivers each email once when the server answers again."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import pairwise

import pytest

from states.convention import Convention
from tests.notifications.conftest import SmtpServers
from tests.notifications.helpers import free_port
from tests.processes.conventions import days, load, outbox, submit
from tests.processes.mail import HoldingHandler, message_ids
from tests.processes.running import Processes, convflow_environment, wait_until
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
BASE = 1  # seconds: the first retry delay, then 2, 4, 8...
FAILURE = re.compile(
    r"temporary failure for signature_requested (<\S+>) \(attempt (\d+)\): .*Connection ?Refused"
    r".*; next try at (\S+)",
    re.IGNORECASE,
)


def test_emails_wait_for_a_mail_server_that_is_down_and_go_once_when_it_is_back(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    smtp_servers: SmtpServers, processes: Processes,
) -> None:  # fmt: skip
    for number in range(3):
        load(sqlite_app, reference_convention, f"DOWN-SMTP-{number}", days(400))
        submit(sqlite_app, f"DOWN-SMTP-{number}")
    port = free_port()  # nobody listens there yet
    environment = convflow_environment(
        sqlite_url, port, wake_interval="3600", retry_base_seconds=str(BASE), max_attempts="10"
    )

    service = processes.serve(environment)
    service.wait_for_log(FAILURE.pattern, count=3 * 3)  # three attempts for each email

    def attempts() -> set[tuple[str, int]]:
        return {(e["status"], e["attempts"]) for e in outbox(sqlite_app)}

    wait_until(lambda: attempts() == {("pending", 3)}, 10, "the third attempts recorded")
    emails = outbox(sqlite_app)
    assert all("refused" in e["last_error"].lower() for e in emails)

    server = smtp_servers.start(HoldingHandler(), port=port)  # the server comes back
    wait_until(lambda: len(server.handler.accepted) == 3, 30, "the emails once it is back")
    wait_until(lambda: attempts() == {("sent", 4)}, 10, "their delivery recorded")
    assert service.stop() == 0

    emails = outbox(sqlite_app)
    assert {(e["status"], e["attempts"]) for e in emails} == {("sent", 4)}
    assert message_ids(server.handler.accepted) == {e["message_id"]: 1 for e in emails}
    # Every failure was followed by a try at the announced instant, each wait twice the last.
    for email in emails:
        tries = [m for m in FAILURE.finditer(service.stderr) if m[1] == email["message_id"]]
        assert [int(m[2]) for m in tries] == [1, 2, 3]
        planned = [datetime.fromisoformat(m[3]) for m in tries]
        waits = [(later - earlier).total_seconds() for earlier, later in pairwise(planned)]
        assert waits[0] >= 2 * BASE and waits[1] >= 4 * BASE
        assert waits[0] < 2 * BASE + 1 and waits[1] < 4 * BASE + 1, "tried again on time"
    assert "could not deliver" not in service.stderr
