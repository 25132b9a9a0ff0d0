"""Parties, who signs for each, and how their names and titles come out."""

from __future__ import annotations

import pytest

from workflow.files.extract.clauses.people import agreeing, person

from .builders import HEAD, SIGNATURES, convention, values

OBJECT = "Article 1 – Objet\n\nL’association anime le quartier."


def parties(head: str = HEAD, signatures: str = SIGNATURES) -> dict[str, object]:
    return values(convention(OBJECT, head=head, signatures=signatures), "parties")


def test_parties_and_their_signatories_from_both_blocks():
    assert parties() == {
        "parties[0].name": "Métropole Aix-Marseille-Provence",
        "parties[0].signatories[0].name": "Martine Vassal",
        "parties[0].signatories[0].title": "Présidente",
        "parties[1].name": "Association Quartiers Vivants",
        "parties[1].signatories[0].name": "Paul Martin",
        "parties[1].signatories[0].title": "Président",
    }


def test_keys_emails_and_reference_are_never_in_the_text_and_listed_to_fill():
    found = convention(OBJECT)

    assert {"reference", "parties[0].key", "parties[1].key"} <= set(found.missing)
    assert {"parties[0].signatories[0].email", "parties[1].signatories[0].email"} <= set(
        found.missing
    )


@pytest.mark.parametrize(
    ("represented", "name", "title"),
    [
        ("représentée par son Maire, Monsieur Loïc Garnier, agissant en vertu d’une délibération",
         "Loïc Garnier", "Maire"),
        ("représentée par Madame Sophie Jourdan, Vice-présidente déléguée à l’Emploi,",
         "Sophie Jourdan", "Vice-présidente déléguée à l'Emploi"),
        ("représentée par Monsieur le Maire, Éric Dumas, dûment habilité",
         "Éric Dumas", "Maire"),
        ("représentée par sa Présidente en exercice, Madame Yasmina Ferhat,",
         "Yasmina Ferhat", "Présidente"),
    ],
)  # fmt: skip
def test_a_representative_named_in_the_parties_block_alone(represented, name, title):
    head = HEAD.replace(
        "représentée par son Président, Monsieur Paul Martin,", represented.replace("\n", " ")
    )
    signatures = SIGNATURES.split("Pour l’association")[0]

    found = parties(head, signatures)

    assert found["parties[1].signatories[0].name"] == name
    assert found["parties[1].signatories[0].title"] == title


def test_a_signatory_for_the_president_or_her_representative_signs_for_her():
    head = HEAD.replace(
        "représentée par sa Présidente, Madame Martine Vassal,",
        "représentée par sa présidente, Martine Vassal ou son représentant,",
    )
    signatures = SIGNATURES.replace(
        "La Présidente\nMartine VASSAL", "Le Vice-Président délégué\nM. Martial ALVAREZ"
    )

    found = parties(head, signatures)

    assert found["parties[0].signatories[0].name"] == "Martial Alvarez"
    assert found["parties[0].signatories[0].title"] == "Vice-Président délégué, pour la Présidente"


def test_a_signatory_the_parties_block_does_not_name_is_a_doubt():
    signatures = SIGNATURES.replace("Paul MARTIN", "Jean DUPONT")

    found = convention(OBJECT, signatures=signatures)

    assert "parties[1].signatories[0].name" not in found.fields
    assert (
        "parties[1].signatories[0].name: the parties block names Paul Martin, "
        "the signature block Jean Dupont" in found.warnings
    )


def test_two_signatories_for_one_party():
    signatures = SIGNATURES + "Le Trésorier\nM. Ahmed BENALI\n"

    found = parties(signatures=signatures)

    assert found["parties[1].signatories[1].name"] == "Ahmed Benali"
    assert found["parties[1].signatories[1].title"] == "Trésorier"


def test_a_signature_block_named_by_the_party_s_initials():
    head = HEAD.replace(
        "L’association Quartiers Vivants,",
        "Le Groupement d’intérêt public Observatoire régional de la cohésion sociale (ORCS),",
    )
    signatures = SIGNATURES.replace("Pour l’association Quartiers Vivants", "Pour le GIP ORCS")

    found = parties(head, signatures)

    assert found["parties[1].name"] == (
        "Groupement d'intérêt public Observatoire régional de la cohésion sociale (ORCS)"
    )
    assert found["parties[1].signatories[0].name"] == "Paul Martin"


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Martial ALVAREZ", "Martial Alvarez"),
        ("Lionel ROYER-PERRIN", "Lionel Royer-Perrin"),
        ("Nadia BENSAÏD", "Nadia Bensaïd"),
        ("Jean-Marc OLLIVIER", "Jean-Marc Ollivier"),
        ("Mustapha Berra", "Mustapha Berra"),
    ],
)
def test_names_as_people_type_them(written, name):
    assert person(written) == name


@pytest.mark.parametrize(
    ("title", "sex", "agreed", "changed"),
    [
        ("Vice-Présidente Délégué", "m", "Vice-Président Délégué", True),
        ("Vice-présidente déléguée", "f", "Vice-présidente déléguée", False),
        ("Maire", "f", "Maire", False),
        ("Directeur général", "f", "Directeur général", False),  # a choice, not a slip
        ("Directrice générale", None, "Directrice générale", False),
    ],
)
def test_a_title_agrees_with_its_holder_only_where_the_text_disagrees_with_itself(
    title, sex, agreed, changed
):
    assert agreeing(title, sex) == (agreed, changed)


def test_both_parties_in_one_paragraph_d_une_part_et_d_autre_part():
    head = HEAD.split("Entre")[0] + (
        "Entre les soussignés :\n\nLa Métropole Aix-Marseille-Provence, représentée par sa "
        "Présidente, Madame Martine Vassal, d’une part, et l’association Quartiers Vivants, "
        "représentée par son Président, Monsieur Paul Martin, d’autre part,\n\nIl est convenu "
        "ce qui suit :\n"
    )

    assert parties(head) == parties()
