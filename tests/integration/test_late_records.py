"""What is recorded after the fact emails no partner; the administrators get one summary.

The README's walk records the reference convention's 2025 life in November 2026: signatures
20 months old must not reach the signatories as a request to sign today.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import parsed, plain_text
from tests.notifications.conftest import RunningServer
from tests.notifications.helpers import Received
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event
from workflow.usecases.dispatch import deliver
from workflow.usecases.due import run_due
from workflow.usecases.late import OVERDUE_SHOWN

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
    assert "AMP-CRPV-PACA-2025 :\r\n- Demande de signature — Soumise à signature (3 mars 2025)" in (
        text
    )
    assert "- Arrivée à terme (31 décembre 2025)" in text
    withheld = [e for e in views.outbox(told) if e["status"] == "withheld"]
    assert len(withheld) == 5
    assert all("enregistré après coup" in str(e["last_error"]) for e in withheld)
    assert run_due(told, clock.now).withheld == 0, "each is summed up once"


def test_the_summary_lists_the_reminders_and_announcement_whose_hour_had_passed(
    told: App, reference_convention: Convention, smtp_server: RunningServer, clock: FixedClock
) -> None:
    """A dispute recorded on 25 November 2026, opened on 1 October: its amicable window
    closed on 2 November. Its reminders (J-7, J-1, court possible) and the announcement of the
    window closed were never due while anyone knew of it: no partner hears of them, but the
    administrators must (the court may be seized): they are in the summary, by convention."""
    reference_convention.end_date = reference_convention.end_date.replace(year=2027)
    steps.load(told, reference_convention)
    steps.bring_into_execution(told)
    steps.record(told, "open_dispute", "2026-10-01", party="crpv", received="2026-10-01")

    report = run_due(told, clock.now)
    deliver(told, smtp_server.sender(), clock.now)

    skipped = [r for r in report.reminders if r.reason == "known_late"]
    assert skipped, "the window's reminders were known late"
    accepted = smtp_server.handler.accepted
    assert [str(parsed(m)["To"]) for m in accepted] == [ADMIN], "no partner hears of it"
    text = plain_text(accepted[0]).replace("\xa0", " ")
    html = html_text(accepted[0])
    for body in (text, html):
        assert "Rappel : fin de la période amiable, J-7 (" in body, body
        assert "Rappel : fin de la période amiable, J-1 (" in body
        assert "Rappel : saisine du tribunal possible" in body
        assert "Fin de la période amiable (2 novembre 2026)" in body
        assert body.count("AMP-CRPV-PACA-2025") >= 1
    assert text.count("\nAMP-CRPV-PACA-2025 :") == 1, "grouped under its convention"
    subject = str(parsed(accepted[0])["Subject"]).replace("\xa0", " ")
    listed = text.count("\n- ")
    assert f"Enregistrements tardifs : {listed} messages" in subject
    assert report.withheld == listed
    assert run_due(told, clock.now).withheld == 0, "each is summed up once"


def test_the_outbox_totals_count_the_emails_never_sent(
    told: App, reference_convention: Convention, clock: FixedClock
) -> None:
    from workflow.cli.service import outbox_summary
    from workflow.wording.words import Words

    steps.load(told, reference_convention)
    steps.bring_into_execution(told)
    run_due(told, clock.now)

    line = outbox_summary(views.outbox_counts(told), Words("fr")).replace("\xa0", " ")
    assert "non envoyé (enregistré après coup) (5)" in line, line
    assert "en attente (1)" in line, line  # the summary, not yet delivered


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


def html_text(received: Received) -> str:
    """The HTML part of an accepted email, decoded, its non-breaking spaces plain."""
    body = parsed(received).get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content()).replace("\xa0", " ")


@pytest.fixture
def published(settings_env: dict[str, str], clock: FixedClock) -> Iterator[App]:
    """As `told`, and the open data of a convention of 23 000 € or more is owed (rule 19)."""
    environment = {
        **settings_env,
        "CONVFLOW_ADMIN_EMAILS": ADMIN,
        "CONVFLOW_LATE_RECORD_DAYS": "2",
        "CONVFLOW_OPEN_DATA_THRESHOLD": "23000",
    }
    application = App.create(load_settings(environment))
    application.clock = clock
    yield application
    application.close()


def test_the_summary_lists_the_oldest_obligations_overdue_and_counts_the_others(
    published: App, reference_convention: Convention, smtp_server: RunningServer, clock: FixedClock
) -> None:
    """Thousands of conventions would make thousands of lines: the summary names the oldest
    (OVERDUE_SHOWN), says how many more and where to see them all; partners get nothing."""
    count = OVERDUE_SHOWN + 3
    for number in range(count):  # each in force a day later: its open data due a day later
        reference = f"AMP-RETARD-{number:03d}-2025"
        steps.load(published, replace(reference_convention, reference=reference))
        signed = date(2025, 3, 10) + timedelta(days=number)
        for event, inputs in (("submit", {}), ("sign", {"signatory": steps.METROPOLE}),
                              ("sign", {"signatory": steps.CRPV})):  # fmt: skip
            record_event(
                published, RecordEvent(reference, event, "alice", signed, inputs), clock.now
            )

    run_due(published, clock.now)  # all of it recorded 20 months late: withheld, summed up
    deliver(published, smtp_server.sender(), clock.now)

    accepted = smtp_server.handler.accepted
    assert [str(parsed(m)["To"]) for m in accepted] == [ADMIN], "no partner hears of it"
    text = plain_text(accepted[0]).replace("\xa0", " ")
    listed = [line for line in text.splitlines() if "publication des données essentielles" in line]
    assert len(listed) == OVERDUE_SHOWN
    assert listed[0].startswith("- AMP-RETARD-000-2025 : ")
    assert listed[-1].startswith(f"- AMP-RETARD-{OVERDUE_SHOWN - 1:03d}-2025 : ")
    assert f"AMP-RETARD-{count - 1:03d}-2025 : publication" not in text  # the newest left out
    assert (
        "… et 3 autres, plus récentes : convflow list les montre toutes (colonne « en retard »)."
        in text
    )
    assert "… et 3 autres, plus récentes" in html_text(accepted[0])


def test_the_summary_names_a_commission_s_reminders_as_their_subject_does(
    told: App, reference_convention: Convention, smtp_server: RunningServer, clock: FixedClock
) -> None:
    """The convention names its committee « Commission de suivi »; its cadence recorded on
    25 November 2026 after a meeting of 20 May: the next meeting was due on 20 November, its
    reminders' hours had passed. The summary lists them as their subject would have named
    the committee, not as the model's « Comité technique à réunir »."""
    from tests.integration.test_committee import cadence, meeting
    from tests.integration.test_committee_name import named

    convention = named(reference_convention)
    convention.end_date = convention.end_date.replace(year=2027)
    steps.load(told, convention)
    steps.bring_into_force(told)
    meeting(told, "2026-05-20")
    cadence(told, "6", "2026-11-25")

    run_due(told, clock.now)
    deliver(told, smtp_server.sender(), clock.now)

    (summary,) = smtp_server.handler.accepted
    text = plain_text(summary).replace("\xa0", " ")
    assert "Rappel : Commission de suivi à réunir, J-7 (" in text, text
    assert "omité technique" not in text
