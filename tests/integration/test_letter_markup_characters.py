"""A letter says a convention's title, a party's name and what the agent typed as written, « & »,
« < » and « > » included: the Word letter dropped « Ville & Quartiers » to « Ville  Quartiers »,
and a « < » in a name cut the rest of the letter off (docxtpl wrote the values into the
document's XML unescaped). Each letter, PDF and Word, read back as its recipient reads it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from states.convention import Convention
from tests.integration import steps
from tests.integration.test_letters import text_of
from workflow.bootstrap import App
from workflow.usecases.letters import render_letter

TITLE = "Ville & Quartiers <Sud> : l'accompagnement « A > B »"
PARTY = "Association Lire & Écrire <Marseille>"
DIFFICULTY = "Le bilan « 2025 & 2026 » manque ; montant < 5 000 € > rien."


@pytest.fixture
def marked_in_execution(app: App, reference_convention: Convention) -> App:
    parties = tuple(
        replace(party, name=PARTY) if party.key == "crpv" else party
        for party in reference_convention.parties
    )
    steps.load(app, replace(reference_convention, title=TITLE, parties=parties))
    steps.record(app, "submit", "2025-03-03")
    steps.record(app, "sign", "2025-03-05", signatory=steps.METROPOLE)
    steps.record(app, "sign", "2025-03-10", signatory=steps.CRPV)
    steps.record(app, "notify", "2025-03-20")
    return app


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_a_letter_says_ampersands_and_angle_brackets_as_written(
    marked_in_execution: App, fmt: str
) -> None:
    content = render_letter(marked_in_execution, steps.REFERENCE, "dispute", fmt,
                            date(2025, 9, 1), difficulty=DIFFICULTY)  # fmt: skip
    read = text_of(content, fmt).replace("- ", "-").replace("\u202f", " ").replace("\xa0", " ")
    for written in ("Ville & Quartiers <Sud>", "« A > B »", "Lire & Écrire <Marseille>",
                    "« 2025 & 2026 »", "montant < 5 000 € > rien"):  # fmt: skip
        assert written in read, (written, read)
    assert "considération distinguée. Martial Alvarez" in read, read  # the letter goes to its end
