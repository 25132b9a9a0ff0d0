"""Reading a convention from its file: text, PDF text layer, Word; and refusing what is not one."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.files.extract import UnreadableDocument, extract, read_document

from .renderings import to_docx, to_pdf

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "reference-convention-2025.txt"


def test_a_text_file_s_lines_say_their_line_number():
    document = read_document(REFERENCE)

    assert document.lines[1].origin == "line 2"
    assert document.lines[1].text.startswith("Convention de partenariat")


def test_a_pdf_s_lines_say_their_page_and_its_footer_is_dropped(tmp_path):
    document = read_document(to_pdf(REFERENCE.read_text(encoding="utf-8"), tmp_path / "c.pdf"))

    assert {line.origin for line in document.lines} == {"page 1", "page 2", "page 3"}
    assert not any(line.text.startswith("Page ") for line in document.lines)
    assert extract(document).fields["end_date"].origin.startswith("page ")


def test_a_word_document_s_paragraphs_and_table_cells_say_where_they_are(tmp_path):
    document = read_document(to_docx(REFERENCE.read_text(encoding="utf-8"), tmp_path / "c.docx"))

    origins = {line.origin for line in document.lines}
    assert "paragraph 1" in origins
    assert "table 1, row 1, cell 2" in origins
    found = extract(document).fields["parties[1].signatories[0].name"]
    assert (found.value, found.origin) == ("Mustapha Berra", "table 1, row 1, cell 2")


def test_a_text_file_from_windows_is_read_as_windows_1252(tmp_path):
    path = tmp_path / "c.txt"
    path.write_bytes("Fait à Marseille, le 3 mars 2026 – 200 000 €".encode("cp1252"))

    assert read_document(path).lines[0].text == "Fait à Marseille, le 3 mars 2026 – 200 000 €"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("c.odt", b"text", "document_kind_unknown"),
        ("c.txt", b"  \n\n", "document_without_text"),
        ("c.pdf", b"%PDF-1.4 this is not a PDF", "document_not_pdf"),
        ("c.docx", b"PK not a zip", "document_not_docx"),
    ],
)
def test_what_is_not_a_readable_convention_is_refused_with_its_reason(
    tmp_path, name, content, code
):
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(UnreadableDocument) as refused:
        read_document(path)

    assert refused.value.field == str(path)
    assert refused.value.code == code


@pytest.mark.parametrize("name", ["absent.pdf", "absent", "absent.odt", "absent.TXT"])
def test_a_missing_file_is_refused_as_missing_whatever_its_name_ends_with(tmp_path, name):
    with pytest.raises(UnreadableDocument) as refused:
        read_document(tmp_path / name)

    assert refused.value.code == "file_not_found"


def test_a_pdf_without_a_text_layer_says_so(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50)  # a drawing, as a scan is an image: no text to read
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))

    with pytest.raises(UnreadableDocument, match="document_without_text_layer"):
        read_document(path)


def test_a_pdf_locked_by_a_password_is_refused_as_locked_not_as_damaged(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 10, "Convention de partenariat")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))

    with pytest.raises(UnreadableDocument, match="document_pdf_password"):
        read_document(path)


def test_a_text_export_s_running_header_is_not_read_as_text(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("Article 2 – Durée\n\nConvention AMP / ALJPA – 2026      page 2/3\n", "utf-8")

    assert [line.text for line in read_document(path).lines] == ["Article 2 – Durée", "", ""]
