"""What an agent bringing conventions in is told, as the intake tester found it wanting: its
files kept in tests/hostile/intake_reports, run through `convflow import` (in-process) and the
dashboard's « Importer un tableau » on SQLite and PostgreSQL.

- manybad.csv: three bad cells and, line 14, a reference loaded already (AMP-PV-2026-004 of
  lot20-utf8bom.csv): the reference was not among the problems listed, said only once the
  others were mended.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.conftest import Convflow
from tests.hostile.test_spreadsheet_hostile import (
    admin_browser,
    base_url,
    client,
    problems,
    tokens,
    web,
)
from tests.http.test_import_page import page_text, upload
from workflow.cli import cli

__all__ = ["admin_browser", "base_url", "client", "tokens", "web"]  # fixtures

FILES = Path(__file__).parent / "intake_reports"
LOT = FILES / "lot20-utf8bom.csv"


def _import(convflow: Convflow, *args: str) -> tuple[int, dict[str, Any]]:
    result = convflow.runner.invoke(cli, ["import", *args, "--json"], env=convflow.env)
    assert "Traceback" not in result.output + result.stderr
    return result.exit_code, json.loads(result.stdout)


def _lines(error: dict[str, Any]) -> list[tuple[int, str, str]]:
    """Each problem of a refusal: line, field, code."""
    params = error["params"]
    first = (params["line"], params["field"], error["code"])
    return [first] + [(o["line"], o["field"], o["code"]) for o in params["others"]]


MANYBAD = [
    (3, "end_date", "sheet_not_a_calendar_date"),
    (6, "amount", "amount_not_positive"),
    (8, "party2_signatory_email", "not_an_email"),
    (14, "reference", "duplicate_reference"),
]


def test_a_reference_loaded_already_is_listed_with_the_files_other_problems(
    convflow: Convflow,
) -> None:
    convflow.ok("import", str(LOT))

    code, answer = _import(convflow, str(FILES / "manybad.csv"))

    assert code == 1
    error = answer["files"][0]["error"]
    assert _lines(error) == MANYBAD
    assert error["params"]["others"][-1]["params"] == {"reference": "AMP-PV-2026-004"}
    said = convflow("import", str(FILES / "manybad.csv"))
    assert said.exit_code == 1
    assert "«\u00a0AMP-PV-2026-004\u00a0» existe déjà (ligne 14)" in said.stderr
    assert "AMP-MANYBAD-001" not in convflow.ok("list")


def test_the_dashboard_lists_the_reference_loaded_already_with_the_other_problems(
    convflow: Convflow, admin_browser: httpx.Client
) -> None:
    convflow.ok("import", str(LOT))

    report = upload(admin_browser, (FILES / "manybad.csv").read_bytes(), "manybad.csv")

    assert report.status_code == 422
    listed = problems(report)
    assert [(line, column) for line, column, _ in listed] == [
        (str(line), field) for line, field, _ in MANYBAD
    ]
    assert "AMP-PV-2026-004" in listed[-1][2]


def test_skip_existing_names_a_row_loaded_already_that_says_otherwise(convflow: Convflow) -> None:
    # lot20-corrected-amount.csv: the lot loaded, its line 3 (AMP-PV-2026-002) with 15 000,00
    # for 12 500, and one new row. Still left as loaded (public behaviour), now said.
    convflow.ok("import", str(LOT))
    corrected = str(FILES / "lot20-corrected-amount.csv")

    said = convflow("import", "--skip-existing", corrected)

    assert said.exit_code == 0
    assert "1 convention(s) chargée(s), 20 déjà chargée(s)" in said.stdout
    assert (
        "ligne 3\u00a0: AMP-PV-2026-002 est déjà chargée et laissée telle quelle, mais cette "
        "ligne en diffère (amount)\u00a0: la ligne n'a pas été prise en compte\u00a0; corrigez "
        "le brouillon sur le tableau de bord"
    ) in said.stderr.replace("\u2019", "'")
    assert json.loads(convflow.ok("status", "AMP-PV-2026-002", "--json"))["amount"] == "12500.00"

    code, answer = _import(convflow, "--skip-existing", corrected)

    assert code == 0
    report = answer["files"][0]
    assert len(report["existing"]) == 21 and report["imported"] == []
    assert report["existing_differing"] == [
        {"line": 3, "reference": "AMP-PV-2026-002", "fields": ["amount"], "state": "draft"}
    ]  # the others identical to what is stored: not named
    english = convflow.english("import", "--skip-existing", corrected)
    assert "the row was not taken; correct the draft on the dashboard" in english.stderr


PAST = "6 conventions ont un terme déjà passé\u00a0: elles ne pourront plus être signées avant lui."


def test_the_command_line_warns_of_terms_already_past_as_the_dashboard_does(
    convflow: Convflow, admin_browser: httpx.Client
) -> None:
    # lot20-utf8bom.csv: six rows whose term is before the day (6 December 2026 here).
    report = upload(admin_browser, LOT.read_bytes(), "lot20-utf8bom.csv")
    assert report.status_code == 200
    assert PAST in page_text(report).replace(" :", "\u00a0:")

    said = convflow("import", str(LOT))

    assert said.exit_code == 0
    assert PAST in said.stderr and "(lignes 2, 3, 11, 14, 18, 19)" in said.stderr


def test_the_past_terms_are_in_the_json_of_an_import(convflow: Convflow) -> None:
    code, answer = _import(convflow, str(LOT))

    assert code == 0
    past = answer["files"][0]["past_terms"]
    assert [p["line"] for p in past] == [2, 3, 11, 14, 18, 19]
    assert past[0] == {"line": 2, "reference": "AMP-PV-2026-001", "end_date": "2026-03-05"}
    code, again = _import(convflow, "--skip-existing", str(LOT))
    assert code == 0 and again["files"][0]["past_terms"] == []  # none loaded this time


DOCS = FILES / "docs"


def test_a_document_or_an_ods_named_to_import_is_refused_as_not_a_file_to_import(
    convflow: Convflow,
) -> None:
    # Each was read as TOML: « ce n'est pas du texte UTF-8 » or a TOML syntax error.
    for name, code in (("etoile-du-nord.docx", "document_not_an_import_file"),
                       ("etoile-du-nord.pdf", "document_not_an_import_file"),
                       ("lot20-copie.txt", "document_not_an_import_file"),
                       ("lot20.ods", "not_an_import_file")):  # fmt: skip
        path = str(DOCS / name)
        error = convflow.refusal("import", path)
        assert (error["code"], error["params"]["value"]) == (code, path)
        said = convflow("import", path)
        assert said.exit_code == 1
        assert "n'est pas un fichier à charger (.toml, .csv ou .xlsx)" in said.stderr
        assert ("pour un document, `convflow extract " in said.stderr) == name.endswith(
            ("docx", "pdf", "txt")
        )
    many = convflow("import", str(DOCS / "lot20.ods"), str(DOCS / "etoile-du-nord.docx"))
    assert many.exit_code == 1 and many.stderr.count("n'est pas un fichier à charger") == 2
    assert "`convflow extract " in many.stderr
    assert json.loads(convflow.ok("list", "--json")) == []


REPEATED = [
    ("onebad-samekey.csv", "party2_key", "duplicate_party_keys"),
    ("same-email-both.csv", "party2_signatory_email", "duplicate_signatory_emails"),
]


def test_a_value_two_parties_share_is_named_in_the_column_that_repeats_it(
    convflow: Convflow, admin_browser: httpx.Client
) -> None:
    # Both were said under « Référence (reference) », line 7.
    for name, column, code in REPEATED:
        status, answer = _import(convflow, str(FILES / name))
        assert status == 1
        assert _lines(answer["files"][0]["error"]) == [(7, column, code)]

        report = upload(admin_browser, (FILES / name).read_bytes(), name)

        assert report.status_code == 422
        assert [(line, shown) for line, shown, _ in problems(report)] == [("7", column)]


def test_the_dashboard_says_which_row_loaded_already_differs_from_the_convention_loaded(
    convflow: Convflow, admin_browser: httpx.Client
) -> None:
    convflow.ok("import", str(LOT))
    corrected = (FILES / "lot20-corrected-amount.csv").read_bytes()

    report = upload(admin_browser, corrected, "lot20-corrected-amount.csv")

    assert report.status_code == 422
    listed = problems(report)
    assert len(listed) == 20 and listed[1][:2] == ("3", "reference")
    assert (
        "cette ligne diffère de la convention chargée (amount) : elle n'en changerait rien ; un "
        "brouillon se corrige sur sa page (« Modifier le brouillon »)"
    ) in listed[1][2].replace("\u00a0", " ").replace("\u202f", " ")
    assert [item for item in listed if "diffère" in item[2]] == [listed[1]]


def hidden_rows_xlsx(path: Path, *hidden: int) -> Path:
    """lot20-utf8bom.csv as an Excel workbook, its rows `hidden` hidden (the tester's
    hidden-row.xlsx)."""
    import csv

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(LOT.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"):
        sheet.append(row)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    book.save(path)
    return path


def test_rows_hidden_in_a_workbook_are_imported_and_named_by_their_lines(
    convflow: Convflow, tmp_path: Path
) -> None:
    """A row hidden in Excel is read like the others, but a person who hides one often means
    « not this one »: the import names each such line, on stderr and in --json."""
    path = hidden_rows_xlsx(tmp_path / "hidden-row.xlsx", 4, 7)

    said = convflow("import", str(path))

    assert said.exit_code == 0, said.output
    assert ("Les lignes 4, 7 sont masquées dans le classeur\u00a0: elles sont importées comme "
            "les autres. Supprimez-les du fichier si elles ne doivent pas l'être."
            ) in said.stderr  # fmt: skip


def test_the_json_of_an_import_gives_the_hidden_rows(convflow: Convflow, tmp_path: Path) -> None:
    path = hidden_rows_xlsx(tmp_path / "h.xlsx", 3)

    code, answer = _import(convflow, str(path))

    assert code == 0
    assert answer["files"][0]["hidden_rows"] == [{"line": 3, "reference": "AMP-PV-2026-002"}]
    code, again = _import(convflow, "--skip-existing", str(path))
    assert code == 0 and again["files"][0]["hidden_rows"] == []  # none loaded this time


def test_the_dashboard_report_names_the_hidden_rows_as_the_command_line_does(
    admin_browser: httpx.Client, tmp_path: Path
) -> None:
    path = hidden_rows_xlsx(tmp_path / "hidden-row.xlsx", 5)

    report = upload(admin_browser, path.read_bytes(), "hidden-row.xlsx")

    assert report.status_code == 200
    assert ("La ligne 5 est masquée dans le classeur\u00a0: elle est importée comme les autres. "
            "Supprimez-la du fichier si elle ne doit pas l'être."
            ) in page_text(report).replace(" :", "\u00a0:")  # fmt: skip
    plain = upload(admin_browser, hidden_rows_xlsx(tmp_path / "plain.xlsx").read_bytes(), "p.xlsx")
    assert "masquée" not in page_text(plain)


def test_each_problem_of_a_refused_file_is_on_its_own_line(convflow: Convflow) -> None:
    """manybad.csv's problems, one long line mixing « ; aussi : » and « (ligne 6); »: the text
    gives each its own line, under the first; --json's message stays one sentence, its
    problems apart as French writes it (« (ligne 6) ; »)."""
    path = str(FILES / "manybad.csv")

    said = convflow("import", path)

    assert said.exit_code == 1
    lines = said.stderr.splitlines()
    assert len(lines) == 3, said.stderr
    assert lines[0].startswith(f"{path}\u00a0: refusé, rien n'a été chargé\u00a0: {path}, ligne 3")
    assert lines[0].endswith("ce jour ou ce mois n'existe pas\u00a0; aussi\u00a0:")
    assert lines[1] == ("  - Montant (€ TTC) (amount)\u00a0: le montant doit être supérieur à "
                        "zéro (ligne 6)")  # fmt: skip
    assert lines[2].startswith("  - Adresse électronique du signataire (party2_signatory_email)")
    assert lines[2].endswith("(ligne 8)")
    code, answer = _import(convflow, path)
    message = answer["files"][0]["error"]["message"]
    assert code == 1 and "\n" not in message
    assert "zéro (ligne 6)\u00a0; Adresse électronique" in message, message
    english = convflow.english("import", path).stderr.splitlines()
    assert english[0].endswith("; also:") and english[1].startswith("  - ")
