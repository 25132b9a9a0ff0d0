"""The letters of the reference convention, as PDF and Word, read back as their recipient
reads them (pypdf, python-docx): the right dates, and how they were computed."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from states.convention import Convention
from states.errors import GuardRejected, InvalidInput
from tests.conftest import FixedClock
from tests.integration import steps
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.letters import render_letter


def text_of(content: bytes, fmt: str) -> str:
    """What the recipient reads: the PDF's text layer, or the Word document's paragraphs."""
    if fmt == "pdf":
        from pypdf import PdfReader

        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
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

    assert "Le rapport d’activité du premier semestre manque." in text  # its apostrophe typeset
    assert "délai de 30 jours calendaires court à compter de la réception" in text
    assert "Lettre recommandée avec demande d’avis de réception" in text


def test_a_dispute_letter_says_the_period_is_not_extended_without_naming_a_setting(
    settings_env: dict[str, str], clock: FixedClock, reference_convention: Convention
):
    """With CONVFLOW_EXTEND_ACTS=no the letter to the partner said « (réglage du service) »."""
    app = App.create(load_settings({**settings_env, "CONVFLOW_EXTEND_ACTS": "no"}))
    app.clock = clock
    try:
        steps.load(app, reference_convention)
        steps.bring_into_execution(app)
        content = render_letter(app, steps.REFERENCE, "dispute", "docx", date(2025, 5, 5),
                                difficulty="Le rapport d'activité manque.")  # fmt: skip
    finally:
        app.close()

    text = text_of(content, "docx")

    assert "il n’est pas prorogé au jour ouvrable suivant ;" in text
    assert "réglage" not in text


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


# --- The draft amendment (article 5) ------------------------------------------------------


def draft(app: App, on: str, **changes: str) -> int:
    """Amendment proposing `changes`, drafted on `on`; its number."""
    from workflow.usecases.amendments import DraftAmendment, draft_amendment

    command = DraftAmendment(steps.REFERENCE, changes, "alice", date.fromisoformat(on))
    return draft_amendment(app, command, app.clock()).number


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_draft_amendment_states_each_change_and_the_consolidated_terms(
    in_execution: App, fmt: str
):
    draft(in_execution, "2025-09-01", end_date="2026-06-30", amount="230000.00")

    content = render_letter(in_execution, steps.REFERENCE, "amendment", fmt, date(2025, 9, 1))
    text = text_of(content, fmt).replace("\u202f", " ")  # amounts: narrow no-break spaces

    assert "Avenant n° 1 à la convention AMP-CRPV-PACA-2025 (article 5)" in text.replace(
        "\xa0", " "
    )
    assert ("Article 1. Le terme de la convention (article 4), fixé au mercredi 31 décembre "
            "2025, est reporté au mardi 30 juin 2026.") in text  # fmt: skip
    assert ("Article 2. Le montant de la subvention, fixé à 200 000,00 €, est porté à "
            "230 000,00 €") in text  # fmt: skip
    assert "Article 3. Les autres stipulations de la convention demeurent inchangées" in text
    assert "terme le mardi 30 juin 2026 ; montant 230 000,00 €" in text
    # How the dates are computed: signed before the current term; the new term's last letter.
    assert "au plus tard le mercredi 31 décembre 2025, son terme actuel" in text
    assert "une lettre de résiliation reçue au plus tard le lundi 29 décembre 2025" in text


def test_the_draft_amendment_is_refused_without_an_open_amendment_or_contractual_change(
    in_execution: App,
):
    from workflow.usecases.letters import send_letter

    with pytest.raises(GuardRejected) as none:
        render_letter(in_execution, steps.REFERENCE, "amendment", "pdf", date(2025, 9, 1))
    assert none.value.code == "no_amendment_to_draft"

    number = draft(in_execution, "2025-09-01", **{"reminders.expiry": "30,7"})
    with pytest.raises(GuardRejected) as internal:
        render_letter(in_execution, steps.REFERENCE, "amendment", "pdf", date(2025, 9, 1))
    assert internal.value.code == "amendment_letter_without_terms"
    with pytest.raises(InvalidInput) as unknown:
        render_letter(in_execution, steps.REFERENCE, "amendment", "pdf", date(2025, 9, 1),
                      amendment=number + 1)  # fmt: skip
    assert unknown.value.code == "no_such_amendment_here"
    with pytest.raises(GuardRejected):
        send_letter(in_execution, steps.REFERENCE, "amendment", "pdf", date(2025, 9, 1),
                    "alice", in_execution.clock())  # fmt: skip
    from workflow.usecases.documents import documents

    assert documents(in_execution, steps.REFERENCE) == []  # a refusal keeps nothing


def test_the_draft_amendment_sent_is_kept_with_its_amendment(in_execution: App):
    from workflow.usecases.documents import documents
    from workflow.usecases.letters import send_letter

    number = draft(in_execution, "2025-09-01", termination_notice_months="3")
    content, paper = send_letter(in_execution, steps.REFERENCE, "amendment", "docx",
                                 date(2025, 9, 2), "alice", in_execution.clock())  # fmt: skip

    assert "passe de 6 à 3 mois" in text_of(content, "docx")
    (kept,) = documents(in_execution, steps.REFERENCE)
    assert (kept["kind"], kept["amendment"], kept["sha256"]) == (
        "amendment", number, paper["sha256"],
    )  # fmt: skip


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_every_letter_is_spaced_as_french_prints_it(in_execution: App, fmt: str):
    # The letters left with a plain space before « : », « ; » and inside « »: a justified line
    # of the printed letter could start with « : » (« Calcul des dates : », « Objet : »).
    from notifications.typography import french_text

    for kind, extra in (("termination", {}), ("dispute", {"difficulty": "Le rapport ?"})):
        content = render_letter(in_execution, steps.REFERENCE, kind, fmt, date(2025, 5, 5), **extra)
        read = _exact_text(content, fmt)

        assert "Objet\u00a0: " in read and "Calcul des dates\u00a0: " in read, kind
        assert "rapport\u00a0?" in read or kind != "dispute"
        assert french_text(read) == read, [line for line in read.splitlines()
                                           if french_text(line) != line]  # fmt: skip


def _exact_text(content: bytes, fmt: str) -> str:
    """The letter's text with its spaces as they are (text_of folds them)."""
    if fmt == "pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
