"""The letters write the typographic apostrophe « ’ » as the emails do: their templates did, but
the facts they are given (a convention's title, a party's, a signatory's name and title, the
place, the difficulty as typed) came with straight ones, so that one letter said « l’avenant »
and « la réalisation d'un accompagnement » side by side. Each letter, PDF and Word, read back as
its recipient reads it (pypdf, python-docx): no straight apostrophe between two letters in its
prose; an email address, a URL and the award decision's number quoted as written."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from states.convention import Convention
from tests.integration import steps
from tests.integration.test_letters import draft, text_of
from tests.integration.test_typographic_apostrophes import OBRIEN, TITLE, with_apostrophes
from workflow.bootstrap import App
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_side
from workflow.usecases.letters import render_letter

URL = "https://data.example.org/l'annexe"
DECISION = "DEL'BUR-2025-042"
"""A decision's number as the deliberation's register writes it: quoted as written."""
DIFFICULTY = f"Le rapport d'activité manque ; voir {URL} et écrire à {OBRIEN} pour l'envoyer."
STRAIGHT = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
"""A straight apostrophe between two letters."""


def typed(convention: Convention) -> Convention:
    """The reference convention as a keyboard types it (test_typographic_apostrophes), a place
    and a party's name with straight apostrophes too, the decision numbered with one."""
    parties = tuple(
        replace(party, name="GIP Centre d'appui de Provence-Alpes-Côte d'Azur")
        if party.key == "crpv" else party
        for party in convention.parties
    )  # fmt: skip
    return replace(with_apostrophes(convention), parties=parties, place="L'Isle-sur-la-Sorgue")


def prose(text: str, quoted: tuple[str, ...]) -> str:
    """The letter's text without what it quotes as written (an address, a URL, the decision's
    number), each found there as written first."""
    for kept in quoted:
        assert kept in text, (kept, text)
        text = text.replace(kept, "")
    return text


@pytest.fixture
def typed_in_execution(app: App, reference_convention: Convention) -> App:
    steps.load(app, typed(reference_convention))
    steps.record(app, "submit", "2025-03-03")
    steps.record(app, "sign", "2025-03-05", signatory=OBRIEN)
    steps.record(app, "sign", "2025-03-10", signatory=steps.CRPV)
    steps.record(app, "notify", "2025-03-20")
    award = RecordEvent(steps.REFERENCE, "record_award", "alice", date(2025, 3, 21),
                        {"decision": DECISION, "adopted": "2025-02-13"})  # fmt: skip
    record_side(app, award, app.clock())
    return app


LETTERS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "termination": ({}, ()),
    "dispute": ({"difficulty": DIFFICULTY}, (URL, OBRIEN)),
    "award": ({}, (DECISION,)),
    "amendment": ({}, ()),
}
"""Each letter, what it is written with, and what it quotes as written."""


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("kind", sorted(LETTERS))
def test_each_letter_writes_typographic_apostrophes_in_its_prose(
    typed_in_execution: App, kind: str, fmt: str
) -> None:
    app = typed_in_execution
    if kind == "amendment":
        draft(app, "2025-09-01", end_date="2026-06-30", **{
            "signatory.metropole": "Anne L'Hôte|Vice-Présidente déléguée à l'habitat|"
            "anne@example.org",
        })  # fmt: skip

    given, quoted = LETTERS[kind]

    text = text_of(render_letter(app, steps.REFERENCE, kind, fmt, date(2025, 9, 1), **given), fmt)

    said = prose(text, quoted)
    assert not STRAIGHT.findall(said), [said[max(0, m.start() - 30) : m.end() + 30]
                                       for m in STRAIGHT.finditer(said)]  # fmt: skip
    read = text.replace("- ", "-")  # a line of the PDF broken after a hyphen
    assert TITLE.replace("'", "’") in read  # the title said in the body
    assert "L’Isle-sur-la-Sorgue, le" in read
    assert "Patrick O’Brien" in read  # the signature
    assert "Centre d’appui de Provence-Alpes-Côte d’Azur" in read  # the recipient
    assert "AMP-CRPV-PACA-2025" in read
    if kind == "amendment":
        assert "Anne L’Hôte, Vice-Présidente déléguée à l’habitat" in read
