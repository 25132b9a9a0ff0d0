"""A dispute still open when the convention ends outlives the end (docs/LEGAL-DEADLINES.md,
rule 24): the dispute-settlement clause survives the end of the contract (Code civil art. 1230,
by analogy), and the amicable clause must be observed (CE, 10 July 2020, n° 433643).

The reference convention, its term on Thursday 31 December 2026, receives the GIP's registered
letter of dispute on Monday 21 December 2026: the amicable window runs to Wednesday 20 January
2027, the court may be seized from Thursday 21 January. The convention expires at its term, and
still: the reminders J-7 (13 January) and J-1 (19 January) and the court-possible email (21
January) reach the partners, read from a real SMTP server (aiosmtpd); the dispute is settled, or
brought to court and its case closed, on the expired convention. The same when a termination
takes effect during a dispute. On SQLite and PostgreSQL, on the fixed clock of the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest

from states.calendar import civil_date
from states.convention import Convention
from states.errors import CourtNotYetOpen
from tests.conftest import FixedClock
from tests.integration.steps import REFERENCE, at, bring_into_execution, load, record, state
from tests.integration.test_service_year import Driver
from tests.integration.test_what_is_due import ADMIN, received, subject, text_of
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.due import run_due

TERM = date(2026, 12, 31)


@pytest.fixture
def life(
    settings_env: dict[str, str], clock: FixedClock, reference_convention: Convention,
    smtp_server: RunningServer,
) -> Iterator[tuple[App, Driver]]:  # fmt: skip
    """The reference convention, its term on Thursday 31 December 2026, in execution since 1
    April 2025, and the service that wakes it up."""
    app = App.create(load_settings({**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN}))
    app.clock = clock
    clock.now = at("2025-03-03T10:00:00Z")
    load(app, replace(reference_convention, end_date=TERM))
    clock.now = at("2025-04-01T10:00:00Z")
    bring_into_execution(app)
    yield app, Driver(app, smtp_server.sender(), clock)
    app.close()


def dispute_on_21_december(app: App, driver: Driver, server: RunningServer) -> int:
    """The GIP's letter of dispute, received on Monday 21 December 2026, recorded that day at
    11:00 (Paris); its email delivered. How many emails the server had accepted by then."""
    driver.run_until("2026-12-21T10:00:00Z")
    record(app, "open_dispute", party="crpv", received="2026-12-21")
    run_due(app, driver.clock.now, driver.sender)
    return len(server.handler.accepted)


def day_sent(message: EmailMessage) -> date:
    """The day (Paris) an email left, from its Date header."""
    return civil_date(parsedate_to_datetime(str(message["Date"])))


def dispute_reminders(app: App) -> list[tuple[str, str]]:
    """The dispute window's reminders: (label, status)."""
    rows = views.reminders(app, REFERENCE)
    return [(r["label"], r["status"]) for r in rows if r["kind"] == "dispute_window"]


def window_status(app: App) -> str:
    deadlines = views.status(app, REFERENCE)["deadlines"]
    return str(next(d["status"] for d in deadlines if d["kind"] == "dispute_window"))


def test_the_expiry_keeps_the_window_its_reminders_and_the_court_email(
    life: tuple[App, Driver], smtp_server: RunningServer
) -> None:
    app, driver = life
    before = dispute_on_21_december(app, driver, smtp_server)

    driver.run_until("2027-01-01T12:00:00Z")
    assert state(app) == "expired"
    expired = [m for m in received(smtp_server, before) if "arrivée à son terme" in subject(m)]
    assert len(expired) == 1
    text = text_of(expired[0])
    assert "Aucune action n’est attendue des signataires" not in text
    assert "Le litige notifié le lundi 21 décembre 2026 (article 6) reste ouvert" in text
    assert "mercredi 20 janvier 2027" in text and "jeudi 21 janvier 2027" in text
    assert "code civil, art. 1230" in text

    view = views.status(app, REFERENCE)
    assert view["allowed_events"] == ["settle", "go_to_court"]
    assert window_status(app) == "pending"
    assert dispute_reminders(app) == [("J-7", "planned"), ("J-1", "planned"),
                                      ("court", "planned")]  # fmt: skip

    driver.run_until("2027-01-22T00:00:00Z")
    after_end = [m for m in received(smtp_server, before) if "Litige" in subject(m)
                 or "règlement amiable" in subject(m)]  # fmt: skip
    assert [(subject(m), day_sent(m)) for m in after_end] == [
        ("[AMP-CRPV-PACA-2025] Rappel : la période de règlement amiable du litige se termine le "
         "20 janvier 2027 (dans 7 jours)", date(2027, 1, 13)),
        ("[AMP-CRPV-PACA-2025] Rappel : la période de règlement amiable du litige se termine le "
         "20 janvier 2027 (demain)", date(2027, 1, 19)),
        ("[AMP-CRPV-PACA-2025] Litige : le tribunal compétent peut être saisi depuis le "
         "21 janvier 2027", date(2027, 1, 21)),
    ]  # fmt: skip
    reminder = text_of(after_end[0])
    assert "arrivée à son terme le jeudi 31 décembre 2026" in reminder
    assert "reprendra son cours" not in reminder
    assert "Depuis le jeudi 21 janvier 2027" in text_of(after_end[2])
    assert dispute_reminders(app) == [("J-7", "sent"), ("J-1", "sent"), ("court", "sent")]
    assert (state(app), window_status(app)) == ("expired", "passed")


def test_a_settlement_after_the_expiry_is_recorded_and_cancels_the_reminders(
    life: tuple[App, Driver], smtp_server: RunningServer
) -> None:
    app, driver = life
    before = dispute_on_21_december(app, driver, smtp_server)
    driver.run_until("2027-01-10T10:00:00Z")
    assert state(app) == "expired"

    recorded = record(app, "settle", "2027-01-10")
    run_due(app, driver.clock.now, driver.sender)

    assert (recorded.to_state, state(app)) == ("expired", "expired")
    history = views.history(app, REFERENCE)[-1]
    assert (history["event"], history["from_state"], history["to_state"], history["date"]) == (
        "settle", "expired", "expired", "2027-01-10",
    )  # fmt: skip
    assert window_status(app) == "cancelled"
    assert dispute_reminders(app) == [("J-7", "cancelled"), ("J-1", "cancelled"),
                                      ("court", "cancelled")]  # fmt: skip
    assert views.status(app, REFERENCE)["allowed_events"] == []
    settled = [m for m in received(smtp_server, before) if "accord amiable" in subject(m)]
    assert len(settled) == 1
    text = text_of(settled[0])
    assert "reprend son cours" not in text
    ended = "La convention ne reprend pas son cours : elle est arrivée à son terme le jeudi 31"
    assert f"{ended} décembre 2026" in text

    driver.run_until("2027-01-25T00:00:00Z")
    later = received(smtp_server, before)
    assert not [m for m in later if "Litige :" in subject(m) or "Rappel : la période" in subject(m)]


def test_the_court_after_the_expiry_not_before_the_window_has_passed(
    life: tuple[App, Driver], smtp_server: RunningServer
) -> None:
    app, driver = life
    dispute_on_21_december(app, driver, smtp_server)
    driver.run_until("2027-01-20T10:00:00Z")

    with pytest.raises(CourtNotYetOpen) as refused:
        record(app, "go_to_court", "2027-01-20")
    assert refused.value.params["court_from"] == "2027-01-21"
    assert refused.value.params["state"] == "expired"
    assert refused.value.params["allowed"] == ["settle"]
    assert views.history(app, REFERENCE)[-1]["event"] == "expire"  # nothing written

    driver.run_until("2027-01-21T10:00:00Z")
    record(app, "go_to_court", "2027-01-21")
    assert state(app) == "expired"
    assert views.status(app, REFERENCE)["allowed_events"] == ["close_litigation"]
    dispute = views.status(app, REFERENCE)["dispute"]
    assert dispute is not None and dispute["in_court"] is True

    driver.run_until("2027-03-15T10:00:00Z")
    record(app, "close_litigation", "2027-03-15")
    view = views.status(app, REFERENCE)
    assert (view["state"], view["dispute"], view["allowed_events"]) == ("expired", None, [])
    events = [(h["event"], h["from_state"], h["to_state"]) for h in views.history(app, REFERENCE)]
    assert events[-4:] == [
        ("open_dispute", "execution", "dispute"),
        ("expire", "dispute", "expired"),
        ("go_to_court", "expired", "expired"),
        ("close_litigation", "expired", "expired"),
    ]


def test_a_termination_during_a_dispute_keeps_the_dispute_open(
    life: tuple[App, Driver], smtp_server: RunningServer
) -> None:
    app, driver = life
    driver.run_until("2026-06-10T10:00:00Z")
    record(app, "give_notice", party="crpv", received="2026-06-10")  # ends on 10 December
    driver.run_until("2026-12-07T10:00:00Z")
    record(app, "open_dispute", party="crpv", received="2026-12-07")  # window to 6 January
    run_due(app, driver.clock.now, driver.sender)
    before = len(smtp_server.handler.accepted)

    driver.run_until("2026-12-11T12:00:00Z")
    assert state(app) == "terminated"
    email = [m for m in received(smtp_server, before) if "Résiliation effective" in subject(m)]
    assert len(email) == 1
    text = text_of(email[0])
    assert "Aucune action n’est attendue des signataires" not in text
    assert "Le litige notifié le lundi 7 décembre 2026 (article 6) reste ouvert" in text
    assert "mercredi 6 janvier 2027" in text
    assert views.status(app, REFERENCE)["allowed_events"] == ["settle", "go_to_court"]

    driver.run_until("2027-01-06T10:00:00Z")
    with pytest.raises(CourtNotYetOpen) as refused:
        record(app, "go_to_court", "2027-01-06")
    assert refused.value.params["state"] == "terminated"
    driver.run_until("2027-01-08T00:00:00Z")
    after_end = [m for m in received(smtp_server, before) if "Litige" in subject(m)
                 or "Rappel : la période" in subject(m)]  # fmt: skip
    assert [day_sent(m) for m in after_end] == [
        date(2026, 12, 30), date(2027, 1, 5), date(2027, 1, 7),
    ]  # fmt: skip
    assert dispute_reminders(app) == [("J-7", "sent"), ("J-1", "sent"), ("court", "sent")]

    driver.clock.now = at("2027-01-07T10:00:00Z")
    record(app, "go_to_court", "2027-01-07")
    assert views.status(app, REFERENCE)["allowed_events"] == ["close_litigation"]
    record(app, "close_litigation", "2027-01-07")
    view = views.status(app, REFERENCE)
    assert (view["state"], view["dispute"], view["allowed_events"]) == ("terminated", None, [])
    events = [(h["event"], h["from_state"], h["to_state"]) for h in views.history(app, REFERENCE)]
    assert events[-4:] == [
        ("open_dispute", "termination", "dispute"),
        ("terminate", "dispute", "terminated"),
        ("go_to_court", "terminated", "terminated"),
        ("close_litigation", "terminated", "terminated"),
    ]
