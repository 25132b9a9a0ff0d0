"""What the partners and the service read when a report arrives and when a dispute ends.

AMP-EXEMPLE-2027 (examples/) pays 40 % of its 45 000 € on its « bilan d'activité 2027 »: its
emails ask the beneficiary for that report until it comes, and its receipt is acknowledged
with the payment it makes due. The reference convention's dispute ends by an agreement or by
the end of the court case: the partners, who were asked to send the agreement or the ruling,
are told the dispute is closed. Every email is read from a real SMTP server (aiosmtpd), the
partners' and the service's copy, on SQLite and PostgreSQL: one of each per event.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from states.convention import Convention
from states.financial_report import FinancialReport
from tests.conftest import ROOT, FixedClock
from tests.integration import steps
from tests.integration.mail import ADMIN, Inbox, Mail, due_pass, partners_and_service
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
NOTHING_TO_DO = "Aucune démarche n’est attendue du bénéficiaire"
ASKED = (
    "Le bénéficiaire transmet au service le document « bilan d’activité 2027 » : sa réception "
    "déclenche le versement n° 2, de 18 000,00 € (article 2)."
)
ASKED_HTML = (
    "Le bénéficiaire <strong>transmet au service le document « bilan d’activité 2027 »"
    "</strong> : sa réception déclenche le versement n° 2, de 18 000,00 € (article 2)."
)


class Mailbox:
    """What the SMTP server got for each event, the partners' and the service's copies."""

    def __init__(self, app: App, server: RunningServer) -> None:
        self.app, self.server = app, server

    def event(self, reference: str, event: str, on: str, **inputs: str) -> list[Mail]:
        """Record `event` on `on` (at 10:00 UTC), deliver what it queued; the emails it sent
        (the reminders due that day, delivered with them, left out)."""
        clock = self.app.clock
        assert isinstance(clock, FixedClock)
        clock.now = at(f"{on}T10:00:00Z")
        command = RecordEvent(reference, event, "alice", date.fromisoformat(on), inputs)
        record_event(self.app, command, clock())
        sent = due_pass(self.app, self.server, clock())
        return [m for m in sent if m.key.startswith("event:")]


@pytest.fixture
def mailbox(inbox: Inbox) -> Mailbox:
    """convflow with an administrator to copy, delivering to a real SMTP server."""
    return Mailbox(inbox.app, inbox.server)


@pytest.fixture
def example(mailbox: Mailbox) -> Mailbox:
    """The example convention loaded on 4 January 2027, in draft."""
    mailbox.app.clock.now = at("2027-01-04T09:00:00Z")  # type: ignore[attr-defined]
    load(mailbox.app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                           signature_target_days=7))  # fmt: skip
    return mailbox


# The instalment paid on its report: the beneficiary is asked for it, then told it came


def notified(example: Mailbox) -> None:
    """The example convention submitted on 4 January 2027, signed on 6 and 8 January, its award
    notified on 15 January: each event's emails delivered on its day."""
    for event, on, inputs in (("submit", "2027-01-04", {}),
                              ("sign", "2027-01-06", {"signatory": NADIA}),
                              ("sign", "2027-01-08", {"signatory": MARTIAL}),
                              ("notify", "2027-01-15", {})):  # fmt: skip
        example.event(EXAMPLE, event, on, **inputs)


def test_the_entry_into_force_tells_the_beneficiary_its_report_triggers_the_second_payment(
    example: Mailbox,
) -> None:
    example.event(EXAMPLE, "submit", "2027-01-04")
    example.event(EXAMPLE, "sign", "2027-01-06", signatory=NADIA)
    partners, service = partners_and_service(
        example.event(EXAMPLE, "sign", "2027-01-08", signatory=MARTIAL)
    )

    for message in (partners, service):
        assert ASKED in message.text_plain
        assert ASKED_HTML in message.markup


def test_the_award_notified_asks_the_beneficiary_for_the_report_of_the_second_payment(
    example: Mailbox,
) -> None:
    example.event(EXAMPLE, "submit", "2027-01-04")
    example.event(EXAMPLE, "sign", "2027-01-06", signatory=NADIA)
    example.event(EXAMPLE, "sign", "2027-01-08", signatory=MARTIAL)
    partners, service = partners_and_service(example.event(EXAMPLE, "notify", "2027-01-15"))

    assert partners.subject_plain == (
        "[AMP-EXEMPLE-2027] Attribution notifiée : participation de 45 000,00 € TTC à verser "
        "par la Métropole"
    )
    for message in (partners, service):
        text = message.text_plain
        assert "CE QU’IL FAUT FAIRE\n" + ASKED + "\n" in text
        assert NOTHING_TO_DO not in text
        assert ASKED_HTML in message.markup
        assert NOTHING_TO_DO not in message.markup


def test_the_first_payment_asks_for_the_report_and_the_second_does_not(
    example: Mailbox,
) -> None:
    notified(example)
    first, first_copy = partners_and_service(
        example.event(EXAMPLE, "pay", "2027-02-01", amount="27000.00")
    )
    example.event(EXAMPLE, "report_received", "2027-06-01")
    second, _ = partners_and_service(example.event(EXAMPLE, "pay", "2027-06-20", amount="18000.00"))

    for message in (first, first_copy):
        assert "CE QU’IL FAUT FAIRE\n" + ASKED + "\n" in message.text_plain
        assert ASKED_HTML in message.markup
    assert "CE QU’IL FAUT FAIRE\nAucune action n’est attendue.\n" in second.text_plain
    assert "bilan d’activité 2027 » : sa réception" not in second.text_plain


def test_the_report_received_tells_both_audiences_the_second_payment_is_now_due(
    example: Mailbox,
) -> None:
    notified(example)

    partners, service = partners_and_service(
        example.event(EXAMPLE, "report_received", "2027-06-01")
    )

    assert set(partners.to) == {MARTIAL, NADIA}
    assert set(service.to) == {ADMIN}
    assert partners.subject_plain == (
        "[AMP-EXEMPLE-2027] Document « bilan d’activité 2027 » reçu : versement n° 2 de "
        "18 000,00 € attendu d’ici le 1er juillet 2027"
    )
    text = partners.text_plain
    assert (
        "Le service a reçu le mardi 1er juin 2027 le document « bilan d’activité 2027 » "
        "de la convention AMP-EXEMPLE-2027"
    ) in text
    assert "Sa réception déclenche le versement n° 2 sur 2, de 18 000,00 € (article 2)" in text
    assert "objectif interne fixé au jeudi 1er juillet 2027" in text
    assert (
        "- versement n° 1 : 27 000,00 €, à la suite de la notification d’attribution\n"
        "- versement n° 2 : 18 000,00 €, à la réception du document « bilan d’activité 2027 »\n"
    ) in text
    assert "L’ÉVÉNEMENT\nDocument reçu pour un versement : mardi 1er juin 2027\n" in text
    assert "POUR LE SERVICE" not in text
    assert "convflow" not in text
    service_text = service.text_plain
    assert "POUR LE SERVICE (note interne" in service_text
    assert "Engagez le mandatement du versement n° 2, de 18 000,00 €" in service_text
    assert "soit <strong>18 000,00 €</strong>" in partners.markup


def test_a_financial_report_received_is_acknowledged_with_its_due_date(
    mailbox: Mailbox, reference_convention: Convention
) -> None:
    owed = FinancialReport("by_convention", 2025)
    mailbox.app.clock.now = at("2025-03-03T09:00:00Z")  # type: ignore[attr-defined]
    load(mailbox.app, replace(reference_convention, financial_report=owed))
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                              ("notify", "2025-03-20", {}),
                              ("pay", "2025-04-01", {"amount": "200000.00"})):  # fmt: skip
        mailbox.event(steps.REFERENCE, event, on, **inputs)

    partners, service = partners_and_service(
        mailbox.event(steps.REFERENCE, "report_received", "2025-11-28", report="financial")
    )

    assert partners.subject_plain == (
        "[AMP-CRPV-PACA-2025] Compte rendu financier de l’exercice 2025 reçu"
    )
    text = partners.text_plain
    assert (
        "Le service a reçu le vendredi 28 novembre 2025 le compte rendu financier de "
        "l’exercice 2025" in text
    )
    assert "dans le délai, qui courait jusqu’au mardi 30 juin 2026" in text
    assert "Aucune action n’est attendue." in text
    assert "L’ÉVÉNEMENT\nCompte rendu financier reçu : vendredi 28 novembre 2025\n" in text
    assert "Compte rendu : compte rendu financier\n" in text
    assert "POUR LE SERVICE" in service.text_plain


# The end of a dispute: by an agreement, or by the end of the court case


def in_dispute(mailbox: Mailbox, convention: Convention) -> None:
    """The reference convention paid on 1 April 2025; the GIP's letter of dispute received
    on 2 June 2025 (the amicable window runs to 2 July)."""
    mailbox.app.clock.now = at("2025-03-03T09:00:00Z")  # type: ignore[attr-defined]
    load(mailbox.app, convention)
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                              ("notify", "2025-03-20", {}),
                              ("pay", "2025-04-01", {"amount": "200000.00"}),
                              ("open_dispute", "2025-06-02",
                               {"party": "crpv", "received": "2025-06-02"})):  # fmt: skip
        mailbox.event(steps.REFERENCE, event, on, **inputs)


def test_a_settled_dispute_tells_the_partners_it_is_closed_and_the_convention_resumes(
    mailbox: Mailbox, reference_convention: Convention
) -> None:
    in_dispute(mailbox, reference_convention)

    partners, service = partners_and_service(mailbox.event(
        steps.REFERENCE, "settle", "2025-07-10", agreement="Protocole transactionnel du 9 juillet"
    ))  # fmt: skip

    assert set(partners.to) == {steps.METROPOLE, steps.CRPV}
    assert partners.subject_plain == "[AMP-CRPV-PACA-2025] Litige clos par un accord amiable"
    text = partners.text_plain
    assert (
        "Le litige relatif à la convention AMP-CRPV-PACA-2025 « Convention de partenariat"
    ) in text
    assert "a été clos par un accord des parties, enregistré le jeudi 10 juillet 2025" in text
    assert "La convention reprend son cours (état : en exécution)" in text
    assert "Protocole transactionnel du 9 juillet" in text
    assert "POUR LE SERVICE" not in text
    assert "POUR LE SERVICE (note interne" in service.text_plain
    assert "jeudi 10 juillet 2025" in partners.markup


def test_the_end_of_the_court_case_tells_the_partners_the_dispute_is_closed(
    mailbox: Mailbox, reference_convention: Convention
) -> None:
    in_dispute(mailbox, reference_convention)
    mailbox.event(steps.REFERENCE, "go_to_court", "2025-07-04")

    partners, service = partners_and_service(mailbox.event(
        steps.REFERENCE, "close_litigation", "2025-11-05",
        ruling="TA Marseille, 4 novembre 2025, n° 2504321",
    ))  # fmt: skip

    assert partners.subject_plain == "[AMP-CRPV-PACA-2025] Litige clos : fin de l’instance"
    text = partners.text_plain
    assert (
        "L’instance engagée devant le tribunal compétent au sujet du litige de la convention "
        "AMP-CRPV-PACA-2025"
    ) in text
    assert "a pris fin ; sa clôture a été enregistrée le mercredi 5 novembre 2025" in text
    assert "TA Marseille, 4 novembre 2025, n° 2504321" in text
    assert "La convention reprend son cours (état : en exécution)" in text
    assert "POUR LE SERVICE (note interne" in service.text_plain
