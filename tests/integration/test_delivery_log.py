"""What delivery tells the operator's log, read as the collector reads it: each line names its
convention and its email's kind (`reference`, `event`); a database that stops answering while
outcomes are recorded is said once, in convflow's words, and once again when it is back; a mail
server that refuses convflow's own settings (a login it does not offer) holds the emails for an
operator instead of failing them, and says so as an error."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from notifications import DeliveryResult, OutgoingEmail, Sender
from states.convention import Convention
from tests.conftest import FixedClock, empty_postgres
from tests.faults.proxy import CuttableProxy
from tests.integration.steps import REFERENCE, at, load, record
from tests.notifications.conftest import RunningServer, SmtpServers
from tests.notifications.helpers import PASSWORD, USER, ScriptedHandler
from workflow.bootstrap import App
from workflow.ops.logs import configure_logging
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.dispatch import deliver

ADMIN = "politique.ville@example.org"


def _json(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _mail_app(settings_env: dict[str, str], clock: FixedClock, **more: str) -> App:
    environment = {**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN,
                   "CONVFLOW_ADMIN_COPIES": "no", "CONVFLOW_RETRY_BASE_SECONDS": "60",
                   "CONVFLOW_MAX_ATTEMPTS": "3", **more}  # fmt: skip
    application = App.create(load_settings(environment))
    clock.now = at("2025-03-03T09:00:00Z")
    application.clock = clock
    return application


@pytest.fixture
def submitted(
    settings_env: dict[str, str], clock: FixedClock, reference_convention: Convention
) -> Iterator[App]:
    """The reference convention sent for signature: one email queued to both signatories."""
    application = _mail_app(settings_env, clock)
    load(application, reference_convention)
    record(application, "submit", "2025-03-03")
    yield application
    application.close()


@pytest.mark.parametrize(
    ("answer", "outcome", "level", "said"),
    [
        (None, "sent", "INFO", "sent signature_requested"),
        ("451 4.3.0 try again later", "retried", "WARNING", "temporary failure for"),
        ("550 5.1.1 mailbox unavailable", "failed", "ERROR", "could not deliver"),
    ],
)
def test_each_delivery_line_names_its_convention_and_its_email(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO,
    answer: str | None, outcome: str, level: str, said: str,
) -> None:  # fmt: skip
    server = smtp_servers.start(ScriptedHandler(data_answers=[answer] if answer else []))
    configure_logging("json", "info", stream=log_lines)

    report = deliver(submitted, server.sender(), clock.now)

    assert len(getattr(report, outcome)) == 1
    [line] = [line for line in _json(log_lines) if said in line["message"]]
    assert line["level"] == level and line["logger"] == "workflow.usecases.dispatch"
    assert line["reference"] == REFERENCE
    assert line["event"] == "signature_requested"


def test_an_uncertain_delivery_line_names_them_too_and_so_does_the_text_format(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO
) -> None:
    # the whole message goes out, and the line is cut before the answer
    server = smtp_servers.start(ScriptedHandler(hang_up_at=[0]))
    configure_logging("text", "info", stream=log_lines)

    report = deliver(submitted, server.sender(), clock.now)

    assert len(report.uncertain) + len(report.retried) == 1
    [line] = [line for line in log_lines.getvalue().splitlines() if "signature_requested <" in line]
    assert f"workflow.usecases.dispatch: [{REFERENCE} signature_requested] " in line


def test_a_server_offering_no_login_holds_the_emails_as_a_settings_error_never_failing_them(
    settings_env: dict[str, str], clock: FixedClock, reference_convention: Convention,
    smtp_servers: SmtpServers, log_lines: io.StringIO,
) -> None:  # fmt: skip
    server = smtp_servers.start()  # plain SMTP: offers no AUTH, yet a login is set
    app = _mail_app(settings_env, clock)
    try:
        load(app, reference_convention)
        record(app, "submit", "2025-03-03")
        configure_logging("json", "info", stream=log_lines)
        sender = server.sender(user=USER, password=PASSWORD)

        for hours in range(6):  # twice the attempts allowed (3), an hour apart
            deliver(app, sender, clock.now)
            clock.now = clock.now.replace(hour=9 + hours + 1)

        [email] = views.outbox(app)
        assert email["status"] == "pending", email  # held for an operator, never failed
        assert email["last_error"].startswith(
            "en attente de réglages d'envoi corrigés\xa0: le serveur ne propose pas de connexion "
            "par identifiant (AUTH) sur ce port, alors que CONVFLOW_SMTP_USER est réglé ("
        ), email["last_error"]
        assert views.outbox(app, "failed") == [] and server.handler.accepted == []
        lines = _json(log_lines)
        assert not [line for line in lines if "unreachable" in line["message"]], lines
        errors = [line for line in lines if line["level"] == "ERROR"]
        assert len(errors) == 6, errors  # one a pass, not one an email
        assert (
            "refuses convflow's mail settings: the server offers no login (AUTH)"
            in (errors[0]["message"])
        )
        assert "held, not failed, until CONVFLOW_SMTP_* are corrected" in errors[0]["message"]
    finally:
        app.close()


class _CuttingSender:
    """A real SMTP sender; once the server accepted the first email, the database is cut,
    and restored `outage` seconds later: its outcome waits to be recorded meanwhile."""

    def __init__(self, sender: Sender, proxy: CuttableProxy, outage: float) -> None:
        self.sender, self.proxy, self.outage = sender, proxy, outage

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        return list(self.send_each(emails))

    def send_each(self, emails: Sequence[OutgoingEmail]) -> Iterator[DeliveryResult]:
        for result in self.sender.send_each(emails):
            self.proxy.cut()
            threading.Timer(self.outage, self.proxy.restore).start()
            yield result

    def describe(self) -> str:
        return self.sender.describe()


@pytest.mark.postgres
def test_a_database_gone_while_outcomes_are_recorded_is_said_once_in_convflows_words(
    postgres_url: str, tmp_path: Path, clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer, log_lines: io.StringIO,
) -> None:  # fmt: skip
    empty_postgres(postgres_url)
    proxy = CuttableProxy(make_url(postgres_url).port or 5432)
    url = make_url(postgres_url).set(port=proxy.port).render_as_string(hide_password=False)
    app = _mail_app({"CONVFLOW_DATABASE_URL": url, "CONVFLOW_MAIL_DIR": str(tmp_path),
                     "CONVFLOW_LATE_RECORD_DAYS": "3650", "CONVFLOW_CHAIN_HEADS_DAILY": "no",
                     "CONVFLOW_OPEN_DATA_THRESHOLD": "10000000"}, clock)  # fmt: skip
    try:
        load(app, reference_convention)
        record(app, "submit", "2025-03-03")
        configure_logging("text", "info", stream=log_lines)

        report = deliver(app, _CuttingSender(smtp_server.sender(), proxy, 4.0), clock.now)

        assert len(report.sent) == 1
        log = log_lines.getvalue()
        gone = [line for line in log.splitlines() if "cannot record" in line]
        assert len(gone) == 1, log  # not one line a try, every 0.25 to 5 s
        assert "the database does not answer (the server closed the connection" in gone[0]
        for raw in ("psycopg", "sqlalche.me", "Background on this error"):
            assert raw not in log, log
        assert log.count("delivery outcomes are recorded again, after") == 1, log
    finally:
        app.close()
        proxy.close()
