"""The reference convention's dossier (issue 12.4): its manifest verifies, its papers and emails
are all there as they were, its history reads in French for a court while its CSV keeps the
values as recorded, and a corrupted paper refuses it; SQLite and PostgreSQL."""

from __future__ import annotations

import email
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text
from sqlalchemy import text, update

from states.convention import Convention
from storage.tables import document_blob_table
from tests.integration import steps
from tests.integration.test_amendments import amend, sign_both
from workflow.bootstrap import App
from workflow.usecases import csv_export, views
from workflow.usecases.documents import Attach, DocumentCorrupted, attach
from workflow.usecases.dossier import dossier
from workflow.usecases.dossier_check import check_dossier
from workflow.usecases.due import run_due
from workflow.usecases.verification import verify_history

RECEIPT = "Avis de réception : distribué le 5 mai 2025.\n".encode()


@pytest.fixture
def in_dispute(app: App, reference_convention: Convention) -> App:
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    steps.record(app, "open_dispute", "2025-05-06", party="crpv", received="2025-05-05")
    attach(app, Attach(steps.REFERENCE, RECEIPT, "avis de réception.txt", "acknowledgement",
                       "alice", event=7, received_on=None), app.clock())  # fmt: skip
    return app


def test_the_manifest_verifies_every_file_of_the_dossier(in_dispute: App):
    archive = zipfile.ZipFile(io.BytesIO(dossier(in_dispute, steps.REFERENCE, in_dispute.clock())))

    manifest = archive.read("MANIFEST.sha256").decode().splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in manifest}
    assert set(listed) == set(archive.namelist()) - {"MANIFEST.sha256"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    assert archive.read("pieces/001-avis_de_réception.txt") == RECEIPT
    assert archive.read("historique.pdf").startswith(b"%PDF")
    # seven lines, and the receipt's attachment
    assert len(archive.read("historique.csv").decode("utf-8-sig").splitlines()) == 1 + 8


def test_every_email_is_there_with_its_message_id_and_its_delivery_record(in_dispute: App):
    archive = zipfile.ZipFile(io.BytesIO(dossier(in_dispute, steps.REFERENCE, in_dispute.clock())))

    emails = [n for n in archive.namelist() if n.startswith("courriels/")]
    record = archive.read("courriels.csv").decode()
    assert emails and len(record.strip().splitlines()) == len(emails) + 1
    for name in emails:
        message = email.message_from_bytes(archive.read(name))
        assert message["Message-ID"] and message["Message-ID"].strip("<>") in record


@pytest.fixture
def lived(app: App, reference_convention: Convention) -> App:
    """Paid, extended to 2026 by avenant n°1, given notice by the GIP, terminated."""
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    amend(app, "2025-11-03", end_date="2026-12-31")
    sign_both(app, 1, "2025-11-04", "2025-11-12")
    steps.record(app, "give_notice", "2026-01-28", party="crpv", received="2026-01-28")
    run_due(app, steps.at("2026-07-29T22:00:00Z"))
    assert steps.state(app) == "terminated"
    return app


def test_the_history_pdf_reads_in_french_as_a_court_reads_it(lived: App):
    archive = zipfile.ZipFile(io.BytesIO(dossier(lived, steps.REFERENCE, lived.clock())))

    text = " ".join(extract_text(io.BytesIO(archive.read("historique.pdf"))).split())

    assert "en signature → en vigueur" in text  # avenant n°1's last signature
    assert "en cours de résiliation → résiliée" in text
    assert "lundi 3 mars 2025" in text and "mardi 28 juillet 2026" in text
    assert "Montant versé, en euros : 200 000,00 €" in text  # its spaces read as spaces
    assert "Terme de la convention : 31 décembre 2026" in text
    assert "Fin effective : 28 juillet 2026" in text
    assert "Partie : GIP Centre de Ressources pour la Politique de la Ville PACA" in text
    assert "Signataire : Mustapha Berra" in text
    for raw in ("in_force", "termination", "effective_end", "signatory", "party =", "amount",
                "200000.00", "2025-03-03", "2026-07-28"):  # fmt: skip
        assert raw not in text, raw


def test_a_dossier_made_after_midnight_in_paris_says_the_paris_day(lived: App):
    """The history says the civil day in Paris it was made (docs/LEGAL-DEADLINES.md, rule 1:
    French law counts in civil dates in Europe/Paris): at 23:30 UTC on 31 December 2026 it is
    already Friday 1 January 2027 in Paris, not the 31st of the year before."""
    made_at = steps.at("2026-12-31T23:30:00Z")

    archive = zipfile.ZipFile(io.BytesIO(dossier(lived, steps.REFERENCE, made_at)))

    text = " ".join(extract_text(io.BytesIO(archive.read("historique.pdf"))).split())
    assert "Dossier constitué le vendredi 1er janvier 2027" in text


def test_the_history_csv_keeps_every_value_as_recorded(lived: App):
    archive = zipfile.ZipFile(io.BytesIO(dossier(lived, steps.REFERENCE, lived.clock())))
    history = views.history(lived, steps.REFERENCE)

    csv_text = archive.read("historique.csv").decode("utf-8")

    with lived.uow() as uow:
        chain = next(uow.history.chains(steps.REFERENCE))[1]
    # the dashboard's CSV export, and each line's hashes with the content they cover
    assert csv_text == csv_export.history_csv(history, chain)
    assert "amount=200000.00" in csv_text and "effective_end=2026-07-28" in csv_text
    assert "party=crpv ; received=2026-01-28" in csv_text


def test_a_corrupted_paper_refuses_the_dossier(in_dispute: App):
    with in_dispute.uow() as uow:
        uow.connection.execute(update(document_blob_table).values(content=b"altered"))
        uow.commit()

    with pytest.raises(DocumentCorrupted):
        dossier(in_dispute, steps.REFERENCE, in_dispute.clock())


def sqlite_only(app: App) -> None:
    with app.uow(read_only=True) as uow:
        if uow.connection.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's bytea holds bytes only: SQLite's columns take any type")


def test_a_paper_turned_into_text_is_a_corrupted_paper(in_dispute: App):
    """SQLite lets a paper's bytes be rewritten as text, not UTF-8 (the tester's edit: one byte
    replaced with `||`, which makes text): a corrupted paper, not a database failure, and
    no stored byte in the message."""
    sqlite_only(in_dispute)
    with in_dispute.uow() as uow:
        uow.connection.execute(text(
            "UPDATE document_blob SET content = substr(content, 1, 10) || X'FF41' "
            "|| substr(content, 13)"
        ))  # fmt: skip
        uow.commit()

    with pytest.raises(DocumentCorrupted) as refused:
        dossier(in_dispute, steps.REFERENCE, in_dispute.clock())

    assert refused.value.params["sha256"] == hashlib.sha256(RECEIPT).hexdigest()
    assert "réception" not in str(refused.value)


def test_a_paper_stored_as_text_with_its_bytes_intact_is_served(in_dispute: App):
    sqlite_only(in_dispute)
    with in_dispute.uow() as uow:
        uow.connection.execute(text("UPDATE document_blob SET content = CAST(content AS TEXT)"))
        uow.commit()

    archive = zipfile.ZipFile(io.BytesIO(dossier(in_dispute, steps.REFERENCE, in_dispute.clock())))

    assert archive.read("pieces/001-avis_de_réception.txt") == RECEIPT


@pytest.fixture
def report_received(app: App, reference_convention: Convention) -> App:
    """Its 2025 financial report owed by the convention, received on 28 November 2025; the
    GIP's letter of dispute, its receipt attached to its line (7)."""
    from dataclasses import replace

    from states.financial_report import FinancialReport

    owed = replace(reference_convention, financial_report=FinancialReport("by_convention", 2025))
    steps.load(app, owed)
    steps.bring_into_execution(app)
    steps.record(app, "open_dispute", "2025-05-06", party="crpv", received="2025-05-05")
    attach(app, Attach(steps.REFERENCE, RECEIPT, "avis de réception.txt", "acknowledgement",
                       "alice", event=7, received_on=None), app.clock())  # fmt: skip
    steps.record(app, "settle", "2025-05-20")
    steps.record(app, "report_received", "2025-11-28", report="financial")
    return app


def test_the_financial_report_is_named_as_such_with_short_labels_and_its_papers(
    report_received: App,
):
    archive = zipfile.ZipFile(
        io.BytesIO(dossier(report_received, steps.REFERENCE, report_received.clock()))
    )

    csv_text = archive.read("historique.csv").decode("utf-8")
    line = next(line for line in csv_text.splitlines() if "report=financial" in line)
    assert ";Compte rendu financier reçu;" in line, line
    text = " ".join(extract_text(io.BytesIO(archive.read("historique.pdf"))).split())
    assert "Compte rendu financier reçu" in text
    assert "Document reçu pour un versement" not in text
    assert "Compte rendu : compte rendu financier" in text
    assert "Quel compte rendu" not in text and "financial (" not in text
    assert "Pièce : pieces/001-avis_de_réception.txt (avis de réception)" in text


def test_the_delivery_record_speaks_french_as_the_history_does(in_dispute: App):
    archive = zipfile.ZipFile(io.BytesIO(dossier(in_dispute, steps.REFERENCE, in_dispute.clock())))

    record = archive.read("courriels.csv").decode("utf-8-sig").splitlines()

    assert record[0] == (
        "fichier;courriel;Message-ID;à;copie;état;tentatives;créé le (UTC);envoyé le (UTC);erreur"
    )
    first = record[1].split(";")
    assert first[0] == "courriels/001-signature_requested.eml"
    assert first[1] == "Demande de signature"
    assert first[5] in ("envoyé", "en attente"), first
    for raw in ("message_id", "kind", "withheld", ";sent;", ";pending;"):
        assert raw not in "\n".join(record), raw


def _unzipped(app: App, folder: Path) -> Path:
    zipfile.ZipFile(io.BytesIO(dossier(app, steps.REFERENCE, app.clock()))).extractall(folder)
    return folder


def _edited(folder: Path, name: str, old: str, new: str) -> None:
    """A file of the dossier edited, and its manifest recomputed: `sha256sum -c` passes."""
    path = folder / name
    path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    manifest = folder / "MANIFEST.sha256"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest.write_text("".join(
        f"{digest}  {name}\n" if line.endswith(f"  {name}") else line + "\n"
        for line in manifest.read_text().splitlines()
    ))  # fmt: skip


def _problems(folder: Path) -> list[tuple[str, int, str]]:
    return [(p["file"], p["seq"], p["field"]) for p in check_dossier(folder)["problems"]]


def test_an_exported_dossier_is_checked_by_itself(lived: App, tmp_path: Path):
    """The dossier carries each line's hashes and the chain's head: an edited cell, an edited
    hashed content, an edited head are named even with the manifest recomputed."""
    folder = _unzipped(lived, tmp_path / "intact")
    checked = check_dossier(folder)
    assert checked["problems"] == [] and checked["lines"] == len(
        views.history(lived, steps.REFERENCE)
    )
    assert checked["head"] == verify_history(lived, steps.REFERENCE)["heads"][steps.REFERENCE]
    assert json.loads((folder / "etat.json").read_text())["chain"]["head"] == checked["head"]
    assert check_dossier(tmp_path / "intact")["problems"] == []

    cell = _unzipped(lived, tmp_path / "cell")
    _edited(cell, "historique.csv", "amount=200000.00", "amount=20000.00")
    [(file, seq, field)] = _problems(cell)
    assert (file, field) == ("historique.csv", "données")
    assert views.history(lived, steps.REFERENCE)[seq - 1]["inputs"]["amount"] == "200000.00"

    content = _unzipped(lived, tmp_path / "content")  # the readable cell and the hashed content
    rows = (content / "historique.csv").read_text("utf-8").splitlines()
    row = rows[seq]
    _edited(content, "historique.csv", row, row.replace("200000.00", "20000.00"))
    assert _problems(content) == [("historique.csv", seq, "breach")]

    head = _unzipped(lived, tmp_path / "head")
    _edited(head, "etat.json", checked["head"], "0" * 64)
    assert _problems(head) == [("etat.json", 0, "head")]

    unlisted = _unzipped(lived, tmp_path / "unlisted")
    (unlisted / "historique.csv").write_text("n°;date\n", "utf-8")
    assert ("historique.csv", 0, "sha256") in _problems(unlisted)
