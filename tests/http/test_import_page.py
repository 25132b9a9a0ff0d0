"""An administrator imports a spreadsheet of conventions from the dashboard: the template, a
report before anything is saved, then the import, all or nothing. Served for real, on SQLite
and PostgreSQL."""

from __future__ import annotations

import base64
import csv
import io
import re
from html import unescape

import httpx
import openpyxl

from tests.http.conftest import form_value
from workflow.bootstrap import App
from workflow.files.spreadsheet import template_csv


def page_text(response: httpx.Response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", response.text)))


def rows_csv(count: int, first: int = 1) -> bytes:
    """The template's example row `count` times, each with its own reference and emails."""
    header, example = list(csv.reader(io.StringIO(template_csv())))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # as Excel in French saves it
    writer.writerow(header)
    for n in range(first, first + count):
        row = dict(zip(header, example, strict=True))
        row["reference"] = f"AMP-LOT-{n:04d}"
        row["title"] = f"Convention de partenariat n°{n}"
        row["party2_signatory_email"] = f"beneficiaire{n}@example.org"
        writer.writerow([row[column] for column in header])
    return out.getvalue().encode("utf-8")


def upload(browser: httpx.Client, content: bytes, name: str = "lot.csv") -> httpx.Response:
    csrf = form_value(browser.get("/import").text, "csrf_token")
    return browser.post("/import", data={"csrf_token": csrf},
                        files={"file": (name, content, "text/csv")})  # fmt: skip


def confirm(browser: httpx.Client, report: httpx.Response) -> httpx.Response:
    fields = {name: form_value(report.text, name)
              for name in ("csrf_token", "file_name", "digest", "content")}  # fmt: skip
    return browser.post("/import/confirmer", data=fields)


def loaded(app: App, *references: str) -> list[str]:
    with app.uow(read_only=True) as uow:
        return sorted(uow.conventions.existing(list(references)))


def test_the_templates_download_and_each_reports_the_reference_convention(
    admin_browser: httpx.Client, app: App
):
    as_csv = admin_browser.get("/import/modele.csv")
    as_xlsx = admin_browser.get("/import/modele.xlsx")

    assert as_csv.status_code == 200 and "attachment" in as_csv.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]][:3] == ["reference", "title", "object"]
    for content, name in ((as_csv.content, "modele.csv"), (as_xlsx.content, "modele.xlsx")):
        report = upload(admin_browser, content, name)
        assert report.status_code == 200
        assert "Rapport\u00a0: 1 convention à créer" in page_text(report)
        assert "AMP-CRPV-PACA-2025" in page_text(report)
    assert loaded(app, "AMP-CRPV-PACA-2025") == []  # a report saves nothing


def test_the_import_button_counts_in_french(admin_browser: httpx.Client) -> None:
    # It read « Importer les 1 conventions » for a file of one row.
    one, many = upload(admin_browser, rows_csv(1)), upload(admin_browser, rows_csv(1200))

    assert ">Importer la convention</button>" in one.text
    assert ">Importer les 1\u202f200 conventions</button>" in many.text
    assert "1\u202f200 conventions à créer</h2>" in many.text


def test_five_hundred_conventions_are_reported_then_imported(admin_browser: httpx.Client, app: App):
    references = [f"AMP-LOT-{n:04d}" for n in range(1, 501)]

    report = upload(admin_browser, rows_csv(500))

    assert report.status_code == 200
    text = page_text(report)
    assert "Rapport\u00a0: 500 conventions à créer" in text
    assert (
        "AMP-LOT-0500" in text and "200\u202f000,00\xa0€" in text and "31\xa0décembre 2025" in text
    )
    assert "500 conventions ont un terme déjà passé" in text  # the example's term, 2025
    assert loaded(app, *references) == []

    done = confirm(admin_browser, report)

    assert done.status_code == 303
    shown = page_text(admin_browser.get(done.headers["location"]))
    assert "500 conventions importées en brouillon depuis «\u00a0lot.csv\u00a0»" in shown
    assert "AMP-LOT-0100" in shown and "… et 400 de plus" in shown
    assert loaded(app, *references) == references


def test_every_bad_cell_is_reported_with_its_row_and_column_and_nothing_is_saved(
    admin_browser: httpx.Client, app: App
):
    content = rows_csv(3).decode().replace("200000.00", "deux cent mille", 1)
    content = content.replace("beneficiaire3@example.org", "beneficiaire3-at-example.org")

    report = upload(admin_browser, content.encode())

    assert report.status_code == 422
    rows = re.findall(r"<tr><td data-label=\"Ligne\">(\d+)</td><td data-label=\"Colonne\">"
                      r"([^<]*)<code>([^<]+)</code>", report.text)  # fmt: skip
    assert rows == [
        ("2", "Montant (€ TTC) ", "amount"),
        ("4", "Adresse électronique du signataire, partie 2 ", "party2_signatory_email"),
    ]  # the column's French name, and its header as the spreadsheet writes it
    assert "beneficiaire3-at-example.org" in page_text(report)
    assert 'action="/import/confirmer"' not in report.text
    assert loaded(app, "AMP-LOT-0001", "AMP-LOT-0002") == []


def test_a_reference_already_loaded_refuses_the_file_naming_its_row(
    admin_browser: httpx.Client, app: App
):
    confirm(admin_browser, upload(admin_browser, rows_csv(1, first=2)))

    report = upload(admin_browser, rows_csv(3))

    assert report.status_code == 422
    assert re.search(
        r'"Ligne">3</td><td data-label="Colonne">Référence <code>reference', report.text
    )
    assert "AMP-LOT-0002" in page_text(report)
    assert loaded(app, "AMP-LOT-0001", "AMP-LOT-0003") == []


def test_a_reference_loaded_in_another_case_refuses_the_file_naming_the_one_loaded(
    admin_browser: httpx.Client, app: App
):
    confirm(admin_browser, upload(admin_browser, rows_csv(1, first=2)))
    content = rows_csv(3).decode().replace("AMP-LOT-0002", "amp-lot-0002")

    report = upload(admin_browser, content.encode())

    assert report.status_code == 422
    assert re.search(
        r'"Ligne">3</td><td data-label="Colonne">Référence <code>reference', report.text
    )
    assert ("une convention de référence «\u00a0AMP-LOT-0002\u00a0» existe déjà\u00a0: "
            "«\u00a0amp-lot-0002\u00a0» n'en "
            "diffère que par les majuscules et minuscules") in page_text(report)  # fmt: skip
    assert 'action="/import/confirmer"' not in report.text
    assert loaded(app, "AMP-LOT-0001", "amp-lot-0002", "AMP-LOT-0003") == []


def test_a_file_changed_between_the_report_and_the_import_is_refused(
    admin_browser: httpx.Client, app: App
):
    report = upload(admin_browser, rows_csv(2))
    fields = {name: form_value(report.text, name)
              for name in ("csrf_token", "file_name", "digest", "content")}  # fmt: skip
    fields["content"] = base64.b64encode(rows_csv(3)).decode()

    answer = admin_browser.post("/import/confirmer", data=fields)

    assert answer.status_code == 422
    assert "n'est plus celui que le rapport a vérifié" in page_text(answer)
    assert loaded(app, "AMP-LOT-0001", "AMP-LOT-0003") == []


def test_a_file_that_is_no_spreadsheet_is_refused_in_french(admin_browser: httpx.Client):
    report = upload(admin_browser, b"\x89PNG\r\n\x1a\n\0\0\0", "photo.csv")

    assert report.status_code == 422
    assert "rien n'a été enregistré" in page_text(report)


def test_a_viewer_cannot_import(viewer_browser: httpx.Client):
    assert viewer_browser.get("/import").status_code == 403
    assert viewer_browser.get("/import/modele.csv").status_code == 403


def test_importing_answers_with_a_redirect_and_a_second_post_does_not_say_nothing_was_saved(
    admin_browser: httpx.Client, app: App
):
    """POST/redirect/GET: « Importer » answers 303 to a page saying what was imported, which
    F5 shows again; the same form posted once more (a double click, F5 on the POST) finds
    every convention of the file saved, and says so, not « rien n'a été enregistré »."""
    references = ["AMP-LOT-0001", "AMP-LOT-0002", "AMP-LOT-0003"]
    report = upload(admin_browser, rows_csv(3))

    done = confirm(admin_browser, report)

    assert done.status_code == 303 and done.headers["location"].startswith("/import?")
    shown = admin_browser.get(done.headers["location"])
    assert shown.status_code == 200
    text = page_text(shown)
    assert "3 conventions importées en brouillon depuis «\u00a0lot.csv\u00a0»" in text
    assert all(reference in text for reference in references)
    assert loaded(app, *references) == references

    again = confirm(admin_browser, report)

    assert again.status_code == 303
    text = page_text(admin_browser.get(again.headers["location"]))
    assert "rien n'a été enregistré" not in text and "existe déjà" not in text
    assert "Les 3 conventions de «\u00a0lot.csv\u00a0» sont déjà enregistrées" in text
    assert loaded(app, *references) == references


def template_xlsx(change: str = "") -> bytes:
    """The template as an XLSX workbook; `change`: one stray cell at XFD1048576 ("stray"), or
    the amount a formula openpyxl saves without its value ("formula")."""
    header, example = list(csv.reader(io.StringIO(template_csv())))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    sheet.append([value or None for value in example])
    if change == "stray":
        sheet.cell(1048576, 16384, "x")
    if change == "formula":
        sheet.cell(2, header.index("amount") + 1, "=100000*2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_with_a_stray_cell_at_its_far_corner_is_reported_in_seconds(
    admin_browser: httpx.Client, app: App
):
    """Its last cell, XFD1048576, costs no more to read than A1 (over ten minutes, walking every
    empty cell up to it, were a worker of the service lost)."""
    csrf = form_value(admin_browser.get("/import").text, "csrf_token")

    report = admin_browser.post("/import", data={"csrf_token": csrf}, timeout=20,
                                files={"file": ("lot.xlsx", template_xlsx("stray"))})  # fmt: skip

    assert report.status_code == 200
    assert "Rapport\u00a0: 1 convention à créer" in page_text(report)
    assert loaded(app, "AMP-CRPV-PACA-2025") == []


def test_a_formula_without_its_value_is_reported_on_its_cell_in_french(
    admin_browser: httpx.Client, app: App
):
    report = upload(admin_browser, template_xlsx("formula"), "lot.xlsx")

    assert report.status_code == 422
    assert re.search(
        r'"Ligne">2</td><td data-label="Colonne">Montant \(€ TTC\) <code>amount', report.text
    )
    assert ("la cellule D2 contient une formule sans valeur calculée\u00a0: ouvrez et enregistrez"
            " le fichier dans Excel, ou saisissez la valeur") in page_text(report)  # fmt: skip
    assert 'action="/import/confirmer"' not in report.text
    assert loaded(app, "AMP-CRPV-PACA-2025") == []
