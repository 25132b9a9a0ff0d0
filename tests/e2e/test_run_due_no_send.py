"""`convflow run-due --no-send` queues the emails of what falls due and sends none: it said
« annonce envoyée » and a reminder « envoyé » of emails that were only queued, then
« courriels : 0 envoyé(s) ». It now says they are queued, not sent yet, and that the next pass
that sends delivers them; --json keeps its names (`announce`, `send`)."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.conftest import (
    CliClock,
    Convflow,
    notified_on_20_march,
)


def test_run_due_no_send_says_the_announcement_is_queued_not_sent(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    notified_on_20_march(convflow, cli_clock)
    cli_clock.now = datetime(2025, 4, 22, 8, 0, tzinfo=UTC)  # 10:00 in Paris

    queued = convflow.ok("run-due", "--no-send")
    sent = convflow.ok("run-due")

    said = " ".join(queued.replace("\u00a0", " ").split())
    announced = [line for line in queued.splitlines() if "objectif de versement" in line
                 and "annonce" in line]  # fmt: skip
    assert announced, queued
    assert "annonce mise en file d'envoi (pas encore envoyée) à ce passage" in announced[0]
    assert "envoyée" not in announced[0].replace("pas encore envoyée", ""), announced[0]
    assert "→ envoyé" not in queued and "annonce envoyée" not in queued, queued
    assert "courriels : aucun envoyé (--no-send)" in said, said
    assert "0 envoyé(s)" not in said
    # the next pass that sends delivers them, and says so
    assert "courriels : 0 envoyé(s)" not in " ".join(sent.replace("\u00a0", " ").split()), sent
    assert "envoyé(s)" in sent, sent


def test_run_due_no_send_says_a_reminder_is_queued_not_sent(
    convflow: Convflow, cli_clock: CliClock
) -> None:
    """The payment target's J-0 reminder, planned the working day before (Friday 18 April
    2025, 9:00), read at 10:00."""
    notified_on_20_march(convflow, cli_clock)
    cli_clock.now = datetime(2025, 4, 18, 8, 0, tzinfo=UTC)

    queued = convflow.ok("run-due", "--no-send")

    line = next(line for line in queued.splitlines() if "rappel" in line and "J-0" in line)
    assert line.endswith("→ mis en file d'envoi (pas encore envoyé)"), line
    assert "→ envoyé" not in queued, queued


def test_run_due_no_send_keeps_its_json_names(convflow: Convflow, cli_clock: CliClock) -> None:
    notified_on_20_march(convflow, cli_clock)
    cli_clock.now = datetime(2025, 4, 22, 8, 0, tzinfo=UTC)

    report = convflow.json("run-due", "--no-send")

    assert set(report) == {"now", "actions", "reminders", "emails", "failures"}
    assert "announce" in {action["action"] for action in report["actions"]}, report
    assert report["emails"]["sent"] == []
