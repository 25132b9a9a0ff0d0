"""The steering committee of article 3 (rule 23 of docs/LEGAL-DEADLINES.md): each worked example
of the rule's table as a test, then the records beside the lifecycle that keep its meetings and
its cadence."""

from __future__ import annotations

from datetime import date

import pytest

from notifications.committee import MODEL_COMMITTEE
from notifications.samples import COMMISSION, sample_context
from states.calendar import HolidayCalendar
from states.committee import Committee, Meeting, committee_words, next_meeting
from states.convention import Convention, ReminderOffsets
from states.deadlines import INFORMATION_KINDS, DeadlineClosure, for_partners
from states.errors import ConvflowError
from states.lifecycle import Outcome, record_side
from states.reminders import plan
from tests.unit.builders import (
    AGENT,
    CRPV,
    CRPV_SIGNED,
    METROPOLE,
    SETTINGS,
    TODAY,
    convention_in,
    record,
    refusal,
)
from workflow.usecases.emails import committee_snapshot

IN_FORCE = date(2025, 3, 10)
TERM = date(2025, 12, 31)


def meeting(day: date) -> Meeting:
    return Meeting(day, "Métropole, GIP CRPV PACA", "Programme validé")


# --- Rule 23: the worked examples ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "held", "term", "due"),
    [
        pytest.param(None, (date(2025, 6, 12),), TERM, None, id="no cadence: no deadline"),
        pytest.param(6, (), TERM, date(2025, 9, 10), id="6 months from the entry into force"),
        pytest.param(6, (date(2025, 6, 12),), TERM, date(2025, 12, 12),
                     id="6 months from the last meeting"),
        pytest.param(6, (date(2025, 8, 4),), TERM, None, id="after the term: none"),
        pytest.param(9, (date(2025, 3, 31),), TERM, None,
                     id="on the term's own day: the end closes it, none"),
        pytest.param(9, (date(2025, 3, 28),), TERM, date(2025, 12, 28),
                     id="three days before the term: due"),
        pytest.param(6, (date(2025, 8, 31),), date(2026, 12, 31), date(2026, 2, 28),
                     id="no 31 February; a Saturday, not extended"),
    ],
)  # fmt: skip
def test_rule_23_the_next_meeting_is_due_cadence_months_after_the_last_one(
    cadence: int | None, held: tuple[date, ...], term: date, due: date | None
):
    committee = Committee(cadence, tuple(meeting(day) for day in held))

    found = next_meeting(committee, IN_FORCE, term, "article 3")

    assert (found.due_date if found else None) == due
    if found is not None:
        assert found.kind == "committee"
        assert found.flags == ("information",)
        assert "article 3" in found.explanation
        assert "pas de report au jour ouvrable suivant" in found.explanation


def test_rule_23_none_is_due_on_the_day_a_notice_ends_the_convention():
    """A termination's notice ending on 10 September 2025, the day a 6-month cadence from the
    entry into force would fall: that end closes it (states.deadlines.closed_by_end), as the
    due pass would cancel it with the end; one day later, 11 September, nothing is due."""
    assert next_meeting(Committee(6), IN_FORCE, date(2025, 9, 10), "article 3") is None
    found = next_meeting(Committee(6), IN_FORCE, date(2025, 9, 11), "article 3")
    assert found is not None and found.due_date == date(2025, 9, 10)


def test_rule_23_it_is_information_and_reminded_to_convene():
    found = next_meeting(Committee(6), IN_FORCE, TERM, "article 3")
    assert found is not None

    planned = plan(found, ReminderOffsets(), 9, HolidayCalendar())

    assert "committee" in INFORMATION_KINDS
    assert [(r.template, r.label) for r in planned] == [
        ("reminder_committee", "J-30"),
        ("reminder_committee", "J-7"),
    ]


# --- The records beside the lifecycle ---------------------------------------------------------


def side(convention: Convention, trigger: str, on: date, **inputs: str) -> Outcome:
    return record_side(convention, trigger, on=on, actor=AGENT, settings=SETTINGS, today=TODAY,
                       inputs=inputs)  # fmt: skip


def test_a_cadence_set_in_force_opens_the_next_meeting_from_the_entry_into_force():
    convention = convention_in("execution")

    outcome = side(convention, "committee_cadence", date(2025, 4, 20), months="6")

    (due,) = outcome.opened
    assert due.due_date == date(2025, 9, 12)  # 6 months from the last signature, 12 March
    assert outcome.closures == (DeadlineClosure("committee", "superseded", ("pending", "passed")),)
    assert outcome.from_state == outcome.to_state == "execution"
    assert convention.committee.cadence_months == 6


def test_a_meeting_meets_the_due_one_and_opens_the_next():
    convention = convention_in("execution")
    side(convention, "committee_cadence", date(2025, 4, 20), months="6")

    outcome = side(convention, "committee_meeting", date(2025, 6, 12),
                   attendees="Métropole ; CRPV", decisions="Programme validé",
                   minutes="Compte rendu.")  # fmt: skip

    (due,) = outcome.opened
    assert due.due_date == date(2025, 12, 12)
    assert outcome.closures[0].kind == "committee"
    assert outcome.closures[0].status == "met"
    assert "minutes" not in outcome.inputs
    assert len(outcome.inputs["minutes_sha256"]) == 64
    assert convention.committee.meetings[0].minutes == "Compte rendu."


def test_without_a_cadence_a_meeting_is_recorded_and_opens_nothing():
    convention = convention_in("notification")

    outcome = side(convention, "committee_meeting", CRPV_SIGNED, attendees="A", decisions="B")

    assert outcome.opened == ()
    assert [m.held_on for m in convention.committee.meetings] == [CRPV_SIGNED]


def test_a_cadence_set_before_signature_opens_at_the_last_signature():
    convention = convention_in("signature")
    side(convention, "committee_cadence", date(2025, 3, 4), months="3")

    record(convention, "sign", date(2025, 3, 10), signatory=METROPOLE)
    outcome = record(convention, "sign", CRPV_SIGNED, signatory=CRPV)

    kinds = {d.kind: d.due_date for d in outcome.opened}
    assert kinds["committee"] == date(2025, 6, 12)


@pytest.mark.parametrize(
    ("state", "trigger", "on", "inputs", "code"),
    [
        pytest.param("execution", "committee_meeting", date(2025, 3, 11),
                     {"attendees": "A", "decisions": "B"}, "committee_before_signature",
                     id="before the signature"),
        pytest.param("execution", "committee_meeting", date(2026, 11, 26),
                     {"attendees": "A", "decisions": "B"}, "dated_in_future",
                     id="in the future"),
        pytest.param("signature", "committee_meeting", date(2025, 3, 4),
                     {"attendees": "A", "decisions": "B"}, "committee_not_now",
                     id="not signed"),
        pytest.param("execution", "committee_cadence", date(2025, 4, 20), {"months": "37"},
                     "committee_cadence_out_of_range", id="cadence too long"),
        pytest.param("execution", "committee_cadence", date(2025, 4, 20), {"months": "six"},
                     "committee_cadence_out_of_range", id="cadence not a number"),
        # str.isdigit() takes '²' (int() then raised: a traceback) and '٦' (read as 6)
        pytest.param("execution", "committee_cadence", date(2025, 4, 20), {"months": "²"},
                     "committee_cadence_out_of_range", id="cadence a superscript"),
        pytest.param("execution", "committee_cadence", date(2025, 4, 20), {"months": "٦"},
                     "committee_cadence_out_of_range", id="cadence in Arabic-Indic digits"),
    ],
)  # fmt: skip
def test_refused_and_nothing_changes(
    state: str, trigger: str, on: date, inputs: dict[str, str], code: str
):
    convention = convention_in(state)

    with pytest.raises(ConvflowError) as raised:
        side(convention, trigger, on, **inputs)

    assert refusal(raised.value)[0] == code
    assert convention.committee == Committee()


def test_a_second_meeting_the_same_day_is_refused():
    convention = convention_in("execution")
    side(convention, "committee_meeting", date(2025, 6, 12), attendees="A", decisions="B")

    with pytest.raises(ConvflowError) as raised:
        side(convention, "committee_meeting", date(2025, 6, 12), attendees="A", decisions="C")

    code, params = refusal(raised.value)
    assert (code, params["on"]) == ("committee_meeting_already_recorded", "2025-06-12")


def test_cadence_zero_stops_it():
    convention = convention_in("execution")
    side(convention, "committee_cadence", date(2025, 4, 20), months="6")

    outcome = side(convention, "committee_cadence", date(2025, 4, 21), months="0")

    assert outcome.opened == ()
    assert outcome.inputs["months"] == "0"
    assert convention.committee.cadence_months is None


def test_a_meeting_is_dated_when_it_was_held_even_before_the_last_event():
    convention = convention_in("execution")  # paid 15 April 2025

    outcome = side(convention, "committee_meeting", date(2025, 4, 1), attendees="A", decisions="B")

    assert outcome.on == date(2025, 4, 1)
    assert convention.last_event_on == date(2025, 4, 15)


# --- How sentences name the committee ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "a", "of", "of_short", "pronoun"),
    [
        (None, "un Comité technique", "du Comité technique", "du comité", "le"),
        ("Comité de pilotage", "un Comité de pilotage", "du Comité de pilotage", "du comité",
         "le"),
        ("Commission de suivi", "une Commission de suivi", "de la Commission de suivi",
         "de la commission", "la"),
        ("Instance de suivi", "une Instance de suivi", "de l'Instance de suivi",
         "de l'instance", "la"),
        ("Cellule de coordination", "une Cellule de coordination",
         "de la Cellule de coordination", "de la cellule", "la"),
        ("conseil d'orientation", "un conseil d'orientation", "du conseil d'orientation",
         "du conseil", "le"),
        ("COPIL", "un comité «\u00a0COPIL\u00a0»", "du comité «\u00a0COPIL\u00a0»", "du comité",
         "le"),
        ("Bureau des partenaires", "un comité «\u00a0Bureau des partenaires\u00a0»",
         "du comité «\u00a0Bureau des partenaires\u00a0»", "du comité", "le"),
    ],
)  # fmt: skip
def test_a_committee_is_named_by_the_gender_of_its_first_word_or_quoted_after_comite(
    name: str | None, a: str, of: str, of_short: str, pronoun: str
) -> None:
    words = committee_words(name, "article 8")

    assert (words.a(), words.of(), words.of(short=True), words.pronoun) == (a, of, of_short,
                                                                          pronoun)  # fmt: skip


def test_only_the_model_s_comite_technique_is_told_with_article_3_s_words() -> None:
    assert committee_words(None, "article 3").model
    assert committee_words("COMITÉ TECHNIQUE", "article 3").model
    assert not committee_words("Comité de pilotage", "article 3").model
    record = Committee(6, (), "Comité de pilotage")
    found = next_meeting(record, IN_FORCE, TERM, "article 5")
    assert found is not None
    assert found.explanation.startswith(
        "Comité de pilotage (article 5)\u00a0: le service a choisi de le réunir tous les 6 mois."
    )
    assert "orientations" not in found.explanation


def test_the_emails_name_the_model_s_committee_and_the_gallery_s_commission_as_states_does() -> (
    None
):
    """notifications knows nothing of states: its model committee (for emails queued before
    the committee was frozen in their facts, and the gallery) and the gallery's « Commission
    de suivi » are written out, and must be what the workflow freezes."""
    for name, expected in ((None, MODEL_COMMITTEE), ("Commission de suivi", COMMISSION)):
        convention = convention_in("execution")
        convention.committee = Committee(name=name)
        assert committee_snapshot(convention) == expected


def test_the_gallery_s_commission_explains_its_next_meeting_as_states_does() -> None:
    record = Committee(6, (meeting(date(2025, 3, 27)),), "Commission de suivi")
    found = next_meeting(record, date(2025, 1, 27), TERM, "article 3")
    context = sample_context("reminder_committee", variant="committee_name")

    assert found is not None
    assert context["deadline"]["explanation"] == for_partners(found.explanation)
    assert context["deadline"]["due_date"] == found.due_date
