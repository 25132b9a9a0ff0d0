"""Emails held while the mail server refuses convflow's own settings, against real SMTP
servers (aiosmtpd on 127.0.0.1): a hold is no attempt (it spends none of the email's attempts
and pushes none of its backoff), and a TLS setting the server does not match (TLS where it
speaks none, STARTTLS it does not offer, a certificate this machine does not trust) holds the
emails as a login it does not offer does: never failed, one ERROR a pass naming the setting to
correct. A server that is down is still unreachable: retried, then failed."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import inspect, update

from notifications import SmtpSender
from states.convention import Convention
from storage.engine import make_engine
from storage.migrate import run as run_migrations
from storage.migrate import upgrade
from storage.tables import outbox_table
from tests.conftest import FixedClock
from tests.integration.steps import REFERENCE, load, record
from tests.notifications.conftest import Certificate, RunningServer, SmtpServers
from tests.notifications.conftest import certificate as certificate  # the fixture
from tests.notifications.helpers import PASSWORD, USER, ScriptedHandler, free_port
from workflow.bootstrap import App
from workflow.ops.logs import configure_logging
from workflow.ops.metrics import Metrics
from workflow.scheduler.service import Service
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.dispatch import deliver

MAX_ATTEMPTS = 3
BASE = timedelta(seconds=60)
DISPATCH = "workflow.usecases.dispatch"


def _json(stream: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture
def submitted(
    settings_env: dict[str, str], clock: FixedClock, reference_convention: Convention
) -> Iterator[App]:
    """The reference convention sent for signature: one email queued to both signatories."""
    environment = {**settings_env, "CONVFLOW_ADMIN_EMAILS": "politique.ville@example.org",
                   "CONVFLOW_ADMIN_COPIES": "no", "CONVFLOW_RETRY_BASE_SECONDS": "60",
                   "CONVFLOW_MAX_ATTEMPTS": str(MAX_ATTEMPTS)}  # fmt: skip
    application = App.create(load_settings(environment))
    application.clock = clock
    load(application, reference_convention)
    record(application, "submit", "2025-03-03")
    yield application
    application.close()


def _email(app: App) -> dict[str, object]:
    [email] = [e for e in views.outbox(app) if e["kind"] == "signature_requested"]
    return dict(email)


def _passes(app: App, sender: SmtpSender, clock: FixedClock, count: int) -> None:
    """`count` delivery passes, each once the email is due again (its stored next try)."""
    for _ in range(count):
        deliver(app, sender, clock.now)
        clock.now = max(clock.now, _next_try(app))


def _next_try(app: App) -> datetime:
    return datetime.fromisoformat(str(_email(app)["next_attempt_at"]))


def test_a_hold_is_no_attempt_so_once_corrected_the_email_gets_all_its_attempts(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock
) -> None:
    server = smtp_servers.start()  # plain SMTP: offers no AUTH, yet a login is set
    held = server.sender(user=USER, password=PASSWORD)
    for _ in range(2 * MAX_ATTEMPTS):  # held more passes than the attempts allowed
        deliver(submitted, held, clock.now)
        email = _email(submitted)
        assert email["status"] == "pending" and email["attempts"] == 0, email
        assert email["held_code"] == "login_not_offered", email  # why, as data
        # the next look is the first retry's delay away, never pushed further by the holds
        assert _next_try(submitted) == clock.now + BASE, email
        clock.now += BASE

    server.handler.data_answers.append("451 4.3.0 try again later")
    corrected = server.sender()  # the operator unset CONVFLOW_SMTP_USER
    deliver(submitted, corrected, clock.now)
    email = _email(submitted)
    assert email["status"] == "pending" and email["attempts"] == 1, email  # its first attempt
    assert email["held_code"] is None, email  # retried: no longer held
    assert _next_try(submitted) == clock.now + BASE, email
    clock.now += BASE

    deliver(submitted, corrected, clock.now)

    email = _email(submitted)
    assert email["status"] == "sent" and email["attempts"] == 2, email
    assert email["held_code"] is None, email
    assert len(server.handler.accepted) == 1
    assert views.outbox(submitted, "failed") == []


def _held_by(
    app: App, sender: SmtpSender, clock: FixedClock, log_lines: io.StringIO, code_words: str
) -> list[dict[str, str]]:
    """Twice as many passes as the attempts allowed: the email is held, never failed; the
    ERROR lines of those passes (one each)."""
    configure_logging("json", "info", stream=log_lines)
    _passes(app, sender, clock, 2 * MAX_ATTEMPTS)
    email = _email(app)
    assert email["status"] == "pending" and email["attempts"] == 0, email
    assert str(email["last_error"]).startswith(
        "en attente de réglages d'envoi corrigés\xa0: " + code_words
    ), email["last_error"]
    assert views.outbox(app, "failed") == []
    lines = _json(log_lines)
    assert not [line for line in lines if "unreachable" in line["message"]], lines
    errors = [line for line in lines if line["level"] == "ERROR" and line["logger"] == DISPATCH]
    assert len(errors) == 2 * MAX_ATTEMPTS, errors  # one a pass (aiosmtpd says its own)
    assert "held, not failed, until CONVFLOW_SMTP_* are corrected" in errors[0]["message"]
    return errors


def test_implicit_tls_set_against_a_plain_server_holds_the_emails_naming_the_tls_setting(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO
) -> None:
    server = smtp_servers.start()  # speaks plain SMTP: the TLS handshake reads its greeting
    not_spoken = "le serveur ne parle pas TLS sur ce port, ou seulement après STARTTLS"
    errors = _held_by(submitted, server.sender(tls="tls"), clock, log_lines, not_spoken)
    assert "WRONG_VERSION_NUMBER" in errors[0]["message"]
    assert "CONVFLOW_SMTP_TLS=starttls" in errors[0]["message"], errors[0]
    assert "CONVFLOW_SMTP_TLS=starttls" in str(_email(submitted)["last_error"])
    assert server.handler.accepted == []


def test_starttls_required_by_the_settings_and_not_offered_holds_the_emails(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO
) -> None:
    server = smtp_servers.start()  # no tls_context: aiosmtpd offers no STARTTLS
    errors = _held_by(submitted, server.sender(tls="starttls"), clock, log_lines,
                      "le serveur ne propose pas STARTTLS sur ce port")  # fmt: skip
    assert "CONVFLOW_SMTP_TLS=tls" in errors[0]["message"], errors[0]
    assert server.handler.accepted == []


@pytest.mark.parametrize("tls", ["starttls", "tls"])
def test_a_certificate_this_machine_does_not_trust_holds_the_emails(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO,
    certificate: Certificate, tls: str,
) -> None:  # fmt: skip
    context = certificate.server_context()
    server = (
        smtp_servers.start(tls_context=context, require_starttls=True)
        if tls == "starttls"
        else smtp_servers.start(ssl_context=context)
    )
    errors = _held_by(submitted, server.sender(tls=tls), clock, log_lines,
                      "le certificat du serveur n'est pas reconnu par cette machine")  # fmt: skip
    assert "CERTIFICATE_VERIFY_FAILED" in errors[0]["message"]
    assert "SSL_CERT_FILE" in errors[0]["message"], errors[0]
    assert server.handler.accepted == []


def test_once_the_certificate_is_trusted_the_held_email_goes_once(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, certificate: Certificate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    server = smtp_servers.start(tls_context=certificate.server_context(), require_starttls=True)
    _passes(submitted, server.sender(tls="starttls"), clock, 2 * MAX_ATTEMPTS)
    assert _email(submitted)["attempts"] == 0

    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))  # the operator installs its CA
    deliver(submitted, server.sender(tls="starttls"), clock.now)

    email = _email(submitted)
    assert email["status"] == "sent" and email["attempts"] == 1, email
    assert len(server.handler.accepted) == 1


def test_a_server_down_is_still_unreachable_retried_then_failed(
    submitted: App, clock: FixedClock, log_lines: io.StringIO
) -> None:
    nobody = RunningServer("127.0.0.1", free_port(), ScriptedHandler())  # nothing listens
    configure_logging("json", "info", stream=log_lines)

    _passes(submitted, nobody.sender(tls="tls"), clock, MAX_ATTEMPTS)

    email = _email(submitted)
    assert email["status"] == "failed" and email["attempts"] == MAX_ATTEMPTS, email
    assert "connexion refusée" in str(email["last_error"])
    assert not [line for line in _json(log_lines) if "held" in line["message"]]


# The service's own passes (a Service on the test's clock, its scheduler never started: each
# pass is run here): a hold is said when it begins, when its reason changes, then hourly, and
# once when it is over; its emails are still looked at every minute.


def _service(app: App, sender: SmtpSender, clock: FixedClock) -> Service:
    return Service(app, sender, clock=clock, metrics=Metrics(app))


def _service_passes(service: Service, clock: FixedClock, count: int) -> None:
    """`count` delivery passes of the service, each once the email is due again (a minute)."""
    for _ in range(count):
        assert service.deliver() is not None
        clock.now = max(clock.now, _next_try(service.app))


def _said(log_lines: io.StringIO, level: str, words: str) -> list[dict[str, str]]:
    return [line for line in _json(log_lines)
            if line["level"] == level and line["logger"] == DISPATCH
            and words in line["message"]]  # fmt: skip


HELD_ERROR = "refuses convflow's mail settings"
HELD_WARNING = "held (the mail server refuses convflow's mail settings) signature_requested"


def test_ten_passes_held_say_one_error_and_one_warning_not_ten(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO
) -> None:
    server = smtp_servers.start()  # plain SMTP: offers no AUTH, yet a login is set
    service = _service(submitted, server.sender(user=USER, password=PASSWORD), clock)
    configure_logging("json", "info", stream=log_lines)
    began = clock.now

    _service_passes(service, clock, 10)

    assert clock.now == began + 10 * BASE  # looked at again every minute
    assert _email(submitted)["attempts"] == 0
    [error] = _said(log_lines, "ERROR", HELD_ERROR)
    assert "the server offers no login (AUTH)" in error["message"], error
    assert "1 email(s) held, not failed" in error["message"], error
    assert "unset CONVFLOW_SMTP_USER" in error["message"], error  # its fix sentence
    assert "said again at most once an hour" in error["message"], error
    assert error["reference"] == REFERENCE and error["event"] == "signature_requested", error
    assert len(_said(log_lines, "WARNING", HELD_WARNING)) == 1
    assert service.metrics is not None
    page = service.metrics.exposition().decode()
    assert 'convflow_emails_total{outcome="held"} 10.0' in page, page


def test_a_change_of_reason_is_said_again(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO
) -> None:
    server = smtp_servers.start()  # no AUTH, no STARTTLS
    service = _service(submitted, server.sender(user=USER, password=PASSWORD), clock)
    configure_logging("json", "info", stream=log_lines)
    _service_passes(service, clock, 3)

    service.sender = server.sender(tls="starttls")  # the operator's next mistake
    _service_passes(service, clock, 3)

    first, second = _said(log_lines, "ERROR", HELD_ERROR)
    assert "the server offers no login (AUTH)" in first["message"], first
    assert "STARTTLS" in second["message"] and "CONVFLOW_SMTP_TLS=tls" in second["message"]
    assert "before for another reason: login_not_offered" in second["message"], second
    assert len(_said(log_lines, "WARNING", HELD_WARNING)) == 2  # the email's, each reason


def test_a_hold_that_lasts_is_said_again_an_hour_later_once(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO
) -> None:
    server = smtp_servers.start()
    service = _service(submitted, server.sender(user=USER, password=PASSWORD), clock)
    configure_logging("json", "info", stream=log_lines)
    began = clock.now
    _service_passes(service, clock, 59)  # until 59 minutes later: said once
    assert len(_said(log_lines, "ERROR", HELD_ERROR)) == 1

    _service_passes(service, clock, 10)  # an hour later, then 9 minutes more

    _, again = _said(log_lines, "ERROR", HELD_ERROR)
    assert f"held since {began.isoformat()}" in again["message"], again
    assert "1 email(s) held" in again["message"], again
    assert len(_said(log_lines, "WARNING", HELD_WARNING)) == 2
    assert _email(submitted)["attempts"] == 0


def test_once_the_server_takes_the_settings_one_info_says_the_hold_is_over(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO
) -> None:
    server = smtp_servers.start()
    service = _service(submitted, server.sender(user=USER, password=PASSWORD), clock)
    configure_logging("json", "info", stream=log_lines)
    _service_passes(service, clock, 5)

    service.sender = server.sender()  # CONVFLOW_SMTP_USER unset
    _service_passes(service, clock, 3)

    [over] = [line for line in _json(log_lines) if "the hold is over" in line["message"]]
    assert over["level"] == "INFO" and over["logger"] == DISPATCH, over
    assert "1 held email(s) resumed" in over["message"], over
    assert len(_said(log_lines, "ERROR", HELD_ERROR)) == 1
    email = _email(submitted)
    assert email["status"] == "sent" and email["attempts"] == 1, email
    assert len(server.handler.accepted) == 1


def test_a_restarted_service_says_the_hold_over_from_the_outbox(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO
) -> None:
    server = smtp_servers.start()
    _service_passes(_service(submitted, server.sender(user=USER, password=PASSWORD), clock),
                    clock, 3)  # fmt: skip
    configure_logging("json", "info", stream=log_lines)

    _service_passes(_service(submitted, server.sender(), clock), clock, 1)  # corrected, restarted

    [over] = [line for line in _json(log_lines) if "the hold is over" in line["message"]]
    assert "1 held email(s) resumed" in over["message"] and "since" not in over["message"]
    assert len(server.handler.accepted) == 1


@pytest.mark.parametrize(
    "note",
    [
        # the same hold, said as another version of the catalogue, or in English: the note is
        # for its reader; which emails a hold held is kept as data
        "retenu tant que les réglages d'envoi ne sont pas corrigés : le serveur ne propose pas "
        "de connexion par identifiant (AUTH)",
        "held until the mail settings are corrected: the server offers no login (AUTH)",
    ],
    ids=["reworded", "english"],
)
def test_a_restarted_service_says_the_hold_over_whatever_the_note_says(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO,
    note: str,
) -> None:  # fmt: skip
    server = smtp_servers.start()
    _service_passes(_service(submitted, server.sender(user=USER, password=PASSWORD), clock),
                    clock, 3)  # fmt: skip
    with submitted.engine.begin() as connection:
        connection.execute(update(outbox_table).values(last_error=note))
    configure_logging("json", "info", stream=log_lines)

    _service_passes(_service(submitted, server.sender(), clock), clock, 1)  # corrected, restarted

    [over] = [line for line in _json(log_lines) if "the hold is over" in line["message"]]
    assert "1 held email(s) resumed" in over["message"], over
    assert len(server.handler.accepted) == 1


def test_an_email_held_before_migration_0022_is_known_held_from_its_note(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, log_lines: io.StringIO,
    database_url: str,
) -> None:  # fmt: skip
    """Down to 0021 (the hold's code goes, its French note stays), then up: the email's code
    is read back from the note 0021 wrote, and the restarted service says the hold over."""
    server = smtp_servers.start()  # no STARTTLS offered
    _service_passes(_service(submitted, server.sender(tls="starttls"), clock), clock, 2)
    held = _email(submitted)
    assert held["held_code"] == "starttls_not_offered", held
    submitted.close()
    engine = make_engine(database_url)
    try:
        run_migrations(engine, "downgrade", "0021")
        columns = {column["name"] for column in inspect(engine).get_columns("outbox")}
    finally:  # back up whatever happened: the PostgreSQL database serves the whole session
        upgraded = upgrade(engine)
        engine.dispose()
    assert "held_code" not in columns and "last_error" in columns
    assert upgraded[0] == "0021"
    assert _email(submitted) == held  # the note and the code, as they were
    configure_logging("json", "info", stream=log_lines)

    _service_passes(_service(submitted, server.sender(), clock), clock, 1)  # corrected, restarted

    [over] = [line for line in _json(log_lines) if "the hold is over" in line["message"]]
    assert "1 held email(s) resumed" in over["message"], over
    assert _email(submitted)["held_code"] is None
