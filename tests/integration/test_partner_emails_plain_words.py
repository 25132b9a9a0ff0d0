"""The partners' emails speak to people, not to convflow's operators (README: no internal
instruction in the partners' emails).

The financial report (rule 20) asked by the convention, its reminder and its receipt, and the
steering committee's reminder (rule 23), read from a real SMTP server (aiosmtpd) as their
recipients get them, on SQLite and PostgreSQL: the partners' copy names no command, no setting
and no setting's key; the service's copy keeps them in its internal note.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from states.convention import Convention
from states.financial_report import FinancialReport
from tests.integration import steps
from tests.integration.mail import Inbox, Mail, partners_and_service
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side

SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
"""A setting's or an event's key (`financial_report`, `report_received`, `by_convention`)."""


def read(mail: Mail) -> str:
    """Both parts as read: the plain text, then the HTML as shown (<code> included)."""
    text, html = mail.parts_read
    return text + "\n" + html


def assert_plain_words(partners: Mail) -> None:
    """No command, no setting, no key in what the partners read."""
    text = read(partners)
    assert "convflow " not in text
    assert "réglage" not in text
    assert SNAKE_CASE.findall(text) == []


def with_report_owed(inbox: Inbox, convention: Convention) -> None:
    """The reference convention, in execution from 1 April 2025, the financial report of its
    beneficiary's year ending on 30 June 2025 required by the convention: due on Wednesday 31
    December 2025, the convention's last day (reminded on 1 December, J-30)."""
    inbox.in_execution(replace(convention, financial_report=FinancialReport(
        "by_convention", 2025, year_end=(6, 30))))  # fmt: skip


def test_the_financial_report_reminder_names_no_command_nor_setting(
    inbox: Inbox, reference_convention: Convention
) -> None:
    with_report_owed(inbox, reference_convention)

    partners, service = partners_and_service(inbox.deliver("2025-12-01T08:00:00Z"),
                               "Rappel : compte rendu financier")  # fmt: skip

    assert partners.to == (steps.CRPV,)
    assert_plain_words(partners)
    assert "exigé par la convention" in read(partners)
    note = read(service)
    assert "report_received" in note and "report=financial" in note
    assert '[financial_report] basis = "by_convention"' in service.text_read


def test_the_financial_report_received_names_no_command_nor_setting(
    inbox: Inbox, reference_convention: Convention
) -> None:
    with_report_owed(inbox, reference_convention)
    inbox.event("report_received", "2025-11-28", report="financial")

    partners, service = partners_and_service(inbox.deliver("2025-11-28T11:00:00Z"),
                               "Compte rendu financier de l’exercice")  # fmt: skip

    assert_plain_words(partners)
    assert '[financial_report] basis = "by_convention"' in service.text_read


def test_the_committee_reminder_names_no_command(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_force(reference_convention)
    inbox.at("2025-03-11T10:00:00Z")
    command = RecordEvent(steps.REFERENCE, "committee_cadence", "alice", date(2025, 3, 11),
                          {"months": "6"})  # fmt: skip
    record_side(inbox.app, command, inbox.app.clock())
    inbox.deliver("2025-03-11T11:00:00Z")

    partners, service = partners_and_service(
        inbox.deliver("2025-08-11T07:00:00Z"), "Rappel : Comité technique"
    )

    assert partners.to == (steps.METROPOLE,)
    assert_plain_words(partners)
    assert f"convflow committee {steps.REFERENCE} add" in read(service)


def test_the_dispute_window_says_no_setting_to_the_partners(
    inbox: Inbox, reference_convention: Convention
) -> None:
    """Its explanation ended on « Réglages : prorogation des actes au jour ouvrable suivant :
    oui ; calendrier : … », and a letter never collected was read « (réglages du service) »:
    the service's people read that in `convflow status`, the partners do not."""
    inbox.in_execution(reference_convention)
    inbox.event("open_dispute", "2025-06-10", party="crpv", uncollected="yes",
                  presented="2025-06-02")  # fmt: skip

    partners, service = partners_and_service(
        inbox.deliver("2025-06-10T11:00:00Z"), "Litige notifié"
    )

    assert_plain_words(partners)
    text = read(partners)
    assert "Réglages" not in text and "Lecture appliquée par le service : " in text
    assert "Saisine du tribunal compétent possible à partir du" in text  # the rest is said
    assert "réglage" not in read(service).split("POUR LE SERVICE")[0]


def test_a_termination_says_the_date_it_counts_from_without_the_setting(
    inbox: Inbox, reference_convention: Convention
) -> None:
    """« (date retenue par le réglage ; …) » and « Réglages : date retenue pour la lettre … »
    reached the partners' notice of termination."""
    inbox.in_execution(reference_convention)
    inbox.event("give_notice", "2025-04-16", party="crpv", received="2025-04-14",
                  dispatched="2025-04-10")  # fmt: skip

    partners, _ = partners_and_service(
        inbox.deliver("2025-04-16T11:00:00Z"), "Résiliation notifiée"
    )

    assert_plain_words(partners)
    text = read(partners)
    assert "(date retenue par le service ; " in text and "Réglages" not in text
