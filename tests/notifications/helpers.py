"""Test doubles for the notifications tests: emails, and an SMTP handler that obeys the test."""

import asyncio
import random
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from notifications import OutgoingEmail

SENDER = "convflow <conventions@convflow.local>"
USER, PASSWORD = "alice", "s3cret"


def make_email(number: int = 0, **changes: Any) -> OutgoingEmail:
    """An email about the reference convention, distinct for each number."""
    fields: dict[str, Any] = {
        "message_id": f"<reminder-{number}.AMP-CRPV-PACA-2025@convflow.local>",
        "idempotency_key": f"reminder:AMP-CRPV-PACA-2025:expiry:{number}",
        "sender": SENDER,
        "to": ("Martial Alvarez <martial.alvarez@example.org>",),
        "cc": ("mustapha.berra@example.org",),
        "subject": "[AMP-CRPV-PACA-2025] Rappel\xa0: la convention arrive à son terme",
        "text": "Madame, Monsieur,\n\nLa convention arrive à son terme.\n",
        "html": "<p>Madame, Monsieur,</p><p>La convention arrive à son terme.</p>",
        "created_at": datetime(2025, 12, 1, 8, 0, tzinfo=UTC),
    }
    fields.update(changes)
    return OutgoingEmail(**fields)


def free_port() -> int:
    """A loopback TCP port nobody listens on (for now), below the kernel's range of ephemeral
    ports: a port the kernel gave for listening is also one it may give to the next outgoing
    connection (a PostgreSQL or SMTP client) before the test's server binds it, which failed a
    fault scenario once with 'address already in use'."""
    low = _ephemeral_low()
    for _ in range(200):
        port = random.randrange(max(low - 12_000, 1024), low)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free loopback port below {low}")


def _ephemeral_low() -> int:
    """The first port of the range the kernel gives outgoing connections (32768 by default)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range", encoding="ascii") as ranges:
            return int(ranges.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


@dataclass(frozen=True)
class Received:
    """An email the server accepted: its envelope and its bytes."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    content: bytes


@dataclass
class ScriptedHandler:
    """An aiosmtpd handler that records what it accepts and answers as the test tells it."""

    rcpt_answers: dict[str, str] = field(default_factory=dict)  # address -> its refusal
    data_answers: list[str] = field(default_factory=list)  # next DATA answers, then 250
    hang_up_at: list[int] = field(default_factory=list)  # hang up once at DATA after n accepted
    drop_from: int | None = None  # hang up at every DATA once this many emails were accepted
    hang_up_at_mail: list[int] = field(default_factory=list)  # ... at MAIL after n accepted
    data_delay: float = 0.0  # seconds before answering each DATA (the message is kept)
    require_auth: bool = False
    peers: set[object] = field(default_factory=set)
    accepted: list[Received] = field(default_factory=list)

    @property
    def connections(self) -> int:
        """How many client connections said EHLO (one peer address each)."""
        return len(self.peers)

    async def handle_EHLO(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname  # the 5-argument hook must do it itself
        self.peers.add(session.peer)
        return responses

    async def handle_MAIL(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        options: list[str],
    ) -> str:
        # Required here rather than with auth_required=True, which warns on plain text.
        if self.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if len(self.accepted) in self.hang_up_at_mail:
            self.hang_up_at_mail.remove(len(self.accepted))
            assert server.transport is not None
            server.transport.close()
            return "451 4.3.0 never heard: the line is cut"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        options: list[str],
    ) -> str:
        if address in self.rcpt_answers:
            return self.rcpt_answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self._hangs_up():
            assert server.transport is not None
            server.transport.close()
            return "451 4.3.0 never heard: the line is cut"
        if self.data_answers:
            return self.data_answers.pop(0)
        assert envelope.mail_from is not None and envelope.original_content is not None
        received = Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content)
        self.accepted.append(received)
        if self.data_delay:
            await asyncio.sleep(self.data_delay)  # kept, then answered late (or never heard)
        return f"250 2.0.0 Ok: queued as Q{len(self.accepted)}"

    def _hangs_up(self) -> bool:
        """Whether to cut the connection instead of answering this DATA."""
        done = len(self.accepted)
        if done in self.hang_up_at:
            self.hang_up_at.remove(done)
            return True
        return self.drop_from is not None and done >= self.drop_from


def authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
) -> AuthResult:
    """Accepts alice with her password, refuses anybody else."""
    valid = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=valid, handled=False)
