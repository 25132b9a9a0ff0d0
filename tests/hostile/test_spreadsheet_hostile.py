"""Spreadsheets as real programs save them, and hostile ones, brought in through `convflow
import` and the dashboard's « Importer un tableau », on SQLite and PostgreSQL: an old Mac's line
ends read as rows, a tab as the separator; a cell of two million characters, a column named
twice, a file in UTF-16, a device or a named pipe refused in French with their code, line and
column, nothing written, no traceback, no 500."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import threading
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from tests.e2e.conftest import EXAMPLE, Convflow
from tests.http import conftest as dashboard
from tests.http.test_import_page import confirm, upload
from workflow.bootstrap import App
from workflow.cli import cli
from workflow.files.spreadsheet import template_csv
from workflow.usecases.intake_drafts import intake_drafts

SCDL = Path(__file__).parents[1] / "e2e" / "scdl" / "subventions.csv"
HEADER, EXAMPLE_ROW = (list(row) for row in csv.reader(io.StringIO(template_csv())))
TEXT = EXAMPLE.read_text(encoding="utf-8")

# The dashboard's fixtures, as tests/http has them: served for real, an administrator signed in.
admin_browser, client, base_url = dashboard.admin_browser, dashboard.client, dashboard.base_url
web, tokens = dashboard.web, dashboard.tokens


# What the administrator's spreadsheet holds, written as a program writes it.


def sheet_rows(count: int = 1, **changed: str) -> list[dict[str, str]]:
    """The template's example convention `count` times, each its own reference (LOT-1...),
    the first with `changed` cells."""
    rows = []
    for n in range(1, count + 1):
        row = dict(zip(HEADER, EXAMPLE_ROW, strict=True))
        row["reference"] = f"LOT-{n}"
        rows.append(row)
    rows[0].update(changed)
    return rows


def csv_of(lines: list[list[str]], delimiter: str = ",") -> str:
    """Rows of cells as CSV text, lines ending in \\r\\n as Excel on Windows ends them."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(lines)
    return out.getvalue()


def csv_text(header: list[str], rows: list[dict[str, str]], delimiter: str = ",") -> str:
    """The rows under the header as CSV text."""
    return csv_of([header, *([row.get(name, "") for name in header] for row in rows)],
                  delimiter)  # fmt: skip


def scdl_text(**changed: str) -> tuple[list[str], list[dict[str, str]]]:
    """The open-data file of three subsidies (tests/e2e/scdl), its second row with `changed`."""
    with SCDL.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        rows, fields = list(reader), list(reader.fieldnames or ())
    rows[1].update(changed)
    return fields, rows


def old_mac(text: str) -> str:
    """A text as Excel for Mac's « CSV (Macintosh) » saves it: lines ending in \\r alone."""
    return text.replace("\r\n", "\r").replace("\n", "\r")


# The command line, as the administrator runs it.


def imported(convflow: Convflow, path: Path) -> dict[str, Any]:
    """`convflow import PATH --json` on a spreadsheet: its one file's report, checked clean."""
    result = convflow.runner.invoke(cli, ["import", str(path), "--json"], env=convflow.env,
                                    catch_exceptions=True)  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output + result.stderr
    report: dict[str, Any] = json.loads(result.stdout)["files"][0]
    assert result.exit_code == (1 if report["error"] else 0), result.output[-300:]
    return report


def refused_sheet(convflow: Convflow, path: Path) -> dict[str, Any]:
    """The refusal of a spreadsheet, one line of French, with its code and parameters."""
    error: dict[str, Any] = imported(convflow, path)["error"]
    assert error is not None and set(error) == {"code", "params", "message"}
    assert "\n" not in error["message"] and "Traceback" not in error["message"]
    return error


def refused_file(convflow: Convflow, path: Path) -> dict[str, Any]:
    """`convflow import FILE --json` on one convention file (TOML): its refusal, exit 1."""
    result = convflow.runner.invoke(cli, ["import", str(path), "--json"], env=convflow.env,
                                    catch_exceptions=True)  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code == 1 and "Traceback" not in result.output + result.stderr
    error: dict[str, Any] = json.loads(result.stdout)["error"]
    assert "\n" not in error["message"]
    return error


def nothing_written(convflow: Convflow) -> None:
    assert convflow.json("list") == [] and convflow.json("drafts") == []


# The dashboard's « Importer un tableau », as an administrator uses it.


def page_text(response: httpx.Response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.text)))


def problems(report: httpx.Response) -> list[tuple[str, str, str]]:
    """The refused file's problems as the page lists them: line, column, words."""
    found = re.findall(
        r'<tr><td data-label="Ligne">([^<]*)</td><td data-label="Colonne">[^<]*<code>([^<]*)'
        r'</code></td><td data-label="Problème">([^<]*)</td>', report.text,
    )  # fmt: skip
    return [(line, column, unescape(text).replace("\u00a0", " ")) for line, column, text in found]


def loaded(app: App) -> list[str]:
    with app.uow(read_only=True) as uow:
        return sorted(uow.conventions.existing(["LOT-1", "LOT-2", "LOT-3"]))


def nothing_saved(app: App) -> None:
    assert loaded(app) == [] and intake_drafts(app) == []


def refused_upload(browser: httpx.Client, content: bytes, name: str) -> tuple[str, str, str]:
    """The first problem the page lists for a refused upload (422, no « Importer »)."""
    report = upload(browser, content, name)
    assert report.status_code == 422, (report.status_code, page_text(report)[:300])
    assert (
        "rien n'a été enregistré" in page_text(report)
        and 'action="/import/confirmer"' not in report.text
    )
    return problems(report)[0]


# 1. Old Mac line ends, and a tab between columns: legitimate files, imported.


def test_a_csv_saved_by_excel_for_mac_with_lines_ending_in_cr_alone_is_imported(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = tmp_path / "lot.csv"
    path.write_text(old_mac(csv_text(HEADER, sheet_rows(2))), encoding="utf-8", newline="")

    report = imported(convflow, path)

    assert report["error"] is None and report["imported"] == ["LOT-1", "LOT-2"]
    assert [row["reference"] for row in convflow.json("list")] == ["LOT-1", "LOT-2"]


def test_a_cell_holding_a_line_break_keeps_it_and_the_rows_after_it_their_line_numbers(
    convflow: Convflow, tmp_path: Path
) -> None:
    text = csv_text(HEADER, sheet_rows(2, object="Accompagnement\r\ndes équipes", amount="x"))
    path = tmp_path / "lot.csv"
    path.write_text(old_mac(text), encoding="utf-8", newline="")

    error = refused_sheet(convflow, path)

    # the first row takes lines 2 and 3 (its object holds a line break): its amount is on 3
    assert (error["code"], error["params"]["line"], error["params"]["field"]) == (
        "not_an_amount", 3, "amount",
    )  # fmt: skip
    nothing_written(convflow)


def test_an_open_data_file_with_lines_ending_in_cr_alone_gives_its_drafts(
    convflow: Convflow, tmp_path: Path
) -> None:
    fields, rows = scdl_text()
    path = tmp_path / "subventions.csv"
    path.write_text(old_mac(csv_text(fields, rows)), encoding="utf-8", newline="")

    report = imported(convflow, path)

    assert report["error"] is None and len(report["drafts"]) == 3
    assert [draft["line"] for draft in convflow.json("drafts")] == [2, 3, 4]


def test_a_tab_separated_csv_is_imported(convflow: Convflow, tmp_path: Path) -> None:
    path = tmp_path / "lot.csv"
    path.write_text(csv_text(HEADER, sheet_rows(2), delimiter="\t"), encoding="utf-8")

    report = imported(convflow, path)

    assert report["error"] is None and report["imported"] == ["LOT-1", "LOT-2"]


def test_the_dashboard_reports_then_imports_a_csv_with_old_mac_line_ends(
    admin_browser: httpx.Client, app: App
) -> None:
    content = old_mac(csv_text(HEADER, sheet_rows(2))).encode()

    report = upload(admin_browser, content)

    assert report.status_code == 200, page_text(report)[:500]
    assert "Rapport : 2 conventions à créer" in page_text(report)
    assert confirm(admin_browser, report).status_code == 303
    assert loaded(app) == ["LOT-1", "LOT-2"]


def test_the_dashboard_reports_an_open_data_file_with_old_mac_line_ends(
    admin_browser: httpx.Client, app: App
) -> None:
    fields, rows = scdl_text()

    report = upload(admin_browser, old_mac(csv_text(fields, rows)).encode(), "subventions.csv")

    assert report.status_code == 200, page_text(report)[:500]
    assert "Rapport : 3 subventions" in page_text(report)
    assert confirm(admin_browser, report).status_code == 303
    assert len(intake_drafts(app)) == 3


def test_the_dashboard_reports_a_tab_separated_csv(admin_browser: httpx.Client, app: App) -> None:
    report = upload(admin_browser, csv_text(HEADER, sheet_rows(2), delimiter="\t").encode())

    assert report.status_code == 200 and "Rapport : 2 conventions à créer" in page_text(report)
    assert loaded(app) == []


# 2. A cell past csv's own limit (131 072 characters): refused as too long, where it is.


def test_a_title_of_two_million_characters_is_refused_as_too_long_on_its_row_and_column(
    convflow: Convflow, tmp_path: Path
) -> None:
    rows = sheet_rows(3, title="x" * 2_000_000)
    rows[2]["amount"] = "deux cent mille"  # a row after it is still read, on its own line
    path = tmp_path / "lot.csv"
    path.write_text(csv_text(HEADER, rows), encoding="utf-8")

    error = refused_sheet(convflow, path)

    assert error["code"] == "text_too_long", error["code"]
    params = error["params"]
    assert (params["line"], params["field"]) == (2, "title")
    assert (params["most"], params["given"]) == (1000, 2_000_000)
    assert (
        "ligne 2\u00a0: Intitulé (title)\u00a0: au plus 1\u202f000 caractères "
        "(2\u202f000\u202f000 saisis)" in error["message"]
    )
    assert [(o["line"], o["field"], o["code"]) for o in params["others"]] == [
        (4, "amount", "not_an_amount")
    ]
    assert len(error["message"]) < 2000  # the cell is not said back
    nothing_written(convflow)


def test_a_huge_quoted_cell_over_several_lines_is_refused_and_the_next_rows_keep_their_lines(
    convflow: Convflow, tmp_path: Path
) -> None:
    rows = sheet_rows(2, object=("y" * 100_000 + "\n") * 3)
    rows[1]["party2_signatory_email"] = "pas-un-courriel"
    path = tmp_path / "lot.csv"
    path.write_text(csv_text(HEADER, rows), encoding="utf-8")

    error = refused_sheet(convflow, path)

    params = error["params"]
    assert (error["code"], params["line"], params["field"]) == ("text_too_long", 5, "object")
    assert [(o["line"], o["field"]) for o in params["others"]] == [(6, "party2_signatory_email")]
    nothing_written(convflow)


def test_an_open_data_object_of_200_000_characters_is_refused_as_too_long(
    convflow: Convflow, tmp_path: Path
) -> None:
    fields, rows = scdl_text(objet="x" * 200_000)
    path = tmp_path / "subventions.csv"
    path.write_text(csv_text(fields, rows), encoding="utf-8")

    error = refused_sheet(convflow, path)

    params = error["params"]
    assert (error["code"], params["line"], params["field"]) == ("text_too_long", 3, "objet")
    assert (params["most"], params["given"]) == (256, 200_000)
    assert "au plus 256 caractères" in error["message"]
    nothing_written(convflow)


def test_the_dashboard_refuses_a_title_of_two_million_characters(
    admin_browser: httpx.Client, app: App
) -> None:
    content = csv_text(HEADER, sheet_rows(title="x" * 2_000_000)).encode()

    line, column, words = refused_upload(admin_browser, content, "lot.csv")

    assert (line, column) == (
        "2",
        "title",
    ) and "au plus 1\u202f000 caractères (2\u202f000\u202f000 saisis)" in words
    nothing_saved(app)


def test_the_dashboard_refuses_an_open_data_object_of_200_000_characters(
    admin_browser: httpx.Client, app: App
) -> None:
    content = csv_text(*scdl_text(objet="x" * 200_000)).encode()

    line, column, words = refused_upload(admin_browser, content, "subventions.csv")

    assert (line, column) == (
        "3",
        "objet",
    ) and "au plus 256 caractères (200\u202f000 saisis)" in words
    nothing_saved(app)


# 3. A column named twice: which value would be read? Neither: refused on line 1.


def twice_amount_csv() -> str:
    """The template's header with a second `amount` column after the last one (Z), the
    example row holding 5 there."""
    return csv_of([[*HEADER, "amount"], [*sheet_rows()[0].values(), "5"]])


def twice_montant_csv() -> str:
    """The open-data file with a second `montant` column after the last one (Q): 1.00."""
    fields, rows = scdl_text()
    return csv_of([[*fields, "montant"], *([*row.values(), "1.00"] for row in rows)])


def twice_amount_xlsx(path: Path) -> Path:
    """A workbook whose column Z is headed `Amount` again (case differs), holding 7."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*HEADER, "Amount"])
    sheet.append([*sheet_rows()[0].values(), 7])
    book.save(path)
    return path


def test_a_csv_with_a_second_amount_column_is_refused_naming_both_columns(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = tmp_path / "lot.csv"
    path.write_text(twice_amount_csv(), encoding="utf-8")

    error = refused_sheet(convflow, path)

    params = error["params"]
    assert (error["code"], params["line"], params["field"]) == ("duplicate_column", 1, "amount")
    assert (params["first"], params["second"]) == ("D", "Z")
    assert (
        "ligne 1\u00a0: Montant (€ TTC) (amount)\u00a0: colonne en double (colonnes D et Z)"
        in error["message"]
    )
    nothing_written(convflow)


def test_an_xlsx_with_a_second_column_headed_amount_in_capitals_is_refused(
    convflow: Convflow, tmp_path: Path
) -> None:
    error = refused_sheet(convflow, twice_amount_xlsx(tmp_path / "lot.xlsx"))

    params = error["params"]
    assert (error["code"], params["line"], params["field"]) == ("duplicate_column", 1, "amount")
    assert (params["first"], params["second"]) == ("D", "Z")
    assert "colonne en double (colonnes D et Z)" in error["message"]
    nothing_written(convflow)


def test_an_open_data_file_with_a_second_montant_column_is_refused(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = tmp_path / "subventions.csv"
    path.write_text(twice_montant_csv(), encoding="utf-8")

    error = refused_sheet(convflow, path)

    params = error["params"]
    assert (error["code"], params["line"], params["field"]) == ("duplicate_column", 1, "montant")
    assert (params["first"], params["second"]) == ("I", "Q")
    assert "colonne en double (colonnes I et Q)" in error["message"]
    nothing_written(convflow)


def test_the_dashboard_refuses_a_csv_with_a_second_amount_column(
    admin_browser: httpx.Client, app: App
) -> None:
    line, column, words = refused_upload(admin_browser, twice_amount_csv().encode(), "lot.csv")

    assert (line, column) == ("1", "amount")
    assert "colonne en double (colonnes D et Z) ; gardez-en une seule" in words
    nothing_saved(app)


def test_the_dashboard_refuses_an_xlsx_with_a_column_named_twice(
    admin_browser: httpx.Client, app: App, tmp_path: Path
) -> None:
    content = twice_amount_xlsx(tmp_path / "lot.xlsx").read_bytes()

    line, column, words = refused_upload(admin_browser, content, "lot.xlsx")

    assert (line, column) == ("1", "amount") and "colonne en double (colonnes D et Z)" in words
    nothing_saved(app)


def test_the_dashboard_refuses_an_open_data_file_with_a_second_montant_column(
    admin_browser: httpx.Client, app: App
) -> None:
    content = twice_montant_csv().encode()

    line, column, words = refused_upload(admin_browser, content, "subventions.csv")

    assert (line, column) == ("1", "montant") and "colonne en double (colonnes I et Q)" in words
    nothing_saved(app)


# 4. UTF-16 (Notepad's « Unicode », Excel's « Texte Unicode »): said as such.

UTF16 = {
    "bom-le": lambda text: text.encode("utf-16"),  # Python writes the mark, little-endian
    "le": lambda text: text.encode("utf-16-le"),
    "be": lambda text: text.encode("utf-16-be"),
}


@pytest.mark.parametrize("form", list(UTF16))
def test_a_csv_in_utf16_is_refused_saying_so(convflow: Convflow, tmp_path: Path, form: str) -> None:
    path = tmp_path / "lot.csv"
    path.write_bytes(UTF16[form](csv_text(HEADER, sheet_rows(), delimiter="\t")))

    error = refused_sheet(convflow, path)

    assert error["code"] == "spreadsheet_utf16" and error["params"]["encoding"] == "UTF-16"
    message = error["message"]
    assert (
        "fichier en UTF-16 (Excel\u00a0: «\u00a0Texte Unicode\u00a0»)\u00a0: enregistrez-le "
        "en UTF-8" in message
    )
    assert "Windows-1252" not in message and "octet" not in message
    nothing_written(convflow)


@pytest.mark.parametrize(("form", "encoding"), [*((f, "UTF-16") for f in UTF16),
                                                ("utf-32", "UTF-32")])  # fmt: skip
def test_a_convention_file_in_utf16_is_refused_saying_so(
    convflow: Convflow, tmp_path: Path, form: str, encoding: str
) -> None:
    path = tmp_path / "convention.toml"
    path.write_bytes(TEXT.encode("utf-32") if form == "utf-32" else UTF16[form](TEXT))

    error = refused_file(convflow, path)

    assert error["code"] == "file_utf16" and error["params"]["encoding"] == encoding
    assert f"fichier en {encoding}\u00a0: enregistrez-le en UTF-8" in error["message"]
    nothing_written(convflow)


def test_an_open_data_file_in_utf16_is_refused_saying_so(
    convflow: Convflow, tmp_path: Path
) -> None:
    fields, rows = scdl_text()
    path = tmp_path / "subventions.csv"
    path.write_bytes(csv_text(fields, rows).encode("utf-16"))

    error = refused_sheet(convflow, path)

    assert error["code"] == "spreadsheet_utf16"
    nothing_written(convflow)


@pytest.mark.parametrize("form", list(UTF16))
def test_the_dashboard_refuses_a_csv_in_utf16_saying_so(
    admin_browser: httpx.Client, app: App, form: str
) -> None:
    content = UTF16[form](csv_text(HEADER, sheet_rows(), delimiter="\t"))

    line, column, words = refused_upload(admin_browser, content, "lot.csv")

    assert (line, column) == ("—", "file")
    assert "fichier en UTF-16 (Excel : « Texte Unicode ») : enregistrez-le en UTF-8" in words
    nothing_saved(app)


def test_the_dashboard_refuses_an_open_data_file_in_utf16_saying_so(
    admin_browser: httpx.Client, app: App
) -> None:
    content = csv_text(*scdl_text()).encode("utf-16-le")

    line, column, words = refused_upload(admin_browser, content, "subventions.csv")

    assert (line, column) == ("—", "file") and "fichier en UTF-16" in words
    nothing_saved(app)


# 5. What is no regular file: a device, a named pipe. Never read.


@pytest.fixture
def late_writer() -> Iterator[list[Path]]:
    """Named pipes to be opened by a writer who comes late and writes nothing: a reader
    waiting on one (as convflow once did) gets an empty file rather than waiting forever."""
    pipes: list[Path] = []
    done = threading.Event()

    def come_late() -> None:
        while not done.wait(0.2):
            for pipe in pipes:
                with contextlib.suppress(OSError):  # nobody reads it: as it should be
                    os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))

    writer = threading.Thread(target=come_late, daemon=True)
    writer.start()
    yield pipes
    done.set()
    writer.join()


@pytest.mark.parametrize("name", ["lot.csv", "lot.xlsx", "convention"])
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(
    convflow: Convflow, tmp_path: Path, late_writer: list[Path], name: str
) -> None:
    pipe = tmp_path / name
    os.mkfifo(pipe)
    late_writer.append(pipe)

    one_file = pipe.suffix not in (".csv", ".xlsx")  # a convention file answers on its own
    error = refused_file(convflow, pipe) if one_file else refused_sheet(convflow, pipe)

    assert error["code"] == "file_not_regular", error
    assert "ce n'est pas un fichier enregistré sur le disque" in error["message"]
    nothing_written(convflow)


@pytest.mark.parametrize("name", ["lot.csv", "convention.toml", "convention"])
def test_a_device_is_refused_without_being_read(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    # /dev/null rather than /dev/zero: the same refusal, and a test that never fills the
    # memory of a machine running it on a convflow without the check
    link = tmp_path / name
    link.symlink_to("/dev/null")

    one_file = link.suffix not in (".csv", ".xlsx")  # a convention file answers on its own
    error = refused_file(convflow, link) if one_file else refused_sheet(convflow, link)

    assert error["code"] == "file_not_regular", error
    assert "un périphérique ou un tube" in error["message"]
    nothing_written(convflow)


def test_a_device_named_directly_is_refused(convflow: Convflow) -> None:
    error = refused_file(convflow, Path("/dev/null"))

    assert error["code"] == "file_not_regular" and error["params"]["file"] == "/dev/null"


def test_a_directory_keeps_its_own_answer(convflow: Convflow, tmp_path: Path) -> None:
    (tmp_path / "vide").mkdir()

    error = refused_file(convflow, tmp_path / "vide")

    assert error["code"] == "nothing_to_import"
