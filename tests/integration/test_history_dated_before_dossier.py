"""A dispute letter received on 2 June 2025, logged after the Métropole's signature of avenant
n° 1 dated 10 June: the convention's page marks its line (« saisi après coup : daté avant la
ligne n° 9 du 10 juin 2025, saisie plus tôt »), the dossier did not. Its PDF now says it at
the line's date, its historique.csv in a last column (after the chain's: « ligne n° 9 du
2025-06-10 »), which `verify --dossier` holds against the lines as hashed; a dossier written
before the column still checks. One rule for all (states.recording_order). SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text

from states.convention import Convention
from tests.integration import steps
from tests.integration.test_late_letter_after_avenant import avenant_signed_by_the_metropole
from tests.reading import said
from workflow.bootstrap import App
from workflow.usecases.dossier import dossier
from workflow.usecases.dossier_check import check_dossier

NOTE = "saisi après coup : daté avant la ligne n° 9 du mardi 10 juin 2025, saisie plus tôt"
LATE_COLUMN = "saisi après coup, daté avant"


def late_letter(app: App) -> App:
    """The reference convention in execution, avenant n° 1 signed by the Métropole on 10 June
    (line 9), then the dispute letter received on 2 June recorded (line 10)."""
    steps.bring_into_execution(app)
    app.clock.now = steps.at("2025-06-12T09:00:00Z")  # type: ignore[attr-defined]
    avenant_signed_by_the_metropole(app)
    steps.record(app, "open_dispute", "2025-06-02", party="crpv", received="2025-06-02")
    return app


@pytest.fixture
def loaded(app: App, reference_convention: Convention) -> App:
    steps.load(app, reference_convention)
    return app


def files(app: App) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(dossier(app, steps.REFERENCE, app.clock())))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_dossier_s_pdf_marks_the_letter_at_its_date(loaded: App) -> None:
    text = said(extract_text(io.BytesIO(files(late_letter(loaded)).read("historique.pdf"))))

    line = text[text.index("10 lundi 2 juin 2025") :]  # (its cells as the PDF's text gives them)
    assert NOTE in line[:200], line
    assert text.count("saisi après coup :") == 1, text
    assert "Les lignes suivent l'ordre de leur saisie" in text, text


def test_the_dossier_s_pdf_of_a_history_in_date_order_marks_nothing(loaded: App) -> None:
    """The import is dated the day the file was loaded: the 2025 life after it is in order."""
    steps.bring_into_execution(loaded)

    text = said(extract_text(io.BytesIO(files(loaded).read("historique.pdf"))))

    assert "saisi après coup" not in text and "ordre de leur saisie" not in text, text


def test_the_dossier_s_csv_names_the_line_in_its_last_column(loaded: App) -> None:
    data = files(late_letter(loaded)).read("historique.csv")
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    rows = csv_rows(data)

    assert header[-4:] == ["empreinte précédente", "empreinte", "contenu haché", LATE_COLUMN]
    assert header[:8] == ["n°", "date", "événement", "de", "vers", "par", "saisi le (UTC)",
                          "données"]  # fmt: skip
    marked = {row["n°"]: said(row[LATE_COLUMN]) for row in rows if row[LATE_COLUMN]}
    assert marked == {"10": "ligne n° 9 du 2025-06-10"}, marked
    assert [row["date"] for row in rows if row["n°"] in ("9", "10")] == ["2025-06-10", "2025-06-02"]


def written(folder: Path, name: str, data: bytes) -> None:
    """A file of the dossier rewritten, and its manifest recomputed: `sha256sum -c` passes."""
    (folder / name).write_bytes(data)
    manifest = folder / "MANIFEST.sha256"
    digest = hashlib.sha256(data).hexdigest()
    manifest.write_text("".join(
        f"{digest}  {name}\n" if line.endswith(f"  {name}") else line + "\n"
        for line in manifest.read_text().splitlines()
    ))  # fmt: skip


def rewritten(source: bytes, edit: object) -> bytes:
    text = source.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    rows = edit(rows)  # type: ignore[operator]
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if source.startswith(b"\xef\xbb\xbf") else "").encode() + out.getvalue(
    ).encode()  # fmt: skip


def test_verify_dossier_holds_the_column_against_the_lines(loaded: App, tmp_path: Path) -> None:
    archive = files(late_letter(loaded))
    intact = tmp_path / "intact"
    archive.extractall(intact)
    assert check_dossier(intact)["problems"] == []
    source = (intact / "historique.csv").read_bytes()

    moved = tmp_path / "moved"  # the mark taken off line 10 and put on line 9
    archive.extractall(moved)
    written(moved, "historique.csv", rewritten(source, lambda rows: [
        [*row[:-1], {"9": "ligne n° 9 du 2025-06-10", "10": ""}.get(row[0], row[-1])]
        for row in rows
    ]))  # fmt: skip
    problems = [(p["seq"], p["field"]) for p in check_dossier(moved)["problems"]]
    assert problems == [(9, LATE_COLUMN), (10, LATE_COLUMN)], problems

    former = tmp_path / "former"  # a dossier written before the column: still checks
    archive.extractall(former)
    written(former, "historique.csv", rewritten(source, lambda rows: [r[:-1] for r in rows]))
    assert check_dossier(former)["problems"] == []
