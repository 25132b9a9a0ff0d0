"""The emails of a convention paid in instalments, as its partners receive them.

AMP-EXEMPLE-2027 (examples/) pays its 45 000 € in two instalments (article 2): 60 %, 27 000 €,
after the notification of the award, and 40 %, 18 000 €, on receipt of its activity report.
Each email is read from a real SMTP server (aiosmtpd): every one names the instalment it is
about, its amount and how its date is computed, never "en une seule fois".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from tests.conftest import ROOT, FixedClock
from tests.integration.mail import Mail, due_pass, partners_only
from tests.integration.steps import at, load
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event

EXAMPLE = "AMP-EXEMPLE-2027"
EXAMPLE_FILE = ROOT / "examples" / "convention-exemple-quartiers-nord-2027.toml"
NADIA = "nadia.benali@example.org"
MARTIAL = "martial.alvarez@example.org"
SINGLE_PAYMENT_WORDS = "en une seule fois"


def record(app: App, event: str, on: str, **inputs: str) -> None:
    """Record a person's event on the example convention, on `on`, at 10:00 UTC that day."""
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(f"{on}T10:00:00Z")
    record_event(app, RecordEvent(EXAMPLE, event, "alice", date.fromisoformat(on), inputs),
                 app.clock())  # fmt: skip


@pytest.fixture
def signed_and_notified(app: App, clock: FixedClock) -> Iterator[App]:
    """The example convention submitted on 4 January 2027, signed by both parties (in force
    on 8 January), its award notified on Friday 15 January 2027."""
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record(app, "submit", "2027-01-04")
    record(app, "sign", "2027-01-06", signatory=NADIA)
    record(app, "sign", "2027-01-08", signatory=MARTIAL)
    record(app, "notify", "2027-01-15")
    yield app


@pytest.fixture
def paid_in_two(signed_and_notified: App, smtp_server: RunningServer) -> list[Mail]:
    """The tester's steps: instalment 1 paid on Monday 1 February 2027 (`amount=27000,00`),
    the activity report received on Wednesday 10 March, instalment 2 paid on Thursday 25 March
    (`amount=18000`); every email delivered. The partners' emails, in the order they left."""
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000,00")
    record(app, "report_received", "2027-03-10")
    record(app, "pay", "2027-03-25", amount="18000")
    return partners_only(due_pass(app, smtp_server, app.clock()))


SUBJECTS = {
    "payment_recorded": "] Versement de ",
    "signature_requested": "] Convention transmise pour signature",
    "convention_in_force": "] La convention est signée et est entrée en vigueur",
    "reminder_payment": "] Rappel : versement de ",
}
"""How a partner tells each email apart: by its subject."""


def of_kind(emails: list[Mail], kind: str) -> list[Mail]:
    return [m for m in emails if SUBJECTS[kind] in m.subject_plain]


def payment_emails(emails: list[Mail]) -> list[Mail]:
    return of_kind(emails, "payment_recorded")


def one(emails: list[Mail], kind: str) -> Mail:
    found = of_kind(emails, kind)
    assert len(found) == 1, [m.subject for m in emails]
    return found[0]


def test_each_payment_email_is_titled_with_the_amount_of_that_instalment(
    paid_in_two: list[Mail],
) -> None:
    subjects = [m.subject_plain for m in payment_emails(paid_in_two)]

    assert subjects == [
        "[AMP-EXEMPLE-2027] Versement de 27 000,00 € enregistré (versement n° 1 sur 2)",
        "[AMP-EXEMPLE-2027] Versement de 18 000,00 € enregistré (versement n° 2 sur 2)",
    ]


def test_the_first_payment_email_says_what_was_paid_and_that_it_followed_the_notification(
    paid_in_two: list[Mail],
) -> None:
    first = payment_emails(paid_in_two)[0]
    text = first.text_plain

    assert "Le versement n° 1 sur 2 de la participation de la Métropole" in text
    assert "soit 27 000,00 €, a été effectué le lundi 1er février 2027" in text
    assert "Il était dû à la suite de la notification d’attribution." in text
    assert "Montant : 27 000,00 €" in text
    assert (
        "COMMENT CETTE DATE EST CALCULÉE — objectif de versement\n"
        "Versement n° 1 sur 2 (article 2), 27 000,00 € : à la suite de la notification "
        "d’attribution, notifiée le vendredi 15 janvier 2027.\n"
        "Objectif interne : versement sous 30 jours calendaires, soit au plus tard le "
        "dimanche 14 février 2027 à 24 h"
    ) in text
    assert SINGLE_PAYMENT_WORDS not in text
    assert "45 000,00 € enregistré" not in text
    html = first.markup
    assert "soit <strong>27 000,00 €</strong>, a été effectué" in html
    assert SINGLE_PAYMENT_WORDS not in html


def test_the_second_payment_email_says_it_was_paid_on_the_report(
    paid_in_two: list[Mail],
) -> None:
    second = payment_emails(paid_in_two)[1]
    text = second.text_plain

    assert "Le versement n° 2 sur 2 de la participation de la Métropole" in text
    assert "soit 18 000,00 €, a été effectué le jeudi 25 mars 2027" in text
    assert (
        "Il était dû à la réception du document « bilan d’activité 2027 » "
        "(reçu le mercredi 10 mars 2027)."
    ) in text
    assert "Montant : 18 000,00 €" in text
    assert (
        "Versement n° 2 sur 2 (article 2), 18 000,00 € : à la réception du document « bilan "
        "d’activité 2027 », reçu le mercredi 10 mars 2027.\n"
        "Objectif interne : versement sous 30 jours calendaires, soit au plus tard le "
        "vendredi 9 avril 2027 à 24 h"
    ) in text
    assert (
        "- versement n° 2 : 18 000,00 €, à la réception du document « bilan d’activité 2027 » "
        "(versé le jeudi 25 mars 2027)"
    ) in text
    assert SINGLE_PAYMENT_WORDS not in text
    assert "notification d’attribution, notifiée" not in text
    html = second.markup
    assert "soit <strong>18 000,00 €</strong>, a été effectué" in html
    assert SINGLE_PAYMENT_WORDS not in html


def test_the_signature_request_describes_the_schedule_of_instalments(
    paid_in_two: list[Mail],
) -> None:
    request = one(paid_in_two, "signature_requested")
    text = request.text_plain

    assert (
        "La convention prévoit une participation de 45 000,00 € versée en 2 fois (article 2) :\n"
        "- versement n° 1 : 27 000,00 €, à la suite de la notification d’attribution\n"
        "- versement n° 2 : 18 000,00 €, à la réception du document « bilan d’activité 2027 »\n"
    ) in text
    assert SINGLE_PAYMENT_WORDS not in text
    html = request.markup
    assert "<li>Versement n° 2 : <strong>18 000,00 €</strong>, à la réception du document" in html
    assert SINGLE_PAYMENT_WORDS not in html


def test_the_entry_into_force_announces_the_instalments_to_come(
    paid_in_two: list[Mail],
) -> None:
    in_force = one(paid_in_two, "convention_in_force")
    text = in_force.text_plain

    assert (
        "Prochaine étape : la notification d’attribution ; la participation de 45 000,00 € "
        "sera ensuite versée en 2 fois (article 2) :\n"
        "- versement n° 1 : 27 000,00 €, à la suite de la notification d’attribution\n"
        "- versement n° 2 : 18 000,00 €, à la réception du document « bilan d’activité 2027 »\n"
    ) in text
    assert SINGLE_PAYMENT_WORDS not in text + in_force.markup


def test_the_reminder_of_the_second_payment_is_titled_with_its_amount(
    signed_and_notified: App, smtp_server: RunningServer
) -> None:
    app = signed_and_notified
    record(app, "pay", "2027-02-01", amount="27000,00")
    record(app, "report_received", "2027-03-10")
    due_pass(app, smtp_server, app.clock())

    sent = due_pass(app, smtp_server, at("2027-04-09T12:00:00Z"))  # its target day

    reminder = one(partners_only(sent), "reminder_payment")
    assert reminder.subject_plain == (
        "[AMP-EXEMPLE-2027] Rappel : versement de 18 000,00 € non enregistré "
        "(versement n° 2 sur 2, objectif interne : 9 avril 2027)"
    )
    assert "Le versement n° 2, de 18 000,00 €, est dû" in reminder.text_plain
