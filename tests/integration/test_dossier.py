"""The reference convention's dossier (issue 12.4): its manifest verifies, its papers and emails
are all there as they were, and a corrupted paper refuses it; SQLite and PostgreSQL."""

from __future__ import annotations

import email
import hashlib
import io
import zipfile

import pytest
from sqlalchemy import update

from states.convention import Convention
from storage.tables import document_blob_table
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases.documents import Attach, DocumentCorrupted, attach
from workflow.usecases.dossier import dossier

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
    assert len(archive.read("historique.csv").decode("utf-8-sig").splitlines()) == 1 + 7


def test_every_email_is_there_with_its_message_id_and_its_delivery_record(in_dispute: App):
    archive = zipfile.ZipFile(io.BytesIO(dossier(in_dispute, steps.REFERENCE, in_dispute.clock())))

    emails = [n for n in archive.namelist() if n.startswith("courriels/")]
    record = archive.read("courriels.csv").decode()
    assert emails and len(record.strip().splitlines()) == len(emails) + 1
    for name in emails:
        message = email.message_from_bytes(archive.read(name))
        assert message["Message-ID"] and message["Message-ID"].strip("<>") in record


def test_a_corrupted_paper_refuses_the_dossier(in_dispute: App):
    with in_dispute.uow() as uow:
        uow.connection.execute(update(document_blob_table).values(content=b"altered"))
        uow.commit()

    with pytest.raises(DocumentCorrupted):
        dossier(in_dispute, steps.REFERENCE, in_dispute.clock())
