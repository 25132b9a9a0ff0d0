"""What the parties' identifiers allow convflow to say of the competent court
(states/jurisdiction.py; docs/LEGAL-NOTES.md, point 4)."""

from __future__ import annotations

from datetime import date

import pytest

from states.deadlines import LegalSettings, RegisteredLetter, dispute_window
from states.jurisdiction import court_sentence, is_public, parties_nature

PRESUMED = "entre personnes publiques est présumée administrative"


@pytest.mark.parametrize(
    ("siret", "rna", "public"),
    [("20005480700017", None, True), ("13000000000000", None, True),
     ("44306184100047", None, False), (None, "W133000000", False),
     ("200 054 807 00017", None, True), (None, None, None), ("", "", None)],
)  # fmt: skip
def test_a_party_is_public_private_or_not_known_by_its_identifiers(siret, rna, public):
    assert is_public(siret, rna) is public


def test_one_private_party_makes_the_convention_one_with_a_private_person():
    assert parties_nature([True]) == "public"
    assert parties_nature([True, False]) == "private"
    assert parties_nature([None, False]) == "private"
    assert parties_nature([True, None]) == "unknown"


def test_only_public_persons_get_the_presumption():
    assert PRESUMED in court_sentence("public", "Marseille")
    private = court_sentence("private", "Marseille")
    assert "présumée" not in private and "personnes publiques" not in private
    assert "objet et ses clauses" in private and "tribunal judiciaire" in private
    unknown = court_sentence("unknown")
    assert PRESUMED not in unknown
    assert "conclue entre personnes publiques, elle est présumée administrative" in unknown


def test_the_dispute_window_says_it_for_its_parties():
    letter = RegisteredLetter(received=date(2025, 6, 2))
    with_association = dispute_window(letter, 30, LegalSettings(), parties="private")
    between_public = dispute_window(letter, 30, LegalSettings(), parties="public")

    assert "personnes publiques" not in with_association.explanation
    assert PRESUMED in between_public.explanation


def test_parties_not_identified_have_the_town_said_of_either_case():
    """Inbox I4: « ici celui de Marseille » stood in the public persons' branch only."""
    unknown = court_sentence("unknown", "Marseille")
    assert "s'exécute, ici" not in unknown
    assert unknown.endswith("Si elle est administrative, ce tribunal est ici celui de Marseille.")
