"""The emails write the typographic apostrophe « ’ » (finding L8 of a finance tester): the
templates did, but the words and facts they are given (a convention's title, its committee's
name, a signatory's name and title, the service's contact) came with straight ones, so that one
email said « l’avenant » and « d'Azur » side by side. Read from a real SMTP server (aiosmtpd on
loopback) as the recipient gets them, on SQLite and PostgreSQL: the subject, the text and the
HTML say « ’ » between two letters; an email address with an apostrophe (o'brien@example.org)
and a URL are left as they were written, in the headers and in both parts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from states.committee import Committee
from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import ADMIN, Mail, parsed, read_as_received
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side
from workflow.usecases.dispatch import deliver
from workflow.usecases.due import run_due

OBRIEN = "o'brien@example.org"
"""The Métropole's signatory, an address with an apostrophe (RFC 5322 allows it)."""
DASHBOARD = "https://convflow.example.org/l'espace"
"""The dashboard's public address, an apostrophe in its path."""
TITLE = "Convention d'objectifs pour l'accompagnement des quartiers de Provence-Alpes-Côte d'Azur"
CONTACT = f"Service d'appui aux partenaires, {OBRIEN}, 04 91 00 00 00"


@pytest.fixture
def app(settings_env: dict[str, str], clock: FixedClock) -> Iterator[App]:
    """convflow with an administrator to copy, a dashboard and a contact for the partners."""
    application = App.create(load_settings({
        **settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN, "CONVFLOW_DASHBOARD_URL": DASHBOARD,
        "CONVFLOW_SERVICE_CONTACT": CONTACT,
    }))  # fmt: skip
    application.clock = clock
    yield application
    application.close()


def with_apostrophes(convention: Convention) -> Convention:
    """The reference convention as a keyboard types it: straight apostrophes in its title, its
    committee's name, its Métropole signatory's name, title and address."""
    signatories = tuple(
        replace(person, name="Patrick O'Brien", title="Vice-Président délégué à l'habitat",
                email=OBRIEN)
        if person.email == steps.METROPOLE else person
        for person in convention.signatories
    )  # fmt: skip
    return replace(convention, title=TITLE, signatories=signatories,
                   committee=Committee(name="Comité d'orientation"))  # fmt: skip


def committee_reminder(
    app: App, server: RunningServer, convention: Convention
) -> tuple[Mail, Mail]:
    """The committee's J-30 reminder (11 August 2025) as received: the Métropole's, the
    service's copy."""
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, with_apostrophes(convention))
    steps.record(app, "submit", "2025-03-03")
    steps.record(app, "sign", "2025-03-05", signatory=OBRIEN)
    steps.record(app, "sign", "2025-03-10", signatory=steps.CRPV)
    command = RecordEvent(steps.REFERENCE, "committee_cadence", "alice", date(2025, 3, 11),
                          {"months": "6"})  # fmt: skip
    record_side(app, command, app.clock())
    before = len(server.handler.accepted)
    app.clock.now = steps.at("2025-08-11T07:00:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock())
    deliver(app, server.sender(), app.clock())
    mails = [read_as_received(m) for m in server.handler.accepted[before:]]
    found = [m for m in mails if "à réunir" in m.subject_plain]
    (partner,) = [m for m in found if not m.for_service]
    (service,) = [m for m in found if m.for_service]
    return partner, service


def test_subject_text_and_html_write_the_typographic_apostrophe(
    app: App, smtp_server: RunningServer, reference_convention: Convention
) -> None:
    partner, _ = committee_reminder(app, smtp_server, reference_convention)

    assert "Rappel : Comité d’orientation à réunir" in partner.subject_plain
    for part in (partner.text_read, partner.html_read):
        assert "« Convention d’objectifs pour l’accompagnement des quartiers de " in part
        assert "Provence-Alpes-Côte d’Azur »" in part
        assert "Patrick O’Brien, Vice-Président délégué à l’habitat" in part
        assert "Service d’appui aux partenaires" in part
    assert "'" not in partner.subject
    assert "d'" not in partner.text and "d&#39;" not in partner.html and "d'" not in partner.html


def test_an_address_with_an_apostrophe_and_a_url_are_left_as_written(
    app: App, smtp_server: RunningServer, reference_convention: Convention
) -> None:
    partner, service = committee_reminder(app, smtp_server, reference_convention)

    assert partner.envelope == (OBRIEN,) and partner.to == (OBRIEN,)
    assert f"{OBRIEN}, 04 91 00 00 00" in partner.text_plain  # the contact, in the footer
    assert f"{OBRIEN}, 04 91 00 00 00" in partner.html_read
    for mail in (partner, service):
        assert "o’brien" not in mail.text + mail.html
    link = f"{DASHBOARD}/conventions/{steps.REFERENCE}"
    assert link in service.text_plain
    assert f'href="{link}"'.replace("'", "&#39;") in service.html
    assert "l’espace" not in service.text + service.html


def test_the_reply_to_header_is_the_contact_address_whole(
    app: App, smtp_server: RunningServer, reference_convention: Convention
) -> None:
    """The partners answer the service's contact: its address whole, not « brien@… »."""
    before = len(smtp_server.handler.accepted)
    committee_reminder(app, smtp_server, reference_convention)

    replies = {str(parsed(m)["Reply-To"]) for m in smtp_server.handler.accepted[before:]
               if parsed(m)["Reply-To"] is not None}  # fmt: skip
    assert replies == {OBRIEN}
