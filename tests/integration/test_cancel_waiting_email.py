"""An email waiting for an address an avenant corrected holds back the convention's later emails
to that address alone (the other recipients get theirs at once); an administrator cancels it
for that address, and the later ones are tried for it at the next pass, none lost but the
cancelled ones, none twice.

The reference convention (AMP-CRPV-PACA-2025), in force on 10 March 2025. The GIP's signatory's
old mailbox, mustapha.berra@example.org, answers « 451, try again later » to every message (a
mailbox given up whose server defers): the award notified on Thursday 20 March 2025 at 10:00
reaches Martial Alvarez (the Métropole) and waits for the GIP. At 10:05 avenant n° 1 corrects
the GIP's address (m.berra@crpv-paca.example.org), submitted and signed by both at once; at
10:10 the payment is recorded. Delivered to a real SMTP server (aiosmtpd), on SQLite and
PostgreSQL, with the default retries (24 attempts, 60 s doubling to 1 h: 18 h 05 min from the
first attempt to the last).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.integration.mail import ADMIN, Mail, accepted, delivered, message_ids, plain
from tests.integration.steps import CRPV, METROPOLE, REFERENCE, at
from tests.notifications.conftest import RunningServer, SmtpServers
from tests.notifications.helpers import ScriptedHandler
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.cancel_email import CancelEmail, cancel_email
from workflow.usecases.dispatch import deliver
from workflow.usecases.dossier import dossier

OLD = CRPV
"""The GIP's signatory's address as the convention gave it: its server defers every message."""
NEW = "m.berra@crpv-paca.example.org"
"""The address avenant n° 1 gives the GIP's signatory."""
DEFERRED = "451 4.2.1 Mailbox unavailable, try again later"
LEASE = timedelta(seconds=900)
WHY = "adresse du GIP corrigée par l’avenant n° 1"


@pytest.fixture
def service(
    settings_env: dict[str, str], clock: FixedClock, smtp_servers: SmtpServers
) -> Iterator[tuple[App, RunningServer]]:
    """convflow with an administrator (ADMIN), on the test clock, delivering to a real SMTP
    server that takes every message (the test tells it whom to defer)."""
    app = App.create(load_settings({**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN}))
    app.clock = clock
    yield app, smtp_servers.start(ScriptedHandler())
    app.close()


def now_at(app: App, instant: str) -> datetime:
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(instant)
    return clock.now


def the_scenario(
    app: App, server: RunningServer, convention: Convention
) -> dict[str, dict[str, object]]:
    """The convention in force on 10 March 2025, its emails delivered; then its GIP's old
    address deferred: the award notified at 10:00 on 20 March, avenant n° 1 correcting that
    address at 10:05, the payment at 10:10, each delivered as the service would at once. The
    partners' emails by kind, as the outbox lists them."""
    now_at(app, "2025-03-01T09:00:00Z")
    steps.load(app, convention)
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": OLD})):  # fmt: skip
        now_at(app, f"{on}T10:00:00Z")
        steps.record(app, event, on, **inputs)
    deliver(app, server.sender(), app.clock())
    server.handler.rcpt_answers[OLD] = DEFERRED

    now_at(app, "2025-03-20T10:00:00Z")
    steps.record(app, "notify", "2025-03-20")
    deliver(app, server.sender(), app.clock())
    now = now_at(app, "2025-03-20T10:05:00Z")
    day = date(2025, 3, 20)
    changes = {"signatory.crpv": f"Mustapha Berra|Directeur-ordonnateur|{NEW}"}
    number = draft_amendment(app, DraftAmendment(REFERENCE, changes, "alice", day), now).number
    for event, inputs in (("submit", {}), ("sign", {"signatory": METROPOLE}),
                          ("sign", {"signatory": OLD})):  # fmt: skip
        command = RecordAmendmentEvent(REFERENCE, number, event, "alice", day, inputs)
        record_amendment_event(app, command, now)
    deliver(app, server.sender(), app.clock())
    now_at(app, "2025-03-20T10:10:00Z")
    steps.record(app, "pay", "2025-03-20", amount="200000.00")
    deliver(app, server.sender(), app.clock())
    return partners_emails(app)


def partners_emails(app: App) -> dict[str, dict[str, object]]:
    """The partners' emails of 20 March by kind (not the administrators' copies), as the outbox
    lists them."""
    return {
        str(e["kind"]): dict(e)
        for e in views.outbox(app)
        if ADMIN not in e["recipients"] and str(e["created_at"]) >= "2025-03-20"
    }


def received_when(app: App, server: RunningServer, until: datetime) -> list[tuple[datetime, Mail]]:
    """Each pass of the service (at each instant an email falls due) until `until`: the
    messages the server accepted, with the instant of the pass."""
    got: list[tuple[datetime, Mail]] = []
    now = app.clock()
    while now <= until:
        got += [(now, mail) for mail in delivered(app, server, now)]
        with app.uow(read_only=True) as uow:
            due = uow.outbox.next_attempt(LEASE)
        if due is None:
            break
        now = now_at(app, max(due, now).isoformat())
    return got


def when_read(got: list[tuple[datetime, Mail]], who: str, subject: str) -> list[str]:
    """When `who` received the partners' email whose subject starts with `subject`."""
    return [
        moment.isoformat()[:16]
        for moment, mail in got
        if who in mail.envelope and not mail.for_service and subject in mail.subject_plain
    ]


AWARD = "Attribution notifiée"
SUBMITTED = "Avenant n° 1 transmis pour signature"
IN_FORCE = "Avenant n° 1 en vigueur"
PAID = "Versement de 200 000,00 € enregistré"
REQUESTED = "Convention transmise pour signature"
SIGNED = "La convention est signée"
SUBJECTS = (AWARD, SUBMITTED, IN_FORCE, PAID, REQUESTED, SIGNED)


def about(mail: Mail) -> str:
    """Which email of the scenario `mail` is, by the start of its subject."""
    subject = mail.subject_plain.removeprefix(f"[{REFERENCE}] ")
    return next(start for start in SUBJECTS if subject.startswith(start))


def test_only_the_old_address_waits_martial_and_the_new_address_get_theirs_at_once(
    service: tuple[App, RunningServer], reference_convention: Convention
) -> None:
    """Step 1, as it is without a cancellation: only the recipient an earlier email still has
    to reach waits (the old address), each of its emails in the order queued; the others get
    theirs at once."""
    app, server = service
    start = len(server.handler.accepted)
    emails = the_scenario(app, server, reference_convention)
    # The award reached Martial at 10:00 and waits for the old address alone.
    assert (emails["award_notified"]["status"], emails["award_notified"]["delivered_to"]) == (
        "pending", [METROPOLE])  # fmt: skip
    # The avenant's request to sign is to both signatories as they stood (the old address):
    # Martial has it at once; it waits for the old address alone, behind the award, never
    # tried for it (no attempt spent by waiting). So does the avenant in force, which Martial
    # and the new address have; the payment, to those two, is sent.
    assert emails["amendment_submitted"]["recipients"] == [METROPOLE, OLD]
    assert emails["amendment_in_force"]["recipients"] == [NEW, METROPOLE, OLD]
    assert emails["payment_recorded"]["recipients"] == [NEW, METROPOLE]
    assert [(emails[kind]["status"], emails[kind]["attempts"], emails[kind]["delivered_to"])
            for kind in ("amendment_submitted", "amendment_in_force")] == [
        ("pending", 0, [METROPOLE]), ("pending", 0, [NEW, METROPOLE])]  # fmt: skip
    assert emails["payment_recorded"]["status"] == "sent"
    now = [m for m in accepted(server, start) if not m.for_service]
    assert [(m.envelope, about(m)) for m in now][-4:] == [
        ((METROPOLE,), SUBMITTED), ((NEW,), IN_FORCE), ((METROPOLE,), IN_FORCE),
        ((NEW, METROPOLE), PAID)]  # fmt: skip
    assert [str(m.to) for m in now][-3:-1] == [str((NEW, METROPOLE, OLD))] * 2  # its headers

    got = received_when(app, server, at("2025-03-24T00:00:00Z"))
    # The award's 24 attempts run out; only then is the request to sign tried for the old
    # address, 24 attempts more, and then the avenant in force: never a later one first.
    # Nothing more for the partners: the old address defers, the others had theirs.
    assert not [m for _, m in got if ADMIN not in m.envelope]
    assert statuses(app) == {
        "award_notified": "failed",
        "amendment_submitted": "failed",
        "amendment_in_force": "failed",
        "payment_recorded": "sent",
    }
    failed = sorted((str(e["id"]), str(e["kind"])) for e in partners_emails(app).values()
                    if e["status"] == "failed")  # fmt: skip
    assert [kind for _, kind in sorted(failed, key=lambda f: int(f[0]))] == [
        "award_notified", "amendment_submitted", "amendment_in_force"]  # fmt: skip
    alerts = [(t, m) for t, m in got if m.envelope == (ADMIN,) and "Alerte" in m.subject_plain]
    # One alert for each email given up, one after the other: the award at 04:10 the next
    # day (18 h 10 min), the request to sign at 22:13, the avenant in force on the 22nd.
    assert [t.isoformat()[:16] for t, _ in alerts] == [
        "2025-03-21T04:10", "2025-03-21T22:13", "2025-03-22T16:16"]  # fmt: skip
    # Every copy counted per recipient and Message-ID: none lost, none twice.
    partners = [m for m in accepted(server, start) if ADMIN not in m.envelope]
    got_each = Counter((who, about(m)) for m in partners for who in m.envelope)
    assert {k: v for k, v in got_each.items() if k[1] not in (REQUESTED, SIGNED)} == {
        (METROPOLE, AWARD): 1, (METROPOLE, SUBMITTED): 1, (METROPOLE, IN_FORCE): 1,
        (METROPOLE, PAID): 1, (NEW, IN_FORCE): 1, (NEW, PAID): 1,
    }  # fmt: skip
    ids = message_ids(server.handler.accepted[start:])
    assert ids[str(emails["amendment_in_force"]["message_id"])] == 2  # to NEW, then Martial
    assert {ids[str(emails[k]["message_id"])] for k in ("award_notified",
            "amendment_submitted", "payment_recorded")} == {1}  # fmt: skip
    # The administrators' copies never waited (another address): each went when queued.
    copies = [e for e in views.outbox(app) if e["recipients"] == [ADMIN]
              and e["kind"] in emails]  # fmt: skip
    assert [(e["sent_at"] == e["created_at"]) for e in copies] == [True] * 4


def statuses(app: App) -> dict[str, object]:
    return {kind: email["status"] for kind, email in partners_emails(app).items()}


def cancel(app: App, outbox_id: object, minute: str) -> dict[str, object]:
    now = now_at(app, f"2025-03-20T10:{minute}:00Z")
    return dict(cancel_email(app, CancelEmail(int(str(outbox_id)), WHY, "alice"), now))


def test_the_administrator_cancels_the_emails_to_the_old_address_and_the_later_ones_go(
    service: tuple[App, RunningServer], reference_convention: Convention
) -> None:
    app, server = service
    start = len(server.handler.accepted)
    emails = the_scenario(app, server, reference_convention)
    ids = {kind: email["id"] for kind, email in emails.items()}

    # 10:15: the award, delivered to Martial, cancelled for the old address alone.
    award = cancel(app, ids["award_notified"], "15")
    assert (award["status"], award["delivered_to"]) == ("cancelled", [METROPOLE])
    assert award["last_error"] == (
        f"annulé pour {OLD} par alice le jeudi 20 mars 2025 à 11:15 (heure de Paris)\u00a0: "
        f"{WHY} (dernière tentative\u00a0: {DEFERRED} ({OLD}))"
    )
    # Martial and the new address had their copies at once (step 1). The next pass: the
    # request to sign, behind the award no longer, is tried for the old address (deferred).
    assert delivered(app, server, app.clock()) == []
    # 10:16: cancelled for the old address too; the next pass tries the avenant in force for
    # the old address (deferred): nothing more to anybody else, who had it.
    submitted = cancel(app, ids["amendment_submitted"], "16")
    assert (submitted["status"], submitted["delivered_to"]) == ("cancelled", [METROPOLE])
    assert delivered(app, server, app.clock()) == []
    # The avenant in force, told to the representative it replaces too, waits for the old
    # address alone: cancelled for it, it is retried no more and no alert is ever sent.
    in_force = cancel(app, ids["amendment_in_force"], "17")
    assert (in_force["status"], in_force["delivered_to"]) == ("cancelled", [NEW, METROPOLE])
    assert delivered(app, server, at("2025-03-23T10:00:00Z")) == []
    with app.uow(read_only=True) as uow:
        assert uow.outbox.next_attempt(LEASE) is None  # nothing left to try

    # Each partner got each email once: the old address those of before its server deferred,
    # none since; nothing twice, none lost but the cancelled ones' copies to the old address.
    partners = [m for m in accepted(server, start) if not m.for_service]
    got = Counter((who, about(m)) for m in partners for who in m.envelope)
    assert got == Counter({
        (METROPOLE, REQUESTED): 1, (OLD, REQUESTED): 1, (METROPOLE, SIGNED): 1, (OLD, SIGNED): 1,
        (METROPOLE, AWARD): 1, (METROPOLE, SUBMITTED): 1, (METROPOLE, IN_FORCE): 1,
        (METROPOLE, PAID): 1, (NEW, IN_FORCE): 1, (NEW, PAID): 1,
    })  # fmt: skip
    ids_sent = message_ids(server.handler.accepted[start:])
    # The avenant in force went in two parts (the new address, then Martial once he had the
    # request to sign): one Message-ID, one copy each; every other message once.
    assert ids_sent.pop(str(emails["amendment_in_force"]["message_id"])) == 2
    assert set(ids_sent.values()) == {1}
    service = [m.subject_plain for m in accepted(server, start) if m.for_service]
    assert len(service) == 6 and not [s for s in service if "Alerte" in s]  # copies; no alert
    assert statuses(app) == {
        "award_notified": "cancelled",
        "amendment_submitted": "cancelled",
        "amendment_in_force": "cancelled",
        "payment_recorded": "sent",
    }


def test_the_dossier_shows_the_cancelled_email_with_who_cancelled_it_and_why(
    service: tuple[App, RunningServer], reference_convention: Convention
) -> None:
    app, server = service
    emails = the_scenario(app, server, reference_convention)
    cancel(app, emails["award_notified"]["id"], "15")
    with zipfile.ZipFile(io.BytesIO(dossier(app, REFERENCE, app.clock()))) as bundle:
        text = bundle.read("courriels.csv").decode("utf-8-sig")
    record = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    [award] = [line for line in record if line["courriel"].startswith("Notification")
               and METROPOLE in line["à"]]  # fmt: skip
    assert plain(award["état"]) == "annulé"
    assert plain(award["erreur"]).startswith(f"annulé pour {OLD} par alice le jeudi 20 mars 2025 "
                                             f"à 11:15 (heure de Paris) : {WHY}")  # fmt: skip
    # Not a line of the convention's history: its chained record of events is as it was.
    assert [h["event"] for h in views.history(app, REFERENCE)][-1] == "pay"
