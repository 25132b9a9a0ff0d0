"""The letters of the reference convention, as PDF and Word, read back as their recipient
reads them (pdfminer, python-docx): the right dates, and how they were computed."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from states.convention import Convention
from states.errors import GuardRejected, InvalidInput
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases.letters import render_letter


def text_of(content: bytes, fmt: str) -> str:
    """What the recipient reads: the PDF's text layer, or the Word document's paragraphs."""
    if fmt == "pdf":
        from pdfminer.high_level import extract_text

        text = extract_text(io.BytesIO(content))
    else:
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def in_execution(app: App, reference_convention: Convention) -> App:
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    return app


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_termination_letter_says_when_it_takes_effect(in_execution: App, fmt: str):
    content = render_letter(in_execution, steps.REFERENCE, "termination", fmt, date(2025, 4, 1))

    text = text_of(content, fmt)

    assert "Résiliation de la convention AMP-CRPV-PACA-2025 (article 7)" in text
    assert "au plus tôt le mercredi 1er octobre 2025" in text  # 1 April + 6 months
    assert "Calcul des dates : 6 mois de quantième à quantième" in text
    assert "Marseille, le 1er avril 2025" in text and "GIP Centre de Ressources" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_termination_letter_sent_in_august_says_the_term_comes_first(in_execution: App, fmt: str):
    content = render_letter(in_execution, steps.REFERENCE, "termination", fmt, date(2025, 8, 1))

    assert "prendra fin à son terme" in text_of(content, fmt)


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_dispute_letter_states_the_difficulty_and_how_the_period_counts(
    in_execution: App, fmt: str
):
    difficulty = "Le rapport d'activité du premier semestre manque."
    content = render_letter(in_execution, steps.REFERENCE, "dispute", fmt, date(2025, 5, 5),
                            difficulty=difficulty)  # fmt: skip

    text = text_of(content, fmt)

    assert "Le rapport d'activité du premier semestre manque." in text
    assert "délai de 30 jours calendaires court à compter de la réception" in text
    assert "Lettre recommandée avec demande d’avis de réception" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_award_notification_states_the_amount_and_the_payment_target(
    app: App, reference_convention: Convention, fmt: str
):
    steps.load(app, reference_convention)
    steps.bring_into_force(app)

    text = text_of(render_letter(app, steps.REFERENCE, "award", fmt, date(2025, 3, 20)), fmt)

    assert "200 000,00 € TTC" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "au plus tard le samedi 19 avril 2025" in text  # 20 March + 30 days
    assert "signée le lundi 10 mars 2025" in text


def test_a_letter_refused_in_its_state_or_without_its_difficulty(
    app: App, reference_convention: Convention
):
    steps.load(app, reference_convention)
    with pytest.raises(GuardRejected) as refused:
        render_letter(app, steps.REFERENCE, "termination", "pdf", date(2025, 3, 1))
    assert refused.value.code == "letter_not_now"

    steps.bring_into_execution(app)
    with pytest.raises(InvalidInput) as missing:
        render_letter(app, steps.REFERENCE, "dispute", "pdf", date(2025, 5, 5))
    assert missing.value.code == "difficulty_required"
