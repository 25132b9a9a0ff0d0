"""`verify --dossier`'s problems said in French: no code of the JSON reaches the person."""

from __future__ import annotations

import pytest

from workflow.cli.dossier_words import dossier_problem
from workflow.usecases.dossier_check import DossierProblem
from workflow.wording.words import Words

FRENCH = Words("fr", names=True)


def problem(file: str, seq: int, field: str, detail: str) -> DossierProblem:
    return {"file": file, "seq": seq, "field": field, "detail": detail}


@pytest.mark.parametrize(
    ("found", "said"),
    [
        (problem("dossier.zip", 0, "listed", "unreadable"),
         "dossier.zip\u00a0: illisible, ni une archive .zip ni un dossier"),
        (problem("MANIFEST.sha256", 0, "listed", "absent"),
         "MANIFEST.sha256\u00a0: absent du dossier"),
        (problem("historique.csv", 0, "listed", "absent"),
         "historique.csv\u00a0: absent du dossier"),
        (problem("etat.json", 0, "listed", "absent"),
         "etat.json\u00a0: absent du dossier, que son manifeste liste pourtant"),
        (problem("historique.csv", 0, "head", "no_chain"),
         "historique.csv\u00a0: sans les colonnes de la chaîne (empreinte précédente, empreinte, "
         "contenu haché)\u00a0: exporté avant qu'elles existent, ou modifié"),
        (problem("historique.csv", 3, "n°", "malformed"),
         "historique.csv, ligne 3\u00a0: mal formée, ce ne sont pas les colonnes d'une ligne "
         "d'historique exportée"),
        (problem("historique.csv", 4, "contenu haché", "malformed"),
         "historique.csv, ligne 4\u00a0: son contenu haché (colonne «\u00a0contenu haché\u00a0») "
         "n'est pas une "
         "ligne d'historique telle que l'export l'écrit"),
        (problem("historique.csv", 2, "breach", "altered"),
         "historique.csv, ligne 2\u00a0: a été modifiée depuis son écriture"),
        (problem("historique.csv", 5, "date", "2025-03-01"),
         "historique.csv, ligne 5, colonne «\u00a0date\u00a0»\u00a0: la cellule dit "
         "«\u00a02025-03-01\u00a0», ce que le "
         "contenu haché de la ligne n'établit pas"),
        (problem("historique.csv", 6, "données", "amount=20000.00 ; instalment=1"),
         "historique.csv, ligne 6, colonne «\u00a0données\u00a0»\u00a0: la cellule dit "
         "«\u00a0Montant (amount)\u00a0: "
         "20000.00 ; Versement n° (instalment)\u00a0: 1\u00a0», ce que le contenu haché de la "
         "ligne "
         "n'établit pas"),
        (problem("etat.json", 0, "head", "0" * 8),
         "etat.json\u00a0: la tête de chaîne qu'il indique (00000000) n'est pas l'empreinte de la "
         "dernière ligne de l'historique"),
        (problem("etat.json", 0, "head", "None"),
         "etat.json\u00a0: n'indique aucune tête de chaîne"),
    ],
)  # fmt: skip
def test_each_problem_of_a_dossier_is_a_french_sentence(found: DossierProblem, said: str):
    assert dossier_problem(FRENCH, found) == said
