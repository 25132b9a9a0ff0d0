"""`convflow run-due` (without --no-send) queues the emails of what falls due, then delivers the
outbox: it said « annonce envoyée » and a reminder « envoyé » of emails it had only queued,
whatever the mail server then did with them (« courriels : 0 envoyé(s), 3 à réessayer » on the
next line). Each line now says what became of its own emails: sent once the server took them,
queued and not delivered (tried again at the next pass) when it deferred them, queued and failed
when it refused them; the summary says what was delivered. Through the CLI, delivering to a real
SMTP server (aiosmtpd on loopback), on SQLite and PostgreSQL; --json keeps its names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import (
    CRPV,
    CliClock,
    Convflow,
    notified_on_20_march,
)
from tests.notifications.conftest import RunningServer, SmtpServers
from tests.notifications.helpers import ScriptedHandler
from tests.reading import said


@pytest.fixture
def smtp_servers() -> Iterator[SmtpServers]:
    """SMTP servers on loopback for this test, all stopped at its end."""
    servers = SmtpServers()
    yield servers
    servers.stop_all()


REFUSED = "550 5.1.1 mailbox unavailable"
DEFERRED = "451 4.3.0 try again later"


def through(convflow: Convflow, server: RunningServer) -> Convflow:
    """convflow delivering to `server`, with the identity real emails need."""
    return Convflow({**convflow.env, "CONVFLOW_SMTP_HOST": server.host,
                     "CONVFLOW_SMTP_PORT": str(server.port), "CONVFLOW_SMTP_TIMEOUT": "5",
                     "CONVFLOW_MAIL_FROM": "Conventions <conventions@example.org>",
                     "CONVFLOW_SERVICE_CONTACT": "politique-ville@example.org"})  # fmt: skip


def announcement(output: str) -> str:
    """The line of the payment target's announcement."""
    lines = [line for line in output.splitlines()
             if "objectif de versement" in line and "annonce" in line]  # fmt: skip
    assert len(lines) == 1, output
    return said(lines[0])


def notified(convflow: Convflow, cli_clock: CliClock, servers: SmtpServers) -> None:
    """The award notified on 20 March 2025; its emails (and those before) delivered that day
    to a server that took them: nothing waits in the outbox."""
    notified_on_20_march(convflow, cli_clock)
    through(convflow, servers.start()).ok("run-due")


def run_due_on_22_april(convflow: Convflow, cli_clock: CliClock, server: RunningServer) -> str:
    """The payment target (Saturday 19 April 2025) passed unpaid: its announcement queued at
    the pass of Tuesday 22 April, 10:00 in Paris, and delivered by that same command."""
    cli_clock.now = datetime(2025, 4, 22, 8, 0, tzinfo=UTC)
    return through(convflow, server).ok("run-due")


def test_an_announcement_the_server_took_is_said_sent(
    convflow: Convflow, cli_clock: CliClock, smtp_servers: SmtpServers
) -> None:
    notified(convflow, cli_clock, smtp_servers)
    smtp_server = smtp_servers.start()

    output = run_due_on_22_april(convflow, cli_clock, smtp_server)

    assert "→ annonce envoyée à ce passage" in announcement(output), output
    accepted = len(smtp_server.handler.accepted)
    assert accepted > 0
    assert f"courriels : {accepted} envoyé(s), 0 à réessayer, 0 en échec" in said(output)


def test_an_announcement_the_server_deferred_is_said_queued_not_delivered(
    convflow: Convflow, cli_clock: CliClock, smtp_servers: SmtpServers
) -> None:
    notified(convflow, cli_clock, smtp_servers)
    server = smtp_servers.start(ScriptedHandler(data_answers=[DEFERRED] * 50))

    output = run_due_on_22_april(convflow, cli_clock, server)

    line = announcement(output)
    assert ("→ annonce mise en file d'envoi, non remise : nouvel essai au prochain passage "
            "à ce passage") in line, line  # fmt: skip
    assert "envoyée" not in line, line
    assert server.handler.accepted == []
    assert "courriels : 0 envoyé(s)," in said(output), output
    assert "à réessayer, 0 en échec" in said(output), output


def test_an_announcement_the_server_refused_is_said_failed(
    convflow: Convflow, cli_clock: CliClock, smtp_servers: SmtpServers
) -> None:
    notified(convflow, cli_clock, smtp_servers)
    server = smtp_servers.start(ScriptedHandler(data_answers=[REFUSED] * 50))

    output = run_due_on_22_april(convflow, cli_clock, server)

    line = announcement(output)
    assert ("→ annonce mise en file d'envoi, envoi en échec (convflow outbox dit pourquoi) "
            "à ce passage") in line, line  # fmt: skip
    assert "annonce envoyée" not in output, output
    assert "courriels : 0 envoyé(s), 0 à réessayer," in said(output), output


def test_a_reminder_is_said_as_what_became_of_its_email(
    convflow: Convflow, cli_clock: CliClock, smtp_servers: SmtpServers
) -> None:
    """The payment target's J-0 reminder, planned the working day before (Friday 18 April
    2025, 9:00), read at 10:00: sent to a server that takes it, not delivered to one that
    defers it."""
    notified(convflow, cli_clock, smtp_servers)
    deferring = smtp_servers.start(ScriptedHandler(data_answers=[DEFERRED] * 50))
    cli_clock.now = datetime(2025, 4, 18, 8, 0, tzinfo=UTC)

    output = through(convflow, deferring).ok("run-due")

    line = next(line for line in output.splitlines() if "rappel" in line and "J-0" in line)
    assert said(line).endswith(
        "→ mis en file d'envoi, non remis : nouvel essai au prochain passage"
    ), line
    assert "→ envoyé" not in output, output


def test_its_json_keeps_its_names(
    convflow: Convflow, cli_clock: CliClock, smtp_servers: SmtpServers
) -> None:
    notified(convflow, cli_clock, smtp_servers)
    server = smtp_servers.start(ScriptedHandler(data_answers=[DEFERRED] * 50))
    cli_clock.now = datetime(2025, 4, 22, 8, 0, tzinfo=UTC)

    report = through(convflow, server).json("run-due")

    assert set(report) == {"now", "actions", "reminders", "emails", "failures"}
    announced = [a for a in report["actions"] if a["action"] == "announce"]
    assert announced and "message_ids" not in announced[0], report
    assert report["emails"]["sent"] == [] and report["emails"]["retried"], report


def test_an_announcement_this_delivery_did_not_try_is_said_queued(
    convflow: Convflow, cli_clock: CliClock, smtp_servers: SmtpServers
) -> None:
    """Earlier emails to the same people still wait (the server deferred them): the
    announcement waits behind them, untried; it is said queued, not sent yet."""
    notified_on_20_march(convflow, cli_clock)
    server = smtp_servers.start(ScriptedHandler(data_answers=[DEFERRED] * 50))

    output = run_due_on_22_april(convflow, cli_clock, server)

    line = announcement(output)
    assert "→ annonce mise en file d'envoi (pas encore envoyée) à ce passage" in line, line
    assert server.handler.accepted == []


@pytest.mark.parametrize("answer", [REFUSED, DEFERRED], ids=["for-good", "for-now"])
def test_an_announcement_taken_for_one_partner_and_refused_for_the_other_says_so(
    convflow: Convflow, cli_clock: CliClock, smtp_servers: SmtpServers, answer: str
) -> None:
    # The GIP's server refuses the announcement at RCPT, the Métropole's takes it: neither
    # « envoyée » (one partner has not got it) nor « non remis » (the other has).
    notified(convflow, cli_clock, smtp_servers)
    server = smtp_servers.start(ScriptedHandler(rcpt_answers={CRPV: answer}))

    output = run_due_on_22_april(convflow, cli_clock, server)

    line = announcement(output)
    assert ("→ annonce envoyée à une partie des destinataires, refusée pour les autres "
            "(convflow outbox dit à qui) à ce passage") in line, line  # fmt: skip
    failed = through(convflow, server).ok("outbox", "--failed")
    if answer == REFUSED:  # sent to the Métropole, refused for good to the GIP: listed
        assert f"(refusé pour de bon à {CRPV})" in said(failed), failed
    else:  # waiting for the GIP: not failed, not listed
        assert CRPV not in failed, failed
