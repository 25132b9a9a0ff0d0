"""A convention's event dated before an amendment's lines: a dispute letter logged late.

The order rule exists so that an event is checked against the convention's state and terms at
its date. An avenant's lines that changed nothing (a draft, a submission, a signature awaiting
the other party's) do not stand in the way of a convention's event dated before them: a letter
received on 2 June, logged after the Métropole's signature of avenant n° 1 dated 10 June, is
recorded at its own date, and its amicable window runs from it. An avenant that came into force
on 10 June changed the terms on that date: the letter is still refused, the refusal naming
that line and saying what to do. The convention's own order stays.
"""

from __future__ import annotations

import copy
from datetime import date

import pytest

from states.amendments import Amendment, check_draft_date, fire_amendment, parse_changes
from states.convention import Convention
from states.errors import GuardRejected
from tests.reading import plain
from tests.unit.builders import (
    AGENT,
    DISPUTE_RECEIVED,
    DISPUTE_WINDOW_ENDS,
    PAID,
    SETTINGS,
    TODAY,
    convention_in,
    receive_dispute_letter,
    receive_termination_letter,
    refusal,
)
from workflow.wording.refusals import problem_text
from workflow.wording.words import Words

METROPOLE = "mustapha.berra@example.org"
CRPV = "martial.alvarez@example.org"
DRAFTED = date(2025, 6, 5)  # avenant n° 1 drafted and submitted
METROPOLE_SIGNS = date(2025, 6, 10)  # after the dispute letter's receipt (2 June)
CRPV_SIGNS = date(2025, 6, 6)


def with_avenant(*, in_force: bool) -> Convention:
    """The reference convention in execution (paid on 15 April 2025), its avenant n° 1 drafted
    and submitted on 5 June 2025 and signed by the Métropole on 10 June 2025; by the CRPV too
    before it (6 June) when `in_force`: that last signature brings it into force on 10 June."""
    convention = convention_in("execution")
    amendment = Amendment(1, changes=parse_changes(convention, {"amount": "210000.00"}),
                          created_on=DRAFTED, last_event_on=DRAFTED)  # fmt: skip
    convention.last_event_on = DRAFTED  # the draft's line (states.amendments.check_draft_date)
    steps = [("submit", DRAFTED, {}), ("sign", METROPOLE_SIGNS, {"signatory": METROPOLE})]
    if in_force:
        steps.insert(1, ("sign", CRPV_SIGNS, {"signatory": CRPV}))
    for trigger, on, inputs in steps:
        fire_amendment(convention, amendment, trigger, on=on, actor=AGENT, today=TODAY,
                       legal=SETTINGS, inputs=inputs)  # fmt: skip
    assert amendment.state == ("in_force" if in_force else "signature")
    return convention


def refused_unchanged(convention: Convention, trigger: str) -> GuardRejected:
    """The dispute letter (or `trigger`'s) dated before is refused; the convention unchanged."""
    before = copy.deepcopy(convention)
    with pytest.raises(GuardRejected) as caught:
        if trigger == "open_dispute":
            receive_dispute_letter(convention)
        else:
            receive_termination_letter(convention, received=DISPUTE_RECEIVED)
    assert convention == before
    return caught.value


def test_a_letter_logged_late_is_recorded_before_a_signature_that_changed_nothing() -> None:
    convention = with_avenant(in_force=False)

    outcome = receive_dispute_letter(convention)  # received 2 June, logged after 10 June

    assert outcome.on == DISPUTE_RECEIVED and outcome.to_state == "dispute"
    assert convention.dispute is not None
    # the 30 days of article 6 run from the receipt, not from when it was logged (rule 9)
    assert convention.dispute.window_end == DISPUTE_WINDOW_ENDS == date(2025, 7, 2)
    assert (convention.own_event_on, convention.own_event) == (DISPUTE_RECEIVED, "open_dispute")
    assert convention.last_event_on == METROPOLE_SIGNS  # the last line of all stays


def test_a_letter_dated_before_an_avenant_in_force_is_refused_naming_its_signature() -> None:
    convention = with_avenant(in_force=True)

    error = refused_unchanged(convention, "open_dispute")

    assert refusal(error) == ("dated_before_last_event", {
        "event": "open_dispute", "on": "2025-06-02", "last_event_on": "2025-06-10",
        "last_event": "sign", "last_amendment": 1, "terms_changed": True, "before_end": False,
    })  # fmt: skip


def test_the_refusal_says_in_french_which_line_and_what_to_do() -> None:
    error = refused_unchanged(with_avenant(in_force=True), "open_dispute")

    said = plain(problem_text(Words("fr"), error.code, error.params))

    assert said == (
        "la date indiquée (2 juin 2025) est antérieure à la signature de l'avenant "
        "n° 1 (10 juin 2025), déjà enregistrée, qui a fait entrer l'avenant en vigueur : "
        "les termes de la convention ont changé à cette date, et l'événement serait vérifié "
        "sur les nouveaux ; si la date indiquée est la bonne, signalez-le aux "
        "administrateurs de convflow : l'événement ne peut pas être enregistré après cette "
        "ligne ; n'indiquez pas une autre date, les délais courraient à partir d'elle"
    ), said


def test_the_convention_s_own_order_still_holds_and_its_line_is_named() -> None:
    convention = with_avenant(in_force=False)
    before_payment = date(2025, 4, 10)  # paid on 15 April

    with pytest.raises(GuardRejected) as caught:
        receive_dispute_letter(convention, received=before_payment)

    assert refusal(caught.value) == ("dated_before_last_event", {
        "event": "open_dispute", "on": "2025-04-10", "last_event_on": PAID.isoformat(),
        "last_event": "pay", "last_amendment": None, "terms_changed": False, "before_end": False,
    })  # fmt: skip
    said = plain(problem_text(Words("fr"), caught.value.code, caught.value.params))
    assert said.startswith(
        "la date indiquée (10 avril 2025) est antérieure au dernier événement de la "
        "convention, « Versement » du 15 avril 2025, déjà enregistré : les "
        "événements d'une convention s'enregistrent dans l'ordre de leurs dates ;"
    ), said


def test_a_notice_stays_after_every_line_an_avenant_s_included() -> None:
    # A termination's notice moves the convention's end, which the avenant's later lines were
    # checked against (rule 13): it stays dated after them.
    error = refused_unchanged(with_avenant(in_force=False), "give_notice")

    assert refusal(error) == ("dated_before_last_event", {
        "event": "give_notice", "on": "2025-06-02", "last_event_on": "2025-06-10",
        "last_event": None, "last_amendment": None, "terms_changed": False, "before_end": False,
    })  # fmt: skip
    said = plain(problem_text(Words("fr"), error.code, error.params))
    assert said.startswith(
        "la date indiquée (2 juin 2025) est antérieure au dernier événement enregistré "
        "(10 juin 2025) ; si la date indiquée est la bonne"
    ), said


def test_a_new_avenant_is_still_drafted_after_every_line_recorded() -> None:
    convention = with_avenant(in_force=False)
    receive_dispute_letter(convention)  # 2 June, after the avenant's signature of 10 June

    with pytest.raises(GuardRejected) as caught:
        check_draft_date(convention, date(2025, 6, 8), TODAY)

    assert refusal(caught.value)[1]["last_event_on"] == "2025-06-10"
