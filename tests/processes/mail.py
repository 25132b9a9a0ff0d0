"""The SMTP server's side of the process tests: when each email arrived, and a DATA that hangs."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.notifications.helpers import Received, ScriptedHandler


def message_id(content: bytes) -> str:
    """The Message-ID header of an email's bytes."""
    return str(email.message_from_bytes(content, policy=email.policy.default)["Message-ID"])


def message_ids(received: list[Received]) -> Counter[str]:
    """How many times each Message-ID reached the server."""
    return Counter(message_id(item.content) for item in received)


@dataclass
class HoldingHandler(ScriptedHandler):
    """Accepts everything, notes when each DATA arrived, and can hold one DATA unanswered.

    Armed with :meth:`hold_next`, it keeps the next email's DATA waiting (the server has the
    message, the client has no answer yet) until :meth:`release`; if the client dies
    meanwhile, aiosmtpd cancels the handler and the email is not accepted.
    """

    arrivals: list[tuple[str, float]] = field(default_factory=list)  # (Message-ID, epoch)
    held: list[Received] = field(default_factory=list)
    _armed: threading.Event = field(default_factory=threading.Event)
    _released: threading.Event = field(default_factory=threading.Event)

    def hold_next(self) -> None:
        """Hold the next DATA until released."""
        self._released.clear()
        self._armed.set()

    def arrived(self, message: str) -> list[float]:
        """When each DATA of this Message-ID arrived (epoch seconds)."""
        return [at for mid, at in self.arrivals if mid == message]

    def release(self) -> None:
        """Let a held DATA be answered (250)."""
        self._released.set()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert envelope.mail_from is not None and envelope.original_content is not None
        self.arrivals.append((message_id(envelope.original_content), time.time()))
        if self._armed.is_set():
            self._armed.clear()
            content = envelope.original_content
            self.held.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), content))
            while not self._released.is_set():
                await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)
