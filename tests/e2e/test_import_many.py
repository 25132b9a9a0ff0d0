"""Many conventions at once, as the finance officer holds them: a spreadsheet (CSV from Excel
in French, or XLSX), several files, a directory; each file all or nothing, every bad cell named."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook  # type: ignore[import-untyped]

from tests.e2e.conftest import EXAMPLE, Convflow
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
    assert "lot.csv, ligne 3" in result.stderr and "« deux cents »" in result.stderr
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
    assert "3-again.csv : refusé, rien n'a été chargé" in result.stderr
    assert "1-lot.csv : 2 convention(s) chargée(s)" in result.stdout


def test_a_sheet_without_its_columns_says_which_are_missing(
    convflow: Convflow, tmp_path: Path
) -> None:
    sheet = tmp_path / "lot.csv"
    sheet.write_text("reference;title;couleur\nA;B;rouge\n", encoding="utf-8")

    result = convflow("import", str(sheet), "--json")
    refused = json.loads(result.stdout)["files"][0]["error"]

    assert result.exit_code == 1

    assert refused["code"] == "unknown_column" and refused["params"]["field"] == "couleur"
