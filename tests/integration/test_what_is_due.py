"""What partners receive when deadlines fall due: true on the day it arrives, once per reason.

Each case is read as a partner reads it, from a real SMTP server (aiosmtpd), and as an
administrator reads it beforehand, from `simulate`.
"""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration.mail import ADMIN, Inbox, Mail, accepted, parsed, partners_only
from tests.integration.steps import CRPV, METROPOLE, REFERENCE, at, load, record
from tests.integration.test_service_year import Driver
from tests.notifications.conftest import RunningServer
from tests.reading import plain
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.due import run_due
from workflow.usecases.listing import calendar_deadlines
from workflow.usecases.simulate import Happening, simulate


def recorded_in_force(app: App, clock: FixedClock, convention: Convention) -> App:
    """`convention` loaded and submitted on 3 March 2025, its signatures of 5 and 10 March
    recorded on 10 March (at 10:00 UTC each day): in force from 10 March 2025."""
    clock.now = at("2025-03-03T10:00:00Z")
    load(app, convention)
    record(app, "submit", "2025-03-03")
    clock.now = at("2025-03-10T10:00:00Z")
    record(app, "sign", "2025-03-05", signatory=METROPOLE)
    record(app, "sign", "2025-03-10", signatory=CRPV)
    return app


@pytest.fixture
def in_force(inbox: Inbox, clock: FixedClock, reference_convention: Convention) -> App:
    """The reference convention in force from 10 March 2025 (see `recorded_in_force`); convflow
    copying its administrator (ADMIN), on the test clock."""
    return recorded_in_force(inbox.app, clock, reference_convention)


def delivered(app: App, server: RunningServer) -> int:
    """Deliver what the events recorded so far queued (nothing else is due); how many emails
    the server has accepted."""
    run_due(app, app.clock(), server.sender())
    return len(server.handler.accepted)


# `received`, `text_of` and `subject` read the parsed message; this module's tests read each
# email as a `Mail` (tests/integration/mail.py). They stay for the test modules that import them.


def received(server: RunningServer, since: int = 0) -> list[EmailMessage]:
    """The partners' emails the SMTP server accepted (from the `since`-th on), parsed; the
    administrators' own copies left out."""
    messages = [parsed(item) for item in server.handler.accepted[since:]]
    return [m for m in messages if not str(m["X-Convflow-Key"]).endswith(":service")]


def text_of(message: EmailMessage) -> str:
    """The plain-text body, as a partner reads it."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return plain(str(body.get_content()))


def subject(message: EmailMessage) -> str:
    """An email's subject, its spaces plain."""
    return plain(str(message["Subject"]))


def subjects(mails: list[Mail]) -> list[str]:
    """Each email's subject, its no-break spaces plain."""
    return [m.subject_plain for m in mails]


def kinds(app: App) -> list[str]:
    """The kinds of email decided for the partners, oldest first."""
    emails = reversed(views.outbox(app, None, 1000))
    return [e["kind"] for e in emails if ADMIN not in e["recipients"]]


def seen(happenings: list[Happening]) -> list[tuple[str, str, str, str | None]]:
    """What `simulate` predicts: (what, label or deadline, outcome, reason)."""
    return [(h.what, h.label or h.kind, h.outcome, h.reason) for h in happenings]


def test_the_close_of_the_amicable_window_and_the_court_date_are_one_email(
    in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    app = in_force
    clock.now = at("2025-06-02T10:00:00Z")
    record(app, "open_dispute", party="crpv", received="2025-06-02")  # window ends 2 July

    predicted = simulate(app, REFERENCE, clock.now, date(2025, 7, 3))
    closing = [h for h in predicted if h.kind == "dispute_window"]
    assert seen(closing) == [
        ("reminder", "J-7", "send", None),
        ("reminder", "J-1", "send", None),
        ("deadline passed", "dispute_window", "passed", "with_court_reminder"),
        ("reminder", "court", "send", None),
    ]
    assert closing[2].email is None and closing[3].email == "reminder_court_possible"
    assert closing[2].note == "annoncée par le rappel du jour où le tribunal peut être saisi"

    before = delivered(app, smtp_server)
    Driver(app, smtp_server.sender(), clock).run_until("2025-07-04T00:00:00Z")
    messages = partners_only(accepted(smtp_server, before))
    assert len(messages) == 3  # J-7, J-1, and one email the day the court may be seized
    on_the_day = messages[-1]
    assert on_the_day.subject_plain == (
        "[AMP-CRPV-PACA-2025] Litige : le tribunal compétent peut être saisi depuis le "
        "3 juillet 2025"
    )
    text = on_the_day.text_plain
    assert "s’est terminée le mercredi 2 juillet 2025" in text  # the window's close, too
    assert "Depuis le jeudi 3 juillet 2025" in text
    assert "amicable_window_closed" not in kinds(app)
    dispute = [r for r in views.reminders(app, REFERENCE) if r["kind"] == "dispute_window"]
    assert [(r["label"], r["status"]) for r in dispute] == [
        ("J-7", "sent"), ("J-1", "sent"), ("court", "sent"),
    ]  # fmt: skip


def test_without_a_court_reminder_the_close_of_the_window_is_announced(
    in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    app = in_force
    clock.now = at("2025-04-01T10:00:00Z")
    number = draft_amendment(
        app, DraftAmendment(REFERENCE, {"reminders.court_possible": "no"}, "alice"), clock.now
    ).number
    for event, inputs in (("submit", {}), ("sign", {"signatory": CRPV}),
                          ("sign", {"signatory": METROPOLE})):  # fmt: skip
        command = RecordAmendmentEvent(REFERENCE, number, event, "alice", None, inputs)
        record_amendment_event(app, command, clock.now)
    clock.now = at("2025-06-02T10:00:00Z")
    record(app, "open_dispute", party="crpv", received="2025-06-02")

    predicted = simulate(app, REFERENCE, clock.now, date(2025, 7, 3))
    passed = next(h for h in predicted if h.what == "deadline passed")
    assert (passed.at, passed.email, passed.reason) == (at("2025-07-02T22:00:00Z"), None, None)
    announced = next(h for h in predicted if h.what == "announcement")  # at 09:00, not 00:00
    assert (announced.at, announced.email) == (at("2025-07-03T07:00:00Z"), "amicable_window_closed")

    Driver(app, smtp_server.sender(), clock).run_until("2025-07-04T00:00:00Z")
    last = partners_only(accepted(smtp_server))[-1]
    assert "période amiable close sans accord" in last.subject_plain
    closed = [e for e in views.outbox(app, None, 100) if e["kind"] == "amicable_window_closed"]
    assert {e["created_at"] for e in closed} == {"2025-07-03T07:00:00Z"}  # 09:00, not 00:00


def test_reminders_meant_for_bastille_day_and_a_sunday_go_out_on_the_fridays_before(
    in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """A letter received on Saturday 21 June 2025, recorded on Monday 23 June: the amicable
    window ends on Monday 21 July. Its J-7, meant for Monday 14 July (Fête nationale), and its
    J-1, meant for Sunday 20 July, reach the partners on the Fridays before, at 09:00, saying
    the days really left; the court-possible reminder keeps Tuesday 22 July. `simulate`,
    `convflow reminders` and the calendar feed say the same beforehand."""
    app = in_force
    clock.now = at("2025-06-23T08:00:00Z")
    record(app, "open_dispute", party="crpv", received="2025-06-21", on="2025-06-21")

    predicted = simulate(app, REFERENCE, clock.now, date(2025, 7, 22))
    assert [(h.label, h.at, h.outcome, h.days_left) for h in predicted
            if h.what == "reminder" and h.kind == "dispute_window"] == [
        ("J-7", at("2025-07-11T07:00:00Z"), "send", 10),
        ("J-1", at("2025-07-18T07:00:00Z"), "send", 3),
        ("court", at("2025-07-22T07:00:00Z"), "send", -1),
    ]  # fmt: skip
    assert [(r["label"], r["planned_at"]) for r in views.reminders(app, REFERENCE)
            if r["kind"] == "dispute_window"] == [
        ("J-7", "2025-07-11T07:00:00Z"), ("J-1", "2025-07-18T07:00:00Z"),
        ("court", "2025-07-22T07:00:00Z"),
    ]  # fmt: skip
    [window] = [d for d in calendar_deadlines(app, REFERENCE) if d["kind"] == "dispute_window"]
    assert window["first_reminder_days"] == 10  # the feed's alarm: Friday 11 July, 09:00

    before = delivered(app, smtp_server)
    life = Driver(app, smtp_server.sender(), clock)
    life.run_until("2025-07-23T00:00:00Z")
    reminders = [
        m
        for m in partners_only(accepted(smtp_server, before))
        if "Rappel : la période" in m.subject_plain
    ]
    assert subjects(reminders) == [
        "[AMP-CRPV-PACA-2025] Rappel : la période de règlement amiable du litige se termine le "
        "21 juillet 2025 (dans 10 jours)",
        "[AMP-CRPV-PACA-2025] Rappel : la période de règlement amiable du litige se termine le "
        "21 juillet 2025 (dans 3 jours)",
    ]
    assert "lundi 21 juillet 2025" in reminders[0].text_plain  # the deadline's real date
    assert at("2025-07-11T07:00:00Z") in life.wake_ups
    assert at("2025-07-14T07:00:00Z") not in life.wake_ups  # nothing on Bastille Day


def test_a_dispute_recorded_late_is_not_reminded_of_what_had_passed(
    in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The letter came on 2 June; it is recorded on 26 June, after the J-7 reminder's instant
    (25 June): that reminder is not sent; the next ones are."""
    app = in_force
    clock.now = at("2025-06-26T10:00:00Z")
    record(app, "open_dispute", party="crpv", received="2025-06-02", on="2025-06-02")

    predicted = simulate(app, REFERENCE, clock.now, date(2025, 7, 3))
    assert seen([h for h in predicted if h.kind == "dispute_window"])[:2] == [
        ("reminder", "J-7", "skipped", "known_late"),
        ("reminder", "J-1", "send", None),
    ]
    assert predicted[0].note == "son heure était passée quand l'échéance a été connue"

    before = delivered(app, smtp_server)
    Driver(app, smtp_server.sender(), clock).run_until("2025-07-04T00:00:00Z")
    messages = partners_only(accepted(smtp_server, before))
    reminders_received = [s for s in subjects(messages) if "Rappel : la période" in s]
    assert reminders_received == [
        "[AMP-CRPV-PACA-2025] Rappel : la période de règlement amiable du litige se termine le "
        "2 juillet 2025 (demain)"
    ]
    j7 = next(r for r in views.reminders(app, REFERENCE) if r["label"] == "J-7")
    assert (j7["status"], j7["note"]) == (
        "skipped", "son heure était passée quand l'échéance a été connue",
    )  # fmt: skip


def test_a_dispute_recorded_after_its_window_closed_announces_nothing_late(
    in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    app = in_force
    before = delivered(app, smtp_server)
    clock.now = at("2025-07-20T10:00:00Z")
    record(app, "open_dispute", party="crpv", received="2025-06-02", on="2025-06-02")

    report = run_due(app, clock.now, smtp_server.sender())

    assert [(a.deadline, a.action, a.email, a.reason) for a in report.actions] == [
        ("dispute_window", "passed", None, "known_late")
    ]
    assert {(r.label, r.outcome, r.reason) for r in report.reminders} == {
        ("J-7", "skipped", "known_late"), ("J-1", "skipped", "known_late"),
        ("court", "skipped", "known_late"),
    }  # fmt: skip
    # the partners get the dispute's own email only (whether a late record emails at all is
    # another rule); what the reminders and the window's closing would have said goes to the
    # administrators' summary of late records (the court may be seized: someone must know)
    messages = partners_only(accepted(smtp_server, before))
    assert [m.key.split(":")[0] for m in messages] == ["event", "late"]
    assert [m.to for m in messages if m.key.startswith("late")] == [(ADMIN,)]


def test_a_reminder_sent_after_a_late_catch_up_says_the_days_really_left(
    in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The service was down from March to 4 December: of the expiry reminders, J-30 (planned
    on 1 December) goes out on the 4th, and says 27 days, not 30."""
    app = in_force
    catch_up = at("2025-12-04T10:00:00Z")

    predicted = simulate(app, REFERENCE, clock.now, catch_up, down_until=catch_up)
    assert seen(predicted) == [
        ("reminder", "J-90", "coalesced", "coalesced"),
        ("reminder", "J-60", "coalesced", "coalesced"),
        ("reminder", "J-30", "send", None),
    ]
    assert (predicted[-1].days_left, predicted[-1].note) == (27, "annonce\u00a0: dans 27 jours")
    assert predicted[-1].at == catch_up and predicted[-1].due_at == at("2025-12-01T08:00:00Z")

    before = delivered(app, smtp_server)
    clock.now = catch_up
    run_due(app, catch_up, smtp_server.sender())
    [message] = partners_only(accepted(smtp_server, before))
    assert message.subject_plain == (
        "[AMP-CRPV-PACA-2025] Rappel : la convention arrive à son terme le 31 décembre 2025 "
        "(dans 27 jours)"
    )
    assert "arrive à son terme dans 27 jours, le mercredi 31 décembre 2025" in message.text_plain


def test_a_notice_ending_before_the_term_stops_the_expiry_reminders(
    in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """Notice received on 15 April 2025: the convention ends on 15 October, before its term
    (31 December). Its expiry reminders (from 2 October), which announce the end on 31
    December and offer an amendment, are cancelled when the notice is recorded."""
    app = in_force
    clock.now = at("2025-04-15T10:00:00Z")
    record(app, "give_notice", party="crpv", received="2025-04-15")

    expiry = [r for r in views.reminders(app, REFERENCE) if r["kind"] == "expiry"]
    assert {(r["status"], r["note"]) for r in expiry} == {
        ("cancelled", "sans objet\u00a0: la résiliation prend effet avant le terme")
    }
    predicted = simulate(app, REFERENCE, clock.now, date(2025, 12, 31))
    assert seen(predicted) == [
        ("reminder", "J-30", "send", None),  # of the termination, 15 September
        ("reminder", "J-90", "cancelled", None),  # of the term, 2 October: not sent
        ("reminder", "J-7", "send", None),
        ("terminate", "termination", "terminate", None),
    ]  # (those of the term after 15 October are not listed: the convention has ended)
    assert predicted[1].note == "sans objet\u00a0: la résiliation prend effet avant le terme"

    before = delivered(app, smtp_server)
    Driver(app, smtp_server.sender(), clock).run_until("2026-01-05T00:00:00Z")
    messages = partners_only(accepted(smtp_server, before))
    reminder = "Rappel : la convention prend fin par résiliation le 15 octobre 2025 à 24 h"
    assert [s.split("] ", 1)[1] for s in subjects(messages)][:2] == [
        f"{reminder} (dans 30 jours)",
        f"{reminder} (dans 7 jours)",
    ]
    assert len(messages) == 3 and kinds(app)[-1] == "convention_terminated"
    assert "reminder_expiry" not in kinds(app)  # no "31 décembre", no amendment offered


def test_an_amendment_that_lets_the_term_come_first_again_plans_its_reminders_again(
    in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    app = in_force
    clock.now = at("2025-04-15T10:00:00Z")
    record(app, "give_notice", party="crpv", received="2025-04-15")  # ends 15 October
    clock.now = at("2025-05-05T10:00:00Z")
    # A term brought before the notice's end (rule 26: a new notice period would not reach
    # the notice already running; a new term does).
    changes = {"end_date": "2025-09-30"}
    number = draft_amendment(app, DraftAmendment(REFERENCE, changes, "alice"), clock.now).number
    for event, inputs in (("submit", {}), ("sign", {"signatory": CRPV}),
                          ("sign", {"signatory": METROPOLE})):  # fmt: skip
        command = RecordAmendmentEvent(REFERENCE, number, event, "alice", None, inputs)
        record_amendment_event(app, command, clock.now)

    planned = [
        (r["kind"], r["label"]) for r in views.reminders(app, REFERENCE) if r["status"] == "planned"
    ]
    assert planned == [("expiry", "J-90"), ("expiry", "J-60"), ("expiry", "J-30"),
                       ("expiry", "J-7")]  # fmt: skip
    Driver(app, smtp_server.sender(), clock).run_until("2026-01-05T00:00:00Z")
    assert kinds(app).count("reminder_expiry") == 4
    assert "reminder_termination" not in kinds(app)
    assert views.status(app, REFERENCE)["state"] == "expired"


def test_the_simulation_of_a_period_writes_nothing(in_force: App, clock: FixedClock) -> None:
    before = (views.reminders(app := in_force, REFERENCE), views.outbox(app))
    simulate(app, REFERENCE, clock.now, date(2026, 12, 31))
    assert (views.reminders(app, REFERENCE), views.outbox(app)) == before


def test_an_instant_until_before_the_start_is_refused_naming_its_day_in_paris(
    in_force: App, clock: FixedClock
) -> None:
    """At 23:30 UTC on 31 December 2026 it is 1 January 2027 in Paris (rule 1): a simulation up
    to that instant, asked at 10:00 on 1 January, was refused as ending on 31 December."""
    from states.errors import InvalidInput
    from workflow.wording.refusals import problem_text
    from workflow.wording.words import Words

    start = at("2027-01-01T10:00:00Z")

    with pytest.raises(InvalidInput) as refused:
        simulate(in_force, REFERENCE, start, at("2026-12-31T23:30:00Z"))

    assert refused.value.params["until"] == "2027-01-01"
    said = problem_text(Words("fr"), refused.value.code, refused.value.params)
    assert said.startswith("le 1er janvier 2027 précède le début de la simulation"), said
