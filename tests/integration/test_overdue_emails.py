"""A payment or a financial report that did not come by its date, as its readers receive it
from a real SMTP server (aiosmtpd), on SQLite and PostgreSQL.

AMP-EXEMPLE-2027 (examples/) pays 45 000 € in two instalments: n° 1, 27 000 €, after the
notification of the award (Friday 15 January 2027), the service's internal target 30 days
later, Sunday 14 February 2027; its beneficiary owes a financial report for 2027 (by the
convention), due Friday 30 June 2028. Nothing is paid, nothing received: the service says so
the day after each date, at the reminder hour (09:00 in Paris, not at the midnight the date
passes), once, to whom it concerns: the payment to every signatory (the
beneficiary's money is late; nothing is asked of it), the report to the beneficiary; the
service's copy has the command that records each in its note.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from states.financial_report import FinancialReport
from tests.conftest import ROOT, FixedClock
from tests.integration.mail import Mail, accepted, due_pass, html_part, parsed, plain_text
from tests.integration.steps import at, load
from tests.notifications.conftest import RunningServer
from tests.notifications.parts import html_reading, loose_spaces
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.scheduler.service import WAKE_JOB, Service
from workflow.usecases import views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event

EXAMPLE = "AMP-EXEMPLE-2027"
NADIA = "nadia.benali@example.org"  # the association's president: the beneficiary
MARTIAL = "martial.alvarez@example.org"  # the Métropole's signatory
ADMIN = "service.politique-ville@example.org"
OVERDUE = (
    "[AMP-EXEMPLE-2027] Versement de 27 000,00 € en retard (versement n° 1 sur 2, objectif "
    "interne : 14 février 2027)"
)
MISSED = (
    "[AMP-EXEMPLE-2027] Compte rendu financier non reçu : il était attendu au plus tard le "
    "30 juin 2028"
)


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """Administrators, to get the service's copy."""
    return {**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN}


def record(app: App, event: str, on: str, when: str | None = None, **inputs: str) -> None:
    """An event dated `on`, recorded at 10:00 UTC on `when` (its own day by default)."""
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(f"{when or on}T10:00:00Z")
    record_event(app, RecordEvent(EXAMPLE, event, "alice", date.fromisoformat(on), inputs),
                 app.clock())  # fmt: skip


def signed(app: App, notified_on: str = "2027-01-15", recorded_on: str | None = None) -> App:
    """The example convention, its financial report for 2027 owed by the convention, submitted
    on 4 January 2027, in force on 8 January, its award notified on `notified_on` (recorded
    on `recorded_on`, the same day by default)."""
    app.clock.now = at("2027-01-04T09:00:00Z")  # type: ignore[attr-defined]
    example = read_convention_file(
        ROOT / "examples" / "convention-exemple-quartiers-nord-2027.toml",
        payment_target_days=30,
        signature_target_days=7,
    )
    load(app, replace(example, financial_report=FinancialReport("by_convention", 2027)))
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory=NADIA)
    record(app, "sign", "2027-01-08", signatory=MARTIAL)
    record(app, "notify", notified_on, recorded_on)
    return app


def pass_at(app: App, server: RunningServer, instant: str) -> list[Mail]:
    """Run the due pass at `instant`, deliver, and return every email the server accepted
    (since it started, not only in this pass)."""
    app.clock.now = at(instant)  # type: ignore[attr-defined]
    due_pass(app, server, app.clock())
    return accepted(server)


def payment_deadlines(app: App) -> list[tuple[str, str | None]]:
    """The status of each instalment's payment deadline, and when it passed."""
    deadlines = views.status(app, EXAMPLE)["deadlines"]
    return [(d["status"], d["expires_at"]) for d in deadlines if d["kind"] == "payment"]


def overdue_queued_at(app: App) -> list[str]:
    """When each `payment_overdue` email was queued (the partners' and the service's)."""
    return [e["created_at"] for e in views.outbox(app, None, 100) if e["kind"] == "payment_overdue"]


def to(mail: Mail) -> str:
    """Its To header's addresses, as the header lists them."""
    return ", ".join(mail.to)


def titled(emails: list[Mail], subject: str) -> dict[str, Mail]:
    """The emails of that subject by recipient; each recipient gets it once."""
    found = [m for m in emails if m.subject_plain == subject]
    by_recipient = {to(m): m for m in found}
    assert len(by_recipient) == len(found), [to(m) for m in found]
    return by_recipient


def test_an_instalment_not_paid_by_its_target_is_announced_the_next_day_once(
    app: App, smtp_server: RunningServer
) -> None:
    signed(app)
    # The target passes at 24:00 on Sunday 14 February 2027 in Paris: a pass just after it
    # marks it passed, and writes to no one in the night.
    at_midnight = pass_at(app, smtp_server, "2027-02-14T23:00:01Z")
    assert titled(at_midnight, OVERDUE) == {}
    assert payment_deadlines(app) == [("passed", "2027-02-14T23:00:00Z")]
    # The pass of 09:00 (the reminder hour) announces it.
    emails = titled(pass_at(app, smtp_server, "2027-02-15T08:00:00Z"), OVERDUE)

    assert sorted(emails) == sorted([f"{MARTIAL}, {NADIA}", ADMIN])
    text = emails[f"{MARTIAL}, {NADIA}"].text_plain
    assert (
        "soit 45 000,00 €, est versée en 2 fois (article 2). Le versement n° 1, de 27 000,00 €, "
        "est dû à la suite de la notification d’attribution. L’objectif interne du service "
        "fixait ce versement au plus tard le dimanche 14 février 2027. Le lundi 15 février "
        "2027, 1 jour après cette date, ce versement n’était pas enregistré."
    ) in text
    assert "Ce message ne constate aucun manquement ; le versement reste dû." in text
    assert "Aucune démarche n’est attendue du bénéficiaire" in text
    assert "convflow" not in text and "en une seule fois" not in text
    assert "de <strong>27 000,00 €</strong>, est dû" in emails[f"{MARTIAL}, {NADIA}"].markup
    note = emails[ADMIN].text_plain
    assert "convflow event AMP-EXEMPLE-2027 pay amount=27000.00 instalment=1 --on DATE" in note
    assert overdue_queued_at(app) == ["2027-02-15T08:00:00Z"] * 2  # 09:00 in Paris

    again = titled(pass_at(app, smtp_server, "2027-02-15T08:00:00Z"), OVERDUE)
    later = titled(pass_at(app, smtp_server, "2027-03-01T08:00:00Z"), OVERDUE)
    assert len(again) == len(later) == 2  # the same two: nothing more was sent


def test_the_announcement_reaches_its_readers_in_french_typography(
    app: App, smtp_server: RunningServer
) -> None:
    """As the server received it, decoded as a mail client does (the subject's RFC 2047
    encoded words, the quoted-printable parts): a no-break space before each « : » and « ; »
    and inside « », where the templates wrote plain spaces (« objectif interne : », « aucun
    manquement ; »), so no client wrapping the lines starts one with a colon."""
    signed(app)
    pass_at(app, smtp_server, "2027-02-15T08:00:00Z")

    received = [m for m in smtp_server.handler.accepted if "retard" in str(parsed(m)["Subject"])]
    assert len(received) == 2  # the signatories' email and the service's copy
    for message in received:
        assert b"\r\nSubject: =?utf-8?b?" in message.content
        assert str(parsed(message)["Subject"]) == (
            "[AMP-EXEMPLE-2027] Versement de 27\u202f000,00\xa0€ en retard (versement n°\xa01 "
            "sur 2, objectif interne\xa0: 14 février 2027)"
        )
        text, html = plain_text(message), html_part(message)
        for body in (text, html):
            assert "aucun manquement\xa0; le versement reste dû" in body
            assert "non un délai légal\xa0: la convention" in body
        assert loose_spaces(text) == []
        assert loose_spaces(html_reading(html)) == []


def test_the_service_wakes_up_at_nine_for_the_announcement(
    app: App, smtp_server: RunningServer
) -> None:
    """The service's own scheduler (paused: each pass is run here, at the instant it planned):
    the pass at the target's midnight marks it passed and plans the next wake-up at 09:00, the
    announcement's instant (not the safety interval's); that pass announces it."""
    signed(app)
    app.clock.now = at("2027-02-14T23:00:00Z")  # type: ignore[attr-defined]
    service = Service(app, smtp_server.sender(), clock=app.clock)
    service._scheduler.start(paused=True)
    try:
        passed = service.tick()
        assert passed is not None
        assert [(a.deadline, a.action, a.email) for a in passed.actions] == [
            ("payment", "passed", None)
        ]
        wake = service._scheduler.get_job(WAKE_JOB)
        assert wake is not None and wake.next_run_time == at("2027-02-15T08:00:00Z")

        app.clock.now = wake.next_run_time  # type: ignore[attr-defined]
        announced = service.tick()
        assert announced is not None
        assert [(a.deadline, a.action, a.email, a.due_at) for a in announced.actions] == [
            ("payment", "announce", "payment_overdue", at("2027-02-15T08:00:00Z"))
        ]
        assert overdue_queued_at(app) == ["2027-02-15T08:00:00Z"] * 2
    finally:
        service._scheduler.shutdown(wait=False)


def test_a_service_down_for_days_announces_the_target_once_when_it_comes_back(
    app: App, smtp_server: RunningServer
) -> None:
    """Down from before the target until Wednesday 17 February 2027, 06:00 in Paris (before
    the reminder hour): the pass that marks the target passed also announces it, at once, and
    says the days really late."""
    signed(app)

    emails = titled(pass_at(app, smtp_server, "2027-02-17T05:00:00Z"), OVERDUE)

    assert sorted(emails) == sorted([f"{MARTIAL}, {NADIA}", ADMIN])
    assert (
        "Le mercredi 17 février 2027, 3 jours après cette date"
        in emails[f"{MARTIAL}, {NADIA}"].text_plain
    )
    assert payment_deadlines(app) == [("passed", "2027-02-14T23:00:00Z")]
    again = titled(pass_at(app, smtp_server, "2027-02-17T08:00:00Z"), OVERDUE)
    assert len(again) == 2


def test_an_instalment_paid_before_nine_the_day_after_its_target_is_not_announced(
    app: App, smtp_server: RunningServer
) -> None:
    """Paid on Monday 15 February 2027, the day after its target, and recorded at 08:30:
    the target had passed at midnight (it stays passed: met late), but its announcement, due
    at 09:00, is not sent; the payment's own email is."""
    signed(app)
    pass_at(app, smtp_server, "2027-02-14T23:00:01Z")
    app.clock.now = at("2027-02-15T07:30:00Z")  # type: ignore[attr-defined]
    command = RecordEvent(EXAMPLE, "pay", "alice", date(2027, 2, 15),
                          {"amount": "27000,00", "instalment": "1"})  # fmt: skip
    record_event(app, command, app.clock())

    emails = pass_at(app, smtp_server, "2027-02-15T08:00:00Z")

    assert titled(emails, OVERDUE) == {}
    assert any("Versement" in m.subject_plain for m in emails)  # payment_recorded
    assert payment_deadlines(app)[0] == ("passed", "2027-02-14T23:00:00Z")
    assert overdue_queued_at(app) == []


def test_an_instalment_paid_in_time_is_not_announced(app: App, smtp_server: RunningServer) -> None:
    signed(app)
    record(app, "pay", "2027-02-12", amount="27000,00")

    emails = pass_at(app, smtp_server, "2027-02-16T08:00:00Z")

    assert titled(emails, OVERDUE) == {}
    assert [m for m in emails if "en retard" in m.subject] == []


def test_a_target_already_past_when_the_award_was_recorded_is_not_announced(
    app: App, smtp_server: RunningServer
) -> None:
    signed(app, notified_on="2027-01-15", recorded_on="2027-02-20")  # recorded after the fact

    emails = pass_at(app, smtp_server, "2027-02-21T08:00:00Z")

    assert [m for m in emails if "en retard" in m.subject] == []


def test_a_financial_report_not_received_is_announced_to_the_beneficiary_after_the_end(
    app: App, smtp_server: RunningServer
) -> None:
    signed(app)
    record(app, "pay", "2027-02-01", amount="27000,00")
    # The service was down from Christmas 2027: the term (31 December 2027) and the report's
    # date (Friday 30 June 2028) both fell before it came back on Monday 3 July 2028.
    emails = pass_at(app, smtp_server, "2028-07-03T07:00:00Z")

    missed = titled(emails, MISSED)
    assert sorted(missed) == sorted([NADIA, ADMIN])  # not the Métropole's signatory
    text = missed[NADIA].text_plain
    assert (
        "attribue une subvention de 45 000,00 € pour l’exercice 2027 : son compte rendu "
        "financier était à déposer auprès de la Métropole au plus tard le vendredi 30 juin 2028, "
        "dans les six mois suivant la fin de cet exercice (loi n° 2000-321 du 12 avril 2000, "
        "art. 10 ; arrêté du 11 octobre 2006). Le lundi 3 juillet 2028, 3 jours après cette date, "
        "il n’était pas enregistré comme reçu."
    ) in text
    assert "La convention de partenariat l’exige de son bénéficiaire." in text
    assert (
        "Déposez le compte rendu financier auprès du service de la Métropole dès que possible"
        in text
    )
    assert "convflow" not in text.split("COMMENT CETTE DATE EST CALCULÉE")[0]  # no note
    note = missed[ADMIN].text_plain
    assert "convflow event AMP-EXEMPLE-2027 report_received report=financial --on DATE" in note


def test_a_financial_report_received_in_time_is_not_announced(
    app: App, smtp_server: RunningServer
) -> None:
    signed(app)
    record(app, "pay", "2027-02-01", amount="27000,00")
    pass_at(app, smtp_server, "2028-01-01T08:00:00Z")  # expired at its term
    record(app, "report_received", "2028-06-15", report="financial")

    emails = pass_at(app, smtp_server, "2028-07-03T07:00:00Z")

    assert titled(emails, MISSED) == {}


def test_a_financial_report_reminder_after_the_end_goes_to_the_beneficiary(
    app: App, smtp_server: RunningServer
) -> None:
    """The report outlives the convention (rule 20): its reminders, 30 and 7 days before 30
    June 2028, fall after the term (31 December 2027) and still go out, to the beneficiary."""
    signed(app)
    record(app, "pay", "2027-02-01", amount="27000,00")
    pass_at(app, smtp_server, "2028-01-01T08:00:00Z")  # expired at its term

    emails = pass_at(app, smtp_server, "2028-05-31T07:00:00Z")  # J-30, 09:00 in Paris

    reminders = [m for m in emails if "compte rendu financier" in m.subject_plain.lower()]
    to_each = {to(m): m for m in reminders}
    assert sorted(to_each) == sorted([NADIA, ADMIN])  # not the Métropole's signatory
    assert to_each[NADIA].subject_plain == (
        "[AMP-EXEMPLE-2027] Rappel : compte rendu financier à déposer au plus tard le 30 juin 2028"
    )
    assert "au plus tard le vendredi 30 juin 2028 (dans 30 jours)" in to_each[NADIA].text_plain
    with app.uow(read_only=True) as uow:
        cancelled = uow.outbox.listing("cancelled", 100)
    assert [(r.kind, r.status) for r in cancelled] == []
