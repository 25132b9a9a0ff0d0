"""Fixtures of the fault scenarios: the process tests' fixtures, mail servers that count what
they kept, a cuttable link to PostgreSQL; and the table of figures at the end of the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from tests.faults.harness import SCALE, SEED
from tests.faults.proxy import CuttableProxy
from tests.faults.smtp import LedgerHandler, MailServer, SilentServer
from tests.faults.tally import HEADER, RESULTS
from tests.notifications.helpers import free_port
from tests.processes.conftest import postgres_database, processes, sqlite_app
from tests.processes.conventions import open_app
from workflow.bootstrap import App

__all__ = ["postgres_database", "processes", "sqlite_app"]  # the process tests' own fixtures


class MailServers:
    """Starts the scenario's mail servers and stops them all at its end."""

    def __init__(self) -> None:
        self._running: list[MailServer | SilentServer] = []

    def start(self, handler: LedgerHandler | None = None, port: int | None = None) -> MailServer:
        """A counting aiosmtpd server on 127.0.0.1."""
        server = MailServer(handler or LedgerHandler(), port or free_port())
        self._running.append(server)
        return server

    def silent(self, port: int | None = None) -> SilentServer:
        """A server that accepts connections and never answers."""
        server = SilentServer(port or free_port())
        self._running.append(server)
        return server

    def stop(self, server: MailServer | SilentServer) -> None:
        """Stop one server now (its port may then serve another)."""
        server.stop()
        self._running.remove(server)

    def stop_all(self) -> None:
        """Stop every server still running."""
        for server in self._running:
            server.stop()
        self._running.clear()


@pytest.fixture
def mail_servers() -> Iterator[MailServers]:
    """The scenario's mail servers, all stopped at its end."""
    servers = MailServers()
    yield servers
    servers.stop_all()


@pytest.fixture
def postgres_app(postgres_database: str) -> Iterator[App]:
    """The service layer on the emptied PostgreSQL test database (direct, not via the proxy)."""
    application = open_app(postgres_database)
    yield application
    application.close()


@pytest.fixture
def proxy(postgres_database: str) -> Iterator[CuttableProxy]:
    """A cuttable TCP link to the PostgreSQL server of the test database."""
    link = CuttableProxy(make_url(postgres_database).port or 5432)
    yield link
    link.close()


def through(proxy: CuttableProxy, database_url: str) -> str:
    """The same database, reached through the proxy."""
    url = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    return url.render_as_string(hide_password=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The figures of every fault scenario that ran, as one table."""
    if not RESULTS:
        return
    terminalreporter.section(f"fault scenarios ({SCALE.name} scale, seed {SEED})")
    terminalreporter.write_line(HEADER)
    for figures in RESULTS:
        terminalreporter.write_line(figures.line())
