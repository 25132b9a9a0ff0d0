"""An email to both partners that the mail server takes for one and refuses for the other reaches
the other all the same, once, and the one who had it never gets it twice.

AMP-EXEMPLE-2027 (examples/): the payment of instalment n° 1 is told to Martial Alvarez (the
Métropole) and Nadia Benali (the association) in one email. The association's mail server
greylists it (a 4xx at RCPT) while the Métropole's takes it: it used to be recorded `sent`, and
Nadia never read it. Now the email waits for her alone: its next attempts offer it to her only,
under the same Message-ID, until her server takes it; Martial's later emails do not wait for
it. A refusal for good (a 5xx) is told to the administrators at once, naming who has the email
and who has not. Delivered to a real SMTP server (aiosmtpd), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.integration import mail
from tests.integration.mail import ADMIN, Mail, message_ids, partners_only
from tests.integration.steps import at
from tests.integration.test_email_order_per_recipient import PUBLISH_SOON, recorded, subjects
from tests.integration.test_instalment_emails import EXAMPLE, MARTIAL, NADIA
from tests.integration.test_instalment_emails import signed_and_notified as signed_and_notified
from tests.notifications.conftest import RunningServer, SmtpServers
from tests.notifications.helpers import ScriptedHandler
from tests.reading import plain
from workflow.bootstrap import App
from workflow.usecases import views

PAID = "Versement de 27 000,00 € enregistré (versement n° 1 sur 2)"
GREYLISTED = "451 4.7.1 Greylisted, please try again later"
NO_SUCH_USER = "550 5.1.1 No such user"


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """As test_email_order_per_recipient: the publication reminder to the Métropole's signatory
    alone on 9 March 2027, and three attempts at most; an administrator to alert."""
    return {**settings_env, "CONVFLOW_OPEN_DATA_THRESHOLD": "23000",
            "CONVFLOW_MAX_ATTEMPTS": "3", "CONVFLOW_ADMIN_EMAILS": ADMIN}  # fmt: skip


@pytest.fixture
def all_delivered(signed_and_notified: App, smtp_servers: SmtpServers) -> RunningServer:
    """Every email of the example until Monday 8 March 2027 delivered to a real SMTP server
    that takes everything (the test then tells it whom to refuse)."""
    server = smtp_servers.start(ScriptedHandler())
    due_pass(signed_and_notified, server, at("2027-03-08T08:00:00Z"))
    return server


def delivered(app: App, server: RunningServer, now: datetime) -> list[Mail]:
    """What the outbox delivered at `now`, as read by the partners and by the administrators
    alerted (the administrators' copy of each partner's email left out)."""
    return partners_only(mail.delivered(app, server, now))


def due_pass(app: App, server: RunningServer, now: datetime) -> list[Mail]:
    return partners_only(mail.due_pass(app, server, now))


def accepted(server: RunningServer, since: int) -> list[Mail]:
    return partners_only(mail.accepted(server, since))


def payment_recorded(app: App, server: RunningServer, answers: dict[str, str]) -> int:
    """Instalment n° 1 recorded on Monday 8 March 2027 at 9:00, told to both partners in one
    email, their mail servers answering RCPT as `answers` says (address: answer) until the test
    says otherwise; how many messages the server had taken before (to count from)."""
    start = len(server.handler.accepted)
    server.handler.rcpt_answers.update(answers)
    recorded(app, "2027-03-08T09:00:00Z", "pay", amount="27000,00")
    return start


def the_payment_email(app: App) -> dict[str, object]:
    """The partners' email of the payment (not the administrators' copy), as the outbox says."""
    [email] = [e for e in views.outbox(app)
               if e["kind"] == "payment_recorded" and MARTIAL in e["recipients"]]  # fmt: skip
    return dict(email)


def reads(alert: Mail, label: str, value: str) -> bool:
    """Whether the alert says `label : value` in its text, and both in its HTML table."""
    return f"{label} : {value}" in alert.text_read and (f"{label} {value}" in alert.html_read)


def copies_of(mails: list[Mail], who: str, subject: str) -> int:
    return sum(1 for m in mails if who in m.envelope and subjects([m]) == [subject])


def test_a_greylisted_partner_gets_the_email_the_other_had_and_nobody_gets_it_twice(
    signed_and_notified: App, all_delivered: RunningServer
) -> None:
    app, server = signed_and_notified, all_delivered
    start = payment_recorded(app, server, {NADIA: GREYLISTED})
    first = delivered(app, server, app.clock())
    assert [(m.envelope, m.to) for m in first] == [((MARTIAL,), (MARTIAL, NADIA))]
    payment = the_payment_email(app)
    assert (payment["status"], payment["attempts"]) == ("pending", 1)
    assert payment["delivered_to"] == [MARTIAL]
    assert payment["last_error"] == f"{GREYLISTED} ({NADIA})"
    assert plain(str(payment["subject"])) == f"[{EXAMPLE}] {PAID}"  # as Martial read it

    # Tuesday 9 March: the reminder to Martial alone does not wait for the payment's email,
    # which he has; the payment's second attempt goes to Nadia alone, greylisted again.
    second = due_pass(app, server, at("2027-03-09T08:00:00Z"))
    assert [(m.envelope, s) for m, s in zip(second, subjects(second), strict=True)] == [
        ((MARTIAL,), PUBLISH_SOON)]  # fmt: skip
    assert the_payment_email(app)["attempts"] == 2

    del server.handler.rcpt_answers[NADIA]  # her server takes the third attempt
    third = delivered(app, server, at("2027-03-09T09:00:00Z"))
    assert [(m.envelope, m.to, s) for m, s in zip(third, subjects(third), strict=True)] == [
        ((NADIA,), (MARTIAL, NADIA), PAID)]  # fmt: skip
    payment = the_payment_email(app)
    assert (payment["status"], payment["attempts"]) == ("sent", 3)
    assert payment["delivered_to"] == [MARTIAL, NADIA]

    since = accepted(server, start)
    assert copies_of(since, MARTIAL, PAID) == copies_of(since, NADIA, PAID) == 1
    # One email, one Message-ID: the copy Nadia read is the one Martial read.
    assert message_ids(server.handler.accepted[start:])[str(payment["message_id"])] == 2
    assert not [m for m in since if m.envelope == (ADMIN,)]  # nothing to alert about


def test_the_next_email_to_both_reaches_the_other_at_once_and_the_greylisted_one_in_order(
    signed_and_notified: App, all_delivered: RunningServer
) -> None:
    app, server = signed_and_notified, all_delivered
    payment_recorded(app, server, {NADIA: GREYLISTED})
    assert [m.envelope for m in delivered(app, server, app.clock())] == [(MARTIAL,)]
    # The activity report, received 30 s later, is told to both in one email: Martial, who
    # has the payment's, gets it at once; Nadia's copy waits for the payment's email to reach
    # her, who must read them in that order.
    recorded(app, "2027-03-08T09:00:30Z", "report_received")
    now = delivered(app, server, app.clock())
    assert [(m.envelope, m.to) for m in now] == [((MARTIAL,), (MARTIAL, NADIA))]
    assert subjects(now)[0].startswith("Document « bilan d’activité 2027 » reçu")
    del server.handler.rcpt_answers[NADIA]
    then = delivered(app, server, at("2027-03-08T09:01:00Z"))
    assert [m.envelope for m in then] == [(NADIA,), (NADIA,)]
    assert subjects(then)[0] == PAID
    assert subjects(then)[1].startswith("Document « bilan d’activité 2027 » reçu")
    # The report: one email (one key, one Message-ID), one copy per recipient, none twice.
    assert [m.key for m in now] == [then[1].key]
    sent = {str(e["kind"]): e for e in views.outbox(app)}
    ids = message_ids(server.handler.accepted)
    for kind in ("payment_recorded", "report_received"):
        assert (sent[kind]["status"], ids[str(sent[kind]["message_id"])]) == ("sent", 2), kind
        assert sorted(map(str, sent[kind]["delivered_to"])) == [MARTIAL, NADIA], kind


def test_a_partner_refused_for_good_is_reported_at_once_and_never_tried_again(
    signed_and_notified: App, all_delivered: RunningServer
) -> None:
    app, server = signed_and_notified, all_delivered
    start = payment_recorded(app, server, {NADIA: NO_SUCH_USER})
    mails = delivered(app, server, app.clock())
    assert [m.envelope for m in mails] == [(MARTIAL,), (ADMIN,)]
    paid, alert = mails
    assert subjects([paid]) == [PAID]
    assert alert.subject_plain == (
        f"[{EXAMPLE}] Alerte : un courriel n’a pas pu être remis à {NADIA}"
    )
    assert reads(alert, "Non remis à", NADIA) and reads(alert, "Remis à", MARTIAL)
    assert f"Réponse du serveur : {NO_SUCH_USER} ({NADIA})" in alert.text_read
    assert alert.says("Ceux auxquels il n’a pas été remis n’ont donc pas reçu cette "
                      "information ; les autres l’ont reçue.")  # fmt: skip

    payment = the_payment_email(app)
    assert (payment["status"], payment["delivered_to"], payment["refused_to"]) == (
        "sent", [MARTIAL], [NADIA])  # fmt: skip
    assert payment["last_error"] == f"{NO_SUCH_USER} ({NADIA})"
    del server.handler.rcpt_answers[NADIA]
    assert delivered(app, server, app.clock() + timedelta(hours=2)) == []
    assert copies_of(accepted(server, start), NADIA, PAID) == 0


def test_attempts_run_out_for_a_greylisted_partner_the_alert_says_who_has_the_email(
    signed_and_notified: App, all_delivered: RunningServer
) -> None:
    app, server = signed_and_notified, all_delivered
    start = payment_recorded(app, server, {NADIA: GREYLISTED})
    now = app.clock()
    assert subjects(delivered(app, server, now)) == [PAID]  # Martial's copy
    assert delivered(app, server, now + timedelta(seconds=60)) == []  # Nadia: attempt 2
    [alert] = delivered(app, server, now + timedelta(seconds=180))  # attempt 3, the last
    assert alert.envelope == (ADMIN,)
    assert reads(alert, "Non remis à", NADIA) and reads(alert, "Remis à", MARTIAL)
    assert reads(alert, "Tentatives", "3")
    payment = the_payment_email(app)
    assert (payment["status"], payment["delivered_to"]) == ("failed", [MARTIAL])
    assert payment["last_error"] == f"abandon après 3 tentatives\u00a0: {GREYLISTED} ({NADIA})"
    assert copies_of(accepted(server, start), MARTIAL, PAID) == 1


def test_nobody_takes_it_one_refused_for_good_the_other_deferred(
    signed_and_notified: App, all_delivered: RunningServer
) -> None:
    # Nadia's address is refused for good, Martial's server defers: nobody has the email yet.
    # The administrators hear of Nadia at once; the email waits for Martial alone.
    app, server = signed_and_notified, all_delivered
    start = payment_recorded(app, server, {NADIA: NO_SUCH_USER, MARTIAL: GREYLISTED})
    [alert] = delivered(app, server, app.clock())
    assert alert.envelope == (ADMIN,) and reads(alert, "Destinataires", NADIA)
    assert not reads(alert, "Remis à", MARTIAL)
    payment = the_payment_email(app)
    assert (payment["status"], payment["refused_to"], payment["delivered_to"]) == (
        "pending", [NADIA], [])  # fmt: skip

    server.handler.rcpt_answers.clear()
    [paid] = delivered(app, server, app.clock() + timedelta(seconds=60))
    assert (paid.envelope, subjects([paid])) == ((MARTIAL,), [PAID])
    payment = the_payment_email(app)
    assert (payment["status"], payment["delivered_to"], payment["refused_to"]) == (
        "sent", [MARTIAL], [NADIA])  # fmt: skip
    assert copies_of(accepted(server, start), NADIA, PAID) == 0


def test_a_retry_refused_whole_for_good_names_who_had_it_already(
    signed_and_notified: App, all_delivered: RunningServer
) -> None:
    # Martial has the email; its retry for Nadia is refused for good at DATA (no RCPT answer
    # to go by): the alert says Nadia has not got it, and Martial has.
    app, server = signed_and_notified, all_delivered
    payment_recorded(app, server, {NADIA: GREYLISTED})
    assert [m.envelope for m in delivered(app, server, app.clock())] == [(MARTIAL,)]
    server.handler.rcpt_answers.clear()
    server.handler.data_answers.append("554 5.7.1 Message refused by policy")
    [alert] = delivered(app, server, at("2027-03-08T09:01:00Z"))
    assert alert.envelope == (ADMIN,)
    assert reads(alert, "Non remis à", NADIA) and reads(alert, "Remis à", MARTIAL)
    payment = the_payment_email(app)
    assert (payment["status"], payment["delivered_to"]) == ("failed", [MARTIAL])
