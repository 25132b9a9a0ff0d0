"""A service killed (SIGKILL) while it sends an email partly held: the server has taken it for
the recipients it went to, the service dies before hearing so. Restarted, it sends that email
again to them (the one email in flight, under its Message-ID: the known bound), and the held
recipient gets every email once, in the order they were recorded, after the earlier one.

The reference convention brought into force (emails to Martial Alvarez and the GIP's signatory,
CRPV): the GIP's server greylists the first email (451 at RCPT); the later ones are held for the
GIP and go at once to Martial, from a real `convflow serve`, killed at its first DATA, once the
server has kept the message and before its answer reaches the service. Real aiosmtpd, on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from states.convention import Convention
from tests.notifications.conftest import SmtpServers
from tests.notifications.helpers import ScriptedHandler
from tests.processes.conventions import CRPV, METROPOLE, days, load, outbox, record, submit
from tests.processes.mail import message_id
from tests.processes.running import ConvflowProcess, Processes, convflow_environment, wait_until
from workflow.bootstrap import App, utc_now
from workflow.settings import load_settings
from workflow.usecases.dispatch import deliver

pytestmark = pytest.mark.slow
REFERENCE = "HELD-KILLED"
GREYLISTED = "451 4.7.1 Greylisted, please try again later"
SETTINGS = {"retry_base_seconds": "1", "claim_lease_seconds": "2", "wake_interval": "1"}


@dataclass
class KillingHandler(ScriptedHandler):
    """Takes every message; once armed, kills the service (SIGKILL) at the next DATA, after
    keeping the message and before answering it: the server has it, the service never hears."""

    victims: list[ConvflowProcess] = field(default_factory=list)
    killed_in_flight: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if self.victims and self.victims[0].popen.returncode is None:
            assert envelope.original_content is not None
            mid = message_id(envelope.original_content)
            self.victims[0].kill()  # the message kept, its answer never read
            self.killed_in_flight.append((mid, tuple(envelope.rcpt_tos)))
        return answer


def copies(handler: ScriptedHandler) -> Counter[tuple[str, str]]:
    """How many copies of each Message-ID each recipient got (envelope addresses)."""
    return Counter(
        (message_id(item.content), rcpt.lower()) for item in handler.accepted
        for rcpt in item.rcpt_tos
    )  # fmt: skip


def first_arrivals(handler: ScriptedHandler, who: str) -> list[str]:
    """The Message-IDs `who` got, in the order they first reached the server."""
    seen: list[str] = []
    for item in handler.accepted:
        mid = message_id(item.content)
        if who in (r.lower() for r in item.rcpt_tos) and mid not in seen:
            seen.append(mid)
    return seen


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_service_killed_during_a_partly_held_send_loses_nothing_and_keeps_the_order(
    backend: str, request: pytest.FixtureRequest, reference_convention: Convention,
    smtp_servers: SmtpServers, processes: Processes,
) -> None:  # fmt: skip
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_database")
    app = App.create(load_settings({
        "CONVFLOW_DATABASE_URL": url, "CONVFLOW_LATE_RECORD_DAYS": "3650",
        "CONVFLOW_CHAIN_HEADS_DAILY": "no", "CONVFLOW_RETRY_BASE_SECONDS": "1",
    }))  # fmt: skip
    request.addfinalizer(app.close)
    handler = KillingHandler()
    server = smtp_servers.start(handler)
    load(app, reference_convention, REFERENCE, days(400))
    submit(app, REFERENCE, days(-20))
    # The first email (the request to sign) reaches Martial; the GIP's server greylists it.
    handler.rcpt_answers[CRPV] = GREYLISTED
    deliver(app, server.sender(), utc_now())
    # Both sign: the convention's later emails, to both, wait for the service.
    record(app, REFERENCE, "sign", days(-19), signatory=METROPOLE)
    record(app, REFERENCE, "sign", days(-18), signatory=CRPV)
    first, *later = outbox(app)
    assert (first["status"], first["delivered_to"]) == ("pending", [METROPOLE])
    assert later and all(CRPV in e["recipients"] and e["delivered_to"] == [] for e in later)

    environment = convflow_environment(url, server.port, **SETTINGS)
    service = processes.start(["serve", "--no-http"], environment)
    handler.victims.append(service)
    wait_until(lambda: handler.killed_in_flight, 30, "a DATA of the service, and its kill")
    assert service.popen.returncode == -9
    [(in_flight, envelope)] = handler.killed_in_flight
    emails = {e["message_id"]: e for e in outbox(app)}
    # The email in flight was one held for the GIP, sent to Martial alone; nothing recorded.
    assert envelope == (METROPOLE,) and CRPV in emails[in_flight]["recipients"]
    assert (emails[in_flight]["status"], emails[in_flight]["delivered_to"]) == ("sending", [])

    del handler.rcpt_answers[CRPV]  # the GIP's server takes mail again
    final = processes.start(["serve", "--no-http"], environment)

    def all_sent() -> bool:
        return {e["status"] for e in outbox(app)} == {"sent"}

    wait_until(all_sent, 60, "every email sent")
    final.popen.terminate()
    final.wait(30)

    emails = {e["message_id"]: e for e in outbox(app)}
    got = copies(handler)
    wanted = {(mid, r.lower()) for mid, e in emails.items() for r in e["recipients"]}
    lost = sorted(key for key in wanted if not got[key])
    extra = {key: n - 1 for key, n in got.items() if n > 1}
    assert lost == [], lost
    # One extra copy: the email in flight, to the envelope it went to (nothing was recorded
    # of it, so it goes to Martial again), once.
    assert extra == {(in_flight, METROPOLE): 1}, extra
    assert set(got) == wanted  # nobody got an email not meant for them
    # The GIP got each email once, in the order recorded: the request to sign first.
    in_order = [mid for mid in sorted(emails, key=lambda m: int(emails[m]["id"]))]
    assert first_arrivals(handler, CRPV) == in_order
    assert all(got[(mid, CRPV)] == 1 for mid in emails)
    assert sorted(emails[in_flight]["delivered_to"]) == sorted([METROPOLE, CRPV])
