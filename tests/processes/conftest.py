"""Fixtures of the process tests: convflow processes, a real SMTP server, the test database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import empty_postgres
from tests.notifications.conftest import RunningServer, SmtpServers
from tests.processes.conventions import open_app
from tests.processes.mail import HoldingHandler
from tests.processes.running import Processes
from workflow.bootstrap import App


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """Starts convflow processes; any still running at the end of the test is killed."""
    started = Processes(tmp_path)
    yield started
    started.close_all()


@pytest.fixture
def smtp_servers() -> Iterator[SmtpServers]:
    """Starts aiosmtpd servers on 127.0.0.1; all stopped at the end of the test."""
    servers = SmtpServers()
    yield servers
    servers.stop_all()


@pytest.fixture
def smtp_server(smtp_servers: SmtpServers) -> Iterator[RunningServer]:
    """One SMTP server that accepts everything and can hold a DATA (released at the end)."""
    server = smtp_servers.start(HoldingHandler())
    yield server
    holding(server).release()


def holding(server: RunningServer) -> HoldingHandler:
    """The server's handler, as the HoldingHandler it is."""
    assert isinstance(server.handler, HoldingHandler)
    return server.handler


@pytest.fixture
def postgres_database(postgres_url: str) -> str:
    """The session's PostgreSQL database, emptied for this test."""
    empty_postgres(postgres_url)
    return postgres_url


@pytest.fixture
def sqlite_app(sqlite_url: str) -> Iterator[App]:
    """The service layer on the test's SQLite file, on the real clock."""
    application = open_app(sqlite_url)
    yield application
    application.close()
