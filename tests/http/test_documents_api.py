"""A convention's papers through the API: an admin uploads, a reader lists and downloads."""

from __future__ import annotations

import hashlib

import httpx

from tests.http.conftest import REFERENCE, Tokens, bearer
from workflow.bootstrap import App

PAPERS = f"/api/v1/conventions/{REFERENCE}/documents"
PDF = b"%PDF-1.4\n% a registered letter, scanned\n"


def test_an_admin_uploads_and_a_viewer_lists_and_downloads(
    client: httpx.Client, loaded: App, tokens: Tokens
):
    answer = client.post(PAPERS, headers=bearer(tokens.admin),
                         files={"file": ("lettre recommandée.pdf", PDF, "image/png")},
                         data={"kind": "registered_letter", "event": "1"})  # fmt: skip

    assert answer.status_code == 201
    sha = hashlib.sha256(PDF).hexdigest()
    assert (answer.json()["sha256"], answer.json()["media_type"]) == (sha, "application/pdf")
    listed = client.get(PAPERS, headers=bearer(tokens.viewer)).json()
    assert [(d["name"], d["kind"]) for d in listed] == [("lettre recommandée.pdf",
                                                         "registered_letter")]  # fmt: skip
    download = client.get(f"/api/v1/documents/{sha}", headers=bearer(tokens.viewer))
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"


def test_a_refused_upload_is_a_422_naming_what_the_file_is(
    client: httpx.Client, loaded: App, tokens: Tokens
):
    program = ("setup.pdf", b"MZ\x90\x00" * 16, "application/pdf")
    headers = {**bearer(tokens.admin), "Accept-Language": "fr"}
    answer = client.post(PAPERS, headers=headers, files={"file": program})

    assert answer.status_code == 422
    assert answer.json()["code"] == "document_type_refused"
    assert "programme Windows" in answer.json()["message"]


def test_an_unknown_address_is_a_404(client: httpx.Client, loaded: App, tokens: Tokens):
    answer = client.get("/api/v1/documents/" + "0" * 64, headers=bearer(tokens.viewer))

    assert answer.status_code == 404


def test_an_admin_attaches_a_paper_from_the_page_and_it_is_listed_and_downloads(
    admin_browser: httpx.Client, loaded: App
):
    from html import unescape

    from tests.http.conftest import form_value

    page = admin_browser.get(f"/conventions/{REFERENCE}")
    assert "Aucune pièce jointe" in unescape(page.text)
    answer = admin_browser.post(
        f"/conventions/{REFERENCE}/pieces",
        data={"csrf_token": form_value(page.text, "csrf_token"), "kind": "registered_letter",
              "event": "1"},
        files={"file": ("LRAR du 5 mai.pdf", PDF, "application/pdf")},
    )  # fmt: skip

    assert answer.status_code == 303
    shown = unescape(admin_browser.get(f"/conventions/{REFERENCE}").text)
    sha = hashlib.sha256(PDF).hexdigest()
    assert f'href="/pieces/{sha}"' in shown and "lettre recommandée" in shown
    # who added it, as the history says it in French: the token's holder, not « (token) »
    assert "(jeton d'accès)," in shown and "(token)" not in shown
    assert admin_browser.get(f"/pieces/{sha}").content == PDF
    refused = admin_browser.post(
        f"/conventions/{REFERENCE}/pieces",
        data={"csrf_token": form_value(page.text, "csrf_token"), "kind": "other"},
        files={"file": ("vide.pdf", b"", "application/pdf")},
    )
    assert refused.status_code == 422 and "le fichier est vide" in unescape(refused.text)


def test_an_admin_downloads_a_letter_from_the_page_and_a_refusal_is_said(
    admin_browser: httpx.Client, app: App
):
    from html import unescape

    from tests.http.conftest import form_value
    from tests.integration import steps
    from tests.unit.builders import reference_convention

    steps.load(app, reference_convention())
    steps.bring_into_execution(app)
    page = admin_browser.get(f"/conventions/{REFERENCE}")
    assert "Lettre de résiliation (article 7)" in unescape(page.text)
    form = {"csrf_token": form_value(page.text, "csrf_token"), "kind": "termination",
            "format": "pdf", "on": "2025-04-01"}  # fmt: skip

    letter = admin_browser.post(f"/conventions/{REFERENCE}/lettres", data=form)

    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    word = admin_browser.post(f"/conventions/{REFERENCE}/lettres", data={**form, "format": "docx"})
    assert word.content.startswith(b"PK")
    refused = admin_browser.post(f"/conventions/{REFERENCE}/lettres",
                                 data={**form, "kind": "dispute"})  # fmt: skip
    assert refused.status_code == 422
    assert "doit exposer la difficulté" in unescape(refused.text)


def test_a_letter_sent_through_the_api_is_kept_among_the_papers(
    client: httpx.Client, app: App, tokens: Tokens
):
    from tests.integration import steps
    from tests.unit.builders import reference_convention

    steps.load(app, reference_convention())
    steps.bring_into_execution(app)
    body = {"kind": "termination", "format": "docx", "on": "2025-04-01", "attach": True}

    answer = client.post(f"/api/v1/conventions/{REFERENCE}/letters", json=body,
                         headers=bearer(tokens.admin))  # fmt: skip

    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    papers = client.get(PAPERS, headers=bearer(tokens.viewer)).json()
    assert [(p["kind"], p["sha256"]) for p in papers] == [
        ("letter", hashlib.sha256(answer.content).hexdigest())
    ]


def test_the_draft_amendment_is_offered_while_one_is_open_and_kept_with_it(
    admin_browser: httpx.Client, client: httpx.Client, app: App, tokens: Tokens
):
    from datetime import date
    from html import unescape

    from tests.http.conftest import form_value
    from tests.integration import steps
    from tests.unit.builders import reference_convention
    from workflow.usecases.amendments import DraftAmendment, draft_amendment

    steps.load(app, reference_convention())
    steps.bring_into_execution(app)
    page = unescape(admin_browser.get(f"/conventions/{REFERENCE}").text)
    assert "Projet d'avenant (article 5)" not in page  # no amendment open
    draft = DraftAmendment(REFERENCE, {"amount": "230000.00"}, "alice", date(2025, 9, 1))
    draft_amendment(app, draft, app.clock())
    page = unescape(admin_browser.get(f"/conventions/{REFERENCE}").text)
    assert "Projet d'avenant (article 5)" in page and 'value="1">avenant n°\u00a01' in page

    form = {"csrf_token": form_value(page, "csrf_token"), "kind": "amendment",
            "amendment": "1", "format": "pdf", "on": "2025-09-01"}  # fmt: skip
    letter = admin_browser.post(f"/conventions/{REFERENCE}/lettres", data=form)
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")

    body = {"kind": "amendment", "amendment": 1, "format": "docx", "on": "2025-09-01",
            "attach": True}  # fmt: skip
    answer = client.post(f"/api/v1/conventions/{REFERENCE}/letters", json=body,
                         headers=bearer(tokens.admin))  # fmt: skip
    assert answer.status_code == 200 and answer.content.startswith(b"PK")
    papers = client.get(PAPERS, headers=bearer(tokens.viewer)).json()
    assert [(p["kind"], p["amendment"]) for p in papers] == [("amendment", 1)]
    missing = client.post(f"/api/v1/conventions/{REFERENCE}/letters",
                          json={**body, "amendment": 7}, headers=bearer(tokens.admin))  # fmt: skip
    assert missing.status_code == 422
