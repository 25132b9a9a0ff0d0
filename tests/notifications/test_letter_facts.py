"""The emails that speak of a registered letter say the date of the fact its deadline counts
from (articles 6 and 7; docs/LEGAL-DEADLINES.md rules 9, 11 and 22), with that fact's verb,
never the day it was recorded; and their text and HTML parts say the same sentences."""

from datetime import date
from typing import Any

import pytest

from notifications import Renderer, sample_context
from tests.notifications.parts import html_paragraphs, text_paragraphs

LETTER_KINDS = [
    "dispute_opened",
    "reminder_dispute_window",
    "amicable_window_closed",
    "reminder_court_possible",
    "litigation_opened",
    "notice_given",
    "reminder_termination",
    "convention_terminated",
]
"""The emails of a dispute (article 6) and of a termination (article 7)."""
RECORDED = date(2025, 6, 5)
"""The day the letter is recorded: later than any of its own dates below."""
TITLE = sample_context("dispute_opened")["convention"]["title"]
DISPUTE = (
    "Un litige relatif à la convention AMP-CRPV-PACA-2025 « " + TITLE + " » a été notifié par "
)
NOTICE = "Une {} résiliant la convention AMP-CRPV-PACA-2025 « " + TITLE + " » a été {}."


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def letter(counted_from: str, day: date, **flags: bool) -> dict[str, Any]:
    return {"counted_from": counted_from, "on": day, "uncollected": False, "electronic": False,
            **flags}  # fmt: skip


def first_sentence_of_both_parts(
    renderer: Renderer, kind: str, letter: dict[str, Any]
) -> tuple[str, str]:
    context = sample_context(kind)
    context["event"] = {**context["event"], "occurred_on": RECORDED, "letter": letter}
    email = renderer.render(kind, context)
    return text_paragraphs(email.text)[0], html_paragraphs(email.html)[0]


@pytest.mark.parametrize("kind", LETTER_KINDS)
@pytest.mark.parametrize("audience", ["partners", "service"])
def test_the_text_and_html_parts_say_the_same_sentences(
    renderer: Renderer, kind: str, audience: str
) -> None:
    email = renderer.render(kind, sample_context(kind, audience))

    assert html_paragraphs(email.html) == text_paragraphs(email.text)
    assert "AMP-CRPV-PACA-2025 « " + TITLE + " »" in text_paragraphs(email.text)[0]


@pytest.mark.parametrize(
    ("the_letter", "words"),
    [
        (letter("receipt", date(2025, 6, 2)),
         "lettre recommandée avec avis de réception, reçue le lundi 2 juin 2025 (article 6)."),
        (letter("presentation", date(2025, 6, 2), uncollected=True),
         "lettre recommandée avec avis de réception, présentée le lundi 2 juin 2025 et non "
         "retirée (article 6)."),
        (letter("receipt", date(2025, 6, 3), electronic=True),
         "lettre recommandée électronique, acceptée le mardi 3 juin 2025 (article 6)."),
        (letter("presentation", date(2025, 6, 2), uncollected=True, electronic=True),
         "lettre recommandée électronique, présentée le lundi 2 juin 2025 et non acceptée dans "
         "le délai (article 6)."),
    ],
)  # fmt: skip
def test_a_dispute_says_the_day_its_letter_was_received_not_the_day_it_was_recorded(
    renderer: Renderer, the_letter: dict[str, Any], words: str
) -> None:
    text, html = first_sentence_of_both_parts(renderer, "dispute_opened", the_letter)

    assert text.startswith(DISPUTE + words)
    assert html == text
    assert "5 juin" not in text and "enregistrée" not in text


@pytest.mark.parametrize(
    ("the_letter", "name", "fact"),
    [
        (letter("receipt", date(2025, 4, 10)),
         "lettre recommandée avec avis de réception", "reçue le jeudi 10 avril 2025"),
        (letter("dispatch", date(2025, 4, 8)),
         "lettre recommandée avec avis de réception", "envoyée le mardi 8 avril 2025"),
        (letter("presentation", date(2025, 4, 9)),
         "lettre recommandée avec avis de réception", "présentée le mercredi 9 avril 2025"),
        (letter("presentation", date(2025, 4, 9), uncollected=True),
         "lettre recommandée avec avis de réception",
         "présentée le mercredi 9 avril 2025 et non retirée"),
        (letter("receipt", date(2025, 4, 10), electronic=True),
         "lettre recommandée électronique", "acceptée le jeudi 10 avril 2025"),
    ],
)  # fmt: skip
def test_a_termination_says_the_date_its_notice_counts_from_with_that_facts_verb(
    renderer: Renderer, the_letter: dict[str, Any], name: str, fact: str
) -> None:
    text, html = first_sentence_of_both_parts(renderer, "notice_given", the_letter)

    assert text.startswith(NOTICE.format(name, fact) + " ")
    assert html == text
    assert "5 juin" not in text
