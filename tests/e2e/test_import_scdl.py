"""The open-data file of subsidies (SCDL « subventions » CSV) imported: each row a draft to
complete, nothing invented; every bad cell named with its line and column; all or nothing;
a subsidy already loaded or waiting is reported, not doubled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.conftest import EXAMPLE, REF, Convflow
from workflow.files.scdl import TO_COMPLETE

SCDL = Path(__file__).parent / "scdl" / "subventions.csv"
HEADER = SCDL.read_text(encoding="utf-8").splitlines()[0]
GOOD = SCDL.read_text(encoding="utf-8").splitlines()[1]


def _refusal(convflow: Convflow, path: Path) -> dict[str, Any]:
    """The file's refusal in `import --json`'s report."""
    result = convflow("import", str(path), "--json")
    assert result.exit_code == 1, result.output
    error: dict[str, Any] = json.loads(result.stdout)["files"][0]["error"]
    return error


def _file(path: Path, *lines: str) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_each_row_becomes_a_draft_to_complete_with_what_it_says(convflow: Convflow) -> None:
    result = convflow("import", str(SCDL))

    assert result.exit_code == 0, result.output
    assert "3 brouillon(s) à compléter" in result.stdout
    assert convflow.json("list") == []  # no convention is made of a row alone
    drafts = convflow.json("drafts")
    assert [d["line"] for d in drafts] == [2, 3, 4]
    first = drafts[0]
    assert first["fields"] == {
        "parties[0].name": "Métropole d'Aix-Marseille-Provence",
        "parties[0].siret": "20005480700017", "parties[1].name": "GIP CRPV PACA",
        "parties[1].siret": "12345678900015",
        "object": "Accompagnement des équipes politique de la ville", "amount": "200000.00",
    }  # fmt: skip
    assert first["facts"]["referenceDecision"] == "DEL-2025-041"
    assert first["missing"] == list(TO_COMPLETE)
    assert drafts[1]["fields"]["parties[1].rna"] == "W131234567"
    assert "payment.instalments" in drafts[1]["missing"]  # « échelonné »: the schedule unsaid
    listed = convflow.ok("drafts")
    assert "GIP CRPV PACA" in listed and "subventions.csv:2" in listed
    assert "200\u202f000,00\xa0€" in listed and "200000.00" not in listed  # in French


def test_json_report_counts_the_drafts(convflow: Convflow) -> None:
    report = convflow.json("import", str(SCDL))

    assert (report["imported"], report["drafts"], report["refused_files"]) == (0, 3, 0)
    assert len(report["files"][0]["drafts"]) == 3


def test_every_bad_cell_is_named_and_nothing_is_kept(convflow: Convflow, tmp_path: Path) -> None:
    bad = _file(
        tmp_path / "bad.csv",
        GOOD,
        GOOD.replace("12345678900015", "12345678900016").replace("DEL-2025-041", "DEL-2"),
        GOOD.replace("2025-03-10", "10/03/2025").replace("DEL-2025-041", "DEL-3"),
        GOOD.replace("200000.00", "deux cents").replace("DEL-2025-041", "DEL-4"),
        GOOD.replace("12345678900015,", ",").replace("DEL-2025-041", "DEL-5"),
    )

    result = convflow("import", str(bad))

    assert result.exit_code == 1
    err = result.stderr
    assert "bad.csv, ligne 3" in err and "idBeneficiaire" in err and "12345678900016" in err
    assert "dateConvention" in err and "«\u00a010/03/2025\u00a0»" in err and "(ligne 4)" in err
    assert "montant" in err and "«\u00a0deux cents\u00a0»" in err and "(ligne 5)" in err
    assert "ni SIRET" in err and "(ligne 6)" in err
    assert convflow.json("drafts") == []


def test_a_missing_column_refuses_the_file(convflow: Convflow, tmp_path: Path) -> None:
    header = HEADER.replace(",montant", "")
    path = tmp_path / "short.csv"
    path.write_text(header + "\n" + GOOD.replace(",200000.00", "") + "\n", encoding="utf-8")

    error = _refusal(convflow, path)

    assert error["code"] == "missing_columns" and error["params"]["columns"] == ["montant"]
    assert error["params"]["field"] == "montant" and error["params"]["line"] == 1


def test_a_subsidy_already_waiting_is_reported_not_doubled(convflow: Convflow) -> None:
    convflow.ok("import", str(SCDL))

    error = _refusal(convflow, SCDL)

    assert error["code"] == "scdl_already_pending"
    assert error["params"]["line"] == 2 and error["params"]["field"] == "referenceDecision"
    assert [o["line"] for o in error["params"]["others"]] == [3, 4]
    undecided = error["params"]["others"][1]  # line 4 has no decision's reference
    assert (undecided["code"], undecided["field"]) == (
        "scdl_undecided_already_pending", "idBeneficiaire")  # fmt: skip
    assert undecided["params"]["on"] == "2025-06-30" and undecided["params"]["amount"] == "30000.00"
    assert len(convflow.json("drafts")) == 3


def test_a_duplicate_in_the_file_is_named(convflow: Convflow, tmp_path: Path) -> None:
    error = _refusal(convflow, _file(tmp_path / "twice.csv", GOOD, GOOD))

    assert (error["code"], error["params"]["line"], error["params"]["first"]) == (
        "duplicate_in_file", 3, 2)  # fmt: skip


def test_a_draft_is_discarded(convflow: Convflow) -> None:
    convflow.ok("import", str(SCDL))
    first = convflow.json("drafts")[0]["id"]

    convflow.ok("drafts", "--discard", str(first))

    assert [d["line"] for d in convflow.json("drafts")] == [3, 4]
    assert convflow.refusal("drafts", "--discard", str(first))["code"] == "unknown_intake_draft"


def test_a_subsidy_already_loaded_with_its_award_decision_is_reported(
    convflow: Convflow, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'key = "crpv"\n', 'key = "crpv"\nsiret = "12345678900015"\n'
    )
    convention = tmp_path / "crpv.toml"
    convention.write_text(text, encoding="utf-8")
    convflow.ok("import", "--without-history", str(convention))
    convflow.ok("award", REF, "--decision", "DEL-2025-041", "--adopted", "2025-02-06",
                "--on", "2025-02-10")  # fmt: skip

    error = _refusal(convflow, SCDL)

    assert error["code"] == "scdl_already_loaded" and error["params"]["line"] == 2
    assert error["params"]["reference"] == REF and error["params"]["others"] == []
    assert convflow.json("drafts") == []


def _signed_crpv(convflow: Convflow, tmp_path: Path) -> None:
    """The reference convention, signed in 2025 (its history), with the beneficiary's SIRET
    and an object short enough to be published."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'key = "crpv"\n', 'key = "crpv"\nsiret = "12345678900015"\n'
    )
    text += '\n[open_data]\nobject = "Accompagnement des équipes politique de la ville"\n'
    path = tmp_path / "crpv.toml"
    path.write_text(text, encoding="utf-8")
    convflow.ok("import", str(path))


def test_our_own_export_read_back_is_known_as_loaded(convflow: Convflow, tmp_path: Path) -> None:
    _signed_crpv(convflow, tmp_path)
    exported = tmp_path / "export.csv"
    convflow.env["CONVFLOW_OPEN_DATA_THRESHOLD"] = "23000"  # the rule's own (tests raise it)
    done = convflow("export", "scdl", "-o", str(exported))
    assert done.exit_code == 0, done.output

    error = _refusal(convflow, exported)

    assert error["code"] == "scdl_undecided_already_loaded"  # no award decision recorded
    assert error["params"]["reference"] == REF and error["params"]["line"] == 2
    assert convflow.json("drafts") == []


def test_a_row_of_another_decision_for_the_same_beneficiary_is_new(
    convflow: Convflow, tmp_path: Path
) -> None:
    _signed_crpv(convflow, tmp_path)
    other = GOOD.replace("2025-03-10", "2026-03-10").replace("DEL-2025-041", "DEL-2026-012")

    report = convflow.json("import", str(_file(tmp_path / "2026.csv", other)))

    assert report["drafts"] == 1
