"""`convflow extract` as the legal officer uses it: the signed convention's PDF in, a
convention file out that `convflow import` loads once the values only a person knows are in."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from tests.e2e.conftest import EXAMPLE, Convflow
from tests.extract.renderings import to_docx, to_pdf

TEXT = Path(__file__).resolve().parents[2] / "docs" / "reference-convention-2025.txt"


def _filled(drafted: str) -> str:
    """What the administrator types in: the reference, the parties' keys and emails."""
    expected = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    drafted = drafted.replace('reference = ""', f'reference = "{expected["reference"]}"', 1)
    for party in expected["parties"]:
        drafted = drafted.replace('key = ""', f'key = "{party["key"]}"', 1)
        drafted = drafted.replace('email = ""', f'email = "{party["signatories"][0]["email"]}"', 1)
    return drafted


@pytest.mark.parametrize("kind", ["txt", "pdf", "docx"])
def test_the_reference_convention_from_its_document_to_a_loaded_draft(
    convflow: Convflow, tmp_path: Path, kind: str
) -> None:
    document = {"txt": lambda: TEXT, "pdf": lambda: to_pdf(TEXT.read_text(), tmp_path / "c.pdf"),
                "docx": lambda: to_docx(TEXT.read_text(), tmp_path / "c.docx")}[kind]()  # fmt: skip
    drafted = convflow.ok("extract", str(document))

    assert "# Article 6" in drafted or "article 6" in drafted  # each value says where it is from
    assert 'reference = ""' in drafted  # only a person can give it
    path = tmp_path / "convention.toml"
    path.write_text(_filled(drafted), encoding="utf-8")
    convflow.ok("import", str(path))

    status = convflow.json("status", "AMP-CRPV-PACA-2025")
    assert status["amount"] == "200000.00" and status["end_date"] == "2025-12-31"
    expected = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert [(s["party"], s["name"], s["email"]) for s in status["signatories"]] == [
        (p["key"], p["signatories"][0]["name"], p["signatories"][0]["email"])
        for p in expected["parties"]
    ]
    assert status["title"] == " ".join(expected["title"].split())


def test_extract_json_gives_each_field_with_its_article_and_quote(convflow: Convflow) -> None:
    found = json.loads(convflow.ok("extract", str(TEXT), "--json"))

    assert set(found) == {"fields", "missing", "warnings"}
    amount = found["fields"]["amount"]
    assert amount["value"] == "200000.00" and amount["article"] == "article 2"
    assert "200 000" in amount["quote"]
    assert "reference" in found["missing"]


def test_a_clause_convflow_does_not_compute_is_refused_at_import_not_computed_wrongly(
    convflow: Convflow, tmp_path: Path
) -> None:
    drafted = _filled(convflow.ok("extract", str(TEXT)))
    working = re.sub(r'dispute_window_day_kind = "calendar"',
                     'dispute_window_day_kind = "working"', drafted)  # fmt: skip
    assert working != drafted
    path = tmp_path / "working.toml"
    path.write_text(working, encoding="utf-8")

    refused = convflow.refusal("import", str(path))

    assert refused["code"] == "clause_not_supported"
    assert refused["params"]["field"] == "clauses.dispute_window_day_kind"
    assert "pas encore pris en charge" in refused["message"]
    assert convflow.json("list") == []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("convention.odt", b"PK\x03\x04", "document_kind_unknown"),
     ("absent.pdf", None, "file_not_found"),
     ("absent", None, "file_not_found"),
     ("absent.odt", None, "file_not_found"),
     ("empty.txt", b"   \n", "document_without_text")],
)  # fmt: skip
def test_a_document_that_cannot_be_read_is_refused_with_why(
    convflow: Convflow, tmp_path: Path, name: str, content: bytes | None, code: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert convflow.refusal("extract", str(path))["code"] == code


def test_the_drafted_file_and_its_warnings_are_in_french(
    convflow: Convflow, tmp_path: Path
) -> None:
    document = tmp_path / "mismatch.txt"
    document.write_text(
        TEXT.read_text(encoding="utf-8").replace(
            "200 000 € TTC", "vingt mille euros (25 000 €) TTC", 1
        ),
        encoding="utf-8",
    )
    warning = (
        "amount\u00a0: écrit 20\u202f000,00\xa0€ en lettres et 25\u202f000,00\xa0€ en chiffres"
    )

    drafted = convflow.ok("extract", str(document))
    found = json.loads(convflow.ok("extract", str(document), "--json"))

    assert drafted.startswith("# Fiche de convention")
    assert "# Avertissements\u00a0:" in drafted and warning in drafted
    assert "# Non trouvé dans le texte\u00a0:" in drafted and "# À REMPLIR\u00a0:" in drafted
    for english in ("Convention file drafted", "Warnings:", "TO FILL", "Not found in the text"):
        assert english not in drafted
    tomllib.loads(drafted)  # still a convention file
    assert warning in found["warnings"]
    assert set(found) == {"fields", "missing", "warnings"} and "amount" in found["missing"]
    english_json = json.loads(convflow.english("extract", str(document), "--json").output)
    assert "amount: written 20000.00 in words and 25000.00 in figures" in english_json["warnings"]


def test_extract_does_not_overwrite_a_file_a_person_completed_unless_forced(
    convflow: Convflow, tmp_path: Path
) -> None:
    completed = tmp_path / "ma convention.toml"
    completed.write_text(_filled(convflow.ok("extract", str(TEXT))), encoding="utf-8")
    before = completed.read_bytes()

    refused = convflow("extract", str(TEXT), "-o", str(completed))

    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.stderr == (
        f"Erreur\u00a0: Fichier à écrire (output)\u00a0: «\u00a0{completed}\u00a0» existe "
        f"déjà\u00a0: il n'a pas été "
        "remplacé (--force le remplace)\n"
    )
    assert completed.read_bytes() == before
    as_json = convflow.refusal("extract", str(TEXT), "-o", str(completed))
    assert (as_json["code"], as_json["params"]["value"]) == ("output_exists", str(completed))
    convflow.ok("extract", str(TEXT), "-o", str(completed), "--force")
    assert 'reference = ""' in completed.read_text(encoding="utf-8")
    assert "--force" in convflow.ok("extract", "--help")


def test_extract_with_an_output_and_json_writes_the_file_and_prints_the_json(
    convflow: Convflow, tmp_path: Path
) -> None:
    """-o with --json: the convention file written there as without --json (a script asked for
    it), the JSON printed, saying where under "file"; one already there still refused."""
    out = tmp_path / "brouillon.toml"

    found = json.loads(convflow.ok("extract", str(TEXT), "-o", str(out), "--json"))

    assert found["file"] == str(out) and found["fields"]["amount"]["value"] == "200000.00"
    assert out.read_text(encoding="utf-8") == convflow.ok("extract", str(TEXT))
    out.write_text("# completed by hand\n", encoding="utf-8")
    refused = convflow.refusal("extract", str(TEXT), "-o", str(out))
    assert refused["code"] == "output_exists"
    assert out.read_text(encoding="utf-8") == "# completed by hand\n"
    convflow.ok("extract", str(TEXT), "-o", str(out), "--json", "--force")
    assert 'reference = ""' in out.read_text(encoding="utf-8")
    assert '"file"' in convflow.ok("extract", "--help")
