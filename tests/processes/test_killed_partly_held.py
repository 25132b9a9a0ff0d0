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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    at: Callable[[str, tuple[str, ...]], bool] = lambda mid, to: True  # which DATA (ID, RCPT)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        assert envelope.original_content is not None
        mid = message_id(envelope.original_content)
        if (self.victims and self.victims[0].popen.returncode is None
                and self.at(mid, tuple(envelope.rcpt_tos))):  # fmt: skip
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


@dataclass
class Scene:
    """The convention's emails, the first one greylisted for the GIP, and what serves them."""

    app: App
    handler: KillingHandler
    environment: dict[str, str]
    first: str  # the request to sign's Message-ID


def held_for_the_gip(
    request: pytest.FixtureRequest, backend: str, convention: Convention, servers: SmtpServers
) -> Scene:
    """The request to sign delivered in this process: it reaches Martial, the GIP's server
    greylists it; then both sign, and the later emails, to both, wait for the service."""
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_database")
    app = App.create(load_settings({
        "CONVFLOW_DATABASE_URL": url, "CONVFLOW_LATE_RECORD_DAYS": "3650",
        "CONVFLOW_CHAIN_HEADS_DAILY": "no", "CONVFLOW_RETRY_BASE_SECONDS": "1",
    }))  # fmt: skip
    request.addfinalizer(app.close)
    handler = KillingHandler()
    server = servers.start(handler)
    load(app, convention, REFERENCE, days(400))
    submit(app, REFERENCE, days(-20))
    handler.rcpt_answers[CRPV] = GREYLISTED
    deliver(app, server.sender(), utc_now())
    record(app, REFERENCE, "sign", days(-19), signatory=METROPOLE)
    record(app, REFERENCE, "sign", days(-18), signatory=CRPV)
    first, *later = outbox(app)
    assert (first["status"], first["delivered_to"]) == ("pending", [METROPOLE])
    assert later and all(CRPV in e["recipients"] and e["delivered_to"] == [] for e in later)
    environment = convflow_environment(url, server.port, **SETTINGS)
    return Scene(app, handler, environment, first["message_id"])


def restarted_until_all_sent(scene: Scene, processes: Processes) -> dict[str, dict[str, Any]]:
    """A new service, the GIP's server taking mail, until every email is sent: the outbox."""
    scene.handler.rcpt_answers.pop(CRPV, None)
    final = processes.start(["serve", "--no-http"], scene.environment)

    def all_sent() -> bool:
        return {e["status"] for e in outbox(scene.app)} == {"sent"}

    wait_until(all_sent, 60, "every email sent")
    final.popen.terminate()
    final.wait(30)
    return {e["message_id"]: e for e in outbox(scene.app)}


def assert_one_extra(
    handler: KillingHandler, emails: dict[str, dict[str, Any]], in_flight: tuple[str, str]
) -> None:
    """None lost; one extra copy, of the email in flight to the one it went to; the GIP got
    each email once, in the order they were recorded."""
    got = copies(handler)
    wanted = {(mid, r.lower()) for mid, e in emails.items() for r in e["recipients"]}
    lost = sorted(key for key in wanted if not got[key])
    extra = {key: n - 1 for key, n in got.items() if n > 1}
    assert (lost, extra) == ([], {in_flight: 1}), (lost, extra)
    assert set(got) == wanted  # nobody got an email not meant for them
    in_order = sorted(emails, key=lambda m: int(emails[m]["id"]))
    assert first_arrivals(handler, CRPV) == in_order
    # Everyone has each: `delivered_to` names them, or is empty for an email sent whole.
    assert all(sorted(e["delivered_to"]) in ([], sorted([METROPOLE, CRPV]))
               for e in emails.values())  # fmt: skip


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_as_it_sends_the_free_part_the_restart_repeats_it_to_martial_alone(
    backend: str, request: pytest.FixtureRequest, reference_convention: Convention,
    smtp_servers: SmtpServers, processes: Processes,
) -> None:  # fmt: skip
    scene = held_for_the_gip(request, backend, reference_convention, smtp_servers)
    service = processes.start(["serve", "--no-http"], scene.environment)
    scene.handler.victims.append(service)  # killed at its first DATA
    wait_until(lambda: scene.handler.killed_in_flight, 30, "a DATA of the service, and its kill")
    assert service.popen.returncode == -9
    [(in_flight, envelope)] = scene.handler.killed_in_flight
    emails = {e["message_id"]: e for e in outbox(scene.app)}
    # The email in flight was one held for the GIP, sent to Martial alone; nothing recorded.
    assert envelope == (METROPOLE,) and CRPV in emails[in_flight]["recipients"]
    assert (emails[in_flight]["status"], emails[in_flight]["delivered_to"]) == ("sending", [])

    emails = restarted_until_all_sent(scene, processes)
    assert_one_extra(scene.handler, emails, (in_flight, METROPOLE))


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_as_it_sends_the_held_part_the_restart_repeats_it_to_the_gip_alone(
    backend: str, request: pytest.FixtureRequest, reference_convention: Convention,
    smtp_servers: SmtpServers, processes: Processes,
) -> None:  # fmt: skip
    scene = held_for_the_gip(request, backend, reference_convention, smtp_servers)
    service = processes.start(["serve", "--no-http"], scene.environment)

    def partly_sent() -> bool:
        return all(e["delivered_to"] == [METROPOLE] and e["status"] == "pending"
                   for e in outbox(scene.app))  # fmt: skip

    wait_until(partly_sent, 30, "the later emails sent to Martial, waiting for the GIP")
    # The GIP's server takes mail again: the request to sign reaches it, then the service is
    # killed as the first email that waited for it goes to it.
    scene.handler.at = lambda mid, to: to == (CRPV,) and mid != scene.first
    scene.handler.victims.append(service)
    del scene.handler.rcpt_answers[CRPV]
    wait_until(lambda: scene.handler.killed_in_flight, 30, "a DATA to the GIP, and its kill")
    assert service.popen.returncode == -9
    [(in_flight, _)] = scene.handler.killed_in_flight
    emails = {e["message_id"]: e for e in outbox(scene.app)}
    assert (emails[in_flight]["status"], emails[in_flight]["delivered_to"]) == (
        "sending", [METROPOLE])  # fmt: skip

    emails = restarted_until_all_sent(scene, processes)
    assert_one_extra(scene.handler, emails, (in_flight, CRPV))
