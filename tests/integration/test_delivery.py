"""Delivery you can trust: a real SMTP server that accepts, delays, refuses or is down."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from notifications import FolderSender, SmtpSender
from states.convention import Convention
from storage.tables import convention_table, outbox_table
from tests.conftest import FixedClock
from tests.integration.mail import (
    Mail,
    delivered,
    keys,
    message_ids,
    parsed,
    plain_text,
    read_as_received,
)
from tests.integration.steps import (
    CRPV,
    METROPOLE,
    REFERENCE,
    at,
    bring_into_execution,
    load,
    record,
    state,
)
from tests.notifications.conftest import RunningServer, SmtpServers
from tests.notifications.helpers import ScriptedHandler, free_port
from workflow.bootstrap import App
from workflow.cli import cli
from workflow.scheduler.service import make_sender
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event
from workflow.usecases.dispatch import deliver, retry_delay
from workflow.usecases.due import run_due

ADMIN = "politique.ville@example.org"


@contextmanager
def refusing_updates(app: App, table: str, convention_id: int) -> Iterator[None]:
    """The database refuses to update `table`'s rows of one convention (a trigger), meanwhile."""
    with app.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(
                f"CREATE TRIGGER refuse BEFORE UPDATE ON {table} WHEN OLD.convention_id = "
                f"{convention_id} BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
            )
        else:
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF OLD.convention_id = {convention_id} THEN "
                "RAISE EXCEPTION 'simulated failure'; END IF; RETURN NEW; END $$"
            )
            connection.exec_driver_sql(
                f"CREATE TRIGGER refuse BEFORE UPDATE ON {table} FOR EACH ROW "
                "EXECUTE FUNCTION refuse()"
            )
    try:
        yield
    finally:
        with app.engine.begin() as connection:
            sqlite = connection.dialect.name == "sqlite"
            connection.exec_driver_sql("DROP TRIGGER refuse" + ("" if sqlite else f" ON {table}"))
            if not sqlite:
                connection.exec_driver_sql("DROP FUNCTION refuse()")


@pytest.fixture
def mail_app(settings_env: dict[str, str], clock: FixedClock) -> Iterator[App]:
    """An app with administrators in copy, a 60 s first retry and at most 4 attempts."""
    environment = {
        **settings_env,
        "CONVFLOW_ADMIN_EMAILS": ADMIN,
        "CONVFLOW_ADMIN_COPIES": "no",  # alerts only: one email an event, to the partners
        "CONVFLOW_RETRY_BASE_SECONDS": "60",
        "CONVFLOW_MAX_ATTEMPTS": "4",
        "CONVFLOW_CLAIM_LEASE_SECONDS": "300",
    }
    application = App.create(load_settings(environment))
    clock.now = at("2025-03-03T09:00:00Z")
    application.clock = clock
    yield application
    application.close()


@pytest.fixture
def submitted(mail_app: App, reference_convention: Convention) -> App:
    """The reference convention sent for signature: one email queued to both signatories."""
    load(mail_app, reference_convention)
    record(mail_app, "submit", "2025-03-03")
    return mail_app


def _email(app: App) -> dict[str, object]:
    return next(e for e in views.outbox(app) if e["kind"] == "signature_requested")


def test_an_accepted_email_is_sent_once_with_its_stable_message_id(
    submitted: App, smtp_server: RunningServer, clock: FixedClock
) -> None:
    report = deliver(submitted, smtp_server.sender(), clock.now)
    assert len(report.sent) == 1
    assert deliver(submitted, smtp_server.sender(), clock.now).sent == []
    received = parsed(smtp_server.handler.accepted[0])
    assert received["Message-ID"] == _email(submitted)["message_id"]
    assert set(smtp_server.handler.accepted[0].rcpt_tos) == {
        "martial.alvarez@example.org",
        "mustapha.berra@example.org",
    }
    assert _email(submitted)["status"] == "sent"


def test_a_temporary_refusal_is_retried_with_backoff(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock
) -> None:
    server = smtp_servers.start(ScriptedHandler(data_answers=["451 4.3.0 try again later"]))
    first = deliver(submitted, server.sender(), clock.now)
    assert len(first.retried) == 1
    email = _email(submitted)
    assert (email["status"], email["attempts"]) == ("pending", 1)
    assert email["last_error"] == "451 4.3.0 try again later"
    assert email["next_attempt_at"] == "2025-03-03T09:01:00Z"  # base delay: 60 s
    assert deliver(submitted, server.sender(), clock.now + timedelta(seconds=59)).sent == []
    second = deliver(submitted, server.sender(), clock.now + timedelta(seconds=60))
    assert len(second.sent) == 1
    assert (_email(submitted)["status"], _email(submitted)["attempts"]) == ("sent", 2)
    assert len(server.handler.accepted) == 1


def test_backoff_doubles_and_is_capped() -> None:
    assert [retry_delay(n, 60).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_a_permanent_refusal_is_not_retried_and_administrators_are_alerted(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock
) -> None:
    server = smtp_servers.start(ScriptedHandler(data_answers=["550 5.1.1 mailbox unavailable"]))
    report = deliver(submitted, server.sender(), clock.now)
    assert len(report.failed) == 1
    failed = views.outbox(submitted, "failed")
    assert [(e["kind"], e["last_error"]) for e in failed] == [
        ("signature_requested", "550 5.1.1 mailbox unavailable")
    ]
    # the alert went out in the same pass, to the administrators only
    alert = parsed(server.handler.accepted[-1])
    assert alert["To"] == ADMIN
    assert "550 5.1.1 mailbox unavailable" in alert.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert keys(server.handler.accepted) == [f"alert:{failed[0]['id']}"]
    # and it shows where administrators look
    status = views.status(submitted, REFERENCE)
    assert [e["status"] for e in status["outbox"] if e["kind"] == "signature_requested"] == [
        "failed"
    ]
    assert deliver(submitted, server.sender(), clock.now + timedelta(days=1)).sent == []


def test_a_server_down_then_back_loses_nothing(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock
) -> None:
    port = free_port()
    down = SmtpSender("127.0.0.1", port, timeout=2.0, local_hostname="tests.convflow.local")
    first = deliver(submitted, down, clock.now)
    assert len(first.retried) == 1
    assert _email(submitted)["last_error"] == (
        "serveur de courriel injoignable\u00a0: connexion refusée, rien n'écoute sur ce port "
        "(ConnectionRefusedError: [Errno 111] Connection refused)"
    )
    server = smtp_servers.start(port=port)
    later = clock.now + timedelta(minutes=1)
    assert len(deliver(submitted, server.sender(), later).sent) == 1
    assert message_ids(server.handler.accepted) == {_email(submitted)["message_id"]: 1}


def test_tls_to_a_server_that_speaks_none_is_said_in_french_where_the_operator_looks(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock, settings_env: dict[str, str]
) -> None:
    plain = smtp_servers.start()  # plain SMTP; convflow told to speak TLS at once
    tls = SmtpSender("127.0.0.1", plain.port, tls="tls", timeout=2.0,
                     local_hostname="tests.convflow.local")  # fmt: skip

    assert len(deliver(submitted, tls, clock.now).retried) == 1

    error = str(_email(submitted)["last_error"])
    # a setting the server does not match: held for an operator, not unreachable (never failed)
    said = (
        "en attente de réglages d'envoi corrigés\xa0: le serveur ne parle pas TLS sur ce port, ou "
    )
    assert error.startswith(said + "seulement après STARTTLS (SSLError: [SSL: ")
    failure, fix = error.split(")\xa0; ")
    assert failure.endswith(")"), "the library's words at the end of the failure, as a detail"
    assert "SSL" not in fix, "what to correct is said in convflow's words only"
    assert fix.startswith("indiquez CONVFLOW_SMTP_TLS=starttls si le serveur propose STARTTLS")
    listing = CliRunner().invoke(cli, ["outbox"], env=settings_env)
    assert said[:60] in listing.output
    assert "SSLError" not in listing.output.split(said[:60])[0]


def test_retries_exhausted_become_a_failure_with_an_alert(
    submitted: App, smtp_servers: SmtpServers, clock: FixedClock
) -> None:
    server = smtp_servers.start(ScriptedHandler(data_answers=["421 4.7.0 busy"] * 4))
    now = clock.now
    for _ in range(4):
        deliver(submitted, server.sender(), now)
        now += timedelta(hours=1)
    email = _email(submitted)
    assert (email["status"], email["attempts"]) == ("failed", 4)
    assert email["last_error"] == "abandon après 4 tentatives\u00a0: 421 4.7.0 busy"
    assert [e["kind"] for e in views.outbox(submitted, "sent")] == ["delivery_failed"]


def test_a_claim_never_answered_is_sent_again_after_the_lease_with_the_same_message_id(
    submitted: App, smtp_server: RunningServer, clock: FixedClock
) -> None:
    with submitted.uow() as uow:  # a dispatcher claims the email, then dies before sending
        assert len(uow.outbox.claim(clock.now, 10, timedelta(seconds=300))) == 1
        uow.commit()
    assert deliver(submitted, smtp_server.sender(), clock.now + timedelta(seconds=299)).sent == []
    report = deliver(submitted, smtp_server.sender(), clock.now + timedelta(seconds=300))
    assert report.sent == [_email(submitted)["message_id"]]
    assert _email(submitted)["attempts"] == 1  # the dead one never tried: no attempt counted


def test_an_email_that_cannot_be_rendered_fails_and_says_why(
    settings_env: dict[str, str],
    clock: FixedClock,
    reference_convention: Convention,
    smtp_server: RunningServer,
    tmp_path: Path,
) -> None:
    overrides = tmp_path / "templates"
    overrides.mkdir()
    (overrides / "signature_requested.txt").write_text("{{ convention.no_such_field }}")
    environment = {**settings_env, "CONVFLOW_TEMPLATES_DIR": str(overrides)}
    app = App.create(load_settings(environment))
    app.clock = clock
    try:
        load(app, reference_convention)
        record(app, "submit", "2025-03-03")
        report = deliver(app, smtp_server.sender(), clock.now)
        assert len(report.failed) == 1
        error = str(_email(app)["last_error"])
        assert error.startswith("rendering failed") and "no_such_field" in error
    finally:
        app.close()


def test_without_smtp_emails_are_written_to_the_mail_folder(
    submitted: App, clock: FixedClock, tmp_path: Path
) -> None:
    sender = make_sender(submitted.settings)
    assert isinstance(sender, FolderSender)
    deliver(submitted, sender, clock.now)
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert "Message-ID: " + str(_email(submitted)["message_id"]) in files[0].read_text()


def _two_submitted(app: App, template: Convention, clock: FixedClock) -> None:
    """The reference convention and a copy, AMP-OTHER-2025, both sent for signature."""
    for reference in ("AMP-CRPV-PACA-2025", "AMP-OTHER-2025"):
        convention = replace(
            template,
            reference=reference,
            signatories=[replace(s) for s in template.signatories],
        )
        import_convention(app, ImportConvention(convention, "alice"), clock.now)
        record_event(app, RecordEvent(reference, "submit", "alice", clock.now.date()), clock.now)


def test_one_convention_that_cannot_be_reminded_does_not_hold_back_the_others(
    mail_app: App, reference_convention: Convention, clock: FixedClock
) -> None:
    _two_submitted(mail_app, reference_convention, clock)
    # the database refuses to record what became of the first convention's reminder
    with refusing_updates(mail_app, "reminder", convention_id=1):
        report = run_due(mail_app, at("2025-03-10T09:00:00+01:00"))
    assert [(r.reference, r.outcome) for r in report.reminders] == [("AMP-OTHER-2025", "send")]
    assert list(report.failures) == ["AMP-CRPV-PACA-2025"]
    kinds = {(e["reference"], e["kind"]) for e in views.outbox(mail_app)}
    assert ("AMP-OTHER-2025", "reminder_signature") in kinds
    assert ("AMP-CRPV-PACA-2025", "reminder_signature") not in kinds


def test_a_deadline_that_cannot_be_applied_alerts_the_administrators_once_a_day(
    mail_app: App, reference_convention: Convention, clock: FixedClock,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    clock.now = at("2025-04-02T09:00:00Z")
    load(mail_app, reference_convention)
    bring_into_execution(mail_app)
    deliver(mail_app, smtp_server.sender(), clock.now)  # the events' emails, out of the way
    smtp_server.handler.accepted.clear()
    term_passed = at("2026-01-01T09:00:00+01:00")
    with refusing_updates(mail_app, "deadline", convention_id=1):
        first = run_due(mail_app, term_passed, smtp_server.sender())
        again = run_due(mail_app, term_passed + timedelta(hours=1), smtp_server.sender())
        next_day = run_due(mail_app, term_passed + timedelta(days=1), smtp_server.sender())

    assert "simulated failure" in first.failures[REFERENCE]
    assert REFERENCE in again.failures and REFERENCE in next_day.failures
    assert state(mail_app) == "execution"  # nothing was applied
    alerts = [parsed(item) for item in smtp_server.handler.accepted]
    assert [str(m["Subject"]) for m in alerts] == [
        f"[{REFERENCE}] Alerte\xa0: le service n’a pas pu traiter ce qui était dû"
    ] * 2  # one on the first day, one the next: not one per pass
    assert [str(m["To"]) for m in alerts] == [ADMIN, ADMIN]
    text = alerts[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "simulated failure" in text and "1er janvier 2026" in text
    assert f"convflow status {REFERENCE}" in text

    report = run_due(mail_app, term_passed + timedelta(days=1, hours=1))  # the database mended
    assert report.failures == {} and state(mail_app) == "expired"


def test_a_convention_that_cannot_be_read_does_not_hold_back_the_others_emails(
    mail_app: App, reference_convention: Convention, clock: FixedClock,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    _two_submitted(mail_app, reference_convention, clock)
    _queued_before_facts_were_frozen(mail_app)  # rendered from the convention as it stands
    with mail_app.engine.begin() as connection:  # its clauses became unreadable
        connection.execute(
            update(convention_table)
            .where(convention_table.c.reference == "AMP-CRPV-PACA-2025")
            .values(clauses={"articles": "?"})
        )

    report = deliver(mail_app, smtp_server.sender(), clock.now)

    sent = {e["kind"]: e for e in views.outbox(mail_app, "sent")}
    assert sorted(report.sent) == sorted(e["message_id"] for e in sent.values())
    assert (sent["signature_requested"]["reference"]) == "AMP-OTHER-2025"
    # Its email cannot be written: failed, none lost, none stuck. The alert about it can (it
    # names the convention by its reference alone), and reaches the administrators.
    [failed] = views.outbox(mail_app, "failed")
    assert (failed["kind"], failed["reference"]) == ("signature_requested", "AMP-CRPV-PACA-2025")
    assert str(failed["last_error"]).startswith("rendering failed")
    assert sent["delivery_failed"]["reference"] == "AMP-CRPV-PACA-2025"
    subjects = [read_as_received(m).subject_plain for m in smtp_server.handler.accepted]
    assert [s for s in subjects if "Alerte" in s] == [
        "[AMP-CRPV-PACA-2025] Alerte : un courriel n’a pas pu être remis à "
        "martial.alvarez@example.org, mustapha.berra@example.org"]  # fmt: skip


def _queued_before_facts_were_frozen(app: App) -> None:
    """Emails as an earlier convflow queued them: without the convention's facts."""
    with app.engine.begin() as connection:
        for row in connection.execute(select(outbox_table.c.id, outbox_table.c.context)).all():
            context = {k: v for k, v in row.context.items() if k != "convention"}
            connection.execute(
                update(outbox_table).where(outbox_table.c.id == row.id).values(context=context)
            )


def test_an_email_says_what_was_true_when_it_was_decided_whatever_happens_after(
    mail_app: App, reference_convention: Convention, clock: FixedClock,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    _two_submitted(mail_app, reference_convention, clock)
    with mail_app.engine.begin() as connection:  # the convention changed, even unreadably
        connection.execute(
            update(convention_table)
            .where(convention_table.c.reference == "AMP-CRPV-PACA-2025")
            .values(clauses={"articles": "?"}, title="Un autre intitulé")
        )

    report = deliver(mail_app, smtp_server.sender(), clock.now)

    assert len(report.sent) == 2 and report.failed == []
    texts = [plain_text(item) for item in smtp_server.handler.accepted]
    [mine] = [text for text in texts if "AMP-CRPV-PACA-2025" in text]
    assert "Un autre intitulé" not in mine
    assert "Martial Alvarez" in mine and "Mustapha Berra" in mine  # signatures expected


def _delivered(app: App, clock: FixedClock, server: RunningServer) -> list[Mail]:
    """The emails the outbox holds, delivered now to the SMTP server, as the partners read
    what it received (the app sends the service no copy: CONVFLOW_ADMIN_COPIES=no)."""
    received = delivered(app, server, clock.now)
    assert not [m.key for m in received if m.key.endswith(":service")]
    return received


def _about(received: list[Mail], subject: str) -> Mail:
    """The one email whose subject says `subject`, sent to both signatories."""
    [email] = [m for m in received if subject in m.subject]
    assert set(email.envelope) == set(email.to + email.cc) == {METROPOLE, CRPV}, email
    return email


def test_an_events_email_shows_what_was_recorded_in_french(
    mail_app: App, reference_convention: Convention, clock: FixedClock,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    clock.now = at("2025-06-03T09:00:00Z")
    load(mail_app, reference_convention)
    bring_into_execution(mail_app)
    record(mail_app, "open_dispute", "2025-06-02", party="crpv", received="2025-06-02",
           dispatched="2025-05-28")  # fmt: skip
    received = _delivered(mail_app, clock, smtp_server)
    payment = _about(received, "] Versement de ")
    assert "Montant\xa0: 200\u202f000,00\xa0€" in payment.text, payment.text
    assert "Montant 200 000,00 €" in payment.html_read, payment.html_read
    dispute = _about(received, "] Litige notifié")
    assert dispute.subject.startswith(f"[{REFERENCE}] Litige notifié"), dispute.subject
    for said, html_said in (
        ("Partie\xa0: GIP Centre de Ressources pour la Politique de la Ville PACA",
         "Partie GIP Centre de Ressources pour la Politique de la Ville PACA"),
        ("Lettre reçue le\xa0: 2 juin 2025", "Lettre reçue le 2 juin 2025"),
        ("Lettre envoyée le\xa0: 28 mai 2025", "Lettre envoyée le 28 mai 2025"),
    ):  # fmt: skip
        assert said in dispute.text, dispute.text
        assert html_said in dispute.html_read, dispute.html_read
    assert not dispute.mentions("received") and not dispute.mentions("2025-06-02")


def test_a_notice_overtaken_by_the_term_is_announced_as_such(
    mail_app: App, reference_convention: Convention, clock: FixedClock,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    clock.now = at("2025-09-16T09:00:00Z")
    load(mail_app, reference_convention)
    bring_into_execution(mail_app)
    record(mail_app, "give_notice", "2025-09-15", party="crpv", received="2025-09-15")
    email = _about(_delivered(mail_app, clock, smtp_server), "Résiliation notifiée")
    assert email.subject == (
        f"[{REFERENCE}] Résiliation notifiée\xa0: la convention arrivera d’abord à son terme, "
        "le 31 décembre 2025"
    ), email.subject
    assert email.says("Le préavis courrait jusqu’au dimanche 15 mars 2026"), email.text
    assert email.says("la résiliation restera sans effet"), email.text
    assert not email.mentions("Un rappel sera envoyé avant la prise d’effet"), email.text
    # its expiry reminders J-90 to J-7 are still to come
    assert email.says("Les rappels de fin de convention seront envoyés avant le terme."), email.text


def _notice_in_the_last_week(
    app: App, clock: FixedClock, server: RunningServer, recorded_at: str
) -> Mail:
    """In execution, the service passed on 1 December 2025 (the term's J-30 sent, J-90 and
    J-60 coalesced) and, if `recorded_at` is later, at 09:00 on the 24th (its J-7 sent), then
    a notice received on the 23rd recorded at `recorded_at`: its email, as received."""
    clock.now = at("2025-09-01T09:00:00Z")
    bring_into_execution(app)
    _delivered(app, clock, server)
    run_due(app, at("2025-12-01T08:00:00Z"))
    if recorded_at >= "2025-12-24T08:00:00Z":
        run_due(app, at("2025-12-24T08:00:00Z"))
    clock.now = at(recorded_at)
    record(app, "give_notice", "2025-12-23", party="crpv", received="2025-12-23")
    return _about(_delivered(app, clock, server), "Résiliation notifiée")


def test_a_notice_given_after_the_last_reminder_of_the_term_promises_none(
    mail_app: App, reference_convention: Convention, clock: FixedClock,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    load(mail_app, reference_convention)
    email = _notice_in_the_last_week(mail_app, clock, smtp_server, "2025-12-24T09:00:00Z")
    reminders = views.reminders(mail_app, REFERENCE)
    assert not [r for r in reminders if r["kind"] == "expiry" and r["status"] == "planned"]
    assert email.says("la résiliation restera sans effet"), email.text
    assert "rappel" not in email.text.lower() and "rappel" not in email.html.lower()
    assert email.says("Jusqu’à son terme, le mercredi 31 décembre 2025 à 24\xa0h, la convention"), (
        email.text
    )


def test_a_notice_given_before_the_last_reminder_of_the_term_promises_that_one(
    mail_app: App, reference_convention: Convention, clock: FixedClock,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    load(mail_app, reference_convention)
    email = _notice_in_the_last_week(
        mail_app, clock, smtp_server, "2025-12-23T16:00:00Z"
    )  # J-7 still to go
    assert email.says("Un dernier rappel sera envoyé avant le terme."), email.text
    assert not email.mentions("Les rappels de fin de convention"), email.text


def test_every_email_says_how_to_reach_the_service_when_it_is_set(
    settings_env: dict[str, str], clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> None:  # fmt: skip
    environment = {**settings_env, "CONVFLOW_SERVICE_CONTACT": "politique.ville@example.org"}
    app = App.create(load_settings(environment))
    app.clock = clock
    try:
        load(app, reference_convention)
        record(app, "submit", "2025-03-03")
        [email] = delivered(app, smtp_server, clock.now)
    finally:
        app.close()
    assert set(email.envelope) == {METROPOLE, CRPV}, email.envelope
    assert "Pour toute question ou tout document\xa0: politique.ville@example.org" in email.text
    assert "Pour toute question ou tout document : politique.ville@example.org" in (
        email.html_read
    ), email.html_read
