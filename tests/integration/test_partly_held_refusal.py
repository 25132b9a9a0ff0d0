"""A permanent refusal inside an email partly held: the administrators hear of it once, and the
held partner gets the email once, in order, when the earlier one reaches her.

AMP-EXEMPLE-2027 (examples/) with a third party, the Ville de Marseille, whose signatory is
THIRD: every email of the convention goes to Martial Alvarez, Nadia Benali and THIRD. Nadia's
server greylists the payment's email (it waits for her); the activity report's email, recorded
30 s later, is held for Nadia and goes at once to Martial and THIRD, whose server now refuses it
for good (550 at RCPT). Delivered to a real SMTP server (aiosmtpd), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FixedClock
from tests.integration.mail import ADMIN, Mail, accepted, delivered, due_pass, partners_only
from tests.integration.steps import at, load
from tests.integration.test_email_order_per_recipient import PAID, recorded, subjects
from tests.integration.test_instalment_emails import EXAMPLE_FILE, MARTIAL, NADIA
from tests.notifications.conftest import SmtpServers
from tests.notifications.helpers import ScriptedHandler
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.usecases import views

THIRD = "charlotte.roux@example.org"
GREYLISTED = "451 4.7.1 Greylisted, please try again later"
NO_SUCH_USER = "550 5.1.1 No such user"
REPORT = "Document « bilan d’activité 2027 » reçu"
THIRD_PARTY = f"""
[[parties]]
key = "ville"
name = "Ville de Marseille"

[[parties.signatories]]
name = "Charlotte Roux"
title = "Adjointe au maire"
email = "{THIRD}"
"""


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """Three attempts at most; an administrator to alert."""
    return {**settings_env, "CONVFLOW_MAX_ATTEMPTS": "3", "CONVFLOW_ADMIN_EMAILS": ADMIN}


def to_partners(mails: list[Mail]) -> list[Mail]:
    """The partners' emails among `mails`: neither the service's copies nor the alerts."""
    return [m for m in partners_only(mails) if m.envelope != (ADMIN,)]


def alerts(mails: list[Mail]) -> list[Mail]:
    return [m for m in mails if m.envelope == (ADMIN,) and "Alerte" in m.subject_plain]


def read_by(who: str, mails: list[Mail]) -> list[str]:
    return [s for m, s in zip(mails, subjects(mails), strict=True) if who in m.envelope]


def test_a_refusal_for_good_beside_a_held_partner_is_told_once_and_she_gets_the_email_in_order(
    app: App, clock: FixedClock, smtp_servers: SmtpServers, tmp_path: Path
) -> None:
    three = tmp_path / "three.toml"
    three.write_text(EXAMPLE_FILE.read_text(encoding="utf-8") + THIRD_PARTY, encoding="utf-8")
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(three, payment_target_days=30, signature_target_days=7))
    recorded(app, "2027-01-04T10:00:00Z", "submit")
    for day, who in (("06", NADIA), ("07", THIRD), ("08", MARTIAL)):
        recorded(app, f"2027-01-{day}T10:00:00Z", "sign", signatory=who)
    recorded(app, "2027-01-15T10:00:00Z", "notify")
    server = smtp_servers.start(ScriptedHandler())
    due_pass(app, server, at("2027-03-08T08:00:00Z"))  # every email until then delivered
    start = len(server.handler.accepted)

    # Monday 8 March, 9:00: the payment's email to the three; Nadia's server greylists it.
    server.handler.rcpt_answers[NADIA] = GREYLISTED
    recorded(app, "2027-03-08T09:00:00Z", "pay", amount="27000,00")
    paid = to_partners(delivered(app, server, app.clock()))
    assert [(sorted(m.envelope), s) for m, s in zip(paid, subjects(paid), strict=True)] == [
        (sorted((MARTIAL, THIRD)), PAID)]  # fmt: skip
    # 30 s later the activity report, to the three: held for Nadia, it goes to Martial and
    # THIRD, whose server now refuses it for good.
    server.handler.rcpt_answers[THIRD] = NO_SUCH_USER
    recorded(app, "2027-03-08T09:00:30Z", "report_received")
    now = delivered(app, server, app.clock())
    partners = to_partners(now)
    assert [m.envelope for m in partners] == [(MARTIAL,)]
    assert subjects(partners)[0].startswith(REPORT)
    [alert] = alerts(now)
    assert THIRD in alert.text_read and NADIA not in alert.subject_plain
    [report] = [e for e in views.outbox(app)
                if e["kind"] == "report_received" and MARTIAL in e["recipients"]]  # fmt: skip
    assert (report["status"], report["attempts"]) == ("pending", 0)
    assert (report["delivered_to"], report["refused_to"]) == ([MARTIAL], [THIRD])

    # Her server takes mail again: the payment's retry reaches her, then the report.
    del server.handler.rcpt_answers[NADIA]
    then = delivered(app, server, at("2027-03-08T09:01:00Z"))
    assert [m.envelope for m in to_partners(then)] == [(NADIA,), (NADIA,)]
    assert not alerts(then)
    # Later passes: nothing more, no second alert.
    assert not alerts(due_pass(app, server, at("2027-03-08T12:00:00Z")))

    since = accepted(server, start)
    assert len(alerts(since)) == 1
    mine = to_partners(since)
    assert read_by(NADIA, mine)[0] == PAID and read_by(NADIA, mine)[1].startswith(REPORT)
    assert len(read_by(NADIA, mine)) == 2
    assert [s[:20] for s in read_by(MARTIAL, mine)] == [PAID[:20], REPORT[:20]]
    assert read_by(THIRD, mine) == [PAID]
    emails = {str(e["kind"]): e for e in views.outbox(app)
              if e["kind"] in ("payment_recorded", "report_received")
              and MARTIAL in e["recipients"]}  # fmt: skip
    assert emails["report_received"]["status"] == "sent"
    assert sorted(emails["report_received"]["delivered_to"]) == sorted([MARTIAL, NADIA])
    assert emails["report_received"]["refused_to"] == [THIRD]
    assert sorted(emails["payment_recorded"]["delivered_to"]) == sorted([MARTIAL, NADIA, THIRD])
