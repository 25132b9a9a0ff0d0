"""What the partners read about an extension still in signature around the convention's term
(the Métropole's IT admin's retest, on SQLite and PostgreSQL, the emails read from a real SMTP
server): the term's reminder names the avenant and who has still to sign it; a signature
reminder sent after the term says what the expiry's hold still allows (rule 27 of
docs/LEGAL-DEADLINES.md), never to sign now; once the hold has run, no such reminder goes.

The reference convention (term Wednesday 31 December 2025), paid on 1 April 2025. Avenant
n° 1 (term → 30 June 2026) is submitted on Monday 20 October 2025 and signed by the Métropole
on the 22nd; the CRPV never signs. The service is down between its passes (the tester's
`run-due` under the clock shim)."""

from __future__ import annotations

from datetime import date

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration.mail import Mail, read_as_received
from tests.integration.steps import (
    CRPV,
    METROPOLE,
    REFERENCE,
    at,
    bring_into_execution,
    load,
    state,
)
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.due import run_due

SIGNS = "Directeur-ordonnateur"
"""The CRPV's signatory's title, as the emails name who has still to sign."""


@pytest.fixture
def in_signature(
    app: App, clock: FixedClock, reference_convention: Convention, smtp_server: RunningServer
) -> App:
    """In execution since April 2025; avenant n° 1 (→ 30 June 2026) submitted on 20 October
    2025, signed by the Métropole on the 22nd; what that sent is read and set aside."""
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    run_due(app, clock.now, smtp_server.sender())
    clock.now = at("2025-10-20T09:00:00Z")
    command = DraftAmendment(REFERENCE, {"end_date": "2026-06-30"}, "alice", date(2025, 10, 20))
    draft_amendment(app, command, clock.now)
    amendment(app, "submit", "2025-10-20")
    clock.now = at("2025-10-22T09:00:00Z")
    amendment(app, "sign", "2025-10-22", signatory=METROPOLE)
    run_due(app, clock.now, smtp_server.sender())
    return app


def amendment(app: App, event: str, on: str, **inputs: str) -> str:
    command = RecordAmendmentEvent(REFERENCE, 1, event, "alice", date.fromisoformat(on), inputs)
    return record_amendment_event(app, command, app.clock()).to_state


def pass_at(app: App, clock: FixedClock, server: RunningServer, instant: str) -> list[Mail]:
    """A pass of the service at `instant`: the emails it sent, as their recipients read them
    (the service's own copies left out)."""
    clock.now = at(instant)
    before = len(server.handler.accepted)
    run_due(app, clock.now, server.sender())
    mails = [read_as_received(item) for item in server.handler.accepted[before:]]
    return [mail for mail in mails if not mail.key.endswith(":service")]


def test_the_terms_reminder_names_the_avenant_in_signature_and_who_has_still_to_sign(
    in_signature: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """J-60 (Saturday 1 November, sent the Friday before, at the pass of Monday 3 November)."""
    mails = pass_at(in_signature, clock, smtp_server, "2025-11-03T08:01:00Z")
    [term] = [m for m in mails if "arrive à son terme" in m.subject]
    assert {METROPOLE, CRPV} <= set(term.envelope)
    assert term.says(
        "L’avenant n° 1, qui prolonge la convention jusqu’au 30 juin 2026, est en signature"
    ), term.text
    assert term.says("sans cela, la convention prendra fin à son terme")
    assert term.says("Signature encore attendue :")
    assert term.says(f"Mustapha Berra, {SIGNS} (GIP Centre de Ressources")
    assert term.says(
        "signez l’avenant n° 1 et retournez-le au service au plus tard le mercredi "
        "31 décembre 2025 à 24 h"
    )
    assert not term.mentions("aucune action n’est nécessaire"), term.text
    assert not term.mentions("Martial Alvarez, Vice-Président délégué, pour la Présidente (")


def test_a_signature_reminder_after_the_term_says_what_the_hold_still_allows(
    in_signature: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The service down from 3 November to Friday 2 January: the weekly relance due since
    then goes at that pass, the term passed and the expiry held to Wednesday 7 January."""
    pass_at(in_signature, clock, smtp_server, "2025-11-03T08:01:00Z")
    mails = pass_at(in_signature, clock, smtp_server, "2026-01-02T08:01:00Z")
    assert views.status(in_signature, REFERENCE)["expiry_held"] is not None
    [relance] = [m for m in mails if "Avenant n°\xa01" in m.subject]
    assert relance.envelope == (CRPV,)
    assert relance.subject == (
        "[AMP-CRPV-PACA-2025] Avenant n° 1 : terme du 31 décembre 2025 passé, seule une "
        "signature datée de ce jour au plus tard peut encore être enregistrée, "
        "jusqu’au 7 janvier 2026"
    ).replace(" :", "\xa0:").replace("n° ", "n°\xa0"), relance.subject
    assert relance.says("Le terme de la convention AMP-CRPV-PACA-2025"), relance.text
    assert relance.says("le mercredi 31 décembre 2025 à 24 h (article 4), est passé")
    assert relance.says("Seule une signature datée au plus tard du mercredi 31 décembre 2025")
    assert relance.says("peut encore être enregistrée, jusqu’au mercredi 7 janvier 2026 à 24 h")
    assert relance.says("l’arrivée à terme de la convention est suspendue jusque-là")
    assert relance.says("Ne le signez pas maintenant")
    # what it said before: a signature convflow refuses (amendment_signed_after_term)
    assert not relance.mentions("Pour prolonger la convention, il doit être signé")
    assert not relance.mentions("signez l’avenant et retournez-le")
    # after the hold: the convention expired at its term, the avenant lapsed; no such reminder
    mails = pass_at(in_signature, clock, smtp_server, "2026-01-15T08:01:00Z")
    assert state(in_signature) == "expired"
    assert not [m for m in mails if "Avenant n°\xa01" in m.subject or "signature" in m.subject]
    assert not [
        r for r in views.reminders(in_signature, REFERENCE)
        if r["kind"] == "amendment_signature" and r["status"] == "planned"
    ]  # fmt: skip


def test_a_relance_left_planned_past_the_hold_is_not_sent(
    in_signature: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The service down from 3 November to 15 January: the expiry is recorded, dated at the
    term, and the relance still planned goes to no one."""
    pass_at(in_signature, clock, smtp_server, "2025-11-03T08:01:00Z")
    mails = pass_at(in_signature, clock, smtp_server, "2026-01-15T08:01:00Z")
    assert state(in_signature) == "expired"
    assert not [m for m in mails if "Relance" in m.subject or "terme du" in m.subject], [
        m.subject for m in mails
    ]


def test_the_list_says_a_passed_signature_target_is_not_announced_but_relanced(
    in_signature: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The target (Monday 27 October) passed while the service was down: its J-0 reminder is
    skipped at the pass of 3 November, and nothing announces a signature target; the list
    said « elle est annoncée à la place », which no email ever did. The weekly relances go on."""
    mails = pass_at(in_signature, clock, smtp_server, "2025-11-03T08:01:00Z")
    assert not [m for m in mails if "avenant" in m.subject.lower()], [m.subject for m in mails]
    rows = [
        r for r in views.reminders(in_signature, REFERENCE) if r["kind"] == "amendment_signature"
    ]
    [target] = [r for r in rows if r["days_before"] == 0]
    assert target["status"] == "skipped"
    assert target["note"] == (
        "objectif passé\xa0: il n'est pas annoncé, les relances hebdomadaires suivent tant "
        "qu'une signature manque"
    ), target["note"]
    assert [r["status"] for r in rows if r["days_before"] < 0] == ["planned"], rows


def test_the_hold_reminder_s_explanation_agrees_with_its_body_on_the_signature_s_date(
    in_signature: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """Its body says a signature « datée au plus tard du » term still counts; the deadline's
    explanation beneath it said the signature « doit intervenir avant le terme »."""
    pass_at(in_signature, clock, smtp_server, "2025-11-03T08:01:00Z")
    mails = pass_at(in_signature, clock, smtp_server, "2026-01-02T08:01:00Z")
    [relance] = [m for m in mails if "Avenant n°\xa01" in m.subject]
    assert relance.says("Seule une signature datée au plus tard du mercredi 31 décembre 2025")
    assert relance.says("cette signature doit être datée au plus tard du jour du terme"), (
        relance.text
    )
    assert not relance.mentions("intervenir avant le terme")
