"""Many conventions at once, as the finance officer holds them: a spreadsheet (CSV from Excel
in French, or XLSX), several files, a directory; each file all or nothing, every bad cell named."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]

from tests.e2e.conftest import EXAMPLE, ROOT, Convflow
from workflow.files.spreadsheet import COLUMNS, template_csv


def _rows(count: int, **changes: str) -> list[dict[str, str]]:
    example = next(csv.DictReader(io.StringIO(template_csv())))
    return [{**example, "reference": f"AMP-LOT-{n:03d}", **changes} for n in range(count)]


def _csv(path: Path, rows: list[dict[str, str]], delimiter: str = ";") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as out:  # as Excel saves it
        writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_french_excel_csv_loads_every_row_in_draft(convflow: Convflow, tmp_path: Path) -> None:
    sheet = _csv(tmp_path / "lot.csv", _rows(3, end_date="31/12/2027", amount="45 000,00"))

    report = convflow.json("import", str(sheet))

    assert report["imported"] == 3 and report["refused_files"] == 0
    assert report["files"][0]["imported"] == ["AMP-LOT-000", "AMP-LOT-001", "AMP-LOT-002"]
    status = convflow.json("status", "AMP-LOT-001")
    assert (status["state"], status["amount"], status["end_date"]) == (
        "draft", "45000.00", "2027-12-31")  # fmt: skip


def test_an_xlsx_sheet_with_number_and_date_cells(convflow: Convflow, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in _rows(2):
        values: list[object] = [row.get(name, "") or None for name in COLUMNS]
        values[COLUMNS.index("amount")] = 12500.5  # a number cell
        values[COLUMNS.index("end_date")] = datetime(2027, 6, 30)  # a date cell
        values[COLUMNS.index("dispute_window_days")] = 30
        sheet.append(values)
    book.save(tmp_path / "lot.xlsx")

    report = convflow.json("import", str(tmp_path / "lot.xlsx"))

    assert report["imported"] == 2
    status = convflow.json("status", "AMP-LOT-000")
    assert (status["amount"], status["end_date"]) == ("12500.50", "2027-06-30")


def test_every_bad_cell_is_named_with_its_row_and_column_and_nothing_is_loaded(
    convflow: Convflow, tmp_path: Path
) -> None:
    rows = _rows(4)
    rows[1]["amount"] = "deux cents"
    rows[2]["party2_signatory_email"] = "mustapha"
    rows[3]["reference"] = rows[0]["reference"]
    sheet = _csv(tmp_path / "lot.csv", rows)

    result = convflow("import", str(sheet))

    assert result.exit_code == 1
    assert "lot.csv, ligne 3" in result.stderr and "«\u00a0deux cents\u00a0»" in result.stderr
    assert "party2_signatory_email" in result.stderr and "(ligne 4)" in result.stderr
    assert "figure déjà à la ligne 2" in result.stderr
    assert convflow.json("list") == []


def test_a_directory_loads_its_good_files_and_refuses_the_bad_one_alone(
    convflow: Convflow, tmp_path: Path
) -> None:
    folder = tmp_path / "a-charger"
    folder.mkdir()
    _csv(folder / "1-lot.csv", _rows(2), delimiter=",")
    (folder / "2-reference.toml").write_text(EXAMPLE.read_text(encoding="utf-8"))
    bad = _rows(1)
    bad[0]["reference"] = "AMP-LOT-000"  # already in 1-lot.csv, loaded just before
    _csv(folder / "3-again.csv", bad)

    result = convflow("import", "--without-history", str(folder))
    listed = {row["reference"] for row in convflow.json("list")}

    assert result.exit_code == 1
    assert listed == {"AMP-LOT-000", "AMP-LOT-001", "AMP-CRPV-PACA-2025"}
    assert "3-again.csv\u00a0: refusé, rien n'a été chargé" in result.stderr
    assert "1-lot.csv\u00a0: 2 convention(s) chargée(s)" in result.stdout


def test_a_sheet_without_its_columns_says_which_are_missing(
    convflow: Convflow, tmp_path: Path
) -> None:
    sheet = tmp_path / "lot.csv"
    sheet.write_text("reference;title;couleur\nA;B;rouge\n", encoding="utf-8")

    result = convflow("import", str(sheet), "--json")
    refused = json.loads(result.stdout)["files"][0]["error"]

    assert result.exit_code == 1

    assert refused["code"] == "unknown_column" and refused["params"]["field"] == "couleur"


def _toml_folder(folder: Path, count: int) -> list[str]:
    """`count` convention files in `folder`, one reference each (the reference convention's
    terms), the references in file order."""
    folder.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8")
    references = [f"AMP-KILL-{n:03d}" for n in range(count)]
    for reference in references:
        (folder / f"{reference}.toml").write_text(
            text.replace('reference = "AMP-CRPV-PACA-2025"', f'reference = "{reference}"', 1),
            encoding="utf-8",
        )
    return references


def _loaded(sqlite_url: str) -> set[str]:
    database = sqlite_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(database)) as connection:
        return {row[0] for row in connection.execute("select reference from convention")}


def test_a_directory_import_killed_has_printed_the_line_of_every_file_it_committed(
    sqlite_url: str, tmp_path: Path
) -> None:
    """Its output redirected to a file (block-buffered), an import killed with SIGKILL has
    written the line of each file committed before the kill: the two lists agree (but for the
    one file, at most, committed in the instant before its line was written). A second run
    refuses those already loaded and says --skip-existing loads the rest; with it, they are."""
    folder = tmp_path / "lot"
    references = _toml_folder(folder, 120)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVFLOW_")}
    mail = str(tmp_path / "mail")
    environment |= {"CONVFLOW_DATABASE_URL": sqlite_url, "CONVFLOW_ACTOR": "alice",
                    "CONVFLOW_MAIL_DIR": mail, "PYTHONPATH": str(ROOT)}  # fmt: skip
    out = tmp_path / "import.out"
    command = [sys.executable, "-m", "workflow.cli", "import", "--without-history", str(folder)]
    with out.open("wb") as redirected:
        running = subprocess.Popen(command, stdout=redirected, stderr=subprocess.DEVNULL,
                                   env=environment)  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while len(_loaded(sqlite_url)) < 10 and running.poll() is None:
                assert time.monotonic() < deadline, "no convention loaded within two minutes"
                time.sleep(0.05)
        finally:
            running.send_signal(signal.SIGKILL)
            assert running.wait(30) == -9

    committed = _loaded(sqlite_url)
    printed = {Path(line.split(" : ")[0]).stem for line in out.read_text().splitlines()}
    assert 10 <= len(committed) < len(references)
    assert printed <= committed and len(committed - printed) <= 1

    again = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    assert again.returncode == 1
    refusals = again.stderr.splitlines()
    assert len(refusals) == len(committed)
    assert all("existe déjà" in line and "--skip-existing" in line for line in refusals)
    assert all(line.count("rien n'a été chargé") == 1 for line in refusals)
    rest = subprocess.run([*command, "--skip-existing"], capture_output=True, text=True,
                          env=environment, check=False)  # fmt: skip
    assert rest.returncode == 0 and _loaded(sqlite_url) == set(references)


def test_a_directory_says_which_files_it_skipped_and_why(
    convflow: Convflow, tmp_path: Path
) -> None:
    folder = tmp_path / "dossier été"
    _toml_folder(folder, 1)
    (folder / "notes.txt").write_text("à relire", encoding="utf-8")
    (folder / "c2.toml.txt").write_text('reference = "AMP-X"', encoding="utf-8")

    result = convflow("import", "--without-history", str(folder))

    assert result.exit_code == 0
    assert f"{folder / 'AMP-KILL-000.toml'}\u00a0: 1 convention(s) chargée(s)" in result.stdout
    skipped = [line for line in result.stderr.splitlines() if "laissé de côté" in line]
    assert [line.split("\u00a0: ")[0] for line in skipped] == [
        str(folder / "c2.toml.txt"), str(folder / "notes.txt")]  # fmt: skip
    assert all(".toml, .csv ou .xlsx" in line for line in skipped)
    report = convflow.json("import", "--skip-existing", str(folder))
    assert [(s["file"], s["code"]) for s in report["skipped"]] == [
        (str(folder / "c2.toml.txt"), "not_an_import_file"),
        (str(folder / "notes.txt"), "not_an_import_file"),
    ]


def test_a_directory_without_a_file_to_import_is_refused(
    convflow: Convflow, tmp_path: Path
) -> None:
    empty = tmp_path / "vide"
    empty.mkdir()
    (empty / "notes.txt").write_text("rien", encoding="utf-8")

    result = convflow("import", str(empty))

    assert result.exit_code == 1
    assert f"«\u00a0{empty}\u00a0» ne contient aucun fichier à charger" in result.stderr
    refused = convflow.refusal("import", str(empty))
    assert (refused["code"], refused["params"]["value"]) == ("nothing_to_import", str(empty))


def test_a_reference_two_files_of_one_import_give_is_refused_naming_the_first_file(
    convflow: Convflow, tmp_path: Path
) -> None:
    folder = tmp_path / "lot"
    _toml_folder(folder, 1)
    first = folder / "AMP-KILL-000.toml"
    copy = folder / "AMP-KILL-000-copie.toml"  # sorted before it: "-" comes before "."
    copy.write_bytes(first.read_bytes())

    result = convflow("import", "--without-history", str(folder))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{first}\u00a0: refusé, rien n'a été chargé\u00a0: la référence "
        f"«\u00a0AMP-KILL-000\u00a0» est celle de "
        f"{copy}, chargé juste avant par ce même import"
    ]
    refused = convflow.json("import", "--without-history", str(folder), "--skip-existing")
    assert refused["refused_files"] == 0


def test_a_cell_beyond_the_header_s_columns_refuses_its_row_naming_it(
    convflow: Convflow, tmp_path: Path
) -> None:
    """A cell past the last column is most often a row shifted by a « ; » typed in a cell
    without quotes: every value after it may be in the wrong column. Refused with its line
    and column; empty cells past the last column (as Excel leaves them) are not."""
    sheet = _csv(tmp_path / "lot.csv", _rows(2))
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    lines[1] += ";en trop"
    lines[2] += ";;"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = convflow("import", str(sheet), "--json")
    refused = json.loads(result.stdout)["files"][0]["error"]

    assert result.exit_code == 1
    assert (refused["code"], refused["params"]["line"]) == ("cell_beyond_columns", 2)
    assert refused["params"]["column"] == len(COLUMNS) + 1
    assert "«\u00a0en trop\u00a0»" in refused["message"] and "ligne 2" in refused["message"]
    assert refused["params"]["others"] == []
    assert convflow.json("list") == []


def test_two_references_equal_but_for_case_are_one_reference_given_twice(
    convflow: Convflow, tmp_path: Path
) -> None:
    rows = _rows(2)
    rows[0]["reference"], rows[1]["reference"] = "AMP-CASE-1", "amp-case-1"
    sheet = _csv(tmp_path / "lot.csv", rows)

    result = convflow("import", str(sheet), "--json")
    refused = json.loads(result.stdout)["files"][0]["error"]

    assert result.exit_code == 1
    assert (refused["code"], refused["params"]["line"]) == ("duplicate_in_file", 3)
    assert refused["params"]["first"] == 2
    assert convflow.json("list") == []


def test_a_reference_loaded_in_another_case_refuses_the_sheet_even_with_skip_existing(
    convflow: Convflow, tmp_path: Path
) -> None:
    """`amp-lot-001` is `AMP-LOT-001` to a person: not a new convention (it was loaded as a
    second one), nor the one loaded, to leave as it is (its terms may differ)."""
    convflow.ok("import", str(_csv(tmp_path / "premier.csv", _rows(2))))
    rows = _rows(3)
    rows[1]["reference"] = "amp-lot-001"
    sheet = _csv(tmp_path / "second.csv", rows)
    said = ("une convention de référence «\u00a0AMP-LOT-001\u00a0» existe déjà\u00a0: "
            "«\u00a0amp-lot-001\u00a0» n'en "
            "diffère que par les majuscules et minuscules")  # fmt: skip

    result = convflow("import", "--skip-existing", str(sheet))

    assert result.exit_code == 1
    assert result.stderr == (f"{sheet}\u00a0: refusé, rien n'a été chargé\u00a0: "
                             f"{sheet}, ligne 3\u00a0: "
                             f"Référence (reference)\u00a0: {said}\n")  # fmt: skip
    refused = convflow("import", str(sheet), "--json")
    error = json.loads(refused.stdout)["files"][0]["error"]
    assert (error["code"], error["params"]["line"]) == ("duplicate_reference", 2)
    assert error["params"]["others"] == [
        {"field": "reference", "line": 3, "code": "duplicate_reference_case",
         "params": {"reference": "amp-lot-001", "existing": "AMP-LOT-001"}},
    ]  # fmt: skip
    assert f"aussi\u00a0: Référence (reference)\u00a0: {said} (ligne 3)" in error["message"]
    assert {row["reference"] for row in convflow.json("list")} == {"AMP-LOT-000", "AMP-LOT-001"}


def test_a_file_of_a_directory_giving_a_reference_loaded_in_another_case_is_refused_alone(
    convflow: Convflow, tmp_path: Path
) -> None:
    folder = tmp_path / "lot"
    _toml_folder(folder, 2)
    again = folder / "AMP-KILL-002.toml"  # after AMP-KILL-000.toml, in name order
    text = (folder / "AMP-KILL-000.toml").read_text(encoding="utf-8")
    again.write_text(text.replace('"AMP-KILL-000"', '"Amp-Kill-000"', 1), encoding="utf-8")

    result = convflow("import", "--without-history", "--skip-existing", str(folder), "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    files = {Path(f["file"]).name: f for f in report["files"]}
    assert files["AMP-KILL-000.toml"]["imported"] == ["AMP-KILL-000"]
    assert files["AMP-KILL-001.toml"]["imported"] == ["AMP-KILL-001"]
    error = files["AMP-KILL-002.toml"]["error"]
    assert (error["code"], error["params"]) == (
        "duplicate_reference_case",
        {"reference": "Amp-Kill-000", "existing": "AMP-KILL-000"},
    )
    assert report["refused_files"] == 1
    assert {row["reference"] for row in convflow.json("list")} == {"AMP-KILL-000", "AMP-KILL-001"}
