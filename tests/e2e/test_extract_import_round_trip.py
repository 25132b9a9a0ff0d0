"""A convention whose article 2 states each instalment both ways (« 70 %, soit 31 850,00 € »),
as many do: `convflow extract` drafts both, and `convflow import` loads the draft as drafted
once the reference, keys and emails are in, from a Word file and a PDF alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Convflow
from tests.etoile_du_nord import ETOILE
from tests.extract.renderings import to_docx, to_pdf


def filled(drafted: str) -> str:
    """What the agent types in the draft: the reference, the parties' keys and emails, and
    the Métropole's signatory's title the draft leaves out (its two mentions differ)."""
    text = drafted.replace('reference = ""', 'reference = "AMP-ETOILE-2026"', 1)
    assert text.count("\ntitle = ") == 2  # the convention's and one signatory's
    text = text.replace('email = ""', 'title = "Vice-Présidente déléguée"\nemail = ""', 1)
    for key, email in (("metropole", "helene.darcy@example.org"),
                       ("etoile", "jf.lefevre@example.org")):  # fmt: skip
        text = text.replace('key = ""', f'key = "{key}"', 1)
        text = text.replace('email = ""', f'email = "{email}"', 1)
    return text


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_draft_stating_each_instalment_as_share_and_amount_imports_as_drafted(
    convflow: Convflow, tmp_path: Path, kind: str
) -> None:
    document = {"docx": to_docx, "pdf": to_pdf}[kind](ETOILE, tmp_path / f"etoile.{kind}")
    drafted = tmp_path / "etoile.toml"
    convflow.ok("extract", str(document), "-o", str(drafted))
    text = drafted.read_text(encoding="utf-8")
    assert 'amount = "31850.00"\n# (même phrase, article 2)\nshare = "70%"' in text
    drafted.write_text(filled(text), encoding="utf-8")

    convflow.ok("import", str(drafted))

    status = convflow.json("status", "AMP-ETOILE-2026")
    assert status["amount"] == "45500.00"
    assert [(i["number"], i["amount"], i["trigger"], i["report"])
            for i in status["instalments"]] == [
        (1, "31850.00", "notification", None),
        (2, "13650.00", "report", "bilan d'activité 2027"),
    ]  # fmt: skip


def test_a_share_and_an_amount_that_disagree_are_refused_naming_both(
    convflow: Convflow, tmp_path: Path
) -> None:
    """A figure mistyped in the document, or in the draft: refused, never one of them kept."""
    drafted = tmp_path / "etoile.toml"
    convflow.ok("extract", str(to_docx(ETOILE, tmp_path / "etoile.docx")), "-o", str(drafted))
    mistyped = filled(drafted.read_text(encoding="utf-8")).replace('"31850.00"', '"31580.00"')
    drafted.write_text(mistyped.replace('"13650.00"', '"13920.00"'), encoding="utf-8")

    refused = convflow.refusal("import", str(drafted))

    assert refused["code"] == "instalment_amount_share_differ"
    assert refused["params"]["field"] == "payment.instalments[0].share"
    assert refused["params"]["line"] == mistyped.splitlines().index('share = "70%"') + 1
    assert {k: refused["params"][k] for k in ("instalment", "share", "amount", "share_amount")} == {
        "instalment": 1, "share": "70%", "amount": "31580.00", "share_amount": "31850.00",
    }  # fmt: skip
    assert (
        "le versement n°\u00a01 dit 70% et 31\u202f580,00\u00a0€, mais 70% du montant de la "
        "convention (45\u202f500,00\u00a0€) font 31\u202f850,00\u00a0€\u00a0: corrigez celui des "
        "deux qui est faux (ou n'en gardez qu'un, amount ou share)\u00a0; aussi"
    ) in refused["message"]
    assert [o["field"] for o in refused["params"]["others"]] == ["payment.instalments[1].share"]
    assert convflow.json("list") == []


def test_extract_to_a_file_says_what_it_wrote_and_writes_names_with_plain_apostrophes(
    convflow: Convflow, tmp_path: Path
) -> None:
    """« Mme Hélène D’ARCY » is drafted "Hélène D'Arcy", as the party « L’Étoile du Nord » and
    every other value are: one spelling, the one a person types and `import` stores."""
    document = to_docx(ETOILE, tmp_path / "etoile.docx")
    drafted = tmp_path / "etoile.toml"

    result = convflow("extract", str(document), "-o", str(drafted))

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Fiche de convention rédigée\u00a0: {drafted} (valeurs lues\u00a0: 32\u00a0; à "
        "remplir\u00a0: 7\u00a0; avertissements\u00a0: 1)\n"
    )
    values = [line for line in drafted.read_text(encoding="utf-8").splitlines()
              if not line.startswith("#")]  # fmt: skip
    assert 'name = "Hélène D\'Arcy"' in values
    assert 'name = "Association « L\'Étoile du Nord »"' in values
    assert not [line for line in values if "’" in line]
    english = tmp_path / "english.toml"
    assert convflow.english("extract", str(document), "-o", str(english)).stdout == (
        f"Convention file drafted: {english} (values read: 32; to fill in: 7; warnings: 1)\n"
    )
    drafted.write_text(filled(drafted.read_text(encoding="utf-8")), encoding="utf-8")
    convflow.ok("import", str(drafted))
    names = [s["name"] for s in convflow.json("status", "AMP-ETOILE-2026")["signatories"]]
    assert names == ["Hélène D'Arcy", "Jean-François Lefèvre"]
