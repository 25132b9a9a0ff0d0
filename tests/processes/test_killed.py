"""A service killed between claiming emails and hearing the server's answer: after the claim
lease, the restarted service sends the email in flight again, under the same Message-ID, and
every other email of the claimed batch exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from states.convention import Convention
from tests.notifications.conftest import RunningServer
from tests.processes.conftest import holding
from tests.processes.conventions import claim_instants, days, load, outbox, submit
from tests.processes.mail import message_id, message_ids
from tests.processes.running import Processes, convflow_environment, wait_until
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
LEASE = 3


def test_a_killed_service_resends_only_the_email_in_flight_with_its_message_id(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    smtp_server: RunningServer, processes: Processes,
) -> None:  # fmt: skip
    handler = holding(smtp_server)
    for number in range(4):
        load(sqlite_app, reference_convention, f"KILLED-{number}", days(400))
        submit(sqlite_app, f"KILLED-{number}")  # one "signature requested" email each
    environment = convflow_environment(
        sqlite_url, smtp_server.port, wake_interval="60", claim_lease_seconds=str(LEASE)
    )
    handler.hold_next()

    first = processes.start(["serve", "--no-http"], environment)
    wait_until(lambda: handler.held, 15, "the first email's DATA")
    in_flight = message_id(handler.held[0].content)
    first.kill()  # SIGKILL while the server holds the DATA: no answer, no record
    assert first.popen.returncode == -9

    claimed = outbox(sqlite_app)
    # Claimed, none answered: no attempt is counted until one is made and its outcome known.
    assert [(e["status"], e["attempts"]) for e in claimed] == [("sending", 0)] * 4
    assert in_flight in {e["message_id"] for e in claimed}
    claimed_at = claim_instants(sqlite_app)
    assert handler.accepted == []

    second = processes.serve(environment)

    def all_sent() -> bool:
        return {e["status"] for e in outbox(sqlite_app)} == {"sent"}

    wait_until(all_sent, 2 * LEASE + 10, "the batch sent again and recorded")
    assert second.stop() == 0
    emails = outbox(sqlite_app)
    # Each email reached the server once after the restart, the one in flight included:
    # it went twice in all (held, then again), under the same Message-ID.
    assert message_ids(handler.accepted) == {e["message_id"]: 1 for e in emails}
    assert message_ids(handler.held) == {in_flight: 1}
    # Taken back only once the claim's lease had run out.
    resent = min(at for _, at in handler.arrivals[1:])
    assert resent >= (max(claimed_at) + timedelta(seconds=LEASE)).timestamp()
