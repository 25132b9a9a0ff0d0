"""Whatever text comes in, extraction answers with fields, gaps and warnings, never a traceback,
and its convention file is valid TOML."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

import pytest

from workflow.files.extract import document_from_text, extract, to_json, to_toml

CORPUS = Path(__file__).parent / "corpus"
LINES = [
    line for path in sorted(CORPUS.glob("*.txt")) for line in path.read_text("utf-8").splitlines()
]


def shuffled(seed: int) -> str:
    """Lines of the corpus drawn at random: headings without bodies, clauses out of place."""
    draw = random.Random(seed)
    return "\n".join(draw.sample(LINES, draw.randint(1, 120)))


ODD = [
    "",
    "Article 1",
    "Entre\nEt\n",
    "Fait à",
    "Pour la\n",
    "Article 1 – Objet\n\n",
    "Convention\nEntre\nLa Métropole, représentée par\nEt\nLe\nArticle 1 – Résiliation\n\n"
    "préavis de mois\nArticle 2 – Litiges\n\ndélai de (30) jours à compter de\nFait à X\n"
    "Pour la Métropole\nM.\n",
]


@pytest.mark.parametrize("text", ODD + [shuffled(seed) for seed in range(60)])
def test_any_text_gives_an_extraction_and_a_valid_convention_file(text):
    extraction = extract(document_from_text(text))

    tomllib.loads(to_toml(extraction))
    assert set(to_json(extraction)) == {"fields", "missing", "warnings"}
    assert "reference" in extraction.missing
