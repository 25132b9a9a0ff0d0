"""How erasure finds a signatory named otherwise than in full in free text (rule 21): by the
family name alone, with a civility, initials or given names, in any case, with or without
accents, as whole words (a hyphen binds: « Saint-Martin » is a place, not Mme Martin)."""

from __future__ import annotations

import pytest

from states.erasure import Person, replacements
from states.names import split

FOUND = replacements(
    [Person("memoire", "Fatima Zahra Benkirane", "fz.benkirane@example.org"),
     Person("essai", "Élodie Martin-Dupré", "elodie.martin@example.org"),
     Person("metropole", "LENOIR Gérard", "gerard.lenoir@example.org")],
    {"memoire": "Mémoire Vive", "essai": "Essai", "metropole": "Métropole"},
)  # fmt: skip
FZB, EMD, GL = ("signataire n°\u00a01 pour Mémoire Vive", "signataire n°\u00a01 pour Essai",
                "signataire n°\u00a01 pour Métropole")  # fmt: skip


@pytest.mark.parametrize(("text", "erased"), [
    ("signalé par Mme Benkirane", f"signalé par {FZB}"),
    ("BENKIRANE, benkirane, Benkiranè", f"{FZB}, {FZB}, {FZB}"),
    ("Madame Fatima, F.-Z. Benkirane", f"{FZB}, {FZB}"),
    ("Accord signé par Fatima Zahra Benkirane et Gérard Lenoir", f"Accord signé par {FZB} et {GL}"),
    ("M. Lenoir, Monsieur Gérard, Lenoir Gérard", f"{GL}, {GL}, {GL}"),
    ("Mme Martin, Elodie MARTIN-DUPRE, Martin Dupré", f"{EMD}, {EMD}, {EMD}"),
    ("écrit à fz.benkirane@example.org", f"écrit à {FZB}"),
])  # fmt: skip
def test_a_signatory_is_found_however_named(text: str, erased: str):
    assert FOUND.text(text) == erased


@pytest.mark.parametrize("text", [
    "Saint-Martin, rue Martin, Dupré",  # a part of a compound name, alone: a place, a word
    "Fatima, Gérard",  # a first name alone names no one
    "Benkiranes, lenoir-x, Lenoirs",  # other words
])  # fmt: skip
def test_a_word_that_only_looks_like_a_name_stays(text: str):
    assert FOUND.text(text) == text


def test_the_family_name_is_in_capitals_or_last_with_its_particles():
    assert split("BENKIRANE Fatima Zahra") == (["Fatima", "Zahra"], ["BENKIRANE"])
    assert split("Jean de La Fontaine") == (["Jean"], ["de", "La", "Fontaine"])
    assert split("Jean Roux") == (["Jean"], ["Roux"])
    assert split("Cher") == ([], ["Cher"])


def test_a_role_erased_before_the_no_break_space_still_reads_as_its_address() -> None:
    """Roles were written « signataire n°1 pour … » before French typography's « n° 1 »: the
    erasures already stored still give the address they wrote (convflow verify)."""
    from states.erasure import erased_address

    for role in ("signataire n°1 pour Métropole", "signataire n°\u00a01 pour Métropole"):
        assert erased_address(role, "metropole") == (
            "signataire-1.metropole@donnees-effacees.invalid"
        )
