"""The expiry waits while an extension is in signature at the term (rule 27 of
docs/LEGAL-DEADLINES.md), on SQLite and PostgreSQL: the legal officer's F5 (notes of 7
December 2026) on the reference convention (term Wednesday 31 December 2025).

Avenant n° 1 (term → 30 June 2026) is submitted on Saturday 27 December 2025 and signed by the
CRPV on the 29th; the Métropole signs on Wednesday 31 December, on paper, and the clerk receives
it on Monday 5 January 2026, after the service's passes of 1 January. With the default wait
(`CONVFLOW_EXTENSION_GRACE_DAYS`, 7 calendar days: to Wednesday 7 January at 24:00), the
signature is recorded as any other: the avenant is in force, the term is 30 June 2026, and no
one was ever told that the convention ended. Without it, the expiry is recorded once the wait
has run, dated at the term, and the avenant lapses then. The wait set to 0:
tests/integration/test_amendment_lapse.py.
"""

from __future__ import annotations

from datetime import date

import pytest

from notifications import MemorySender
from states.convention import Convention
from states.errors import GuardRejected
from storage.queries import ConventionFilter, PageRequest
from tests.conftest import FixedClock
from tests.integration.mail import delivered
from tests.integration.steps import (
    CRPV,
    METROPOLE,
    REFERENCE,
    at,
    bring_into_execution,
    bring_into_force,
    load,
    record,
    state,
)
from tests.integration.test_simulate_matches_run_due import Life
from tests.integration.test_what_is_due import plain, received, subject, text_of
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.cli.present import status_text
from workflow.usecases import listing, views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side
from workflow.usecases.due import run_due
from workflow.usecases.simulate import simulate
from workflow.wording.refusals import hint, say
from workflow.wording.words import Words

ENDED = "arrivée à son terme"
"""In the subject of the email saying the convention reached its term."""


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """The default late-record horizon (2 days): a paper received after the new year is what
    it was made for."""
    return {**settings_env, "CONVFLOW_LATE_RECORD_DAYS": "2"}


def amendment(app: App, event: str, on: str, **inputs: str) -> str:
    command = RecordAmendmentEvent(REFERENCE, 1, event, "alice", date.fromisoformat(on), inputs)
    return record_amendment_event(app, command, app.clock()).to_state


@pytest.fixture
def submitted(
    app: App, clock: FixedClock, reference_convention: Convention, smtp_server: RunningServer
) -> App:
    """In execution since April 2025; avenant n° 1 (→ 30 June 2026) submitted on Saturday
    27 December 2025 and signed by the CRPV on Monday the 29th, each recorded that day."""
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    clock.now = at("2025-12-27T10:00:00Z")
    command = DraftAmendment(REFERENCE, {"end_date": "2026-06-30"}, "alice", date(2025, 12, 27))
    draft_amendment(app, command, clock.now)
    amendment(app, "submit", "2025-12-27")
    run_due(app, clock.now, smtp_server.sender())
    clock.now = at("2025-12-29T10:00:00Z")
    amendment(app, "sign", "2025-12-29", signatory=CRPV)
    return app


def passes(app: App, clock: FixedClock, server: RunningServer, *instants: str) -> list[str]:
    """The service's passes at these instants: what each did to the deadlines."""
    done = []
    for instant in instants:
        clock.now = at(instant)
        report = run_due(app, clock.now, server.sender())
        done += [f"{a.deadline} {a.action}" for a in report.actions]
    return done


NEW_YEAR = ("2025-12-31T23:01:00Z", "2026-01-01T08:01:00Z", "2026-01-02T08:01:00Z")
"""The service's pass at 00:01 (Paris) on 1 January 2026, at the reminder hour, and the next
morning's."""


def test_a_signature_dated_on_the_term_received_after_it_brings_the_extension_into_force(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    since = len(smtp_server.handler.accepted)
    assert "expiry held" in passes(submitted, clock, smtp_server, *NEW_YEAR)
    assert state(submitted) == "execution"
    held = views.status(submitted, REFERENCE)["expiry_held"]
    assert held == {
        "term": "2025-12-31", "until": "2026-01-07T23:00:00Z", "last_day": "2026-01-07",
        "amendment": 1, "new_end_date": "2026-06-30", "missing": [METROPOLE],
    }  # fmt: skip
    assert views.status(submitted, REFERENCE)["end_unrecorded"] is None
    clock.now = at("2026-01-05T09:00:00Z")  # Monday: the paper of Wednesday 31 December
    assert amendment(submitted, "sign", "2025-12-31", signatory=METROPOLE) == "in_force"
    passes(submitted, clock, smtp_server, "2026-01-07T23:01:00Z", "2026-01-08T08:01:00Z")
    status = views.status(submitted, REFERENCE)
    assert (status["state"], status["end_date"], status["expiry_held"]) == (
        "execution", "2026-06-30", None,
    )  # fmt: skip
    [expiry] = [
        d for d in status["deadlines"] if d["kind"] == "expiry" and d["status"] == "pending"
    ]
    assert expiry["due_date"] == "2026-06-30"
    assert [row["state"] for row in views.amendments(submitted, REFERENCE)] == ["in_force"]
    events = [h["event"] for h in views.history(submitted, REFERENCE)]
    assert "expire" not in events and "lapse" not in events
    subjects = [subject(m) for m in received(smtp_server, since)]
    assert not [s for s in subjects if ENDED in s], subjects
    # recorded 5 days after its date (more than CONVFLOW_LATE_RECORD_DAYS), it is still news:
    # the partners learn that the convention goes on, to its new term
    [in_force] = [m for m in received(smtp_server, since) if "en vigueur" in subject(m)]
    assert "Avenant n° 1" in subject(in_force), subject(in_force)
    assert "30 juin 2026" in text_of(in_force)
    # the avenant's email in force explains its signature target (« … devient caduc avec la
    # convention » had a signature been missing at the term): no email says it is caduc
    assert not [m for m in received(smtp_server, since) if "est caduc" in text_of(m)]


def test_unsigned_when_the_wait_has_run_the_convention_expired_at_its_term(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    since = len(smtp_server.handler.accepted)
    passes(submitted, clock, smtp_server, *NEW_YEAR, "2026-01-07T22:59:00Z")
    assert state(submitted) == "execution"
    assert not [m for m in received(smtp_server, since) if ENDED in subject(m)]
    done = passes(submitted, clock, smtp_server, "2026-01-07T23:01:00Z")  # 00:01, 8 January
    assert done == ["expiry expire"]
    assert state(submitted) == "expired"
    # as any end, its email waits for the reminder hour: no one is written to at midnight
    assert not [m for m in received(smtp_server, since) if ENDED in subject(m)]
    passes(submitted, clock, smtp_server, "2026-01-08T07:59:00Z", "2026-01-08T08:00:00Z")
    history = views.history(submitted, REFERENCE)
    [expire] = [h for h in history if h["event"] == "expire"]
    assert (expire["date"], expire["recorded_at"]) == ("2025-12-31", "2026-01-07T23:01:00Z")
    assert (history[-1]["event"], history[-1]["inputs"]) == ("lapse", {"end_date": "2025-12-31"})
    [row] = views.amendments(submitted, REFERENCE)
    assert (row["state"], row["lapsed_on"]) == ("lapsed", "2025-12-31")
    [email] = [m for m in received(smtp_server, since) if ENDED in subject(m)]
    assert str(email["Date"]) == "Thu, 08 Jan 2026 09:00:00 +0100"
    text = text_of(email)
    assert "arrivée à son terme le mercredi 31 décembre 2025 à 24 h" in text
    assert "L’avenant n° 1 (prolongation au 30 juin 2026)" in text and "est caduc" in text
    assert (
        "Le service a attendu jusqu’au mercredi 7 janvier 2026 inclus qu’une dernière "
        "signature datée au plus tard du terme lui soit transmise : aucune ne l’a été." in text
    )


def test_the_extension_abandoned_during_the_wait_the_expiry_is_recorded_at_the_next_pass(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    passes(submitted, clock, smtp_server, *NEW_YEAR)
    clock.now = at("2026-01-05T09:00:00Z")
    assert amendment(submitted, "abandon", "2026-01-05") == "abandoned"
    assert views.status(submitted, REFERENCE)["end_unrecorded"] == {
        "event": "expire", "kind": "expiry", "on": "2025-12-31", "state": "expired",
    }  # fmt: skip
    assert passes(submitted, clock, smtp_server, "2026-01-05T09:01:00Z") == ["expiry expire"]
    [expire] = [h for h in views.history(submitted, REFERENCE) if h["event"] == "expire"]
    assert expire["date"] == "2025-12-31"


def test_a_signature_dated_after_the_term_is_refused_during_the_wait(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """Rule 13: signed on 1 January, the avenant would be a new convention."""
    passes(submitted, clock, smtp_server, *NEW_YEAR)
    clock.now = at("2026-01-05T09:00:00Z")
    with pytest.raises(GuardRejected) as refused:
        amendment(submitted, "sign", "2026-01-01", signatory=METROPOLE)
    assert refused.value.code == "amendment_signed_after_term"
    assert views.status(submitted, REFERENCE)["expiry_held"] is not None


def test_simulate_says_the_wait_and_the_expiry_after_it(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    clock.now = at("2025-12-30T10:00:00Z")
    ends = [(h.at.isoformat(), h.what, h.outcome, h.held_until)
            for h in simulate(submitted, REFERENCE, clock.now, date(2026, 1, 10))
            if h.kind == "expiry"]  # fmt: skip
    assert ends == [
        ("2025-12-31T23:00:00+00:00", "expiry held", "held", at("2026-01-07T23:00:00Z")),
        ("2026-01-07T23:00:00+00:00", "expire", "expire", None),
        ("2026-01-07T23:00:00+00:00", "lapse", "lapse", None),  # the avenant, with it (F11)
    ]


@pytest.mark.parametrize("down", [False, True], ids=["woken", "down"])
def test_simulate_predicts_the_passes_through_the_wait(
    submitted: App, clock: FixedClock, down: bool
) -> None:
    """What `simulate` says on 30 December is what the service does, pass by pass (woken at
    each instant due) or once after being down, to 10 January: the same as in
    test_simulate_matches_run_due.py, through the wait."""
    clock.now = at("2025-12-30T10:00:00Z")
    # The passes' decisions against `simulate`, not what an email says: the Life of
    # test_simulate_matches_run_due.py and its MemorySender (see there).
    life = Life(submitted, clock, MemorySender())
    until = at("2026-01-10T12:00:00Z")
    predicted = life.predicted(until, down)
    assert predicted == life.run_service(until, down)
    assert [seen[4] for seen in predicted if seen[2] == "expiry"] == (
        ["expire", "lapse"] if down else ["held", "expire", "lapse"]
    )


def test_during_the_wait_the_status_says_the_term_passed_and_a_later_notice_waits_for_it(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The retest's N5: on 2 January the status said the term and the avenant's signature
    target « à venir » (ends 7 January, the wait), and a notice dated that day was refused
    with « `convflow run-due` l'applique maintenant », while run-due had nothing due."""
    passes(submitted, clock, smtp_server, *NEW_YEAR)
    clock.now = at("2026-01-02T10:00:00Z")
    said = plain(status_text(views.status(submitted, REFERENCE), Words("fr")))
    lines = [line for line in said.splitlines() if "31 décembre 2025, fin" in line]
    assert len(lines) == 2, said  # the term, the avenant's signature target
    for line in lines:
        assert "  date passée  " in line and "  à venir  " not in line, line
        assert "en suspens tant que l'avenant de prolongation est en signature" in line, line
    with pytest.raises(GuardRejected) as refused:
        record(submitted, "give_notice", "2026-01-02", party="association", received="2026-01-02")
    # a code of its own that names the hold (the administrator's A3), not `dated_after_end`
    assert refused.value.code == "dated_after_term_expiry_held"
    told = plain(hint(refused.value, Words("fr")) or "")
    assert "maintenant" not in told
    assert passes(submitted, clock, smtp_server, "2026-01-02T10:01:00Z") == []


def test_the_committee_and_the_list_read_the_hold_as_the_status_does(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """At 00:30 in Paris on 1 January 2026, the term passed half an hour ago and no pass has
    run yet: the status says the expiry held (rule 27), no end to record. The committee's next
    meeting (a cadence of 3 months from the entry into force: 10 June 2025, not held) was said
    none, as if the convention had ended, and the list said its expiry to be recorded at the
    next pass, which will hold it instead; after that pass the committee still said none.
    Each now reads the hold as the status does, before the first pass and after it."""
    command = RecordEvent(REFERENCE, "committee_cadence", "alice", date(2025, 12, 29),
                          {"months": "3"})  # fmt: skip
    record_side(submitted, command, clock.now)
    for instant in ("2025-12-31T23:30:00Z", "2026-01-01T08:30:00Z"):
        if instant.startswith("2026"):
            passes(submitted, clock, smtp_server, "2026-01-01T08:01:00Z")
        now = at(instant)
        status = views.status(submitted, REFERENCE, now)
        assert (status["end_unrecorded"], status["expiry_held"]["until"]) == (
            None, "2026-01-07T23:00:00Z",
        ), instant  # fmt: skip
        [expiry] = [d for d in status["deadlines"] if d["kind"] == "expiry"]
        assert (expiry["held_by_extension"], expiry["passed_unrecorded"]) == (True, False)
        assert status["committee"]["next_due"] == "2025-06-10", instant
        assert views.committee(submitted, REFERENCE, now)["next_due"] == "2025-06-10", instant
        page = listing.search_conventions(submitted, ConventionFilter(), PageRequest(), now)
        [item] = page["items"]
        assert (item["state"], item["end_unrecorded"]) == ("execution", None), instant
        assert all(
            not i["closed_by_end"] for i in listing.upcoming_deadlines(submitted, now, 30)["items"]
        ), instant


def test_the_deadlines_list_reads_the_held_expiry_as_the_status_does(
    submitted: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The deadlines across conventions (the dashboard's « Échéances ») said the term « à
    enregistrer au prochain passage » before the first pass of 1 January, and « à venir » on
    the term's day after it; the status says it passed, held while the avenant is in
    signature, before and after that pass."""
    for instant in ("2025-12-31T23:30:00Z", "2026-01-01T08:30:00Z"):
        if instant.startswith("2026"):
            passes(submitted, clock, smtp_server, "2026-01-01T08:01:00Z")
        now = at(instant)
        shown = {d["kind"]: (d["held_by_extension"], d["passed_unrecorded"])
                 for d in views.status(submitted, REFERENCE, now)["deadlines"]
                 if d["kind"] in ("expiry", "amendment_signature")}  # fmt: skip
        listed = {i["kind"]: (i["held_by_extension"], i["passed_unrecorded"])
                  for i in listing.upcoming_deadlines(submitted, now, 30)["items"]}  # fmt: skip
        assert shown == listed == {"expiry": (True, False),
                                   "amendment_signature": (True, False)}, instant  # fmt: skip


@pytest.fixture
def submitted_early(
    app: App, clock: FixedClock, reference_convention: Convention, smtp_server: RunningServer
) -> App:
    """The same avenant submitted on Monday 15 December 2025 (the pass of that day sent the
    term's J-30 reminder), signed by the CRPV on the 16th; then the service stopped until
    after the term: the J-7 reminder of Wednesday 24 December was never decided."""
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_execution(app)
    clock.now = at("2025-12-15T10:00:00Z")
    command = DraftAmendment(REFERENCE, {"end_date": "2026-06-30"}, "alice", date(2025, 12, 15))
    draft_amendment(app, command, clock.now)
    amendment(app, "submit", "2025-12-15")
    run_due(app, clock.now, smtp_server.sender())
    clock.now = at("2025-12-16T10:00:00Z")
    amendment(app, "sign", "2025-12-16", signatory=CRPV)
    return app


def test_after_an_outage_the_term_reminder_is_not_sent_after_the_term_during_the_wait(
    submitted_early: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The administrator's A1: on 2 January (term 31 December, the avenant still missing the
    Métropole's signature, the service down since 16 December) the status said the term's J-7
    reminder would be skipped (`deadline_passed`), but the pass held the expiry first and then
    sent it: « arrive à son terme le 31 décembre 2025 (il y a 2 jours) … cessera de produire
    ses effets ». A reminder that the term is coming never goes after the term: skipped, as
    the status says, and the pass does what it said."""
    since = len(smtp_server.handler.accepted)
    clock.now = at("2026-01-02T10:00:00Z")
    said = {
        (r["label"], r["on_next_pass"], r["on_next_pass_reason"])
        for r in views.status(submitted_early, REFERENCE)["reminders"]
        if r["kind"] == "expiry" and r["awaiting_pass"]
    }
    assert said == {("J-7", "skip", "deadline_passed")}, said
    report = run_due(submitted_early, clock.now, smtp_server.sender())
    done = {(r.label, r.outcome, r.reason) for r in report.reminders if r.kind == "expiry"}
    assert done == {("J-7", "skipped", "deadline_passed")}, done
    assert [f"{a.deadline} {a.action}" for a in report.actions if a.deadline == "expiry"] == [
        "expiry held"
    ]
    texts = [text_of(m) for m in received(smtp_server, since)]
    assert not [t for t in texts if "arrive à son terme" in t], texts


def test_simulate_predicts_the_passes_after_an_outage_through_the_wait(
    submitted_early: App, clock: FixedClock
) -> None:
    """From 16 December, `simulate` says what the service does down until 2 January and then
    through the wait: the term's J-7 reminder skipped at the first pass after the term."""
    life = Life(submitted_early, clock, MemorySender())
    until = at("2026-01-02T10:00:00Z")
    predicted = life.predicted(until, True)
    assert predicted == life.run_service(until, True)
    seen = [(s[3], s[4], s[6]) for s in predicted if s[1] == "reminder" and s[2] == "expiry"]
    assert seen == [("J-7", "skipped", "deadline_passed")], seen


@pytest.fixture
def held_unpaid(
    app: App, clock: FixedClock, reference_convention: Convention, smtp_server: RunningServer
) -> App:
    """Notified on 20 March 2025 and never paid (`payment`), the same avenant submitted on
    27 December and signed by the CRPV on the 29th; the passes of 1 January hold the expiry."""
    clock.now = at("2025-04-02T09:00:00Z")
    load(app, reference_convention)
    bring_into_force(app)
    record(app, "notify", "2025-03-20")
    clock.now = at("2025-12-27T10:00:00Z")
    command = DraftAmendment(REFERENCE, {"end_date": "2026-06-30"}, "alice", date(2025, 12, 27))
    draft_amendment(app, command, clock.now)
    amendment(app, "submit", "2025-12-27")
    run_due(app, clock.now, smtp_server.sender())
    clock.now = at("2025-12-29T10:00:00Z")
    amendment(app, "sign", "2025-12-29", signatory=CRPV)
    passes(app, clock, smtp_server, *NEW_YEAR)
    clock.now = at("2026-01-02T10:00:00Z")
    return app


def test_during_the_wait_a_payment_made_then_is_recorded_as_status_offers_it(
    held_unpaid: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The administrator's A3: held (term passed, the avenant in signature), `status` offered
    `pay`, `report_received` and `forgo_payment`, and `pay` dated that day was refused
    `dated_after_end` (« cette fin est appliquée par le service à son échéance ») while the
    same payment is recorded once the expiry is (rule 25). It is recorded during the wait; and
    the Métropole's signature dated on the term, received after it, still extends the
    convention (rule 27)."""
    status = views.status(held_unpaid, REFERENCE)
    assert status["expiry_held"] is not None and status["state"] == "payment"
    allowed = status["allowed_events"]
    assert {"pay", "forgo_payment"} <= set(allowed), allowed
    assert not {"give_notice", "open_dispute"} & set(allowed), allowed
    assert record(held_unpaid, "pay", "2026-01-02", amount="200000.00").to_state == "execution"
    clock.now = at("2026-01-05T09:00:00Z")  # Monday: the paper of Wednesday 31 December
    assert amendment(held_unpaid, "sign", "2025-12-31", signatory=METROPOLE) == "in_force"
    passes(held_unpaid, clock, smtp_server, "2026-01-07T23:01:00Z", "2026-01-08T08:01:00Z")
    status = views.status(held_unpaid, REFERENCE)
    assert (status["state"], status["end_date"], status["paid_on"]) == (
        "execution", "2026-06-30", "2026-01-02",
    )  # fmt: skip


def test_during_the_wait_a_payment_recorded_then_expires_with_the_convention_if_unsigned(
    held_unpaid: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """Paid during the wait, the avenant never signed: the expiry is recorded dated at the
    term, as for a payment recorded after it (rule 25)."""
    record(held_unpaid, "pay", "2026-01-02", amount="200000.00")
    passes(held_unpaid, clock, smtp_server, "2026-01-07T23:01:00Z")
    status = views.status(held_unpaid, REFERENCE)
    assert (status["state"], status["paid_on"]) == ("expired", "2026-01-02")
    [expire] = [h for h in views.history(held_unpaid, REFERENCE) if h["event"] == "expire"]
    assert expire["date"] == "2025-12-31"


def test_during_the_wait_the_payment_can_be_forgone(held_unpaid: App) -> None:
    """`forgo_payment` dated during the wait is recorded, as after the end (rule 25)."""
    record(held_unpaid, "forgo_payment", "2026-01-02", reason="Action non réalisée")
    assert views.status(held_unpaid, REFERENCE)["remaining"] == []


@pytest.mark.parametrize("event", ["give_notice", "open_dispute"])
def test_during_the_wait_a_notice_is_refused_with_a_code_naming_the_hold(
    held_unpaid: App, event: str
) -> None:
    """A notice or a dispute opened after the term makes no sense whichever way the avenant
    goes: refused with a code of its own that names the hold (not `dated_after_end`, whose
    hint says the service applies the end), and not offered by `status`."""
    assert event not in views.status(held_unpaid, REFERENCE)["allowed_events"]
    inputs = {"party": "crpv", "received": "2026-01-02"}
    with pytest.raises(GuardRejected) as refused:
        record(held_unpaid, event, "2026-01-02", **inputs)
    assert refused.value.code == "dated_after_term_expiry_held"
    params = {k: refused.value.params.get(k) for k in ("on", "end", "until")}
    assert params == {
        "on": "2026-01-02", "end": "2025-12-31", "until": "2026-01-07",
    }  # fmt: skip
    said = plain(say(refused.value, Words("fr")).message)
    assert "7 janvier 2026" in said and "avenant" in said, said


def test_the_conventions_list_says_the_held_expiry_as_the_status_does(
    submitted: App,
    clock: FixedClock,
    smtp_server: RunningServer,
    settings_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The administrator's A7: during the wait `status` had `expiry_held`, the deadlines
    `held_by_extension`, and `list` (text and `--json`) nothing: the term shown past, no note.
    The list now carries `expiry_held` with the status's keys, before the first pass after the
    term and after it, and its text says it."""
    from tests.e2e.conftest import Convflow
    from workflow.cli import context as cli_context

    convflow = Convflow({**settings_env, "CONVFLOW_ACTOR": "alice"})
    for instant in ("2025-12-31T23:30:00Z", "2026-01-02T10:00:00Z"):
        if instant.startswith("2026"):
            passes(submitted, clock, smtp_server, *NEW_YEAR)
        now = at(instant)
        held = views.status(submitted, REFERENCE, now)["expiry_held"]
        assert held is not None and held["last_day"] == "2026-01-07", instant
        page = listing.search_conventions(submitted, ConventionFilter(), PageRequest(), now)
        [item] = page["items"]
        assert item["expiry_held"] == held, instant
        [row] = listing.all_conventions(submitted, ConventionFilter(), now)
        assert row["expiry_held"] == held, instant
        monkeypatch.setattr(cli_context, "utc_now", lambda now=now: now)
        [listed] = convflow.json("list")
        assert listed["expiry_held"] == held, instant
        line = next(x for x in convflow.ok("list").splitlines() if x.startswith(REFERENCE))
        assert (
            "terme passé, expiration en suspens jusqu'au mercredi 7 janvier 2026 inclus "
            "(avenant n° 1 en signature)" in plain(line)
        ), line
    # once the wait has run and the expiry is recorded, nothing is held
    passes(submitted, clock, smtp_server, "2026-01-07T23:01:00Z")
    [item] = listing.all_conventions(submitted, ConventionFilter(), at("2026-01-08T10:00:00Z"))
    assert (item["state"], item["expiry_held"]) == ("expired", None)


def test_a_payment_recorded_during_the_wait_tells_the_partners_the_term_came_and_the_end_waits(
    held_unpaid: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The retest's N1: paid on Friday 2 January 2026, term Wednesday 31 December 2025 passed,
    avenant n° 1 (→ 30 June 2026) waiting for the Métropole's signature: the partners read
    « La convention poursuit son exécution jusqu'à son terme, le mercredi 31 décembre 2025 »,
    a term already passed, and nothing of the hold. They now read that the term came, that its
    end waits for the avenant's last signature, until when, and what follows either way."""
    record(held_unpaid, "pay", "2026-01-02", amount="200000.00")
    [email] = [m for m in delivered(held_unpaid, smtp_server, clock.now)
               if "Versement" in m.subject and not m.key.endswith(":service")]  # fmt: skip
    assert not email.mentions("poursuit son exécution jusqu’à son terme"), email.text
    assert email.says(
        "Le terme de la convention est arrivé le mercredi 31 décembre 2025 à 24 h (article 4), "
        "alors que l’avenant n° 1, qui la prolonge jusqu’au mardi 30 juin 2026, attend encore "
        "la signature de Martial Alvarez : la fin de la convention est en suspens."
    ), email.text
    assert email.says(
        "Le service attend jusqu’au mercredi 7 janvier 2026 inclus qu’une dernière signature "
        "datée au plus tard du terme lui soit transmise ; si elle l’est, l’avenant prend effet "
        "et la convention se poursuit jusqu’au mardi 30 juin 2026 à 24 h, sinon la convention "
        "aura pris fin à son terme et l’avenant sera caduc. Dans les deux cas, ce versement "
        "reste acquis."
    ), email.text


def test_a_payment_forgone_during_the_wait_tells_the_partners_the_end_waits(
    held_unpaid: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    """The same for the Métropole's renunciation recorded during the wait."""
    record(held_unpaid, "forgo_payment", "2026-01-02", reason="Action non réalisée")
    [email] = [m for m in delivered(held_unpaid, smtp_server, clock.now)
               if "enonciation" in m.subject and not m.key.endswith(":service")]  # fmt: skip
    assert not email.mentions("poursuit son exécution jusqu’à son terme"), email.text
    assert email.says("la fin de la convention est en suspens"), email.text
    assert email.says("Le service attend jusqu’au mercredi 7 janvier 2026 inclus"), email.text
