"""Each clause reader on the wordings it meets, and where it must refuse to guess."""

from __future__ import annotations

import pytest

from .builders import convention, values

# ---- the dispute clause ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "days", "kind", "start"),
    [
        (
            "A défaut d’accord à l’issue d’un délai de 30 jours calendaires à compter de la "
            "réception d’une lettre recommandée, chacune des parties peut saisir le tribunal.",
            30, "calendar", "receipt",
        ),
        (
            "Les parties disposent de quinze (15) jours ouvrés à compter de la réception de la "
            "lettre recommandée pour trouver un accord amiable.",
            15, "business", "receipt",
        ),
        (
            "À défaut d’accord dans un délai de trente jours ouvrables à compter de l’envoi de la "
            "lettre recommandée, le tribunal administratif pourra être saisi.",
            30, "working", "dispatch",
        ),
        (
            "Faute d’accord dans les vingt (20) jours ouvrés à compter de la date d’envoi de la "
            "lettre, le tribunal pourra être saisi.",
            20, "business", "dispatch",
        ),
    ],
)  # fmt: skip
def test_the_amicable_window_its_days_and_what_starts_it(sentence, days, kind, start):
    found = convention(f"Article 6 – Litiges\n\n{sentence}")

    assert values(found, "clauses.dispute") == {
        "clauses.dispute_window_days": days,
        "clauses.dispute_window_day_kind": kind,
        "clauses.dispute_window_from": start,
    }
    assert found.fields["clauses.articles.dispute"].value == "article 6"


def test_days_without_their_kind_leave_the_kind_to_confirm():
    found = convention(
        "Article 7 – Règlement des différends\n\nLes parties disposent d’un délai de huit (8) "
        "jours à compter de la réception de la lettre recommandée pour trouver un accord."
    )

    assert found.fields["clauses.dispute_window_days"].value == 8
    assert "clauses.dispute_window_day_kind" in found.missing
    assert (
        "calendar days"
        in dict((g.field, g.reason) for g in found.gaps)["clauses.dispute_window_day_kind"]
    )


@pytest.mark.parametrize(
    ("sentence", "warned"),
    [
        ("un délai de deux (2) mois à compter de la réception de la lettre", "in months"),
        ("trente (30) jours francs à compter de la réception de la lettre", "francs"),
        ("trente (60) jours calendaires à compter de la réception de la lettre", "in words"),
    ],
)
def test_an_amicable_window_convflow_cannot_count_is_left_out_and_said(sentence, warned):
    found = convention(
        f"Article 6 – Litiges\n\nLes litiges sont réglés à l’amiable pendant {sentence}."
    )

    assert "clauses.dispute_window_days" not in found.fields
    assert "clauses.dispute_window_days" in found.missing
    assert any(w.startswith("clauses.dispute_window_days") and warned in w for w in found.warnings)


def test_a_window_from_the_first_presentation_is_not_taken_for_the_receipt():
    found = convention(
        "Article 7 – Litiges\n\nFaute d’accord dans un délai de trente (30) jours calendaires à "
        "compter de la première présentation de la lettre recommandée, le juge peut être saisi."
    )

    assert found.fields["clauses.dispute_window_days"].value == 30
    assert "clauses.dispute_window_from" not in found.fields
    assert any(w.startswith("clauses.dispute_window_from") for w in found.warnings)


def test_a_convention_without_a_dispute_clause_says_so():
    found = convention("Article 1 – Objet\n\nL’association anime le quartier.")

    reasons = {g.field: g.reason for g in found.gaps}
    assert reasons["clauses.dispute_window_days"] == "the convention has no dispute clause"
    assert reasons["clauses.articles.dispute"] == "the convention has no dispute clause"


def test_a_dispute_clause_that_goes_straight_to_court_has_no_window():
    found = convention(
        "Article 5 – Litiges\n\nTout différend relève du tribunal administratif de Marseille."
    )

    assert found.fields["clauses.articles.dispute"].value == "article 5"
    assert "clauses.dispute_window_days" in found.missing


# ---- the termination clause -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "field", "count", "start"),
    [
        (
            "La résiliation prend effet à l’expiration d’un délai de 6 mois à compter de la "
            "lettre recommandée avec accusé de réception.",
            "clauses.termination_notice_months", 6, "letter",
        ),
        (
            "Chacune des parties peut résilier la convention moyennant un préavis de trois (3) "
            "mois à compter de la réception de ladite lettre.",
            "clauses.termination_notice_months", 3, "receipt",
        ),
        (
            "La résiliation prend effet soixante (60) jours après la réception de cette lettre.",
            "clauses.termination_notice_days", 60, "receipt",
        ),
        (
            "Chaque partie peut résilier la convention moyennant un préavis de deux mois à "
            "compter de la date d’envoi de la lettre.",
            "clauses.termination_notice_months", 2, "letter",
        ),
        (
            "La résiliation prend effet à l’expiration d’un délai d’un mois suivant la réception "
            "de la lettre.",
            "clauses.termination_notice_months", 1, "receipt",
        ),
    ],
)  # fmt: skip
def test_the_notice_in_months_or_days_and_what_starts_it(sentence, field, count, start):
    found = convention(f"Article 7 – Résiliation\n\n{sentence}")

    assert found.fields[field].value == count
    assert found.fields["clauses.termination_notice_from"].value == start
    assert found.fields["clauses.articles.termination"].value == "article 7"


def test_a_cure_period_after_a_formal_notice_is_not_the_notice():
    found = convention(
        "Article 5 – Résiliation\n\nEn cas de manquement, la convention pourra être résiliée à "
        "l’expiration d’un délai de quinze jours suivant l’envoi d’une mise en demeure restée "
        "sans effet. Chacune des parties peut y mettre fin sous réserve d’un préavis de trois mois."
    )

    assert found.fields["clauses.termination_notice_months"].value == 3
    assert "clauses.termination_notice_days" not in found.fields
    assert "clauses.termination_notice_from" in found.missing


# ---- amount and payment ---------------------------------------------------------------------


def test_a_single_payment_after_notification_is_one_instalment_of_the_whole_amount():
    found = convention(
        "Article 2 – Condition financière\n\nLa participation financière de la Métropole pour "
        "2025 est de 200 000 € TTC. Ils seront versés en une seule fois à la suite de la "
        "notification d’attribution."
    )

    assert values(found, "amount") == {"amount": "200000.00", "amount_basis": "TTC"}
    assert values(found, "payment") == {
        "payment.instalments[0].amount": "200000.00",
        "payment.instalments[0].trigger": "notification",
    }


def test_instalments_on_notification_a_date_and_a_report():
    found = convention(
        "Article 3 – Financement\n\nLe montant de la participation est fixé à 150 000 € HT. Il "
        "sera versé en trois tranches :\n• 30 % à la notification de la convention ;\n• 40 % le "
        "30 juin 2026 ;\n• le solde de 30 % sur remise du rapport final d’exécution."
    )

    assert values(found, "payment") == {
        "payment.instalments[0].share": "30%",
        "payment.instalments[0].trigger": "notification",
        "payment.instalments[1].share": "40%",
        "payment.instalments[1].trigger": "date",
        "payment.instalments[1].on": "2026-06-30",
        "payment.instalments[2].share": "30%",
        "payment.instalments[2].trigger": "report",
        "payment.instalments[2].report": "rapport final d'exécution",
    }
    assert found.fields["amount_basis"].value == "HT"


def test_instalments_that_do_not_add_up_are_left_out():
    found = convention(
        "Article 3 – Versement\n\nLa subvention de 100 000 € est versée en deux tranches :\n- "
        "60 000 € à la notification de la convention ;\n- 30 000 € sur présentation du bilan."
    )

    assert values(found, "payment") == {}
    assert any("add up to 90000.00" in w for w in found.warnings)


def test_shares_that_do_not_make_one_hundred_percent_are_left_out():
    found = convention(
        "Article 3 – Versement\n\nLa subvention de 100 000 € est versée en deux tranches : 60 % "
        "à la notification et 30 % sur présentation du bilan annuel."
    )

    assert values(found, "payment") == {}
    assert any("90 %" in w for w in found.warnings)


def test_an_amount_whose_words_and_figures_disagree_is_left_out():
    found = convention(
        "Article 2 – Financement\n\nLa Métropole accorde une subvention de vingt mille euros "
        "(25 000 €), versée à la notification de la présente convention."
    )

    assert "amount" not in found.fields
    assert "amount: written 20000.00 in words and 25000.00 in figures" in found.warnings


def test_two_totals_are_a_doubt_not_a_choice():
    found = convention(
        "Article 2 – Financement\n\nLe montant de la subvention est de 40 000 € TTC.",
        "Article 3 – Versement\n\nLa subvention de 45 000 € est versée en une seule fois à la "
        "signature.",
    )

    assert "amount" not in found.fields
    assert any(w.startswith("amount: several amounts") for w in found.warnings)


def test_an_amount_neither_ht_nor_ttc_leaves_the_basis_to_fill():
    found = convention(
        "Article 3 – Subvention\n\nLa Métropole alloue à l’association une subvention de "
        "quarante-cinq mille euros (45 000 €), versée en une seule fois à la signature."
    )

    assert found.fields["amount"].value == "45000.00"
    assert "amount_basis" in found.missing
    assert found.fields["payment.instalments[0].trigger"].value == "signature"


# ---- term, extension, amendment -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "effect", "end"),
    [
        ("Cette convention prend effet à compter de sa signature et trouvera son terme au 31 "
         "décembre 2025.", "signature", "2025-12-31"),
        ("La présente convention est conclue pour la période du 1er janvier au 31 décembre 2026.",
         "2026-01-01", "2026-12-31"),
        ("La convention prend effet le 1er mars 2026 et court jusqu’au 28 février 2027.",
         "2026-03-01", "2027-02-28"),
        ("La convention prend effet à la date de sa signature par la dernière des parties et "
         "s’achève le 31/12/2027.", "signature", "2027-12-31"),
    ],
)  # fmt: skip
def test_when_the_convention_takes_effect_and_ends(sentence, effect, end):
    found = convention(f"Article 4 – Durée\n\n{sentence}")

    assert values(found, "takes_effect") == {"takes_effect": effect}
    assert values(found, "end_date") == {"end_date": end}
    assert found.fields["clauses.articles.term"].value == "article 4"


def test_a_term_given_as_a_duration_has_no_end_date_to_guess():
    found = convention(
        "Article 4 – Durée\n\nLa présente convention prend effet à compter de sa signature pour "
        "une durée de trois (3) ans."
    )

    assert found.fields["takes_effect"].value == "signature"
    reason = {g.field: g.reason for g in found.gaps}["end_date"]
    assert "duration (trois (3) ans)" in reason


def test_taking_effect_on_notification_is_said_not_turned_into_signature():
    found = convention(
        "Article 4 – Entrée en vigueur\n\nLa présente convention entre en vigueur à compter de sa "
        "notification et prendra fin le 31 décembre 2026."
    )

    assert "takes_effect" not in found.fields
    assert any(w.startswith("takes_effect: article 4") for w in found.warnings)
    assert found.fields["end_date"].value == "2026-12-31"


@pytest.mark.parametrize(
    ("sentence", "extension"),
    [
        ("Elle pourra donner lieu à avenant afin de prolonger sa durée si nécessaire.", True),
        ("Elle ne pourra être prolongée que par voie d’avenant.", True),
        ("Sa durée pourra être prorogée par avenant.", True),
        ("Elle pourra être reconduite par avenant.", True),
        ("Elle ne pourra faire l’objet d’aucune prolongation.", False),
    ],
)
def test_whether_an_amendment_may_extend_the_term(sentence, extension):
    found = convention(f"Article 4 – Durée\n\nLa convention prend fin le 31/12/2026. {sentence}")

    assert found.fields["clauses.extension_by_amendment"].value is extension


def test_the_amendment_article_is_the_one_on_modifications_not_any_that_names_an_avenant():
    found = convention(
        "Article 1 Objet de l’avenant\n\nLe CRPV accompagne la Métropole.",
        "Article 4 Durée de l’avenant\n\nElle pourra donner lieu à avenant afin de prolonger sa "
        "durée.",
        "Article 5 Modification de l’avenant\n\nToute modification du présent avenant doit faire "
        "l’objet d’un autre avenant écrit.",
    )

    assert found.fields["clauses.articles.amendment"].value == "article 5"


# ---- committee, title, object, place --------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("Un Comité technique sera mis en place afin de valider les orientations.",
         "Comité technique"),
        ("Un comité de pilotage (COPIL) associant les deux parties suit le programme.",
         "Comité de pilotage"),
        ("Le programme est suivi par le Comité de pilotage de la GUSP, qui se réunit.",
         "Comité de pilotage de la GUSP"),
        ("Un Comité d’orientation stratégique qui réunit les directions arrête le programme.",
         "Comité d'orientation stratégique"),
        ("Une Commission de suivi, présidée par la Vice-présidente, examine les résultats.",
         "Commission de suivi"),
    ],
)  # fmt: skip
def test_the_steering_committee_under_its_many_names(sentence, name):
    found = convention(f"Article 3 – Instance de pilotage\n\n{sentence}")

    assert values(found, "committee") == {"committee.name": name, "committee.article": "article 3"}


@pytest.mark.parametrize(
    ("heading", "label"),
    [
        ("Article premier : Objet", "article 1er"),
        ("Article 1er - Objet", "article 1er"),
        ("ARTICLE 1 – OBJET", "article 1"),
        ("Art. 1 - Objet", "article 1"),
        ("Article 1. Objet", "article 1"),
        ("ARTICLE I – OBJET", "article I"),
    ],
)
def test_article_headings_as_conventions_number_them(heading, label):
    found = convention(f"{heading}\n\nL’association anime le quartier des Aygalades.")

    assert found.fields["object"].value == "L'association anime le quartier des Aygalades."
    assert found.fields["object"].article == label


def test_a_reference_to_an_article_inside_a_sentence_is_not_a_heading():
    found = convention(
        "Article 1 – Objet\n\nL’association anime le quartier, dans les conditions de\n"
        "l’article 3 ci-dessous et de\nArticle 4 de la présente convention."
    )

    assert [f.article for f in found.fields.values() if f.article.startswith("article")] == [
        "article 1"
    ]


def test_place_of_signature_in_its_usual_forms():
    for line, place in [
        ("Fait à Marseille, le…………………………en 2 exemplaires", "Marseille"),
        ("Fait en deux exemplaires à Aix-en-Provence, le", "Aix-en-Provence"),
        ("Fait à La Ciotat le 2 février 2026", "La Ciotat"),
    ]:
        found = convention(
            "Article 1 – Objet\n\nL’association anime le quartier.",
            signatures=f"\n{line}\n\nPour la Métropole Aix-Marseille-Provence\nLa Présidente\n"
            "Martine VASSAL\n",
        )
        assert found.fields["place"].value == place


def test_a_yearly_amount_is_not_taken_for_the_convention_s_total():
    found = convention(
        "Article 3 – Subvention\n\nLa Métropole s’engage à verser une subvention annuelle de "
        "100 000 € TTC, soit 300 000 € TTC sur la durée de la convention."
    )

    assert "amount" not in found.fields
    assert any(w.startswith("amount: 100000.00 is a yearly amount") for w in found.warnings)


def test_a_notice_that_becomes_effective_after_a_delay():
    found = convention(
        "Article 4 – Résiliation\n\nLa résiliation sera effective à l’issue d’un délai d’un mois "
        "à compter de la date de réception du courrier."
    )

    assert values(found, "clauses.termination") == {
        "clauses.termination_notice_months": 1,
        "clauses.termination_notice_from": "receipt",
    }


def test_sections_not_headed_article_are_not_read_and_that_is_said():
    found = convention(
        "1. Objet\n\nL’association anime le quartier.",
        "2. Financement\n\nLa Métropole verse une subvention de 10 000 € TTC à la signature.",
    )

    assert "amount" not in found.fields
    assert any(w.startswith("articles: no « Article N » heading found") for w in found.warnings)
