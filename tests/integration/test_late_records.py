"""What is recorded after the fact emails no partner; the administrators get one summary.

The README's walk records the reference convention's 2025 life in November 2026: signatures
20 months old must not reach the signatories as a request to sign today.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import parsed, plain_text
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.dispatch import deliver
from workflow.usecases.due import run_due

ADMIN = "politique.ville@example.org"


@pytest.fixture
def told(settings_env: dict[str, str], clock: FixedClock) -> Iterator[App]:
    """An app with an administrator, on 25 November 2026."""
    environment = {**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN, "CONVFLOW_LATE_RECORD_DAYS": "2"}
    application = App.create(load_settings(environment))
    application.clock = clock
    yield application
    application.close()


def test_a_life_recorded_months_later_emails_no_partner_and_one_summary_to_the_service(
    told: App, reference_convention: Convention, smtp_server: RunningServer, clock: FixedClock
) -> None:
    steps.load(told, reference_convention)
    steps.bring_into_execution(told)  # submitted, signed, notified, paid: all in 2025

    report = run_due(told, clock.now)  # its term (31 December 2025) passed long ago
    deliver(told, smtp_server.sender(), clock.now)

    assert [a.action for a in report.actions] == ["expire"] and report.withheld == 5
    accepted = [parsed(m) for m in smtp_server.handler.accepted]
    assert [str(m["To"]) for m in accepted] == [ADMIN], "no partner hears of it"
    text = plain_text(smtp_server.handler.accepted[0]).replace("\xa0", " ")
    assert "Enregistrements tardifs : 5 messages" in str(accepted[0]["Subject"]).replace(
        "\xa0", " "
    )
    assert "AMP-CRPV-PACA-2025 : Demande de signature — Soumise à signature (3 mars 2025)" in text
    assert "AMP-CRPV-PACA-2025 : Arrivée à terme (31 décembre 2025)" in text
    withheld = [e for e in views.outbox(told) if e["status"] == "withheld"]
    assert len(withheld) == 5
    assert all("enregistré après coup" in str(e["last_error"]) for e in withheld)
    assert run_due(told, clock.now).withheld == 0, "each is summed up once"


def test_an_event_of_yesterday_is_news_and_goes_to_the_partners(
    told: App, reference_convention: Convention, smtp_server: RunningServer, clock: FixedClock
) -> None:
    reference_convention.end_date = reference_convention.end_date.replace(year=2027)
    steps.load(told, reference_convention)
    steps.record(told, "submit", "2026-11-23")  # two days before today: within the horizon

    run_due(told, clock.now)
    deliver(told, smtp_server.sender(), clock.now)

    recipients = {str(parsed(m)["To"]) for m in smtp_server.handler.accepted}
    assert ADMIN in recipients and any("martial.alvarez" in r for r in recipients)


def test_status_counts_the_emails_that_will_never_leave_apart_from_those_waiting(
    told: App, reference_convention: Convention, smtp_server: RunningServer, clock: FixedClock
) -> None:
    from workflow.cli.present import status_text
    from workflow.wording.words import Words

    steps.load(told, reference_convention)
    steps.bring_into_execution(told)
    run_due(told, clock.now)
    deliver(told, smtp_server.sender(), clock.now)

    text = status_text(views.status(told, steps.REFERENCE), Words("fr")).replace("\xa0", " ")
    line = next(line for line in text.splitlines() if line.strip().startswith("courriels"))
    assert "0 en attente" in line, line
    assert "5 non envoyé(s)" in line, line
