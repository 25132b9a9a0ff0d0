"""The partners' emails speak to people, not to convflow's operators (README: no internal
instruction in the partners' emails).

The financial report (rule 20) asked by the convention, its reminder and its receipt, and the
steering committee's reminder (rule 23), read from a real SMTP server (aiosmtpd) as their
recipients get them, on SQLite and PostgreSQL: the partners' copy names no command, no setting
and no setting's key; the service's copy keeps them in its internal note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from email.message import EmailMessage

import pytest

from states.convention import Convention
from states.financial_report import FinancialReport
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import parsed
from tests.integration.test_what_is_due import plain, text_of
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event, record_side
from workflow.usecases.due import run_due

ADMIN = "politique.ville@example.org"
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
"""A setting's or an event's key (`financial_report`, `report_received`, `by_convention`)."""


class Mailbox:
    """convflow delivering to a real SMTP server, with an administrator to copy."""

    def __init__(self, app: App, server: RunningServer) -> None:
        self.app, self.server = app, server

    def at(self, instant: str) -> None:
        clock = self.app.clock
        assert isinstance(clock, FixedClock)
        clock.now = steps.at(instant)

    def event(self, event: str, on: str, **inputs: str) -> None:
        """Record `event` on `on`, at 10:00 UTC that day."""
        self.at(f"{on}T10:00:00Z")
        command = RecordEvent(steps.REFERENCE, event, "alice", date.fromisoformat(on), inputs)
        record_event(self.app, command, self.app.clock())

    def deliver(self, instant: str) -> list[EmailMessage]:
        """The due pass at `instant`; every email the server accepted during it."""
        self.at(instant)
        since = len(self.server.handler.accepted)
        run_due(self.app, self.app.clock(), self.server.sender())
        return [parsed(item) for item in self.server.handler.accepted[since:]]


@pytest.fixture
def mailbox(
    settings_env: dict[str, str], clock: FixedClock, smtp_server: RunningServer
) -> Iterator[Mailbox]:
    app = App.create(load_settings({**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN}))
    app.clock = clock
    yield Mailbox(app, smtp_server)
    app.close()


def read(message: EmailMessage) -> str:
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    return text_of(message).replace("\r\n", "\n") + "\n" + plain(str(html.get_content()))


def copies(emails: list[EmailMessage], about: str) -> tuple[EmailMessage, EmailMessage]:
    """The partners' email whose subject says `about` and the service's copy: exactly one of
    each."""
    mine = [m for m in emails if about in plain(str(m["Subject"]))]
    service = [m for m in mine if str(m["X-Convflow-Key"]).endswith(":service")]
    partners = [m for m in mine if m not in service]
    assert (len(partners), len(service)) == (1, 1), [
        (str(m["Subject"]), str(m["X-Convflow-Key"])) for m in emails
    ]
    return partners[0], service[0]


def assert_plain_words(partners: EmailMessage) -> None:
    """No command, no setting, no key in what the partners read."""
    text = read(partners)
    assert "convflow " not in text
    assert "réglage" not in text
    assert SNAKE_CASE.findall(text) == []


def with_report_owed(mailbox: Mailbox, convention: Convention) -> None:
    """The reference convention, in execution from 1 April 2025, the financial report of its
    beneficiary's year ending on 30 June 2025 required by the convention: due on Wednesday 31
    December 2025, the convention's last day (reminded on 1 December, J-30)."""
    mailbox.at("2025-03-01T09:00:00Z")
    steps.load(mailbox.app, replace(convention, financial_report=FinancialReport(
        "by_convention", 2025, year_end=(6, 30))))  # fmt: skip
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                              ("notify", "2025-03-20", {}),
                              ("pay", "2025-04-01", {"amount": "200000.00"})):  # fmt: skip
        mailbox.event(event, on, **inputs)
    mailbox.deliver("2025-04-01T11:00:00Z")


def test_the_financial_report_reminder_names_no_command_nor_setting(
    mailbox: Mailbox, reference_convention: Convention
) -> None:
    with_report_owed(mailbox, reference_convention)

    partners, service = copies(mailbox.deliver("2025-12-01T08:00:00Z"),
                               "Rappel : compte rendu financier")  # fmt: skip

    assert str(partners["To"]) == steps.CRPV
    assert_plain_words(partners)
    assert "exigé par la convention" in read(partners)
    note = read(service)
    assert "report_received" in note and "report=financial" in note
    assert '[financial_report] basis = "by_convention"' in text_of(service)


def test_the_financial_report_received_names_no_command_nor_setting(
    mailbox: Mailbox, reference_convention: Convention
) -> None:
    with_report_owed(mailbox, reference_convention)
    mailbox.event("report_received", "2025-11-28", report="financial")

    partners, service = copies(mailbox.deliver("2025-11-28T11:00:00Z"),
                               "Compte rendu financier de l’exercice")  # fmt: skip

    assert_plain_words(partners)
    assert '[financial_report] basis = "by_convention"' in text_of(service)


def test_the_committee_reminder_names_no_command(
    mailbox: Mailbox, reference_convention: Convention
) -> None:
    mailbox.at("2025-03-01T09:00:00Z")
    steps.load(mailbox.app, reference_convention)
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": steps.CRPV})):  # fmt: skip
        mailbox.event(event, on, **inputs)
    mailbox.at("2025-03-11T10:00:00Z")
    command = RecordEvent(steps.REFERENCE, "committee_cadence", "alice", date(2025, 3, 11),
                          {"months": "6"})  # fmt: skip
    record_side(mailbox.app, command, mailbox.app.clock())
    mailbox.deliver("2025-03-11T11:00:00Z")

    partners, service = copies(mailbox.deliver("2025-08-11T07:00:00Z"), "Rappel : Comité technique")

    assert str(partners["To"]) == steps.METROPOLE
    assert_plain_words(partners)
    assert f"convflow committee {steps.REFERENCE} add" in read(service)


def in_execution(mailbox: Mailbox, convention: Convention) -> None:
    """The reference convention signed, notified and paid (in execution from 1 April 2025)."""
    mailbox.at("2025-03-01T09:00:00Z")
    steps.load(mailbox.app, convention)
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                              ("notify", "2025-03-20", {}),
                              ("pay", "2025-04-01", {"amount": "200000.00"})):  # fmt: skip
        mailbox.event(event, on, **inputs)
    mailbox.deliver("2025-04-01T11:00:00Z")


def test_the_dispute_window_says_no_setting_to_the_partners(
    mailbox: Mailbox, reference_convention: Convention
) -> None:
    """Its explanation ended on « Réglages : prorogation des actes au jour ouvrable suivant :
    oui ; calendrier : … », and a letter never collected was read « (réglages du service) »:
    the service's people read that in `convflow status`, the partners do not."""
    in_execution(mailbox, reference_convention)
    mailbox.event("open_dispute", "2025-06-10", party="crpv", uncollected="yes",
                  presented="2025-06-02")  # fmt: skip

    partners, service = copies(mailbox.deliver("2025-06-10T11:00:00Z"), "Litige notifié")

    assert_plain_words(partners)
    text = read(partners)
    assert "Réglages" not in text and "Lecture appliquée par le service : " in text
    assert "Saisine du tribunal compétent possible à partir du" in text  # the rest is said
    assert "réglage" not in read(service).split("POUR LE SERVICE")[0]


def test_a_termination_says_the_date_it_counts_from_without_the_setting(
    mailbox: Mailbox, reference_convention: Convention
) -> None:
    """« (date retenue par le réglage ; …) » and « Réglages : date retenue pour la lettre … »
    reached the partners' notice of termination."""
    in_execution(mailbox, reference_convention)
    mailbox.event("give_notice", "2025-04-16", party="crpv", received="2025-04-14",
                  dispatched="2025-04-10")  # fmt: skip

    partners, _ = copies(mailbox.deliver("2025-04-16T11:00:00Z"), "Résiliation notifiée")

    assert_plain_words(partners)
    text = read(partners)
    assert "(date retenue par le service ; " in text and "Réglages" not in text
