"""Hostile XLSX workbooks through the real command line, on SQLite and PostgreSQL: the template
with one thing wrong or odd, built here with openpyxl (small, in milliseconds). A stray cell
far away is read in seconds, whatever the address; a cell that gives no value to read (a
formula never computed, a formula's error, a merged cell, a cell past the header) is refused
naming its cell, in French, with nothing written; what Excel computed is read as it is."""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.chart import BarChart, Reference  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from tests.e2e.conftest import Convflow
from workflow.cli import cli
from workflow.files.spreadsheet import COLUMNS, template_csv

NB = "\u00a0"  # French typography's no-break space, before « : » and inside « »
REFERENCE = "AMP-CRPV-PACA-2025"  # the template's example row
SECONDS = 20
"""What reading a small workbook may take, at most, on a busy machine (it takes well under one
second): a stray cell at XFD1048576 took over ten minutes when every empty cell up to it was
walked."""
SHEET = "xl/worksheets/sheet1.xml"
Change = Callable[[Any], None]


class TookTooLong(Exception):
    """The command ran past its time (not an OSError, which a reader might take for a file's)."""


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """The block interrupted after `seconds`: a test of a slow read fails instead of hanging."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def column(name: str) -> int:
    """A column's number in the template (reference is 1, A)."""
    return COLUMNS.index(name) + 1


def workbook(path: Path, change: Change | None = None) -> Path:
    """The template (its header and the reference convention as its one row) as an XLSX
    workbook, with `change` made to its sheet."""
    header, example = list(csv.reader(io.StringIO(template_csv())))
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    sheet.append([value or None for value in example])
    if change is not None:
        change(sheet)
    book.save(path)
    return path


def rewritten(path: Path, old: str, new: str) -> Path:
    """The workbook with `old` replaced by `new` in its sheet's XML (what openpyxl cannot write:
    a cached value, a dimension that lies)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    xml = parts[SHEET].decode()
    assert old in xml, xml[:600]
    parts[SHEET] = xml.replace(old, new, 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in parts.items():
            out.writestr(name, content)
    return path


def run(convflow: Convflow, path: Path, *options: str) -> Any:
    """`convflow import FILE`, bounded in time, checked to end cleanly: its result."""
    with within(SECONDS):
        result = convflow.runner.invoke(cli, ["import", str(path), *options], env=convflow.env)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        repr(result.exception))  # fmt: skip
    assert "Traceback" not in result.output + result.stderr
    assert "Warning" not in result.stderr, result.stderr  # no library's English on the way
    return result


def imported(convflow: Convflow, path: Path) -> list[str]:
    """The references `convflow import FILE --json` loads from a workbook it accepts."""
    result = run(convflow, path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)["files"][0]
    assert report["error"] is None, report
    return list(report["imported"])


def refusal(convflow: Convflow, path: Path) -> tuple[dict[str, Any], str]:
    """The workbook's refusal ({code, params, message}) and the line the administrator reads
    without --json (on one line); nothing loaded."""
    result = run(convflow, path, "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)["files"][0]
    assert report["imported"] == [] and report["error"] is not None, report
    said = run(convflow, path)
    assert said.exit_code == 1
    assert convflow.json("list") == []
    return report["error"], re.sub(r"[ \n]+", " ", said.stdout + said.stderr)


# A stray cell far away: read in seconds ---------------------------------------------------


@pytest.mark.parametrize(
    ("row", "col"), [(1048576, 16384), (2000, 16384), (3, 26)], ids=["XFD1048576", "XFD2000", "Z3"]
)
def test_a_stray_cell_in_a_row_without_a_convention_is_read_in_seconds_and_left_aside(
    convflow: Convflow, tmp_path: Path, row: int, col: int
) -> None:
    """Only the cells the file holds are read: the farthest cell costs no more than a near
    one. Past the header, in a row that gives no convention, it is left aside as an empty
    row's cell is (a row's cell past the header is refused: below)."""
    path = workbook(tmp_path / "lot.xlsx", lambda sheet: sheet.cell(row, col, "x"))

    assert imported(convflow, path) == [REFERENCE]


def test_a_stray_value_at_the_last_row_in_a_named_column_is_a_row_missing_its_fields(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "lot.xlsx", lambda sheet: sheet.cell(1048576, 1, "x"))

    error, said = refusal(convflow, path)

    assert error["code"] == "required_field", error
    assert (error["params"]["line"], error["params"]["field"]) == (1048576, "title")
    assert "ligne 1048576" in said and "ce champ obligatoire manque" in said


def test_a_sheet_declaring_itself_as_large_as_excel_allows_is_read_as_what_it_holds(
    convflow: Convflow, tmp_path: Path
) -> None:
    """A sheet's <dimension> is what the program that wrote it claims: never what is read."""
    path = rewritten(workbook(tmp_path / "lot.xlsx"), '<dimension ref="A1:Y2"/>',
                     '<dimension ref="A1:XFD1048576"/>')  # fmt: skip

    assert imported(convflow, path) == [REFERENCE]


def test_a_value_past_the_header_in_a_conventions_row_is_refused_naming_its_cell(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "lot.xlsx", lambda sheet: sheet.cell(2, 16384, "note"))

    error, said = refusal(convflow, path)

    assert error["code"] == "sheet_cell_beyond_columns", error
    params = error["params"]
    assert (params["line"], params["field"], params["cell"]) == (2, "file", "XFD2")
    assert (params["value"], params["last"]) == ("note", "Y")
    assert (f"la cellule XFD2 («{NB}note{NB}») est après la dernière colonne de l'en-tête (Y)"
            in said)  # fmt: skip


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(
    convflow: Convflow, tmp_path: Path
) -> None:
    """21 MB of XML (blanks, here) in a ZIP of a few kilobytes: refused on the ZIP's word."""
    path = rewritten(workbook(tmp_path / "lot.xlsx"), "</sheetData>",
                     " " * (21 * 1024 * 1024) + "</sheetData>")  # fmt: skip
    assert path.stat().st_size < 1024 * 1024

    error, said = refusal(convflow, path)

    assert error["code"] == "workbook_too_large", error
    assert (error["params"]["size"], error["params"]["most"]) == (22, 20)
    assert f"ce classeur occupe 22{NB}Mo une fois décompressé, plus que les 20{NB}Mo" in said


# A formula: what Excel computed, or a refusal naming the cell -----------------------------


@pytest.mark.parametrize(
    ("name", "value", "cell"),
    [
        ("amount", "=100000*2", "D2"),
        ("title", '=HYPERLINK("http://example.org","x")', "B2"),
        ("reference", '=CONCATENATE("AMP-","2025")', "A2"),
    ],
    ids=["amount", "title-hyperlink", "reference"],
)
def test_a_formula_never_computed_is_refused_naming_its_cell(
    convflow: Convflow, tmp_path: Path, name: str, value: str, cell: str
) -> None:
    """openpyxl (or any program but Excel) saves a formula without its value: there is none to
    read. A text typed with a leading « = » is such a formula too."""
    path = workbook(tmp_path / "lot.xlsx", lambda sheet: sheet.cell(2, column(name), value))

    error, said = refusal(convflow, path)

    assert error["code"] == "sheet_formula_without_value", error
    params = error["params"]
    assert (params["line"], params["field"], params["cell"]) == (2, name, cell)
    assert "ligne 2\u00a0:" in said
    assert (f"la cellule {cell} contient une formule sans valeur calculée{NB}: ouvrez et "
            "enregistrez le fichier dans Excel, ou saisissez la valeur") in said  # fmt: skip
    assert "ce champ obligatoire manque" not in said


def test_a_formula_with_the_value_excel_computed_loads_that_value(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "lot.xlsx",
                    lambda sheet: sheet.cell(2, column("amount"), "=100000*2"))  # fmt: skip
    rewritten(path, "<f>100000*2</f><v></v>", "<f>100000*2</f><v>200000</v>")

    assert imported(convflow, path) == [REFERENCE]
    assert convflow.json("status", REFERENCE)["amount"] == "200000.00"


def amount_cell(path: Path, formula: str | None, stored: str) -> Path:
    """The template's amount cell as Excel saves it: a formula (=45500*0.7) with the number it
    computed, or the number alone, `stored` as Excel writes it (31849.999999999996: binary)."""
    if formula is None:  # openpyxl writes 15 digits (31850): the number as Excel writes it
        workbook(path, lambda sheet: sheet.cell(2, column("amount"), 7))
        return rewritten(path, '<c r="D2" t="n"><v>7</v>', f'<c r="D2" t="n"><v>{stored}</v>')
    workbook(path, lambda sheet: sheet.cell(2, column("amount"), f"={formula}"))
    return rewritten(path, f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{stored}</v>")


@pytest.mark.parametrize(
    ("formula", "stored", "amount"),
    [("45500*0.7", "31849.999999999996", "31850.00"),  # 70 % of 45 500 €, as Excel stores it
     ("0.1+0.2", "0.30000000000000004", "0.30"),
     (None, "31849.999999999996", "31850.00"),  # the number pasted as a value
     ("45678.9*1", "45678.9", "45678.90")],
    ids=["formula-70-percent", "formula-tenths", "number", "one-decimal"],
)  # fmt: skip
def test_an_amount_computed_to_the_cent_but_for_binary_rounding_loads_that_cent(
    convflow: Convflow, tmp_path: Path, formula: str | None, stored: str, amount: str
) -> None:
    """A sheet shows 31 850,00 € for =45500*0.7; its file holds 31849.999999999996."""
    path = amount_cell(tmp_path / "lot.xlsx", formula, stored)

    assert imported(convflow, path) == [REFERENCE]
    assert convflow.json("status", REFERENCE)["amount"] == amount


@pytest.mark.parametrize(
    ("formula", "stored"),
    [("12500/3", "4166.666666666667"), (None, "12500.001"), (None, "1234.565")],
    ids=["a-third", "a-tenth-of-a-cent", "half-a-cent"],
)
def test_an_amount_computed_past_the_cent_is_refused_naming_its_cell_and_to_round_it(
    convflow: Convflow, tmp_path: Path, formula: str | None, stored: str
) -> None:
    """Rounded here, it would be an amount no one wrote: the administrator rounds it."""
    path = amount_cell(tmp_path / "lot.xlsx", formula, stored)

    error, said = refusal(convflow, path)

    assert error["code"] == "sheet_amount_past_the_cent", error
    params = error["params"]
    assert (params["line"], params["field"], params["cell"], params["value"]) == (
        2, "amount", "D2", stored)  # fmt: skip
    assert f"la cellule D2 contient {stored}, qui n'est pas un montant au centime{NB}: " in said
    assert "arrondissez au centime (ARRONDI(…; 2) dans Excel), ou saisissez le montant" in said


def test_an_amount_written_as_text_is_not_rounded(convflow: Convflow, tmp_path: Path) -> None:
    """Only a number cell is read to the cent: a text is what a person wrote, as in a CSV."""
    text = "31849.999999999996"
    path = workbook(tmp_path / "lot.xlsx", lambda sheet: sheet.cell(2, column("amount"), text))

    error, said = refusal(convflow, path)

    assert error["code"] == "not_an_amount", error
    assert f"«{NB}{text}{NB}» n'est pas un montant en euros" in said


def test_a_formula_computed_as_an_empty_text_is_an_empty_cell(
    convflow: Convflow, tmp_path: Path
) -> None:
    """=SI(…;"";…) shown empty: Excel saves its empty text, an optional column left empty."""
    name = "party3_name"
    path = workbook(tmp_path / "lot.xlsx",
                    lambda sheet: sheet.cell(2, column(name), '=IF(1,"","x")'))  # fmt: skip
    cell = f"{get_column_letter(column(name))}2"
    written = re.search(rf'<c r="{cell}"[^>]*>.*?</c>', zipfile.ZipFile(path).read(SHEET).decode())
    assert written is not None and "<f>" in written.group(0)
    rewritten(path, written.group(0), f'<c r="{cell}" t="str"><f>IF(1,"","x")</f><v></v></c>')

    assert imported(convflow, path) == [REFERENCE]


@pytest.mark.parametrize("name", ["title", "amount"])
def test_a_formula_showing_an_error_is_refused_naming_its_cell_not_read_as_a_text(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    """« #DIV/0! » is what a formula shows when it fails: never a title."""
    path = workbook(tmp_path / "lot.xlsx", lambda sheet: sheet.cell(2, column(name), "#DIV/0!"))
    cell = f"{get_column_letter(column(name))}2"

    error, said = refusal(convflow, path)

    assert error["code"] == "sheet_formula_error", error
    params = error["params"]
    assert (params["line"], params["field"], params["cell"], params["value"]) == (
        2, name, cell, "#DIV/0!")  # fmt: skip
    assert f"la cellule {cell} affiche une erreur de calcul (#DIV/0!){NB}: corrigez" in said


def test_a_date_cell_whose_number_is_no_date_is_refused_as_that_number(
    convflow: Convflow, tmp_path: Path
) -> None:
    """openpyxl warns in English and says #VALUE!; the number is what the cell holds."""

    def change(sheet: Any) -> None:
        sheet.cell(2, column("end_date"), 10**12).number_format = "dd/mm/yyyy"

    error, said = refusal(convflow, workbook(tmp_path / "lot.xlsx", change))

    assert error["code"] == "sheet_not_a_date", error
    assert "«\u00a01000000000000\u00a0»" in said
    assert (error["params"]["line"], error["params"]["field"]) == (2, "end_date")
    assert error["params"]["value"] == "1000000000000"


# Merged cells: refused naming the cell that keeps the value -------------------------------


def _second_row(sheet: Any) -> None:
    """The example row again, as the third row, with its own reference."""
    values = [cell.value for cell in sheet[2]]
    values[0] = "AMP-CRPV-PACA-2026"
    sheet.append(values)


def test_a_place_merged_down_two_rows_is_refused_on_the_second_naming_the_first(
    convflow: Convflow, tmp_path: Path
) -> None:
    """Excel keeps « Marseille » in F2 only: F3 is empty, whatever the sheet shows."""

    def change(sheet: Any) -> None:
        _second_row(sheet)
        sheet.merge_cells("F2:F3")

    error, said = refusal(convflow, workbook(tmp_path / "lot.xlsx", change))

    assert error["code"] == "sheet_merged_cell", error
    params = error["params"]
    assert (params["line"], params["field"], params["cell"], params["merged_with"]) == (
        3, "place", "F3", "F2")  # fmt: skip
    assert (f"ligne 3{NB}: Lieu de signature (place){NB}: la cellule F3 est fusionnée avec F2{NB}: "
            f"Excel ne garde de valeur que dans F2{NB}; annulez la fusion") in said  # fmt: skip
    assert "ce champ obligatoire manque" not in said


def test_a_title_merged_across_the_object_is_refused_on_the_object(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "lot.xlsx", lambda sheet: sheet.merge_cells("B2:C2"))

    error, said = refusal(convflow, path)

    assert error["code"] == "sheet_merged_cell", error
    params = error["params"]
    assert (params["line"], params["field"], params["cell"], params["merged_with"]) == (
        2, "object", "C2", "B2")  # fmt: skip
    assert "Objet (object)\u00a0: la cellule C2 est fusionnée avec B2" in said
    assert params["others"] == []


def test_a_merged_block_is_refused_on_each_cell_but_its_first(
    convflow: Convflow, tmp_path: Path
) -> None:
    """Every cell of the range named, none taken for a value; the range's first cell keeps its
    own (here the first row's place)."""

    def change(sheet: Any) -> None:
        _second_row(sheet)
        sheet.merge_cells("E2:F3")

    error, _ = refusal(convflow, workbook(tmp_path / "lot.xlsx", change))

    problems = [error["params"], *error["params"]["others"]]
    cells = [(p["line"], p.get("params", p).get("cell")) for p in problems]
    assert error["code"] == "sheet_merged_cell"
    assert cells == [(2, "F2"), (3, "E3"), (3, "F3")], problems


# A chart as the active sheet ----------------------------------------------------------------


def _chart_first(with_chart: bool) -> Change:
    """A chart sheet put first and active (with a chart of the template's amount, or none)."""

    def change(sheet: Any) -> None:
        charts = sheet.parent.create_chartsheet("Graphique", 0)
        if with_chart:
            chart = BarChart()
            chart.add_data(Reference(sheet, min_col=column("amount"), min_row=1, max_row=2))
            charts.add_chart(chart)
        sheet.parent.active = 0

    return change


@pytest.mark.parametrize(
    ("with_chart", "code"), [(False, "spreadsheet_unreadable"), (True, "missing_columns")],
    ids=["empty-chart", "chart"],
)  # fmt: skip
def test_a_chart_as_the_active_sheet_is_refused_in_french(
    convflow: Convflow, tmp_path: Path, with_chart: bool, code: str
) -> None:
    """openpyxl cannot read an empty chart sheet back (its own AttributeError); a chart has no
    columns to read."""
    error, said = refusal(convflow, workbook(tmp_path / "lot.xlsx", _chart_first(with_chart)))

    assert error["code"] == code, error
    assert "Traceback" not in said and "AttributeError" not in said
