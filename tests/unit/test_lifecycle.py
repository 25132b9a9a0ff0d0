"""The life of the reference convention, event by event, through `fire` only."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest

from states.calendar import add_months
from states.convention import Convention
from states.deadlines import DeadlineClosure, LegalSettings
from states.errors import (
    AutomaticEventRefused,
    ConvflowError,
    CourtNotYetOpen,
    GuardRejected,
    InvalidInput,
    InvalidTransition,
    UnknownEvent,
)
from states.lifecycle import (
    DISPUTABLE,
    END_STATES,
    EVENTS,
    STATES,
    allowed_events,
    allowed_for,
    automatic_events,
    mermaid_diagram,
)
from tests.unit.builders import (
    AGENT,
    AMOUNT,
    COURT_OPENS,
    CRPV,
    CRPV_SIGNED,
    DISPUTE_RECEIVED,
    DISPUTE_WINDOW_ENDS,
    METROPOLE,
    METROPOLE_SIGNED,
    NOTICE_ENDS,
    NOTICE_RECEIVED,
    NOTIFIED,
    PAID,
    REFERENCE,
    SERVICE,
    SUBMITTED,
    TERM,
    apply_deadline,
    convention_in,
    receive_dispute_letter,
    receive_termination_letter,
    record,
    reference_convention,
    refusal,
)


@contextmanager
def refused(
    convention: Convention, error: type[ConvflowError], expected: tuple[str, dict[str, Any]]
) -> Iterator[None]:
    """The event is refused with the `expected` code and parameters, and the convention is left
    exactly as it was."""
    before = copy.deepcopy(convention)
    with pytest.raises(error) as caught:
        yield
    assert refusal(caught.value) == expected
    assert convention == before  # state, signatures, version, dispute, notice, dates...


def signed_by_the_metropole_only() -> Convention:
    """Submitted, and signed by the Métropole's signatory; the CRPV has not signed yet."""
    convention = convention_in("signature")
    record(convention, "sign", METROPOLE_SIGNED, signatory=METROPOLE)
    return convention


def expired() -> Convention:
    """The reference convention after the service applied its term."""
    convention = convention_in("execution")
    apply_deadline(convention, "expire", TERM)
    return convention


def terminated() -> Convention:
    """The reference convention after the service applied a termination notice."""
    convention = convention_in("termination")
    apply_deadline(convention, "terminate", NOTICE_ENDS)
    return convention


def cancelled() -> Convention:
    """The reference convention abandoned before anyone signed it."""
    convention = convention_in("draft")
    record(convention, "cancel", SUBMITTED)
    return convention


# --- The paths of the reference convention ---------------------------------------------------


def test_the_reference_convention_runs_from_draft_to_its_expiry():
    convention = reference_convention()

    submitted = record(convention, "submit", SUBMITTED)
    assert (submitted.from_state, submitted.to_state) == ("draft", "signature")
    assert convention.submitted_on == SUBMITTED

    first = record(convention, "sign", METROPOLE_SIGNED, signatory=METROPOLE)
    assert (first.from_state, first.to_state) == ("signature", "signature")
    assert convention.effective_date is None
    assert [s.email for s in convention.missing_signatures()] == [CRPV]

    last = record(convention, "sign", CRPV_SIGNED, signatory=CRPV)
    assert (last.from_state, last.to_state) == ("signature", "notification")
    assert convention.effective_date == CRPV_SIGNED  # article 4: in force on the last signature
    assert convention.missing_signatures() == []

    notified = record(convention, "notify", NOTIFIED)
    assert (notified.from_state, notified.to_state) == ("notification", "payment")
    assert convention.notified_on == NOTIFIED

    paid = record(convention, "pay", PAID, amount="200000.00")
    assert (paid.from_state, paid.to_state) == ("payment", "execution")
    assert (convention.paid_on, convention.paid_amount) == (PAID, AMOUNT)

    ended = apply_deadline(convention, "expire", TERM)
    assert (ended.from_state, ended.to_state) == ("execution", "expired")
    assert ended.actor == SERVICE
    assert convention.state == "expired"
    assert convention.last_event_on == TERM


@pytest.mark.parametrize("disputed_from", DISPUTABLE)
def test_a_settled_dispute_returns_the_convention_to_the_state_it_came_from(disputed_from):
    convention = convention_in("dispute", disputed_from=disputed_from)
    assert convention.dispute is not None
    assert convention.dispute.return_state == disputed_from

    settled = record(convention, "settle", date(2025, 6, 20), agreement="protocole d'accord")

    assert (settled.from_state, settled.to_state) == ("dispute", disputed_from)
    assert convention.state == disputed_from
    assert convention.dispute is None


def test_a_dispute_settled_during_a_termination_leaves_the_notice_running():
    convention = convention_in("dispute", disputed_from="termination")

    record(convention, "settle", date(2025, 6, 20))

    assert convention.state == "termination"
    assert convention.notice is not None
    assert convention.notice.effective_end == NOTICE_ENDS


def test_a_party_may_go_to_court_only_from_the_day_after_the_amicable_window():
    convention = convention_in("dispute")
    assert convention.dispute is not None
    assert convention.dispute.window_end == DISPUTE_WINDOW_ENDS
    assert convention.dispute.earliest_court_date == COURT_OPENS

    with refused(
        convention,
        CourtNotYetOpen,
        ("amicable_window_open", {"event": "go_to_court", "court_from": "2025-07-03"}),
    ):
        record(convention, "go_to_court", DISPUTE_WINDOW_ENDS)

    to_court = record(convention, "go_to_court", COURT_OPENS, court="Tribunal judiciaire")
    assert (to_court.from_state, to_court.to_state) == ("dispute", "litigation")


def test_the_court_refusal_carries_the_first_day_a_party_may_go_to_court():
    convention = convention_in("dispute")

    with pytest.raises(CourtNotYetOpen) as caught:
        record(convention, "go_to_court", DISPUTE_RECEIVED + timedelta(days=1))

    assert caught.value.earliest == COURT_OPENS
    assert isinstance(caught.value, GuardRejected)


@pytest.mark.parametrize("disputed_from", DISPUTABLE)
def test_closing_the_litigation_returns_the_convention_to_the_state_it_came_from(disputed_from):
    convention = convention_in("litigation", disputed_from=disputed_from)

    closed = record(convention, "close_litigation", date(2025, 10, 1), ruling="désistement")

    assert (closed.from_state, closed.to_state) == ("litigation", disputed_from)
    assert convention.dispute is None


def test_a_termination_takes_effect_six_months_after_the_letter_before_the_term():
    convention = convention_in("execution")

    given = receive_termination_letter(convention)

    assert (given.from_state, given.to_state) == ("execution", "termination")
    assert convention.notice is not None
    assert convention.notice.party == "metropole"
    assert convention.notice.notice_end == NOTICE_ENDS
    assert convention.notice.effective_end == NOTICE_ENDS
    assert convention.ends_on() == NOTICE_ENDS

    ended = apply_deadline(convention, "terminate", NOTICE_ENDS)
    assert (ended.from_state, ended.to_state) == ("termination", "terminated")


def test_a_termination_overtaken_by_the_term_ends_at_the_term():
    convention = convention_in("execution")

    given = receive_termination_letter(convention, received=date(2025, 9, 15))

    assert convention.notice is not None
    assert convention.notice.notice_end == date(2026, 3, 15)
    assert convention.notice.effective_end == TERM
    (notice,) = given.opened
    assert notice.ends_by == "expiry"
    ended = apply_deadline(convention, "expire", TERM)
    assert (ended.from_state, ended.to_state) == ("termination", "expired")


def test_a_termination_takes_effect_even_during_a_dispute():
    convention = convention_in("dispute", disputed_from="termination")

    ended = apply_deadline(convention, "terminate", NOTICE_ENDS)

    assert (ended.from_state, ended.to_state) == ("dispute", "terminated")


def test_the_service_cannot_terminate_a_convention_that_has_no_notice_running():
    convention = convention_in("dispute")  # disputed from execution: no notice

    with refused(
        convention,
        GuardRejected,
        ("no_notice_running", {"event": "terminate"}),
    ):
        apply_deadline(convention, "terminate", TERM)


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(partial(convention_in, "draft"), id="draft"),
        pytest.param(partial(convention_in, "signature"), id="sent for signature"),
        pytest.param(signed_by_the_metropole_only, id="signed by one party only"),
    ],
)
def test_a_convention_never_signed_by_all_may_be_cancelled(given: Callable[[], Convention]):
    convention = given()

    outcome = record(convention, "cancel", METROPOLE_SIGNED, reason="projet abandonné")

    assert outcome.to_state == "cancelled"
    assert convention.state == "cancelled"


def test_a_convention_in_force_cannot_be_cancelled():
    convention = convention_in("notification")

    with refused(
        convention,
        InvalidTransition,
        (
            "invalid_transition",
            {
                "event": "cancel",
                "state": "notification",
                "allowed": ["notify", "open_dispute", "give_notice"],
                "notice_overridden": False,
            },
        ),
    ):
        record(convention, "cancel", NOTIFIED)


def test_a_signatory_is_found_by_email_whatever_its_case():
    convention = convention_in("signature")

    outcome = record(
        convention, "sign", METROPOLE_SIGNED, signatory=" Martial.Alvarez@Example.ORG "
    )

    assert outcome.signed is not None
    assert outcome.signed.email == METROPOLE
    assert outcome.inputs == {"signatory": METROPOLE, "party": "metropole"}


def test_a_letter_received_as_an_instant_is_dated_in_paris():
    convention = convention_in("execution")

    outcome = record(
        convention, "open_dispute", DISPUTE_RECEIVED, party="crpv", received="2025-06-01T22:30Z"
    )

    assert outcome.inputs["received"] == "2025-06-02"
    assert convention.dispute is not None
    assert convention.dispute.window_end == DISPUTE_WINDOW_ENDS


def test_an_event_may_be_dated_on_the_last_day_of_the_convention():
    convention = convention_in("execution")

    outcome = receive_dispute_letter(convention, received=TERM)

    assert outcome.to_state == "dispute"


# --- Refusals: nothing changes, and the user reads why --------------------------------------


def in_state(state: str) -> Callable[[], Convention]:
    """A builder of the reference convention in `state`."""
    return partial(convention_in, state)


CIVIL_READING = LegalSettings(uncollected_letter="not_notified")
"""Rule 22 read as civil courts do: a letter never collected notifies nothing."""

REFUSALS = [
    pytest.param(
        in_state("draft"), "approve", SUBMITTED, {}, UnknownEvent,
        ('unknown_event',
 {'event': 'approve',
  'events': ['submit',
             'sign',
             'cancel',
             'notify',
             'pay',
             'report_received',
             'open_dispute',
             'settle',
             'go_to_court',
             'close_litigation',
             'give_notice',
             'forgo_payment',
             'expire',
             'terminate']}),
        id="unknown event",
    ),
    pytest.param(
        in_state("draft"), "pay", SUBMITTED, {"amount": "200000.00"}, InvalidTransition,
        ('invalid_transition',
 {'event': 'pay', 'state': 'draft', 'allowed': ['submit', 'cancel'],
  'notice_overridden': False}),
        id="paying a draft",
    ),
    pytest.param(
        in_state("execution"), "settle", PAID, {}, InvalidTransition,
        ('invalid_transition',
 {'event': 'settle', 'state': 'execution', 'allowed': ['open_dispute', 'give_notice'],
  'notice_overridden': False}),
        id="settling without a dispute",
    ),
    pytest.param(
        in_state("execution"), "expire", TERM, {}, AutomaticEventRefused,
        ('automatic_event', {'event': 'expire'}),
        id="a person expiring the convention",
    ),
    pytest.param(
        in_state("termination"), "terminate", NOTICE_ENDS, {}, AutomaticEventRefused,
        ('automatic_event', {'event': 'terminate'}),
        id="a person terminating the convention",
    ),
    pytest.param(
        in_state("signature"), "sign", METROPOLE_SIGNED,
        {"signatory": "jean.dupont@example.org"}, GuardRejected,
        ('not_a_signatory',
 {'event': 'sign',
  'signatory': 'jean.dupont@example.org',
  'signatories': ['martial.alvarez@example.org', 'mustapha.berra@example.org']}),
        id="sign by a non-signatory",
    ),
    pytest.param(
        signed_by_the_metropole_only, "sign", CRPV_SIGNED, {"signatory": METROPOLE},
        GuardRejected,
        ('already_signed',
 {'event': 'sign', 'signatory': 'martial.alvarez@example.org', 'signed_on': '2025-03-10'}),
        id="signing twice",
    ),
    pytest.param(
        in_state("payment"), "pay", PAID, {"amount": "150000.00"}, GuardRejected,
        ('amount_differs',
 {'event': 'pay', 'amount': '150000.00', 'due': '200000.00', 'article': 'article 2'}),
        id="paying another amount",
    ),
    pytest.param(
        in_state("payment"), "pay", PAID, {"amount": "200.000,00"}, InvalidInput,
        ('not_an_amount', {'field': 'amount', 'value': '200.000,00'}),
        id="paying a malformed amount",
    ),
    pytest.param(
        in_state("execution"), "open_dispute", DISPUTE_RECEIVED,
        {"party": "ville-de-marseille", "received": "2025-06-02"}, GuardRejected,
        ('unknown_party',
 {'event': 'open_dispute',
  'party': 'ville-de-marseille',
  'parties': ['metropole', 'crpv']}),
        id="a dispute from someone not a party",
    ),
    pytest.param(
        in_state("execution"), "give_notice", date(2025, 5, 20),
        {"party": "metropole", "presented": "2025-05-05", "uncollected": "yes",
         "settings": CIVIL_READING}, GuardRejected,
        ('termination_not_notified', {'event': 'give_notice', 'article': 'article 7'}),
        id="a termination letter never collected, read as civil courts do",
    ),
    pytest.param(
        in_state("execution"), "give_notice", date(2025, 5, 20),
        {"party": "metropole", "presented": "2025-05-02", "received": "2025-05-19",
         "electronic": "yes", "settings": CIVIL_READING}, GuardRejected,
        ('termination_not_notified', {'event': 'give_notice', 'article': 'article 7'}),
        id="an LRE accepted after 15 days, read as civil courts do",
    ),
    pytest.param(
        in_state("execution"), "open_dispute", date(2025, 5, 20),
        {"party": "metropole", "presented": "2025-05-05", "uncollected": "yes",
         "settings": CIVIL_READING}, GuardRejected,
        ('dispute_not_notified', {'event': 'open_dispute', 'article': 'article 6'}),
        id="a dispute letter never collected, read as civil courts do",
    ),
    pytest.param(
        in_state("signature"), "sign", METROPOLE_SIGNED,
        {"signatory": METROPOLE, "witness": "Jean Dupont"}, InvalidInput,
        ('unknown_input', {'field': 'witness', 'event': 'sign', 'accepted': ['signatory']}),
        id="an unknown input",
    ),
    pytest.param(
        in_state("signature"), "sign", METROPOLE_SIGNED, {}, InvalidInput,
        ('required_input', {'field': 'signatory', 'event': 'sign'}),
        id="a missing input",
    ),
    pytest.param(
        in_state("signature"), "sign", METROPOLE_SIGNED, {"signatory": "  "}, InvalidInput,
        ('required_input', {'field': 'signatory', 'event': 'sign'}),
        id="a blank input",
    ),
    pytest.param(
        in_state("notification"), "notify", date(2026, 11, 26), {}, GuardRejected,
        ('dated_in_future', {'event': 'notify', 'on': '2026-11-26', 'today': '2026-11-25'}),
        id="an event dated in the future",
    ),
    pytest.param(
        in_state("payment"), "pay", date(2025, 3, 19), {"amount": "200000.00"}, GuardRejected,
        ('dated_before_last_event',
 {'event': 'pay', 'on': '2025-03-19', 'last_event_on': '2025-03-20', 'last_event': 'notify',
  'last_amendment': None, 'terms_changed': False, 'before_end': False}),
        id="an event dated before the last one",
    ),
    pytest.param(
        in_state("execution"), "open_dispute", date(2026, 1, 5),
        {"party": "crpv", "received": "2026-01-05"}, GuardRejected,
        ('dated_after_end', {'event': 'open_dispute', 'on': '2026-01-05', 'end': '2025-12-31'}),
        id="an event dated after the term",
    ),
    pytest.param(
        in_state("termination"), "open_dispute", date(2025, 11, 6),
        {"party": "crpv", "received": "2025-11-06"}, GuardRejected,
        ('dated_after_end', {'event': 'open_dispute', 'on': '2025-11-06', 'end': '2025-11-05'}),
        id="an event dated after the termination took effect",
    ),
    pytest.param(
        in_state("execution"), "open_dispute", DISPUTE_RECEIVED,
        {"party": "crpv", "received": "2025-06-03"}, InvalidInput,
        ('letter_after_event', {'field': 'received', 'date': '2025-06-03', 'on': '2025-06-02'}),
        id="a letter dated after the event",
    ),
    pytest.param(
        in_state("execution"), "open_dispute", DISPUTE_RECEIVED,
        {"party": "crpv", "received": "2025-03-01"}, GuardRejected,
        ('letter_before_effect',
 {'event': 'open_dispute', 'letter_date': '2025-03-01', 'effective_date': '2025-03-12'}),
        id="a letter before the convention took effect",
    ),
    pytest.param(
        in_state("execution"), "open_dispute", DISPUTE_RECEIVED,
        {"party": "crpv", "received": "2 juin 2025"}, InvalidInput,
        ('not_a_date', {'field': 'received', 'value': '2 juin 2025'}),
        id="a letter date that is not a date",
    ),
    pytest.param(
        in_state("execution"), "open_dispute", DISPUTE_RECEIVED,
        {"party": "crpv", "dispatched": "2025-06-03", "received": "2025-06-02"}, InvalidInput,
        ('letter_dates_out_of_order',
 {'field': 'received',
  'date': '2025-06-02',
  'earlier_field': 'dispatched',
  'earlier': '2025-06-03'}),
        id="a letter received before it was sent",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("given", "trigger", "on", "inputs", "error", "expected"), REFUSALS)
def test_a_refused_event_changes_nothing_and_says_why(given, trigger, on, inputs, error, expected):
    convention = given()

    with refused(convention, error, expected):
        record(convention, trigger, on, **inputs)


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(expired, id="expired"),
        pytest.param(terminated, id="terminated"),
        pytest.param(cancelled, id="cancelled"),
    ],
)
def test_a_convention_that_has_ended_accepts_no_event(given: Callable[[], Convention]):
    convention = given()

    with refused(
        convention,
        InvalidTransition,
        (
            "invalid_transition",
            {
                "event": "open_dispute",
                "state": convention.state,
                "allowed": [],
                "notice_overridden": False,
            },
        ),
    ):
        receive_dispute_letter(convention, received=date(2025, 12, 1))


def test_the_service_cannot_expire_a_convention_not_in_force():
    convention = convention_in("draft")

    with refused(
        convention,
        InvalidTransition,
        (
            "invalid_transition",
            {
                "event": "expire",
                "state": "draft",
                "allowed": ["submit", "cancel"],
                "notice_overridden": False,
            },
        ),
    ):
        apply_deadline(convention, "expire", TERM)


def test_a_refused_event_leaves_the_signatures_and_version_untouched():
    convention = signed_by_the_metropole_only()
    convention.version = 3

    with pytest.raises(GuardRejected):
        record(convention, "sign", CRPV_SIGNED, signatory="jean.dupont@example.org")

    assert convention.version == 3
    assert convention.state == "signature"
    assert [s.signed_on for s in convention.signatories] == [METROPOLE_SIGNED, None]
    assert convention.effective_date is None


# --- What a person may do in each state ------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "events"),
    [
        ("draft", ["submit", "cancel"]),
        ("signature", ["sign", "cancel"]),
        ("notification", ["notify", "report_received", "open_dispute", "give_notice"]),
        ("payment", ["pay", "report_received", "open_dispute", "give_notice", "forgo_payment"]),
        ("execution", ["pay", "report_received", "open_dispute", "give_notice", "forgo_payment"]),
        ("dispute", ["report_received", "settle", "go_to_court"]),
        ("litigation", ["report_received", "close_litigation"]),
        # a notice running: the convention is executed normally until its end
        ("termination", ["pay", "report_received", "open_dispute", "forgo_payment"]),
        # an instalment unpaid at the end stays due (rule 25): paid, its report, or forgone
        (
            "expired",
            [
                "pay",
                "report_received",
                "settle",
                "go_to_court",
                "close_litigation",
                "forgo_payment",
            ],
        ),
        (
            "terminated",
            [
                "pay",
                "report_received",
                "settle",
                "go_to_court",
                "close_litigation",
                "forgo_payment",
            ],
        ),
        ("cancelled", []),
    ],
)
def test_the_events_a_person_may_record_in_each_state(state, events):
    """What the lifecycle allows in a state; a convention's own list (below) also drops a
    payment when everything is paid and a report when none is awaited (the financial report,
    rule 20, may come in any state after the signature, the end included)."""
    assert allowed_events(state) == events


def test_a_convention_paid_in_one_payment_offers_no_report_and_no_second_payment():
    convention = reference_convention()
    assert allowed_for(convention_in("payment")) == [
        "pay",
        "open_dispute",
        "give_notice",
        "forgo_payment",
    ]
    assert allowed_for(convention_in("execution")) == ["open_dispute", "give_notice"]
    # a notice running: the payment made, nothing left to pay, forgo, or receive
    assert allowed_for(convention_in("termination")) == ["open_dispute"]
    assert allowed_for(convention) == ["submit", "cancel"]


@pytest.mark.parametrize(
    ("state", "events"),
    [
        ("draft", []),
        ("signature", []),
        ("notification", ["expire"]),
        ("payment", ["expire"]),
        ("execution", ["expire"]),
        ("dispute", ["expire", "terminate"]),
        ("litigation", ["expire", "terminate"]),
        ("termination", ["expire", "terminate"]),
        ("expired", []),
        ("terminated", []),
        ("cancelled", []),
    ],
)
def test_the_events_the_service_may_fire_in_each_state(state, events):
    assert automatic_events(state) == events


@pytest.mark.parametrize("state", END_STATES)
def test_an_end_state_allows_nothing_but_the_financial_report_it_still_awaits(state):
    # ... or the dispute still open at its end (rule 24: none here, see test_dispute_after_end)
    assert automatic_events(state) == []
    ended = convention_in("execution")  # paid in full: nothing is owed after the end (rule 25)
    ended.state = state
    assert allowed_for(ended) == []  # no financial report owed: nothing at all


def test_the_diagram_draws_every_state_and_every_event():
    diagram = mermaid_diagram()

    assert diagram.startswith("stateDiagram-v2\n")
    assert "    [*] --> draft\n" in diagram
    for state in STATES:
        assert f" {state} " in diagram or f" {state}\n" in diagram, state
    for trigger in EVENTS:
        assert f": {trigger}\n" in diagram, trigger
    for state in END_STATES:
        assert f"    {state} --> [*]\n" in diagram
    assert "    signature --> signature: sign\n" in diagram  # a signature still awaited
    assert "    dispute --> termination: settle\n" in diagram
    assert "classDef" not in diagram


def test_the_diagram_highlights_the_current_state():
    diagram = mermaid_diagram(highlight="payment")

    assert "    class payment current\n" in diagram
    assert diagram.count("classDef current") == 1


def test_the_diagram_ignores_a_highlight_that_is_not_a_state():
    assert mermaid_diagram(highlight="archived") == mermaid_diagram()


# --- What each event opens and closes ------------------------------------------------------

PENDING_OR_PASSED = ("pending", "passed")

OUTCOMES = [
    pytest.param(
        in_state("draft"), "submit", SUBMITTED, {}, ("signature",), (),
        id="submit opens the signature target",
    ),
    pytest.param(
        in_state("signature"), "sign", METROPOLE_SIGNED, {"signatory": METROPOLE}, (), (),
        id="a first signature opens and closes nothing",
    ),
    pytest.param(
        signed_by_the_metropole_only, "sign", CRPV_SIGNED, {"signatory": CRPV},
        ("expiry", "publication"),
        (DeadlineClosure("signature", "met", PENDING_OR_PASSED, met_on=CRPV_SIGNED),),
        id="the last signature opens the expiry and the open data's publication, and meets "
        "the signature target",
    ),
    pytest.param(
        in_state("signature"), "cancel", METROPOLE_SIGNED, {}, (),
        (DeadlineClosure(None, "cancelled", PENDING_OR_PASSED),),
        id="cancel cancels every deadline",
    ),
    pytest.param(
        in_state("notification"), "notify", NOTIFIED, {}, ("payment",), (),
        id="notify opens the payment target",
    ),
    pytest.param(
        in_state("payment"), "pay", PAID, {"amount": "200000"}, (),
        (DeadlineClosure("payment", "met", PENDING_OR_PASSED, met_on=PAID),),
        id="pay meets the payment target",
    ),
    pytest.param(
        in_state("execution"), "open_dispute", DISPUTE_RECEIVED,
        {"party": "crpv", "received": "2025-06-02"}, ("dispute_window",), (),
        id="open_dispute opens the amicable window",
    ),
    pytest.param(
        in_state("dispute"), "settle", date(2025, 6, 20), {}, (),
        (DeadlineClosure("dispute_window", "cancelled"),),
        id="settle cancels the amicable window",
    ),
    pytest.param(
        in_state("dispute"), "go_to_court", COURT_OPENS, {}, (),
        (DeadlineClosure("dispute_window", "passed"),),
        id="go_to_court marks the amicable window passed",
    ),
    pytest.param(
        in_state("litigation"), "close_litigation", date(2025, 10, 1), {}, (), (),
        id="close_litigation opens and closes nothing",
    ),
    pytest.param(
        in_state("execution"), "give_notice", NOTICE_RECEIVED,
        {"party": "metropole", "received": "2025-05-05"}, ("termination",), (),
        id="give_notice opens the termination",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("given", "trigger", "on", "inputs", "opened", "closures"), OUTCOMES)
def test_each_event_opens_and_closes_its_deadlines(given, trigger, on, inputs, opened, closures):
    convention = given()
    from_state = convention.state

    outcome = record(convention, trigger, on, **inputs)

    assert tuple(deadline.kind for deadline in outcome.opened) == opened
    assert outcome.closures == closures
    assert (outcome.reference, outcome.trigger, outcome.on) == (REFERENCE, trigger, on)
    assert (outcome.from_state, outcome.to_state) == (from_state, convention.state)
    assert outcome.actor == AGENT


@pytest.mark.parametrize(
    ("given", "trigger", "on", "applied"),
    [
        pytest.param(in_state("execution"), "expire", TERM, "expiry", id="expire"),
        pytest.param(
            in_state("termination"), "terminate", NOTICE_ENDS, "termination", id="terminate"
        ),
    ],
)
def test_the_end_applies_its_deadline_and_cancels_every_other(given, trigger, on, applied):
    convention = given()

    outcome = apply_deadline(convention, trigger, on)

    assert outcome.opened == ()
    assert outcome.closures == (
        DeadlineClosure(applied, "applied"),
        DeadlineClosure(None, "cancelled"),
    )


def test_the_last_signature_opens_the_expiry_on_the_term():
    convention = signed_by_the_metropole_only()

    outcome = record(convention, "sign", CRPV_SIGNED, signatory=CRPV)

    term, published = outcome.opened
    assert term.due_date == TERM
    assert "Terme (article 4)" in term.explanation
    assert (published.kind, published.due_date) == ("publication", add_months(CRPV_SIGNED, 3))
    assert outcome.signed is not None
    assert outcome.signed.party == "crpv"


def test_submission_opens_a_signature_target_seven_days_later():
    convention = convention_in("draft")

    (target,) = record(convention, "submit", SUBMITTED).opened

    assert target.due_date == SUBMITTED + timedelta(days=7)


def test_notification_opens_the_payment_target_thirty_days_later():
    convention = convention_in("notification")

    (target,) = record(convention, "notify", NOTIFIED).opened

    assert target.due_date == date(2025, 4, 19)


def test_payment_is_recorded_with_its_exact_amount():
    convention = convention_in("payment")

    outcome = record(convention, "pay", PAID, amount="200000", note="mandat n° 4521")

    assert outcome.inputs == {"amount": "200000.00", "note": "mandat n° 4521"}
    assert convention.paid_amount == AMOUNT


def test_a_dispute_letter_opens_its_window_and_keeps_the_letter_in_the_history():
    convention = convention_in("execution")

    outcome = record(
        convention,
        "open_dispute",
        DISPUTE_RECEIVED,
        party="crpv",
        dispatched="2025-05-28",
        received="2025-06-02",
        subject="retard de versement",
    )

    (window,) = outcome.opened
    assert window.due_date == DISPUTE_WINDOW_ENDS
    assert window.earliest_court_date == COURT_OPENS
    assert outcome.inputs == {
        "party": "crpv",
        "dispatched": "2025-05-28",
        "received": "2025-06-02",
        "subject": "retard de versement",
    }


def test_an_uncollected_dispute_letter_opens_a_flagged_window_from_its_presentation():
    convention = convention_in("execution")

    outcome = record(
        convention,
        "open_dispute",
        DISPUTE_RECEIVED,
        party="crpv",
        presented="2025-06-02",
        uncollected="oui",
    )

    (window,) = outcome.opened
    assert window.flags == ("uncollected",)
    assert window.trigger_date == DISPUTE_RECEIVED
    assert outcome.inputs == {"party": "crpv", "presented": "2025-06-02", "uncollected": "yes"}


def test_a_termination_letter_opens_the_termination_on_its_effective_end():
    convention = convention_in("execution")

    (notice,) = receive_termination_letter(convention).opened

    assert notice.due_date == NOTICE_ENDS
    assert notice.ends_by == "termination"
