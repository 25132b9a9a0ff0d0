"""How long convflow waits for PostgreSQL, and the driver connection that holds it to that.

A server that refuses or closes the link is seen at once. One that keeps the link open and says
nothing (a hung server, a network gone without a reset, a proxy or firewall that stops
forwarding) was waited for without end: the service, `/readyz`, every command. Each wait is
bounded here, on both sides of the link:

- connecting: libpq's `connect_timeout` (CONNECT_SECONDS) covers the whole start of a session,
  TCP, TLS and login: a server that accepts the connection and never greets is given up too;
- each answer: every round trip (a statement and its rows, a commit) waits ANSWER_SECONDS at
  most, on this side (`AnsweringConnection`); then the connection is closed and the error is a
  lost connection, as for a link cut: the service says it once and tries again, a command says
  it in one line. Nothing in libpq does this: TCP keepalives and `tcp_user_timeout` are
  answered by the far machine's kernel, however hung the server (or the proxy) above it;
- the server itself ends a statement after STATEMENT_SECONDS (`statement_timeout`, lock waits
  included), shorter than ANSWER_SECONDS so that a slow server says so itself;
- a link gone silent: TCP keepalives find an idle pooled connection dead within about a minute
  (it is then replaced before a unit of work starts, storage.engine.link_closed), and
  `tcp_user_timeout` drops one whose data stays unacknowledged for ANSWER_SECONDS.

Each libpq parameter is added only where the database's URL (or libpq's own environment
variable, PGCONNECT_TIMEOUT, PGOPTIONS) does not say it: an operator who needs another value
writes it in CONVFLOW_DATABASE_URL (`?connect_timeout=30&options=-c%20statement_timeout%3D60s`;
`options=` empty sends none, for a pooler that refuses them).
Migrations lift the statement bounds (`unbounded`): a migration may rightly take long.

This module imports no SQLAlchemy (`convflow status` reads on the driver alone), and psycopg
only when a PostgreSQL connection is made.
"""

from __future__ import annotations

import itertools
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import cache
from typing import Any, TypeVar, cast

T = TypeVar("T")

__all__ = [
    "ANSWER_SECONDS",
    "CONNECT_SECONDS",
    "KEEPALIVES",
    "STATEMENT_SECONDS",
    "answer_within",
    "answering_class",
    "connect",
    "link_parameters",
    "unbounded",
    "within",
]

CONNECT_SECONDS = 10
"""libpq's connect_timeout: a server on the network answers within milliseconds, a loaded one
within a second or two; ten leave room for both and keep a refusal to start, or a command
against a server that says nothing, under ten seconds (for each address the host name has)."""

STATEMENT_SECONDS = 10
"""The server's statement_timeout for convflow's sessions: no statement of convflow's takes
more than a fraction of a second on a server that works; one waiting behind a lock (a
migration running) is ended by the server, which says why."""

ANSWER_SECONDS = 15.0
"""How long one round trip may wait for the server's answer, on this side of the link: past
the server's own statement_timeout, so that it fires only when the server says nothing at all
(hung, or the link stalled)."""

KEEPALIVES: Mapping[str, int] = {
    "keepalives": 1,
    "keepalives_idle": 30,  # seconds a link stays idle before the first probe
    "keepalives_interval": 10,  # seconds between probes left unanswered
    "keepalives_count": 3,  # probes unanswered before the link is dropped: about a minute
}
"""TCP keepalives: a pooled connection whose network is gone is seen dead within about a
minute, and replaced before a unit of work takes it (instead of failing in its middle)."""

TCP_USER_TIMEOUT_MS = int(ANSWER_SECONDS * 1000)
"""Data sent and unacknowledged this long (a network gone during a statement): the kernel
drops the link, as the answer's bound would."""

_LIMIT: ContextVar[float | None] = ContextVar("convflow_answer_limit", default=ANSWER_SECONDS)
"""How long a round trip may wait in this context (thread, request): ANSWER_SECONDS unless a
probe asked for less (`answer_within`), None for a migration (`unbounded`)."""


@contextmanager
def answer_within(seconds: float) -> Iterator[None]:
    """Within the block, each round trip (and each connection made) waits `seconds` at most
    (or less, if the block is within a tighter one): a probe that must answer in a couple of
    seconds whatever the database does."""
    current = _LIMIT.get()
    token = _LIMIT.set(seconds if current is None else min(current, seconds))
    try:
        yield
    finally:
        _LIMIT.reset(token)


@contextmanager
def unbounded() -> Iterator[None]:
    """Within the block, round trips wait as long as the server takes (a migration)."""
    token = _LIMIT.set(None)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def answer_limit() -> float | None:
    """How long a round trip may wait here, in seconds (None: without end)."""
    return _LIMIT.get()


def within(seconds: float, work: Callable[[], T]) -> T:
    """`work`'s result, if it comes within `seconds`; TimeoutError otherwise. It runs in a
    thread of its own, each of its waits on the database bounded by as much (a new connection
    included), so that it ends soon after; the caller never waits longer, whatever holds it
    (a pool whose every connection waits on a silent server)."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        with answer_within(seconds):
            try:
                outcome.append((True, work()))
            except BaseException as error:  # given back to the caller, who knows what it means
                outcome.append((False, error))

    thread = threading.Thread(target=run, name="convflow-bounded", daemon=True)
    thread.start()
    thread.join(seconds)
    if not outcome:
        raise TimeoutError(f"no answer within {seconds:g} s")
    answered, value = outcome[0]
    if not answered:
        raise value
    return cast(T, value)


def link_parameters(given: Mapping[str, Any]) -> dict[str, Any]:
    """The libpq parameters convflow adds to `given` (a URL's): each bound above, only where
    `given`, or libpq's environment variable for it, does not already say it."""
    added: dict[str, Any] = {}
    if "connect_timeout" not in given and "PGCONNECT_TIMEOUT" not in os.environ:
        added["connect_timeout"] = CONNECT_SECONDS
    added.update({name: value for name, value in KEEPALIVES.items() if name not in given})
    if "tcp_user_timeout" not in given:
        added["tcp_user_timeout"] = TCP_USER_TIMEOUT_MS
    # The operator's own `options` (even empty: a pooler such as PgBouncer refuses the
    # parameter unless told to ignore it, and libpq sends an empty one not at all) are sent as
    # they are written, the server's bound with them or not.
    if "options" not in given and "PGOPTIONS" not in os.environ:
        added["options"] = f"-c statement_timeout={STATEMENT_SECONDS}s"
    return added


def connect(conninfo: str = "", **given: Any) -> Any:
    """A psycopg connection to `conninfo` (and `given` parameters) with convflow's bounds: the
    link's parameters where nothing else says them, each wait on the server bounded."""
    from psycopg.conninfo import conninfo_to_dict

    own = {name: given.pop(name) for name in _PSYCOPG_OWN if name in given}
    params = conninfo_to_dict(conninfo, **given)
    params.update(link_parameters(params))
    limit = answer_limit()
    if limit is not None:  # a probe's bound applies to making its connection too
        seconds = max(2, math.ceil(limit))  # libpq's least (psycopg raises less to 2)
        current = params.get("connect_timeout", os.environ.get("PGCONNECT_TIMEOUT"))
        if current is None or not 0 < _seconds(current) <= seconds:
            params["connect_timeout"] = seconds
    return answering_class().connect(**params, **own)


_PSYCOPG_OWN = ("autocommit", "prepare_threshold", "context", "row_factory", "cursor_factory")
"""The arguments of psycopg's connect that are its own, not libpq's."""


def _seconds(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:  # libpq refuses it, and says so
        return 0.0


class _Watchdog:
    """Ends the round trips that outlast their bound: one thread for the process, ticking
    while it runs, shutting the socket of each overdue connection down (its wait then ends at
    once, on a closed link). Arming and disarming a round trip is a lock and a dict."""

    TICK = 0.25  # seconds: how late past its bound a round trip may be ended

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._due: dict[int, tuple[float, int]] = {}  # ticket: (deadline, socket descriptor)
        self._fired: set[int] = set()
        self._tickets = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, descriptor: int, seconds: float) -> int:
        """Watch a round trip on the socket `descriptor` for `seconds`; its ticket."""
        ticket = next(self._tickets)
        with self._lock:
            self._due[ticket] = (time.monotonic() + seconds, descriptor)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="convflow-db-watch",
                                                daemon=True)  # fmt: skip
                self._thread.start()
        return ticket

    def disarm(self, ticket: int) -> bool:
        """Stop watching; True if the round trip outlasted its bound (its socket is shut)."""
        with self._lock:
            self._due.pop(ticket, None)
            if ticket in self._fired:
                self._fired.discard(ticket)
                return True
            return False

    def _watch(self) -> None:
        while True:
            time.sleep(self.TICK)
            now = time.monotonic()
            with self._lock:
                for ticket, (deadline, descriptor) in list(self._due.items()):
                    if deadline <= now:
                        del self._due[ticket]
                        self._fired.add(ticket)
                        _shut(descriptor)


def _shut(descriptor: int) -> None:
    """Shut a socket down in both directions, as a reset would: a thread waiting on it wakes
    (the descriptor stays open: its connection closes it)."""
    try:
        link = socket.socket(fileno=os.dup(descriptor))
    except OSError:  # already closed: nothing waits on it
        return
    with link, suppress(OSError):  # not connected any more: its wait has ended too
        link.shutdown(socket.SHUT_RDWR)  # closing `link` closes the duplicate only


_WATCHDOG = _Watchdog()


@cache
def answering_class() -> type[Any]:
    """psycopg's Connection, its every wait on the server bounded by `answer_limit()`.

    psycopg runs each exchange with the server (a statement and its rows, a commit, a
    rollback) through `Connection.wait`: each is watched (`_Watchdog`), and one that outlasts
    its bound has its socket shut down. The connection is then in the middle of an exchange
    and cannot serve again: it is closed, and the error is a lost connection (`NoAnswer`, an
    OperationalError: SQLAlchemy invalidates the connection, convflow says the database does
    not answer, in time)."""
    import psycopg

    class NoAnswer(psycopg.OperationalError):
        """The server gave no answer within the bound: the connection is closed."""

    class AnsweringConnection(psycopg.Connection[Any]):
        """A psycopg connection whose round trips wait `answer_limit()` at most."""

        def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
            limit = answer_limit()
            if limit is None:
                return super().wait(gen, *args, **kwargs)
            ticket = _WATCHDOG.arm(self.pgconn.socket, limit)
            try:
                answer = super().wait(gen, *args, **kwargs)
            except BaseException:
                if _WATCHDOG.disarm(ticket):
                    raise self._no_answer(limit) from None
                raise
            if _WATCHDOG.disarm(ticket):  # answered as its bound passed: not served again
                raise self._no_answer(limit)
            return answer

        def _no_answer(self, limit: float) -> NoAnswer:
            self.close()
            return NoAnswer(f"timeout expired: the server gave no answer within {limit:g} s")

    return AnsweringConnection
