"""Words cut at line ends, and titles whose first words are in capitals."""

from __future__ import annotations

from workflow.files.extract import document_from_text
from workflow.files.extract.hyphens import dehyphenated

from .builders import convention


def cut(text: str) -> list[str]:
    return [line.text for line in dehyphenated(document_from_text(text)).lines]


def test_a_word_cut_at_the_end_of_a_line_is_joined():
    assert cut("l’information et l’accom-\npagnement vers un logement") == [
        "l’information et l’accompagnement",
        "vers un logement",
    ]


def test_a_compound_keeps_its_hyphen():
    assert cut("représentée par son Vice-\nprésident délégué") == [
        "représentée par son Vice-",
        "président délégué",
    ]
    assert cut("La Métropole Aix-\nMarseille-Provence") == [
        "La Métropole Aix-",
        "Marseille-Provence",
    ]


def test_a_compound_the_document_writes_elsewhere_keeps_its_hyphen():
    assert cut("un projet socio-\néducatif, un projet socio-éducatif")[0] == "un projet socio-"


def test_a_title_whose_first_words_are_in_capitals_is_written_in_ordinary_case_and_flagged():
    head = (
        "CONVENTION DE PARTENARIAT\n\nentre la Métropole Aix-Marseille-Provence et l’association"
        " Quartiers Vivants\n\nEntre\n\nLa Métropole Aix-Marseille-Provence,\n"
    )
    found = convention("Article 1 – Objet\n\nL’association anime le quartier.", head=head)

    assert found.fields["title"].value == (
        "Convention de partenariat entre la Métropole Aix-Marseille-Provence et l'association "
        "Quartiers Vivants"
    )
    assert any(w.startswith("title: its first words are in capitals") for w in found.warnings)


def test_a_banner_in_capitals_above_the_title_is_not_the_title():
    head = (
        "CONVENTION ANNUELLE D’OBJECTIFS 2026\n\nConvention d’objectifs entre la Métropole et "
        "l’association Quartiers Vivants\n\nEntre\n\nLa Métropole Aix-Marseille-Provence,\n"
    )
    found = convention("Article 1 – Objet\n\nL’association anime le quartier.", head=head)

    assert found.fields["title"].value.startswith("Convention d'objectifs entre")
