"""What a dispute's email and deadline say of the competent court, as true for the parties at
hand (docs/LEGAL-NOTES.md, point 4; states/jurisdiction.py).

Between public persons (the Métropole, SIREN 200 054 807, and a public body whose SIREN begins
with 2) the convention is presumed administrative: the administrative court of Marseille. With
an association (a private person: its SIREN 443 061 841, or an RNA number) it is not: its nature
depends on its object and clauses, and neither the email nor the explanation asserts it. Read
from a real SMTP server (aiosmtpd) as the partners get it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from states.convention import Convention, Party
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import Mail, due_pass
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event

PRESUMED = "conclue entre personnes publiques est présumée administrative"
METROPOLE_SIRET = "20005480700017"


@pytest.fixture
def app_and_server(
    settings_env: dict[str, str], clock: FixedClock, smtp_server: RunningServer
) -> Iterator[tuple[App, RunningServer]]:
    app = App.create(load_settings(settings_env))
    app.clock = clock
    yield app, smtp_server
    app.close()


def with_parties(convention: Convention, beneficiary: Party) -> Convention:
    grantor, other = convention.parties
    assert other.key == beneficiary.key
    return replace(convention, parties=[replace(grantor, siret=METROPOLE_SIRET), beneficiary])


def dispute_email(app: App, server: RunningServer, convention: Convention) -> Mail:
    """The convention in execution, the beneficiary's letter of dispute received on 2 June
    2025: the partners' email that opens the amicable window."""
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = steps.at("2025-03-03T09:00:00Z")
    steps.load(app, convention)
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                              ("notify", "2025-03-20", {}),
                              ("pay", "2025-04-01", {"amount": "200000.00"}),
                              ("open_dispute", "2025-06-02",
                               {"party": "crpv", "received": "2025-06-02"})):  # fmt: skip
        clock.now = steps.at(f"{on}T10:00:00Z")
        command = RecordEvent(steps.REFERENCE, event, "alice", date.fromisoformat(on), inputs)
        record_event(app, command, clock())
    found = due_pass(app, server, clock())
    disputes = [m for m in found if "litige" in m.subject_plain.lower()]
    assert len(disputes) == 1, [m.subject_plain for m in found]
    return disputes[0]


def words(mail: Mail) -> str:
    """Its plain-text part, then its HTML part as written, their no-break spaces plain."""
    return mail.text_plain + mail.markup


def test_with_an_association_neither_the_email_nor_the_explanation_presumes_it_administrative(
    app_and_server: tuple[App, RunningServer], reference_convention: Convention
) -> None:
    app, server = app_and_server
    association = Party("crpv", "Association Essai Trail", siret="44306184100047")
    email = dispute_email(app, server, with_parties(reference_convention, association))

    text = words(email)
    explanation = steps.deadlines(app)["dispute_window"]["explanation"]
    for said in (text, explanation):
        assert "personnes publiques" not in said
        assert "présumée administrative" not in said
        assert "personne privée" in said and "objet" in said and "clauses" in said
    assert "tribunal judiciaire" in text


def test_with_an_association_known_by_its_rna_number_neither(
    app_and_server: tuple[App, RunningServer], reference_convention: Convention
) -> None:
    app, server = app_and_server
    association = Party("crpv", "Association Essai Trail", rna="W133000000")
    text = words(dispute_email(app, server, with_parties(reference_convention, association)))

    assert "présumée administrative" not in text


def test_between_public_persons_the_email_and_the_explanation_say_it_is_presumed_administrative(
    app_and_server: tuple[App, RunningServer], reference_convention: Convention
) -> None:
    app, server = app_and_server
    gip = Party("crpv", "GIP CRPV PACA", siret="13000000000000")
    text = words(dispute_email(app, server, with_parties(reference_convention, gip)))

    explanation = steps.deadlines(app)["dispute_window"]["explanation"]
    assert PRESUMED in text and PRESUMED in explanation
    assert "ressort duquel la convention s’exécute, ici celui de Marseille" in text
    assert "personne privée" not in text


def test_parties_not_identified_have_it_said_only_conditionally(
    app_and_server: tuple[App, RunningServer], reference_convention: Convention
) -> None:
    app, server = app_and_server
    text = words(dispute_email(app, server, reference_convention))  # no SIRET, no RNA

    assert "Le tribunal compétent dépend de la nature de la convention" in text
    assert PRESUMED not in text  # said as a condition: « conclue entre personnes publiques, elle »
    assert "conclue entre personnes publiques, elle est présumée administrative" in text
