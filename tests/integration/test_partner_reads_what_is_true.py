"""What the partner association reads is true on the day it is sent (the inbox test of
7 December 2026, notes I1, I6, I7, I9, I10).

Two conventions are walked on the fixed clock of the tests, on SQLite and PostgreSQL, and their
emails read from a real SMTP server (aiosmtpd), text and HTML parts, as the partners get them:
AMP-EXEMPLE-2027 (examples/: 27 000 € after the notification, the balance of 18 000 € on the
report « bilan d'activité 2027 »), and AMP-SOLIDARITE-2027, an association paid in three
instalments (50 % after the notification, 30 % and 20 % on two reports), whose three-month
notice the term overrides.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import FixedClock
from tests.integration.mail import Mail, due_pass, shown
from tests.integration.steps import at, load
from tests.integration.test_balance_after_end import EXAMPLE, EXAMPLE_FILE, MARTIAL, NADIA
from tests.notifications.conftest import RunningServer
from tests.reading import said
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event

SOLIDARITE = "AMP-SOLIDARITE-2027"
ELODIE, KARIM = "elodie.rousseau@example.org", "karim.haddad@example.org"
SOLIDARITE_FILE = """\
reference = "AMP-SOLIDARITE-2027"
title = "Convention de partenariat relative à l'aide aux devoirs 2027"
object = "Aide aux devoirs des enfants du quartier Frais-Vallon (article 1)."
amount = "12000.00"
end_date = 2027-12-31
place = "Marseille"

[clauses]
dispute_window_days = 30
termination_notice_months = 3

[[payment.instalments]]
share = "50 %"
trigger = "notification"

[[payment.instalments]]
share = "30 %"
trigger = "report"
report = "bilan intermédiaire 2027"

[[payment.instalments]]
share = "20 %"
trigger = "report"
report = "bilan d'activité 2027"

[[parties]]
key = "metropole"
name = "Métropole Aix-Marseille-Provence"

[[parties.signatories]]
name = "Martial Alvarez"
title = "Vice-Président délégué, pour la Présidente"
email = "martial.alvarez@example.org"

[[parties]]
key = "association"
name = "Association Solidarité Frais-Vallon"

[[parties.signatories]]
name = "Élodie Rousseau"
title = "Présidente"
email = "elodie.rousseau@example.org"

[[parties.signatories]]
name = "Karim Haddad"
title = "Trésorier"
email = "karim.haddad@example.org"
"""


def record(app: App, reference: str, event: str, on: str, **inputs: str) -> None:
    """Record a person's event on `on`, at 10:00 UTC that day."""
    app.clock.now = at(f"{on}T10:00:00Z")  # type: ignore[attr-defined]
    command = RecordEvent(reference, event, "alice", date.fromisoformat(on), inputs)
    record_event(app, command, app.clock())


def pass_at(app: App, server: RunningServer, instant: str) -> list[Mail]:
    """Run the due pass at `instant`, deliver; the partners' emails it sent."""
    app.clock.now = at(instant)  # type: ignore[attr-defined]
    return [m for m in due_pass(app, server, app.clock()) if not m.for_service]


def amend(app: App, reference: str, on: str, signatories: list[str], **changes: str) -> None:
    """Amendment drafted, submitted and signed by every signatory on `on`: in force."""
    app.clock.now = at(f"{on}T10:00:00Z")  # type: ignore[attr-defined]
    day = date.fromisoformat(on)
    number = draft_amendment(app, DraftAmendment(reference, changes, "alice", day),
                             app.clock()).number  # fmt: skip
    steps = [("submit", {})] + [("sign", {"signatory": s}) for s in signatories]
    for event, inputs in steps:
        command = RecordAmendmentEvent(reference, number, event, "alice", day, inputs)
        record_amendment_event(app, command, app.clock())


def about(mails: list[Mail], words: str) -> Mail:
    """The one email whose subject holds `words`."""
    found = [m for m in mails if words in said(m.subject)]
    assert len(found) == 1, [m.subject for m in mails]
    return found[0]


@pytest.fixture
def solidarite(app: App, clock: FixedClock, tmp_path: Path, smtp_server: RunningServer) -> App:
    """AMP-SOLIDARITE-2027 submitted on 4 January 2027, in force on 11 January."""
    file = tmp_path / "solidarite.toml"
    file.write_text(SOLIDARITE_FILE, encoding="utf-8")
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(file, payment_target_days=30, signature_target_days=7))
    record(app, SOLIDARITE, "submit", "2027-01-04")
    record(app, SOLIDARITE, "sign", "2027-01-06", signatory=MARTIAL)
    record(app, SOLIDARITE, "sign", "2027-01-07", signatory=ELODIE)
    record(app, SOLIDARITE, "sign", "2027-01-11", signatory=KARIM)
    pass_at(app, smtp_server, "2027-01-11T12:00:00Z")
    return app


@pytest.fixture
def example(app: App, clock: FixedClock, smtp_server: RunningServer) -> App:
    """AMP-EXEMPLE-2027 in force on 8 January 2027, notified on 15 January, its first
    instalment paid on 1 February 2027."""
    clock.now = at("2027-01-04T09:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record(app, EXAMPLE, "submit", "2027-01-04")
    record(app, EXAMPLE, "sign", "2027-01-06", signatory=NADIA)
    record(app, EXAMPLE, "sign", "2027-01-08", signatory=MARTIAL)
    record(app, EXAMPLE, "notify", "2027-01-15")
    record(app, EXAMPLE, "pay", "2027-02-01", amount="27000.00")
    pass_at(app, smtp_server, "2027-02-01T12:00:00Z")
    return app


# I10: the notification of an award paid in three instalments --------------------------------


def test_the_notification_says_which_instalment_the_metropole_engages(
    solidarite: App, smtp_server: RunningServer
) -> None:
    record(solidarite, SOLIDARITE, "notify", "2027-02-01")
    notified = about(pass_at(solidarite, smtp_server, "2027-02-01T12:00:00Z"), "ttribution")
    for part in notified.parts_read:
        assert "Les autres versements sont engagés" not in part
        assert ("Le versement n° 1 est engagé par les services de la Métropole, qui vous "
                "informeront de sa date.") in part  # fmt: skip
        assert "bilan intermédiaire 2027" in part and "bilan d’activité 2027" in part


# I7: a settlement recorded once the amicable window had closed ---------------------------------


def test_a_settlement_after_the_window_says_the_window_had_closed(
    example: App, smtp_server: RunningServer
) -> None:
    record(example, EXAMPLE, "open_dispute", "2027-09-02", party="association",
           received="2027-09-01")  # fmt: skip
    pass_at(example, smtp_server, "2027-10-04T12:00:00Z")  # the window closed on 1 October
    record(example, EXAMPLE, "settle", "2027-10-05", agreement="Protocole du 4 octobre 2027")
    settled = about(pass_at(example, smtp_server, "2027-10-05T12:00:00Z"), "Litige clos")
    for part in settled.parts_read:
        assert "prend fin avec lui" not in part
        assert ("La période de règlement amiable avait pris fin le vendredi 1er octobre 2027 "
                "à 24 h ; l’accord conclu depuis clôt le litige") in part  # fmt: skip


def test_a_settlement_within_the_window_ends_it(example: App, smtp_server: RunningServer) -> None:
    record(example, EXAMPLE, "open_dispute", "2027-09-02", party="association",
           received="2027-09-01")  # fmt: skip
    record(example, EXAMPLE, "settle", "2027-09-20", agreement="Protocole du 17 septembre 2027")
    settled = about(pass_at(example, smtp_server, "2027-09-20T12:00:00Z"), "Litige clos")
    for part in settled.parts_read:
        assert "La période de règlement amiable prend fin avec lui" in part
        assert "avait pris fin" not in part


# I6: the expiry of a convention whose term an amendment extended ------------------------------


def test_the_expiry_of_an_extended_convention_names_the_amendment_that_set_its_term(
    example: App, smtp_server: RunningServer
) -> None:
    amend(example, EXAMPLE, "2027-11-15", [NADIA, MARTIAL], end_date="2028-03-31")
    record(example, EXAMPLE, "report_received", "2028-01-20", instalment="2")
    record(example, EXAMPLE, "pay", "2028-02-10", amount="18000.00", instalment="2")
    pass_at(example, smtp_server, "2028-03-31T22:00:30Z")  # the term applied at 24:00
    expired = about(pass_at(example, smtp_server, "2028-04-01T07:05:00Z"), "terme")
    for part in expired.parts_read:
        assert "sans avenant" not in part
        assert ("est arrivée à son terme, fixé par l’avenant n° 1, le vendredi 31 mars 2028 "
                "à 24 h") in part  # fmt: skip


# I9: a notice the term overrides: the banner says what the body says --------------------------


@pytest.fixture
def notice_overridden(solidarite: App, smtp_server: RunningServer) -> list[Mail]:
    """SOLIDARITE notified on 1 February 2027, its first instalment paid on 15 February; the
    association's notice received on 28 October 2027 would end on 28 January 2028, after the
    term (31 December 2027): the convention expires at its term. The notice's emails."""
    record(solidarite, SOLIDARITE, "notify", "2027-02-01")
    record(solidarite, SOLIDARITE, "pay", "2027-02-15", amount="6000.00", instalment="1")
    pass_at(solidarite, smtp_server, "2027-02-15T12:00:00Z")
    record(solidarite, SOLIDARITE, "give_notice", "2027-10-28", party="association",
           received="2027-10-28")  # fmt: skip
    return pass_at(solidarite, smtp_server, "2027-10-28T12:00:00Z")


def banner(mail: Mail) -> str:
    """The HTML banner above the heading, as read: « Convention REF · state »."""
    start = mail.html.index("Convention <strong")
    return said(shown(mail.html[start : mail.html.index("</p>", start)]))


def test_the_banner_of_a_notice_the_term_overrides_agrees_with_its_body(
    notice_overridden: list[Mail],
) -> None:
    notice = about(notice_overridden, "ésiliation")
    text, html = notice.parts_read
    assert (
        "la résiliation restera sans effet" in text and "la résiliation restera sans effet" in html
    )
    for part in (banner(notice), text[text.index("LA CONVENTION") :]):
        assert "en cours de résiliation" not in part
        assert "en exécution jusqu’à son terme (résiliation notifiée, sans effet)" in part


# I1: the term reminders say what remains to do, and the notice the term overrides -------------


def test_the_term_reminder_asks_for_the_report_a_balance_waits_for(
    example: App, smtp_server: RunningServer
) -> None:
    reminder = about(pass_at(example, smtp_server, "2027-12-01T12:00:00Z"), "arrive à son terme")
    for part in reminder.parts_read:
        assert "aucune action n’est nécessaire" not in part
        assert ("Ce qui est acquis pendant la convention restera dû après sa fin : la Métropole "
                "doit encore ce versement (article 2).") in part  # fmt: skip
        assert "18 000,00 €" in part and "pas encore reçu" in part
        assert ("Transmettez au service le document « bilan d’activité 2027 » : sa réception "
                "déclenche le versement n° 2, de 18 000,00 €.") in part  # fmt: skip


def test_the_term_reminder_says_the_notice_it_overrides_and_what_remains(
    notice_overridden: list[Mail], smtp_server: RunningServer, solidarite: App
) -> None:
    reminder = about(pass_at(solidarite, smtp_server, "2027-12-01T12:00:00Z"),
                     "arrive à son terme")  # fmt: skip
    assert "en cours de résiliation" not in banner(reminder)
    for part in reminder.parts_read:
        assert ("La résiliation notifiée par Association Solidarité Frais-Vallon (article 7) "
                "restera sans effet : son préavis courrait jusqu’au vendredi 28 janvier 2028, "
                "après le terme ; la convention expirera à son terme.") in part  # fmt: skip
        assert "aucune action n’est nécessaire" not in part
        assert "le document « bilan intermédiaire 2027 »" in part
        assert "le document « bilan d’activité 2027 »" in part
