"""The reference convention's papers: attached, listed, read back byte for byte, a corrupted
one detected, and every refusal named; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, update

from states.convention import Convention
from states.documents import sha256
from states.errors import ConvflowError, InvalidInput, UnknownConvention
from storage.tables import document_blob_table, document_table
from tests.extract.renderings import to_pdf
from tests.integration import steps
from tests.pades import sign_pdf
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.documents import (
    Attach,
    DocumentCorrupted,
    UnknownDocument,
    attach,
    documents,
    read,
)
from workflow.usecases.verification import verify_history

TEXT = Path(__file__).resolve().parents[2] / "docs" / "reference-convention-2025.txt"


@pytest.fixture
def signed(app: App, reference_convention: Convention, tmp_path: Path) -> tuple[App, bytes]:
    """The reference convention in force, and its signed text as a PDF."""
    steps.load(app, reference_convention)
    steps.bring_into_force(app)
    return app, to_pdf(TEXT.read_text("utf-8"), tmp_path / "signee.pdf").read_bytes()


def add(app: App, content: bytes, **what: object) -> dict[str, object]:
    command = Attach(
        steps.REFERENCE,
        content,
        str(what.pop("name", "piece.pdf")),
        str(what.pop("kind", "signed_convention")),
        "alice",
        **what,
    )  # type: ignore[arg-type]
    return attach(app, command, app.clock())


def test_the_signed_convention_attached_to_its_last_signature_reads_back_byte_for_byte(
    signed: tuple[App, bytes],
):
    app, pdf = signed

    done = add(app, pdf, name="convention signée.pdf", event=4)

    assert (done["sha256"], done["media_type"], done["size"]) == (
        sha256(pdf), "application/pdf", len(pdf),
    )  # fmt: skip
    assert [(d["name"], d["kind"], d["event"]) for d in documents(app, steps.REFERENCE)] == [
        ("convention signée.pdf", "signed_convention", 4)
    ]
    content, described = read(app, sha256(pdf))
    assert content == pdf and described["name"] == "convention signée.pdf"


def test_the_same_bytes_twice_are_stored_once_and_listed_twice(signed: tuple[App, bytes]):
    app, pdf = signed
    add(app, pdf, event=4)
    add(app, pdf, kind="other", name="copie.pdf")

    with app.uow(read_only=True) as uow:
        blobs = uow.connection.execute(document_blob_table.select()).all()

    assert len(blobs) == 1 and len(documents(app, steps.REFERENCE)) == 2


def test_a_corrupted_blob_is_an_error_never_a_file(signed: tuple[App, bytes]):
    app, pdf = signed
    add(app, pdf)
    with app.uow() as uow:  # a disk, a restore or a hand altered the stored bytes
        uow.connection.execute(update(document_blob_table).values(content=pdf[:-1] + b"X"))
        uow.commit()

    with pytest.raises(DocumentCorrupted) as refused:
        read(app, sha256(pdf))

    assert refused.value.params["found"] != sha256(pdf)


@pytest.mark.parametrize(
    ("content", "what", "code", "field"),
    [
        (b"", {}, "document_empty", "file"),
        (b"MZ\x90\x00" + b"\x00" * 60, {}, "document_type_refused", "file"),
        (b"GIF89a" + b"\x00" * 10, {}, "document_type_refused", "file"),
        (b"%PDF-1.4\n", {"kind": "photo"}, "unknown_document_kind", "kind"),
        (b"%PDF-1.4\n", {"event": 99}, "no_such_history_line", "event"),
        (b"%PDF-1.4\n", {"amendment": 1}, "no_such_amendment_here", "amendment"),
        (b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024), {}, "document_too_big", "file"),
    ],
    ids=["empty", "a program", "a GIF", "unknown kind", "no such line", "no such amendment",
         "too big"],
)  # fmt: skip
def test_each_bad_paper_is_refused_by_name_and_nothing_is_stored(
    signed: tuple[App, bytes], content: bytes, what: dict[str, object], code: str, field: str
):
    app, _ = signed

    with pytest.raises(InvalidInput) as refused:
        add(app, content, **what)

    assert (refused.value.code, refused.value.field) == (code, field)
    assert documents(app, steps.REFERENCE) == []


def test_an_unknown_convention_or_address_is_named(signed: tuple[App, bytes]):
    app, pdf = signed

    with pytest.raises(UnknownConvention):
        attach(app, Attach("NO-SUCH-REF", pdf, "x.pdf", "other", "alice"), app.clock())
    with pytest.raises(UnknownDocument):
        read(app, "0" * 64)
    with pytest.raises(ConvflowError):
        documents(app, "NO-SUCH-REF")


# --- Evidence that agrees with the record (issue 12, point 2) ------------------------------


def evidence(app: App) -> list[tuple[int, str, str]]:
    from workflow.usecases import views

    return [(f["seq"], f["event"], f["problem"])
            for f in views.status(app, steps.REFERENCE)["evidence"]]  # fmt: skip


def test_a_signature_without_the_signed_convention_is_flagged_until_it_is_attached(
    signed: tuple[App, bytes],
):
    app, pdf = signed
    assert evidence(app) == [(4, "sign", "sans pièce")]

    add(app, pdf, event=4)

    assert evidence(app) == []


def test_a_dispute_without_its_letter_and_a_receipt_dated_otherwise_are_flagged(
    signed: tuple[App, bytes],
):
    app, pdf = signed
    add(app, pdf, event=4)
    steps.record(app, "notify", "2025-03-20")
    steps.record(app, "open_dispute", "2025-05-06", party="crpv", received="2025-05-05")
    # line 5 records the signed convention's attachment
    assert evidence(app) == [(7, "open_dispute", "sans pièce")]

    receipt = "Avis de réception : distribué le 6 mai 2025.\n".encode()
    add(app, receipt, kind="acknowledgement", name="ar.txt", event=7,
        received_on=date(2025, 5, 6))  # fmt: skip

    (flag,) = views.status(app, steps.REFERENCE)["evidence"]
    assert (flag["seq"], flag["problem"]) == (7, "date différente")
    assert "6 mai 2025" in flag["detail"] and "5 mai 2025" in flag["detail"]


# --- Electronic signatures (PAdES) beside the recorded dates (issue 12, point 2) -----------


def signed_by_both(pdf: bytes, second_on: datetime) -> bytes:
    """The convention signed by the Métropole on 5 March 2025 at 10:00 (Paris) and by the CRPV
    at `second_on`, each with a PAdES signature of its own."""
    first = sign_pdf(pdf, "Martine Vassal", datetime(2025, 3, 5, 9, tzinfo=UTC))
    return sign_pdf(first, "Renaud Muselier", second_on, field="Signature2")


def test_signatures_that_fall_on_the_recorded_days_are_shown_and_not_flagged(
    signed: tuple[App, bytes],
):
    app, pdf = signed

    done = add(app, signed_by_both(pdf, datetime(2025, 3, 10, 14, tzinfo=UTC)), event=4)

    assert done["signatures"] == [
        {"signer": "Martine Vassal", "signed_at": "2025-03-05T09:00:00Z", "intact": True},
        {"signer": "Renaud Muselier", "signed_at": "2025-03-10T14:00:00Z", "intact": True},
    ]
    assert evidence(app) == []


def test_a_signing_time_that_disagrees_with_the_recorded_signature_is_flagged(
    signed: tuple[App, bytes],
):
    app, pdf = signed
    # Signed on 12 March at 00:30 in Paris (23:30 UTC on the 11th), recorded on the 10th.
    add(app, signed_by_both(pdf, datetime(2025, 3, 11, 23, 30, tzinfo=UTC)), event=4)

    from workflow.usecases import views

    (flag,) = views.status(app, steps.REFERENCE)["evidence"]
    assert (flag["seq"], flag["event"], flag["problem"]) == (4, "sign", "date différente")
    assert "Renaud Muselier porte le mercredi 12 mars 2025" in flag["detail"]
    assert "date enregistrée\u00a0: lundi 10 mars 2025" in flag["detail"]


def test_the_signed_convention_attached_to_the_convention_is_checked_against_every_signature(
    signed: tuple[App, bytes],
):
    app, pdf = signed
    add(app, signed_by_both(pdf, datetime(2025, 3, 14, 9, tzinfo=UTC)))

    from workflow.usecases import views

    (flag,) = views.status(app, steps.REFERENCE)["evidence"]
    assert (flag["seq"], flag["problem"]) == (4, "date différente")
    assert "Renaud Muselier porte le vendredi 14 mars 2025" in flag["detail"]
    assert "Martine Vassal" not in flag["detail"]  # her signature falls on 5 March, recorded
    assert "mercredi 5 mars 2025, lundi 10 mars 2025" in flag["detail"]


def test_a_signed_pdf_changed_after_its_signature_is_flagged_as_altered(
    signed: tuple[App, bytes],
):
    app, pdf = signed
    good = signed_by_both(pdf, datetime(2025, 3, 10, 14, tzinfo=UTC))
    at = good.index(b"/Producer (") + len(b"/Producer (")
    altered = good[:at] + bytes([good[at] ^ 0x01]) + good[at + 1 :]

    done = add(app, altered, event=4)

    assert [s["intact"] for s in done["signatures"]] == [False, False]
    assert [(seq, problem) for seq, _, problem in evidence(app)] == [(4, "signature altérée")]


def test_a_pdf_without_signatures_or_unreadable_carries_none(signed: tuple[App, bytes]):
    app, pdf = signed

    assert add(app, pdf, event=4)["signatures"] == []
    damaged = b"%PDF-1.7\n" + b"\x00" * 200 + b"\n%%EOF\n"
    assert add(app, damaged, kind="other", name="abime.pdf")["signatures"] == []


def broken_signatures(signed_pdf: bytes) -> dict[str, bytes]:
    """A signed PDF damaged where a forger or a bad scanner would touch it."""
    contents = signed_pdf.index(b"/Contents <") + len(b"/Contents <")
    byte_range = signed_pdf.index(b"/ByteRange [") + len(b"/ByteRange [")
    sig_type = signed_pdf.index(b"/Type /Sig")
    return {
        "signature zeroed": signed_pdf[:contents] + b"00" * 40 + signed_pdf[contents + 80 :],
        "signature not DER": signed_pdf[:contents] + b"ff" * 200 + signed_pdf[contents + 400 :],
        "byte range past the end": signed_pdf[:byte_range] + b"0 99999999 5 5"
        + signed_pdf[byte_range + 14 :],
        "negative byte range": signed_pdf[:byte_range] + b"-5 -3 0 0 "
        + signed_pdf[byte_range + 10 :],
        "not a signature type": signed_pdf[:sig_type] + b"/Type /Xyz" + signed_pdf[sig_type + 10 :],
    }  # fmt: skip


def test_a_damaged_signature_is_never_read_as_intact_and_never_refuses_the_paper(
    signed: tuple[App, bytes],
):
    app, pdf = signed
    good = sign_pdf(pdf, "Renaud Muselier", datetime(2025, 3, 10, 14, tzinfo=UTC))

    for name, damaged in broken_signatures(good).items():
        done = add(app, damaged, kind="other", name=f"{name}.pdf")
        assert all(not s["intact"] for s in done["signatures"]), name


def _verified(app: App) -> tuple[list[tuple[int, str]], list[dict[str, object]]]:
    report = verify_history(app, steps.REFERENCE)
    return [(b["seq"], b["breach"]) for b in report["breaks"]], [
        {k: d[k] for k in ("seq", "field", "recorded", "stored")} for d in report["differences"]
    ]


def test_a_paper_attached_is_a_history_line_its_bytes_and_row_held_by_verify(
    signed: tuple[App, bytes],
):
    """The attachment is on the chain (a line with the paper's hash); verify hashes every
    stored paper again: a byte flipped, or the paper's row deleted, is named."""
    app, pdf = signed
    add(app, pdf, event=4)
    address = sha256(pdf)
    [line] = [h for h in views.history(app, steps.REFERENCE) if h["event"] == "attach_document"]
    assert (line["seq"], line["inputs"]["paper"], line["inputs"]["for_line"]) == (5, address, "4")
    assert _verified(app) == ([], []) and verify_history(app)["papers"] == 1

    with app.uow() as uow:  # one byte flipped in the stored paper
        flipped = bytearray(pdf)
        flipped[300] ^= 1
        uow.connection.execute(update(document_blob_table).values(content=bytes(flipped)))
        uow.commit()
    breaks, found = _verified(app)
    assert breaks == [] and found == [{"seq": 0, "field": "paper_content", "recorded": address,
                                       "stored": sha256(bytes(flipped))}]  # fmt: skip

    with app.uow() as uow:  # its row deleted (the bytes stay)
        uow.connection.execute(delete(document_table))
        uow.commit()
    breaks, found = _verified(app)
    assert found == [{"seq": 5, "field": "paper", "stored": "",
                      "recorded": f"{address} signed_convention {len(pdf)} 4 - -"}]  # fmt: skip


def test_a_paper_row_added_without_its_line_is_named(signed: tuple[App, bytes]):
    app, pdf = signed
    add(app, pdf, event=4)
    columns = [name for name in document_table.c.keys() if name != "id"]  # noqa: SIM118
    with app.uow() as uow:  # a second row for the same bytes, as if attached to line 3
        uow.connection.execute(
            insert(document_table).from_select(
                columns, select(*(document_table.c[name] for name in columns))
            )
        )
        uow.connection.execute(update(document_table).where(document_table.c.id > 1)
                               .values(event_seq=3))  # fmt: skip
        uow.commit()
    _, found = _verified(app)
    assert found == [{"seq": 0, "field": "paper", "recorded": "",
                      "stored": f"{sha256(pdf)} signed_convention {len(pdf)} 3 - -"}]  # fmt: skip


# --- The financial report's paper, flagged under its own name --------------------------------


@pytest.fixture
def financial_report_signed_otherwise(
    app: App, reference_convention: Convention, tmp_path: Path
) -> tuple[App, int]:
    return financial_report_flagged(app, reference_convention, tmp_path)


def financial_report_flagged(
    app: App, reference_convention: Convention, tmp_path: Path
) -> tuple[App, int]:
    """In execution, its 2025 financial report owed (rule 20), received on 28 November 2025;
    the report attached to its line, signed by the CRPV's director on the 26th: flagged. The
    line's number with it."""
    from dataclasses import replace

    from states.financial_report import FinancialReport

    owed = replace(reference_convention, financial_report=FinancialReport("by_convention", 2025))
    steps.load(app, owed)
    steps.bring_into_force(app)
    pdf = to_pdf(TEXT.read_text("utf-8"), tmp_path / "signee.pdf").read_bytes()
    add(app, signed_by_both(pdf, datetime(2025, 3, 10, 14, tzinfo=UTC)), event=4)
    steps.record(app, "notify", "2025-03-20")
    steps.record(app, "pay", "2025-04-01", amount="200000.00")
    steps.record(app, "report_received", "2025-11-28", report="financial")
    [line] = [r["seq"] for r in views.history(app, steps.REFERENCE)
              if r["event"] == "report_received"]  # fmt: skip
    report = sign_pdf(pdf, "Mustapha Berra", datetime(2025, 11, 26, 10, tzinfo=UTC))
    add(app, report, kind="other", name="compte-rendu-financier-2025.pdf", event=line)
    return app, line


def test_a_flag_on_the_financial_reports_line_names_that_report(
    financial_report_signed_otherwise: tuple[App, int],
):
    """`status` said « ligne 8, Document reçu pour un versement (report_received) — date
    différente » of the financial report received in execution: an instalment's document."""
    from workflow.cli.present import status_text
    from workflow.wording.words import Words

    app, line = financial_report_signed_otherwise
    view = views.status(app, steps.REFERENCE)

    (flag,) = view["evidence"]
    assert (flag["seq"], flag["event"], flag["problem"]) == (line, "report_received",
                                                              "date différente")  # fmt: skip
    assert flag["inputs"] == {"report": "financial"}
    text = status_text(view, Words("fr", names=True))
    said = f"ligne {line}, Compte rendu financier reçu (report_received) — date différente"
    assert said in text, text
    assert "Document reçu pour un versement" not in text
