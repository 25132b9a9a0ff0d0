"""Mail servers for the fault scenarios: each counts what it kept, per Message-ID, and some
misbehave on purpose.

A message is *kept* when the whole of it (the final dot) reached the server and the server
keeps it for delivery: a real MTA that queued it delivers it, whether or not its answer ever
reached convflow. Counting kept copies per Message-ID is what tells a lost email (0 copies)
from an extra one (2 or more). The faults:

- `temporary`: the first DATA of every k-th message is answered 451, or 421 and the line closed;
- `permanent`: every k-th message is refused 550, always;
- `late`: the first DATA of every k-th message is kept, then answered `late_by` seconds later;
- `drop`: the line is cut after the first DATA of every k-th message, with no answer; the
  server keeps the message (the link died after it queued it) or not (it never confirmed it);
- `slow`: every DATA is answered after `delay` seconds (a slow pass, not a fault as such).

`SilentServer` accepts connections and never says a word: not even the greeting.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.processes.mail import message_id

FaultKind = Literal["temporary", "permanent", "late", "drop"]


@dataclass
class Fault:
    """What goes wrong, and for which messages: the k-th, 2k-th... distinct ones received."""

    kind: FaultKind
    every: int = 5
    late_by: float = 0.0  # for `late`: seconds before answering
    keeps: bool = True  # for `drop`: whether the server keeps the message it never confirmed


@dataclass
class LedgerHandler:
    """An aiosmtpd handler that keeps a ledger of what it kept and refused, per Message-ID."""

    fault: Fault | None = None
    delay: float = 0.0  # every DATA answered after this many seconds
    kept: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    injected: int = 0  # faults actually injected (a late answer, a cut line, a refusal...)
    _order: dict[str, int] = field(default_factory=dict)  # Message-ID -> rank of first arrival
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert envelope.original_content is not None
        mid = message_id(envelope.original_content)
        with self._lock:
            first = mid not in self._order
            rank = self._order.setdefault(mid, len(self._order) + 1)
        if self.delay:
            await asyncio.sleep(self.delay)
        fault = self.fault
        chosen = fault is not None and rank % fault.every == 0
        if fault is None or not chosen:
            return self._keep(mid)
        if fault.kind == "permanent":
            with self._lock:
                self.refused[mid] += 1
                self.injected += 1
            return "550 5.1.1 mailbox unavailable"
        if not first:  # the transient faults strike a message's first DATA only
            return self._keep(mid)
        with self._lock:
            self.injected += 1
        if fault.kind == "temporary":
            if rank % (2 * fault.every) == 0:
                closing = "421 4.3.2 service shutting down, closing the channel"
                await server.push(closing)
                assert server.transport is not None
                server.transport.close()  # 421 means "closing": the line goes with it
                return closing
            return "451 4.3.0 temporary local problem, try again later"
        if fault.kind == "drop":
            answer = self._keep(mid) if fault.keeps else "451 4.3.0 never heard"
            assert server.transport is not None
            server.transport.close()
            return answer  # never written: the line is gone
        answer = self._keep(mid)
        await asyncio.sleep(fault.late_by)  # `late`: the answer comes, but late
        return answer

    def _keep(self, mid: str) -> str:
        with self._lock:
            self.kept[mid] += 1
            number = sum(self.kept.values())
        return f"250 2.0.0 Ok: queued as F{number}"

    def copies(self) -> Counter[str]:
        """A snapshot of how many copies of each Message-ID the server kept."""
        with self._lock:
            return Counter(self.kept)


class MailServer:
    """A LedgerHandler served by aiosmtpd on 127.0.0.1 in a thread of the test process."""

    def __init__(self, handler: LedgerHandler, port: int) -> None:
        self.handler = handler
        self.port = port
        # A generous server-side timeout: the server is never the one that gives up first.
        self._controller = Controller(handler, hostname="127.0.0.1", port=port, timeout=600)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening (connections in progress are dropped)."""
        self._controller.stop()


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never answers: not even the SMTP greeting."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", port))
        self._held: list[socket.socket] = []
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-smtp", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            self.connections += 1
            self._held.append(connection)  # held open, silent, until stop()

    def stop(self) -> None:
        """Close the listener and every held connection."""
        self._closing.set()
        # close() alone leaves a listener that a thread is blocked on in accept() listening
        # (Linux keeps it until accept returns): the port stayed taken for the real server.
        # shutdown() wakes that accept and stops the listening at once.
        with contextlib.suppress(OSError):  # nothing blocked on it: nothing to wake
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(5)  # no connection is accepted after this
        for connection in self._held:
            connection.close()
