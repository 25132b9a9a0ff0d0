"""Hostile documents given to `convflow extract` and `POST /api/v1/extract` (a tester's corpus):
each refused with its code and French words, in one line, never a traceback or a 500, nothing
written; and a document is judged by what it holds, not by its name.

The bombs are built here, small and in a moment: a Word document of 200 kB whose text unpacks
to 200 MB, entities declared to multiply (« billion laughs »), elements nested 5 000 deep, a
PDF whose 300 kB of compressed spaces inflate to 300 MB, a page of a million letters.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Convflow
from tests.extract.renderings import to_docx, to_pdf
from tests.http.conftest import Tokens, base_url, bearer, client, tokens, web
from workflow.cli import cli

__all__ = ["base_url", "client", "tokens", "web"]  # the API's fixtures, found by pytest by name

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "docs" / "reference-convention-2025.txt").read_text(encoding="utf-8")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LIBRARY_ENGLISH = ("Package not found", "There is no item", "No /Root object", "Is this really",
                   "XMLSyntaxError", "Resource limit", "amplification", "Excessive depth",
                   "PDFPassword", "message du lecteur", "Traceback")  # fmt: skip


# -- the hostile documents, built when a test asks ---------------------------------------------


def _word(tmp_path: Path, document_xml: bytes | None, **more: bytes) -> bytes:
    """The reference convention as Word writes it, its text (word/document.xml) replaced by
    `document_xml` (left out if None), with `more` parts added."""
    real = zipfile.ZipFile(to_docx(TEXT, tmp_path / "real.docx"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in real.infolist():
            if part.filename != "word/document.xml":
                archive.writestr(part.filename, real.read(part))
            elif document_xml is not None:
                archive.writestr(part.filename, document_xml)
        for name, content in more.items():
            archive.writestr(name.replace("__", "/"), content)
    return out.getvalue()


def _body(inner: bytes, doctype: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + doctype
            + f'<w:document xmlns:w="{W}"><w:body>'.encode() + inner
            + b"</w:body></w:document>")  # fmt: skip


def _streamed(tmp_path: Path, paragraph: bytes, times: int) -> bytes:
    """The reference convention in Word, its text `paragraph` `times` over, written to the
    archive as it is made (never whole in memory)."""
    real = zipfile.ZipFile(to_docx(TEXT, tmp_path / "real.docx"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for part in real.infolist():
            if part.filename != "word/document.xml":
                archive.writestr(part.filename, real.read(part))
        with archive.open("word/document.xml", "w") as text:
            head, tail = _body(b"@").split(b"@")
            text.write(head)
            for _ in range(times):
                text.write(paragraph)
            text.write(tail)
    return out.getvalue()


def _text_bomb(tmp_path: Path) -> bytes:
    """A Word document of 100 kB whose one text run unpacks to 64 MB (the tester's: 1.5 GB)."""
    run = b"A" * 1024 * 1024
    return _streamed(tmp_path, b"<w:p><w:r><w:t>" + run * 64 + b"</w:t></w:r></w:p>", 1)


def _paragraphs_bomb(tmp_path: Path) -> bytes:
    """A Word document of 100 kB holding 20 MB of short paragraphs (200 000 of them): below
    what the parts may hold together, far past what the text of a convention is."""
    paragraph = b"<w:p><w:r><w:t>Article 1 - Objet de la convention.</w:t></w:r></w:p>"
    return _streamed(tmp_path, paragraph, 20 * 1024 * 1024 // len(paragraph) + 1)


def _picture_bomb(tmp_path: Path) -> bytes:
    """A Word document with a 'picture' of 60 MB of zeros: not XML, yet past what a
    convention's parts hold together."""
    picture = b"\x89PNG\r\n\x1a\n" + bytes(60 * 1024 * 1024)
    return _word(tmp_path, _body(b"<w:p><w:r><w:t>Article 1</w:t></w:r></w:p>"),
                 word__media__image1_png=picture)  # fmt: skip


def _billion_laughs(tmp_path: Path) -> bytes:
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">'.encode() for n in range(1, 10)
    )
    doctype = b"<!DOCTYPE w:document [" + entities + b"]>"
    return _word(tmp_path, _body(b"<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>", doctype))


def _deep(tmp_path: Path) -> bytes:
    depth = 5000
    nested = b"<w:sdt><w:sdtContent>" * depth + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * depth
    return _word(tmp_path, _body(nested))


def _lying_sizes(tmp_path: Path) -> bytes:
    """A Word document whose text part says it unpacks to 100 bytes, and unpacks to 5 MB."""
    content = bytearray(_word(tmp_path, _body(b"<w:p><w:r><w:t>" + b"B" * 5_000_000
                                              + b"</w:t></w:r></w:p>")))  # fmt: skip
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = content.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if content[name_at : name_at + len(name)] == name:
                content[at + size_at : at + size_at + 4] = (100).to_bytes(4, "little")
            at = content.find(signature, at + 4)
    return bytes(content)


def _pdf(content_stream: bytes, pages: int = 1, flate: bool = True) -> bytes:
    """A PDF of `pages` pages all drawing the same content stream (compressed by default)."""
    stream = zlib.compress(content_stream, 1) if flate else content_stream
    kids = " ".join(f"{5 + n} 0 R" for n in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Length %d%s >>\nstream\n" % (len(stream), b" /Filter /FlateDecode" * flate)
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ] + [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R"
        b" /Resources << /Font << /F1 4 0 R >> >> >>"
    ] * pages
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref,
    )  # fmt: skip
    return bytes(out)


def _locked_pdf(tmp_path: Path) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 10, "Convention de partenariat")
    return bytes(pdf.output())


TITLE = b"BT /F1 12 Tf 72 700 Td (Article 1 - Objet) Tj ET\n"
LETTERS = b"BT /F1 1 Tf 72 700 Td (" + b"A " * 500_000 + b") Tj ET\n"  # a million, one page
Builder = Callable[[Path], bytes]
# name, what is built, its code, French words the refusal says (its parameters where it has).
REFUSED: dict[str, tuple[str, Builder, str, tuple[str, ...]]] = {
    "docx-text-bomb": ("bombe.docx", _text_bomb, "document_too_big_unpacked",
                       ("trop volumineux une fois décompressé", "au moins 65\xa0Mo",
                        "limite de 50\xa0Mo")),
    "docx-paragraphs-bomb": ("paragraphes.docx", _paragraphs_bomb, "document_too_big_unpacked",
                             ("trop volumineux une fois décompressé", "au moins 21\xa0Mo",
                              "limite de 10\xa0Mo")),
    "docx-picture-bomb": ("bombe.docx", _picture_bomb, "document_too_big_unpacked",
                          ("trop volumineux une fois décompressé", "limite de 50\xa0Mo")),
    "docx-billion-laughs": ("rires.docx", _billion_laughs, "document_not_docx",
                            ("ce n'est pas un document Word lisible",)),
    "docx-5000-deep": ("profond.docx", _deep, "document_not_docx",
                       ("ce n'est pas un document Word lisible",)),
    "docx-lying-sizes": ("menteur.docx", _lying_sizes, "document_not_docx",
                         ("ce n'est pas un document Word lisible",)),
    "docx-without-its-text": ("sans-texte.docx", lambda tmp: _word(tmp, None),
                              "document_not_docx", ("ce n'est pas un document Word lisible",)),
    "docx-not-a-zip": ("faux.docx", lambda _: b"not a zip\n", "document_not_docx",
                       ("ce n'est pas un document Word lisible", "abîmé ou d'un autre format")),
    "pdf-not-a-pdf": ("faux.pdf", lambda _: b"%PDF-1.4 garbage\n", "document_not_pdf",
                      ("ce n'est pas un PDF lisible", "abîmé ou incomplet")),
    "pdf-locked": ("verrou.pdf", _locked_pdf, "document_pdf_password",
                   ("protégé par mot de passe",)),
    "pdf-inflate-bomb": ("bombe.pdf", lambda _: _pdf(TITLE + b" " * 300_000_000),
                         "document_too_big_unpacked",
                         ("trop volumineux une fois décompressé", "limite de 64\xa0Mo")),
    "pdf-million-letters": ("lettres.pdf", lambda _: _pdf(LETTERS), "pdf_page_too_full",
                            ("la page 1 du PDF", "plus de 25\u202f000\xa0caractères")),
    "pdf-501-pages": ("pages.pdf", lambda _: _pdf(TITLE, pages=501), "pdf_too_many_pages",
                      ("plus de 500\xa0pages",)),
}  # fmt: skip


def _said_in_french_only(message: str, words: tuple[str, ...]) -> None:
    for said in words:
        assert said in message, message
    for english in LIBRARY_ENGLISH:
        assert english not in message, message
    assert "\n" not in message


# -- through the command line ------------------------------------------------------------------


def _cli_refusal(convflow: Convflow, path: Path, output: Path) -> dict[str, Any]:
    """`convflow extract PATH -o OUTPUT --json`'s refusal, checked to be a clean one, and the
    same refusal as the administrator reads it without --json, on stderr in one line."""
    for as_json in (True, False):
        args = ["extract", str(path), "-o", str(output), *(["--json"] * as_json)]
        result = convflow.runner.invoke(cli, args, env=convflow.env, catch_exceptions=True)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{type(result.exception).__name__}: {result.exception}"
        )
        assert result.exit_code == 1, result.output[-500:]
        assert "Traceback" not in result.output + result.stderr
        if as_json:
            error: dict[str, Any] = json.loads(result.stdout)["error"]
        else:
            assert result.stderr.startswith(f"Erreur\u00a0: {path}\u00a0: "), result.stderr
            assert result.stderr.count("\n") == 1, result.stderr
    assert not output.exists()  # nothing written
    return error


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_hostile_document_is_refused_by_extract_in_french(
    convflow: Convflow, tmp_path: Path, case: str
) -> None:
    name, build, code, words = REFUSED[case]
    path = tmp_path / name
    path.write_bytes(build(tmp_path))

    error = _cli_refusal(convflow, path, tmp_path / "convention.toml")

    assert error["code"] == code, error
    assert error["params"]["field"] == str(path)
    _said_in_french_only(error["message"], words)
    assert convflow.json("list") == []


def test_a_library_s_words_stay_in_the_detail_for_a_script_never_in_the_sentence(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = tmp_path / "faux.pdf"
    path.write_bytes(b"%PDF-1.4 garbage\n")

    error = _cli_refusal(convflow, path, tmp_path / "convention.toml")

    assert error["params"]["detail"] == "No /Root object! - Is this really a PDF?"
    assert error["params"]["detail"] not in error["message"]


@pytest.mark.parametrize("given", ["/dev/null", "/dev/zero", "fifo"])
def test_what_is_no_file_on_disk_is_refused_as_such_not_as_missing_nor_read_forever(
    convflow: Convflow, tmp_path: Path, given: str
) -> None:
    path = Path(given)
    if given == "fifo":  # a named pipe: opening it to read waits for a writer
        path = tmp_path / "tube"
        os.mkfifo(path)

    error = _cli_refusal(convflow, path, tmp_path / "convention.toml")

    assert error["code"] == "file_not_regular", error
    _said_in_french_only(error["message"], ("ce n'est pas un fichier enregistré sur le disque",
                                            "un périphérique ou un tube"))  # fmt: skip
    assert "introuvable" not in error["message"]


@pytest.mark.parametrize(
    ("name", "build"),
    [("convention.docx", lambda tmp: to_pdf(TEXT, tmp / "c.pdf").read_bytes()),
     ("convention.pdf", lambda tmp: to_docx(TEXT, tmp / "c.docx").read_bytes()),
     ("convention.odt", lambda tmp: to_docx(TEXT, tmp / "c.docx").read_bytes())],
)  # fmt: skip
def test_a_document_is_read_as_what_it_holds_whatever_its_name(
    convflow: Convflow, tmp_path: Path, name: str, build: Builder
) -> None:
    """A PDF named .docx was refused as a damaged Word document (the API read it)."""
    path = tmp_path / name
    path.write_bytes(build(tmp_path))

    found = json.loads(convflow.ok("extract", str(path), "--json"))

    assert found["fields"]["amount"]["value"] == "200000.00"
    assert found["fields"]["end_date"]["value"] == "2025-12-31"


def test_an_open_document_text_is_refused_by_its_kind(convflow: Convflow, tmp_path: Path) -> None:
    path = tmp_path / "convention.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")

    error = _cli_refusal(convflow, path, tmp_path / "convention.toml")

    assert error["code"] == "document_kind_unknown", error
    _said_in_french_only(error["message"], ("ce n'est pas un fichier .txt, .pdf ou .docx",))


# -- through the API ---------------------------------------------------------------------------


def _api_refusal(client: httpx.Client, tokens: Tokens, name: str, content: bytes) -> Any:
    answer = client.post(
        "/api/v1/extract",
        files={"file": (name, content, "application/octet-stream")},
        headers={**bearer(tokens.admin), "Accept-Language": "fr"},
        timeout=60,
    )
    assert answer.status_code == 422, answer.text[:500]
    return answer.json()


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_hostile_document_is_refused_by_the_api_in_french(
    client: httpx.Client, tokens: Tokens, tmp_path: Path, case: str
) -> None:
    name, build, code, words = REFUSED[case]

    refused = _api_refusal(client, tokens, name, build(tmp_path))

    assert refused["code"] == code, refused
    assert refused["params"]["field"] == "file"
    _said_in_french_only(refused["message"], words)
    listed = client.get("/api/v1/conventions", headers=bearer(tokens.viewer)).json()
    assert listed["items"] == []  # nothing stored


def test_the_api_still_answers_after_a_bomb(
    client: httpx.Client, tokens: Tokens, tmp_path: Path
) -> None:
    _api_refusal(client, tokens, "bombe.docx", _text_bomb(tmp_path))

    document = to_docx(TEXT, tmp_path / "c.docx").read_bytes()
    read = client.post("/api/v1/extract", headers=bearer(tokens.admin),
                       files={"file": ("c.docx", document)})  # fmt: skip

    assert read.status_code == 200, read.text
    assert read.json()["fields"]["amount"]["value"] == "200000.00"
