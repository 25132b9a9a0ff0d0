"""Fixtures of the integration tests: a real SMTP server on loopback, convflow delivering to it
with an administrator to copy, and every status read twice, by the repositories and on the bare
database driver, which must agree."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from tests.conftest import FixedClock
from tests.integration.mail import ADMIN, Inbox
from tests.notifications.conftest import RunningServer, SmtpServers
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.views import StatusView


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


@pytest.fixture
def inbox(
    settings_env: dict[str, str], clock: FixedClock, smtp_server: RunningServer
) -> Iterator[Inbox]:
    """convflow with an administrator (ADMIN) to copy, on the test clock, delivering to a real
    SMTP server: the emails of each due pass as their recipients read them."""
    app = App.create(load_settings({**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN}))
    app.clock = clock
    yield Inbox(app, smtp_server)
    app.close()


@pytest.fixture(autouse=True)
def status_read_on_the_driver_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    """`convflow status` reads on the bare driver first (storage.driver_reads), without
    SQLAlchemy: every status these tests read is also read that way, at that moment, and must
    be the very same, on SQLite and PostgreSQL, whatever life the convention had."""
    ordinary = views.status

    def read_both_ways(app: App, reference: str, now: datetime | None = None) -> StatusView:
        now = now or app.clock()
        view = ordinary(app, reference, now)
        settings = app.settings
        on_driver = views.status_on_driver(
            settings.database_url,
            reference,
            settings.file_retention_years,
            now,
            settings.extension_grace_days,
        )
        assert on_driver == view, "the status read on the driver differs (or was not served)"
        return view

    monkeypatch.setattr(views, "status", read_both_ways)
