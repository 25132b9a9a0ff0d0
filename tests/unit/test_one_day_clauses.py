"""A clause of one day, said in the singular: the deadlines' explanations (what `status`, the
convention page and `convflow deadline` show), the dashboard's preview of a new convention and
the letters wrote « 1 jours calendaires » for a one-day amicable window or target. French keeps
the singular below two: « 1 jour calendaire », « 2 jours calendaires »."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from states.calendar import french_days
from states.convention import Convention
from states.deadlines import (
    LegalSettings,
    RegisteredLetter,
    amendment_signature_target,
    balance_target,
    dispute_window,
    instalment_target,
    payment_target,
    signature_target,
)
from states.payments import Instalment
from tests.unit.builders import convention_in, reference_convention
from workflow.letters.render import paragraphs
from workflow.usecases.letters import letter_facts
from workflow.usecases.preview import preview

LETTER = RegisteredLetter(received=date(2025, 6, 2))
WRONG = re.compile(r"\b1 jours\b|\b1 jour calendaires\b|\b0 jours\b")


def read(text: str) -> str:
    """The text as read: every no-break space a plain one."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


EXPLANATIONS = {
    "dispute_window": lambda days: dispute_window(LETTER, days, LegalSettings()),
    "payment": lambda days: payment_target(date(2025, 3, 20), days),
    "signature": lambda days: signature_target(date(2025, 3, 3), days),
    "amendment_signature": lambda days: amendment_signature_target(date(2025, 6, 5), days, 1),
    "balance": lambda days: balance_target(
        date(2025, 6, 5), days, Decimal("10000.00"), Decimal("200000.00"), "avenant n° 1"
    ),
    "instalment": lambda days: instalment_target(
        Instalment(number=1, amount=Decimal("27000.00"), trigger="notification"),
        2,
        date(2025, 3, 20),
        days,
    ),
}


@pytest.mark.parametrize("kind", list(EXPLANATIONS))
def test_a_one_day_clause_is_said_in_the_singular(kind: str) -> None:
    explanation = read(EXPLANATIONS[kind](1).explanation)

    assert "1 jour calendaire" in explanation, explanation
    assert not WRONG.search(explanation), explanation


@pytest.mark.parametrize("kind", list(EXPLANATIONS))
def test_two_days_stay_plural(kind: str) -> None:
    explanation = read(EXPLANATIONS[kind](2).explanation)

    assert "2 jours calendaires" in explanation, explanation


def test_the_dispute_window_s_calculation_adds_one_day() -> None:
    explanation = read(dispute_window(LETTER, 1, LegalSettings()).explanation)

    assert "2 juin 2025 + 1 jour = mardi 3 juin 2025" in explanation, explanation


def test_the_term_bringing_the_amendment_s_target_forward_is_said_for_one_day() -> None:
    explanation = read(
        amendment_signature_target(date(2025, 12, 31), 1, 1, term=date(2025, 12, 30)).explanation
    )

    assert "le délai habituel de 1 jour calendaire mènerait au jeudi 1er janvier 2026" in (
        explanation
    ), explanation


def test_an_electronic_letter_accepted_within_one_day_is_said_in_the_singular() -> None:
    """CONVFLOW_LRE_ACCEPTANCE_DAYS=1: the settings line and the uncollected letter's reading."""
    settings = LegalSettings(lre_acceptance_days=1)
    letter = RegisteredLetter(
        received=date(2025, 6, 5), presented=date(2025, 6, 2), electronic=True
    )

    explanation = read(dispute_window(letter, 30, settings).explanation)
    described = [read(line) for line in settings.describe()]

    assert "non acceptée dans le jour suivant l'avis du prestataire" in explanation, explanation
    assert "délai d'acceptation d'une LRE : 1 jour" in described, described
    assert not WRONG.search(explanation)
    default = read(dispute_window(letter, 30, LegalSettings(lre_acceptance_days=2)).explanation)
    assert "non acceptée dans les 2 jours suivant l'avis" in default, default


@pytest.mark.parametrize(
    ("count", "calendar", "said"),
    [
        (0, False, "0 jour"),
        (1, False, "1 jour"),
        (2, False, "2 jours"),
        (1, True, "1 jour calendaire"),
        (30, True, "30 jours calendaires"),
        (1000, True, "1\u202f000 jours calendaires"),
    ],
)
def test_a_number_of_days_in_french(count: int, calendar: bool, said: str) -> None:
    assert french_days(count, calendar=calendar) == said


def _one_day_convention() -> Convention:
    convention = convention_in("execution")
    clauses = replace(
        convention.clauses,
        dispute_window_days=1,
        payment_target_days=1,
        signature_target_days=1,
        reminders=replace(convention.clauses.reminders, signature_every_days=1),
    )
    return replace(convention, clauses=clauses)


def test_the_dashboard_s_preview_of_one_day_clauses_says_them_in_the_singular() -> None:
    convention = _one_day_convention()

    rows = preview(convention, date(2025, 3, 3), LegalSettings())

    text = read(" ".join(f"{row.rule} {row.reminders}" for row in rows))
    assert "Toutes les signatures sous 1 jour calendaire" in text, text
    assert "puis un rappel chaque jour" in text, text
    assert (
        "1 jour calendaire à compter de la réception de la lettre recommandée, délai reporté"
        in text
    ), text
    assert not WRONG.search(text), text


def test_the_dispute_letter_of_a_one_day_window_says_it_in_the_singular() -> None:
    convention = _one_day_convention()

    facts = letter_facts(convention, "dispute", date(2025, 5, 5), LegalSettings(),
                         difficulty="Le rapport manque.")  # fmt: skip
    text = read(" ".join(paragraphs("dispute", facts)) + " " + facts["how"])

    assert "à l’issue du délai de 1 jour," in text, text
    assert "le délai de 1 jour calendaire court à compter de la réception" in text, text
    assert not WRONG.search(text), text


def test_the_reference_convention_s_explanations_are_unchanged_for_thirty_days() -> None:
    convention = reference_convention()
    explanation = read(
        dispute_window(LETTER, convention.clauses.dispute_window_days, LegalSettings()).explanation
    )

    assert "règlement amiable pendant 30 jours calendaires à compter" in explanation
    assert "2 juin 2025 + 30 jours = mercredi 2 juillet 2025" in explanation
