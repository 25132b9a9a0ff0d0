"""What the partners read, as the association of the inbox test read it (2026-12-07): each email
read from a real SMTP server (aiosmtpd), its text and its HTML part, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import parsed
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event
from workflow.usecases.due import run_due

ADMIN = "politique.ville@example.org"
NBSP = "\xa0"


class Inbox:
    """convflow on the reference convention, delivering to a real SMTP server."""

    def __init__(self, app: App, server: RunningServer) -> None:
        self.app, self.server = app, server

    def at(self, instant: str) -> None:
        clock = self.app.clock
        assert isinstance(clock, FixedClock)
        clock.now = steps.at(instant)

    def event(self, event: str, on: str | None, at: str | None = None, **inputs: str) -> None:
        """Record `event` dated `on` (None: the day convflow chooses), at `at` (default: 10:00
        UTC on `on`)."""
        self.at(at or f"{on}T10:00:00Z")
        day = date.fromisoformat(on) if on else None
        record_event(self.app, RecordEvent(steps.REFERENCE, event, "alice", day, inputs),
                     self.app.clock())  # fmt: skip

    def deliver(self, instant: str | None = None) -> list[EmailMessage]:
        """The due pass (at `instant`, or now); every email the server accepted during it."""
        if instant:
            self.at(instant)
        since = len(self.server.handler.accepted)
        run_due(self.app, self.app.clock(), self.server.sender())
        return [parsed(item) for item in self.server.handler.accepted[since:]]

    def in_execution(self, convention: Convention) -> None:
        """The convention signed in March 2025, notified on 20 March, paid on 1 April."""
        self.at("2025-03-01T09:00:00Z")
        steps.load(self.app, convention)
        for event, on, inputs in (("submit", "2025-03-03", {}),
                                  ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                                  ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                                  ("notify", "2025-03-20", {}),
                                  ("pay", "2025-04-01", {"amount": "200000.00"})):  # fmt: skip
            self.event(event, on, **inputs)
        self.deliver("2025-04-01T11:00:00Z")


@pytest.fixture
def inbox(
    settings_env: dict[str, str], clock: FixedClock, smtp_server: RunningServer
) -> Iterator[Inbox]:
    app = App.create(load_settings({**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN}))
    app.clock = clock
    yield Inbox(app, smtp_server)
    app.close()


def html_of(message: EmailMessage) -> str:
    """The HTML part as one reads it: tags dropped, blanks collapsed (no-break spaces kept)."""
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    flat = html.unescape(re.sub(r"<[^>]+>", " ", str(part.get_content())))
    return re.sub(r"[ \t\r\n]+", " ", flat)


def rows(message: EmailMessage) -> list[tuple[str, str]]:
    """The HTML part's table rows (label, value), as shown."""
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    cell = r"<td[^>]*>((?:(?!<t[dr]\b).)*?)</td>"
    found = re.findall(rf"<tr>\s*{cell}\s*{cell}\s*</tr>", str(part.get_content()), re.S)
    return [(flat(label), flat(value)) for label, value in found]


def flat(fragment: str) -> str:
    """An HTML fragment's words: tags dropped, blanks collapsed (no-break spaces kept)."""
    return re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def raw_text(message: EmailMessage) -> str:
    """The plain-text part, as sent (no-break spaces kept)."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def partners_and_service(
    emails: list[EmailMessage], about: str
) -> tuple[EmailMessage, EmailMessage]:
    """The partners' email whose subject says `about`, and the service's copy of it."""
    mine = [m for m in emails if about in str(m["Subject"]).replace(NBSP, " ")]
    service = [m for m in mine if str(m["X-Convflow-Key"]).endswith(":service")]
    partners = [m for m in mine if m not in service]
    assert (len(partners), len(service)) == (1, 1), [str(m["Subject"]) for m in emails]
    return partners[0], service[0]


# I2: the dispute's « Enregistré le » was the letter's date.


def test_a_dispute_recorded_two_days_after_its_letter_says_both_days_by_their_names(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    # The letter presented on Sunday 8 June 2025, never collected; recorded on Tuesday 10 June.
    inbox.event("open_dispute", None, "2025-06-10T10:00:00Z",
                party="metropole", presented="2025-06-08", uncollected="yes")  # fmt: skip
    partners, _ = partners_and_service(inbox.deliver(), "Litige notifié")

    text = raw_text(partners)
    assert "Enregistré le" + NBSP + ": dimanche 8 juin 2025" not in text
    assert "Date de l’événement" + NBSP + ": dimanche 8 juin 2025" in text
    assert "Enregistré le" + NBSP + ": mardi 10 juin 2025" in text
    shown = rows(partners)
    assert ("Enregistré le", "dimanche 8 juin 2025") not in shown
    assert ("Date de l’événement", "dimanche 8 juin 2025") in shown
    assert ("Enregistré le", "mardi 10 juin 2025") in shown


def test_a_notice_presented_and_not_collected_is_not_said_received(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.event("give_notice", None, "2025-06-10T10:00:00Z",
                party="crpv", presented="2025-06-08", uncollected="yes")  # fmt: skip
    partners, _ = partners_and_service(inbox.deliver(), "Résiliation notifiée")

    text = raw_text(partners)
    assert "Lettre de résiliation reçue" not in text
    assert "Date de l’événement" + NBSP + ": dimanche 8 juin 2025" in text
    assert "Enregistré le" + NBSP + ": mardi 10 juin 2025" in text
    assert ("Date de l’événement", "dimanche 8 juin 2025") in rows(partners)


# I8: after a representative change, the last signer appeared as a bare address.


def test_the_representative_an_avenant_replaces_signs_it_last_and_keeps_name_and_title(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.at("2025-06-02T10:00:00Z")
    drafted = DraftAmendment(steps.REFERENCE,
                             {"signatory.crpv": "Awa Diallo|Directrice|awa.diallo@example.org"},
                             "alice", date(2025, 6, 2))  # fmt: skip
    number = draft_amendment(inbox.app, drafted, inbox.app.clock()).number
    for event, inputs in (("submit", {}), ("sign", {"signatory": steps.METROPOLE}),
                          ("sign", {"signatory": steps.CRPV})):  # fmt: skip
        command = RecordAmendmentEvent(steps.REFERENCE, number, event, "alice", date(2025, 6, 2),
                                       inputs)  # fmt: skip
        record_amendment_event(inbox.app, command, inbox.app.clock())
    partners, _ = partners_and_service(inbox.deliver(), "en vigueur")

    text = raw_text(partners)
    assert "Signataire" + NBSP + ": " + steps.CRPV not in text
    assert f"Signataire{NBSP}: Mustapha Berra, Directeur-ordonnateur ({steps.CRPV})" in text
    assert ("Signataire", f"Mustapha Berra, Directeur-ordonnateur ({steps.CRPV})") in rows(partners)


# I4: « ici celui de Marseille » was attached to the case between public persons only.
CONDITION = ("conclue entre personnes publiques, elle est présumée administrative et relève du "
             "tribunal administratif dans le ressort duquel la convention s’exécute")  # fmt: skip
PLACE = "Si elle est administrative, ce tribunal est ici celui de Marseille."


def test_parties_not_identified_have_the_court_s_town_said_for_either_case(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)  # no SIRET, no RNA: the parties' nature unknown
    inbox.event("open_dispute", "2025-06-02", party="crpv", received="2025-06-02")
    partners, _ = partners_and_service(inbox.deliver(), "Litige notifié")

    for shown in (raw_text(partners), html_of(partners)):
        said = shown.replace(NBSP, " ")
        assert CONDITION + " ;" in said  # the legal review's sentence, kept
        assert "conclue avec une personne privée, sa nature dépend de son objet et de ses " \
            "clauses." in said  # fmt: skip
        assert CONDITION + ", ici" not in said
        assert PLACE in said


# I13: the reminder on the target day and the weekly follow-up had the same subject.


def subjects_of(emails: list[EmailMessage]) -> list[str]:
    """The partners' subjects (the service's copies left out), no-break spaces as sent."""
    return [str(m["Subject"]) for m in emails
            if not str(m["X-Convflow-Key"]).endswith(":service")]  # fmt: skip


def test_the_weekly_signature_follow_up_says_it_is_one(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.at("2025-03-01T09:00:00Z")
    steps.load(inbox.app, reference_convention)
    inbox.event("submit", "2025-03-03")  # signature target: Monday 10 March 2025
    inbox.event("sign", "2025-03-05", signatory=steps.METROPOLE)
    inbox.deliver("2025-03-05T11:00:00Z")

    on_the_day = subjects_of(inbox.deliver("2025-03-10T09:30:00Z"))
    a_week_on = subjects_of(inbox.deliver("2025-03-17T09:30:00Z"))

    assert on_the_day == [f"[{steps.REFERENCE}] Rappel{NBSP}: signature attendue de Mustapha "
                          "Berra (objectif\u00a0: 10 mars 2025)"]  # fmt: skip
    assert a_week_on == [f"[{steps.REFERENCE}] Relance{NBSP}: signature attendue de Mustapha "
                         "Berra (objectif du 10 mars 2025 dépassé de 7 jours)"]  # fmt: skip
    assert on_the_day != a_week_on


def test_the_avenant_s_follow_up_says_it_is_one_without_a_tail(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.at("2025-06-02T10:00:00Z")
    drafted = DraftAmendment(steps.REFERENCE, {"amount": "250000.00"}, "alice", date(2025, 6, 2))
    number = draft_amendment(inbox.app, drafted, inbox.app.clock()).number
    for event, inputs in (("submit", {}), ("sign", {"signatory": steps.METROPOLE})):
        command = RecordAmendmentEvent(steps.REFERENCE, number, event, "alice", date(2025, 6, 2),
                                       inputs)  # fmt: skip
        record_amendment_event(inbox.app, command, inbox.app.clock())
    inbox.deliver()

    said = [
        s
        for day in ("09", "16", "23")
        for s in subjects_of(inbox.deliver(f"2025-06-{day}T09:30:00Z"))
    ]

    assert said == [
        f"[{steps.REFERENCE}] Rappel{NBSP}: signature de l’avenant n°{NBSP}1 attendue (objectif "
        f"interne{NBSP}: 9 juin 2025, aujourd’hui)",
        f"[{steps.REFERENCE}] Relance{NBSP}: signature de l’avenant n°{NBSP}1 attendue (objectif "
        "interne du 9 juin 2025 dépassé de 7 jours)",
        f"[{steps.REFERENCE}] Relance{NBSP}: signature de l’avenant n°{NBSP}1 attendue (objectif "
        "interne du 9 juin 2025 dépassé de 14 jours)",
    ], said


# I14: jargon in the partners' emails.


def test_the_partners_read_the_end_of_a_period_in_paris_time_only(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.event("open_dispute", "2025-06-02", party="crpv", received="2025-06-02")
    partners, service = partners_and_service(inbox.deliver(), "Litige notifié")

    for shown in (raw_text(partners), html_of(partners)):
        assert "UTC" not in shown
        assert "à 24\u00a0h (heure de Paris)" in shown
    assert "soit 22:00 UTC" in raw_text(service)  # the clerk's copy keeps the instant


def test_a_registered_letter_is_named_as_la_poste_names_it_in_every_email(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.in_execution(reference_convention)
    inbox.event("give_notice", "2025-06-02", party="crpv", received="2025-06-02")
    told = inbox.deliver()
    partners, _ = partners_and_service(told, "Résiliation notifiée")
    reminders = [m for m in inbox.deliver("2025-11-25T09:30:00Z")  # J-7 of 2 December
                 if not str(m["X-Convflow-Key"]).endswith(":service")
                 and "Rappel" in str(m["Subject"])]  # fmt: skip

    assert reminders, "no reminder of the termination"
    for email in (partners, *reminders):
        for shown in (raw_text(email), html_of(email)):
            assert "accusé de réception" not in shown
    assert "lettre recommandée avec avis de réception" in raw_text(partners)


def test_the_forgone_payment_email_says_it_is_the_metropole_s_decision_to_contest(
    inbox: Inbox, reference_convention: Convention
) -> None:
    inbox.at("2025-03-01T09:00:00Z")
    steps.load(inbox.app, reference_convention)
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                              ("notify", "2025-03-20", {})):  # fmt: skip
        inbox.event(event, on, **inputs)
    inbox.event("forgo_payment", "2025-06-02", reason="Subvention réduite")
    partners, _ = partners_and_service(inbox.deliver(), "Renonciation")

    for shown in (raw_text(partners), html_of(partners)):
        said = shown.replace(NBSP, " ")
        assert "rien n’est plus dû" not in said
        assert "reste dû" not in said
        assert "si vous contestez cette décision" in said


# I11: the payment email asked to check « la référence du mandat », never given.


def paid(inbox: Inbox, convention: Convention, **inputs: str) -> EmailMessage:
    """The partners' email of the payment of 1 April 2025, recorded with `inputs`."""
    inbox.at("2025-03-01T09:00:00Z")
    steps.load(inbox.app, convention)
    for event, on, given in (("submit", "2025-03-03", {}),
                             ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                             ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                             ("notify", "2025-03-20", {})):  # fmt: skip
        inbox.event(event, on, **given)
    inbox.deliver()
    inbox.event("pay", "2025-04-01", amount="200000.00", **inputs)
    partners, _ = partners_and_service(inbox.deliver(), "Versement de")
    return partners


def test_a_payment_recorded_with_its_mandate_shows_its_reference(
    inbox: Inbox, reference_convention: Convention
) -> None:
    partners = paid(inbox, reference_convention, mandate="2025-004512")

    text = raw_text(partners)
    assert f"Mandat{NBSP}: 2025-004512" in text
    assert ("Mandat", "2025-004512") in rows(partners)
    for shown in (text, html_of(partners)):
        assert "la date ou la référence du mandat" in shown


def test_a_payment_recorded_with_blank_inputs_shows_no_empty_line(
    inbox: Inbox, reference_convention: Convention
) -> None:
    # An optional input given blank (`mandate=`, `note='   '`) says nothing: the partners'
    # email shows no « Mandat : » line with nothing after it (retest N2).
    partners = paid(inbox, reference_convention, mandate="   ", note="")

    labels = [label for label, _ in rows(partners)]
    assert "Mandat" not in labels and "Note" not in labels
    for shown in (raw_text(partners), html_of(partners)):
        assert "En cas d’erreur sur le montant ou la date, signalez-la au service." in (
            shown.replace(NBSP, " ")
        )


def test_a_payment_recorded_without_its_mandate_does_not_ask_to_check_one(
    inbox: Inbox, reference_convention: Convention
) -> None:
    partners = paid(inbox, reference_convention)

    for shown in (raw_text(partners), html_of(partners)):
        assert "mandat" not in shown.lower().replace("mandatement", "")
        assert "En cas d’erreur sur le montant ou la date, signalez-la au service." in (
            shown.replace(NBSP, " ")
        )
