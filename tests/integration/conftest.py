"""Fixtures of the integration tests: a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notifications.conftest import RunningServer, SmtpServers


@pytest.fixture
def smtp_servers() -> Iterator[SmtpServers]:
    """Start SMTP servers (aiosmtpd on 127.0.0.1) for a test; all stopped at its end."""
    servers = SmtpServers()
    yield servers
    servers.stop_all()


@pytest.fixture
def smtp_server(smtp_servers: SmtpServers) -> RunningServer:
    """One SMTP server that accepts everything."""
    return smtp_servers.start()
