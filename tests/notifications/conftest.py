"""Fixtures for the notifications tests: real SMTP servers on loopback, a TLS certificate."""

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from notifications import SmtpSender
from tests.notifications.helpers import ScriptedHandler, free_port


@dataclass(frozen=True)
class RunningServer:
    """An aiosmtpd server listening on 127.0.0.1, with the handler that scripts it."""

    host: str
    port: int
    handler: ScriptedHandler

    def sender(self, **options: Any) -> SmtpSender:
        """An SmtpSender for this server; short timeout, no DNS lookup for our own name."""
        options.setdefault("timeout", 5.0)
        options.setdefault("local_hostname", "tests.convflow.local")
        return SmtpSender(self.host, self.port, **options)


class SmtpServers:
    """Starts SMTP servers for a test and stops them all afterwards."""

    def __init__(self) -> None:
        self._controllers: list[Controller] = []

    def start(
        self, handler: ScriptedHandler | None = None, port: int | None = None, **smtp: Any
    ) -> RunningServer:
        """A running server; `smtp` goes to aiosmtpd's SMTP class (authenticator, tls_context)."""
        handler = handler or ScriptedHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), **smtp)
        controller.start()
        self._controllers.append(controller)
        return RunningServer("127.0.0.1", controller.port, handler)

    def stop_all(self) -> None:
        """Stops every server this test started."""
        for controller in self._controllers:
            controller.stop()


@pytest.fixture
def smtp_servers() -> Iterator[SmtpServers]:
    """A way to start SMTP servers in a test, all stopped at its end."""
    servers = SmtpServers()
    yield servers
    servers.stop_all()


@pytest.fixture
def smtp_server(smtp_servers: SmtpServers) -> RunningServer:
    """One SMTP server that accepts everything."""
    return smtp_servers.start()


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and its key."""

    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        """The server side of TLS with this certificate."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A certificate made by the openssl command, so no Python dependency is added for it."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)
