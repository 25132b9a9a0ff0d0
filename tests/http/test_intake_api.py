"""Conventions coming in through the API: created from the file's fields, a draft edited, a
document read; on SQLite and PostgreSQL, through a real server."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import httpx

from tests.extract.renderings import to_pdf
from tests.http.conftest import Tokens, bearer
from workflow.bootstrap import App

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
TEXT = ROOT / "docs" / "reference-convention-2025.txt"


def file_fields(path: Path = EXAMPLE, **changes: Any) -> dict[str, Any]:
    """A convention file's fields as JSON carries them (dates as ISO text), its history left
    out unless asked."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.pop("history", None)
    data.update(changes)
    return json.loads(json.dumps(data, default=str))


def test_an_administrator_creates_a_draft_from_the_file_s_fields(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    created = client.post("/api/v1/conventions", json=file_fields(), headers=bearer(tokens.admin))
    assert created.status_code == 201, created.text
    status = created.json()
    assert (status["reference"], status["state"], status["amount"]) == (
        "AMP-CRPV-PACA-2025", "draft", "200000.00",
    )  # fmt: skip
    listed = client.get("/api/v1/conventions", headers=bearer(tokens.viewer)).json()
    assert [c["reference"] for c in listed["items"]] == ["AMP-CRPV-PACA-2025"]

    again = client.post("/api/v1/conventions", json=file_fields(), headers=bearer(tokens.admin))
    assert again.status_code == 409 and again.json()["code"] == "duplicate_reference"


def test_a_reference_loaded_in_another_case_is_refused_naming_it(
    client: httpx.Client, tokens: Tokens
) -> None:
    admin = bearer(tokens.admin)
    client.post("/api/v1/conventions", json=file_fields(), headers=admin).raise_for_status()

    again = client.post("/api/v1/conventions", json=file_fields(reference="amp-crpv-paca-2025"),
                        headers=admin)  # fmt: skip

    assert again.status_code == 409
    body = again.json()
    assert (body["code"], body["params"]) == (
        "duplicate_reference_case",
        {"reference": "amp-crpv-paca-2025", "existing": "AMP-CRPV-PACA-2025"},
    )
    assert body["message"] == (
        "une convention de référence «\u00a0AMP-CRPV-PACA-2025\u00a0» existe déjà\u00a0: "
        "«\u00a0amp-crpv-paca-2025\u00a0» "
        "n'en diffère que par les majuscules et minuscules"
    )
    listed = client.get("/api/v1/conventions", headers=admin).json()
    assert [c["reference"] for c in listed["items"]] == ["AMP-CRPV-PACA-2025"]


def test_a_misspelt_field_is_refused_with_the_field_it_most_likely_means(
    client: httpx.Client, tokens: Tokens
) -> None:
    fields = file_fields()
    fields["amout"] = fields.pop("amount")

    refused = client.post("/api/v1/conventions", json=fields, headers=bearer(tokens.admin))

    assert refused.status_code == 422
    body = refused.json()
    assert (body["code"], body["params"]["field"]) == ("unknown_field", "amout")
    assert (body["params"]["closest"], body["params"]["others"]) == ("amount", [])
    assert (
        body["message"]
        == "amout\u00a0: champ inconnu\u00a0; vouliez-vous dire «\u00a0amount\u00a0»\u00a0?"
    )


def test_each_field_s_problem_is_named_and_nothing_is_created(
    client: httpx.Client, tokens: Tokens
) -> None:
    fields = file_fields(amount=200000.5)
    del fields["title"]
    fields["parties"][1]["signatories"][0]["email"] = "mustapha"
    refused = client.post("/api/v1/conventions", json=fields, headers=bearer(tokens.admin))
    assert refused.status_code == 422
    body = refused.json()
    problems = {(body["params"]["field"], body["code"])} | {
        (other["field"], other["code"]) for other in body["params"]["others"]
    }
    assert problems == {
        ("title", "required_field"),
        ("amount", "float_value"),
        ("parties[1].signatories[0].email", "not_an_email"),
    }
    assert body["message"]  # said in words, French by default
    listed = client.get("/api/v1/conventions", headers=bearer(tokens.admin)).json()
    assert listed["items"] == []


def test_a_reader_may_not_create_nor_edit(client: httpx.Client, tokens: Tokens) -> None:
    refused = client.post("/api/v1/conventions", json=file_fields(), headers=bearer(tokens.viewer))
    assert refused.status_code == 403
    assert client.post("/api/v1/conventions", json=file_fields()).status_code == 401


def test_a_draft_is_edited_until_it_is_submitted_never_after(
    client: httpx.Client, tokens: Tokens
) -> None:
    admin = bearer(tokens.admin)
    client.post("/api/v1/conventions", json=file_fields(), headers=admin).raise_for_status()
    edited = client.patch(
        "/api/v1/conventions/AMP-CRPV-PACA-2025",
        json={"amount": "180000.00", "clauses": {"dispute_window_days": 45}},
        headers=admin,
    )
    assert edited.status_code == 200, edited.text
    status = edited.json()
    assert status["amount"] == "180000.00" and status["version"] == 2
    assert [s["email"] for s in status["signatories"]] == [
        "martial.alvarez@example.org", "mustapha.berra@example.org",
    ]  # fmt: skip
    history = client.get("/api/v1/conventions/AMP-CRPV-PACA-2025/history", headers=admin).json()
    assert [(h["event"], h["inputs"]["file" if h["event"] == "import" else "fields"])
            for h in history] == [("import", "API"), ("edit_draft", "amount, clauses")]  # fmt: skip
    # each line records the terms it leaves, for verify to hold the stored ones against
    assert [h["inputs"]["terms"]["amount"] for h in history] == ["200000.00", "180000.00"]

    bad = client.patch("/api/v1/conventions/AMP-CRPV-PACA-2025",
                       json={"end_date": "31/12/2025"}, headers=admin)  # fmt: skip
    assert bad.status_code == 422 and bad.json()["params"]["field"] == "end_date"

    submitted = client.post("/api/v1/conventions/AMP-CRPV-PACA-2025/events",
                            json={"event": "submit", "on": "2025-03-03"},
                            headers=admin)  # fmt: skip
    assert submitted.status_code == 201, submitted.text
    late = client.patch("/api/v1/conventions/AMP-CRPV-PACA-2025", json={"title": "Autre"},
                        headers=admin)  # fmt: skip
    assert late.status_code == 409
    assert (late.json()["code"], late.json()["params"]["state"]) == ("not_a_draft", "signature")


def test_a_document_is_read_into_the_file_s_fields(
    client: httpx.Client, tokens: Tokens, tmp_path: Path
) -> None:
    pdf = to_pdf(TEXT.read_text(encoding="utf-8"), tmp_path / "convention.pdf")
    read = client.post(
        "/api/v1/extract",
        files={"file": ("scan-sans-extension", pdf.read_bytes(), "application/octet-stream")},
        headers=bearer(tokens.admin),
    )
    assert read.status_code == 200, read.text
    found = read.json()
    assert found["fields"]["amount"]["value"] == "200000.00"
    assert found["fields"]["end_date"]["value"] == "2025-12-31"
    assert "article" in found["fields"]["amount"]["article"].lower()
    assert 'amount = "200000.00"' in found["toml"]

    empty = client.post("/api/v1/extract", files={"file": ("vide.txt", b"  \n")},
                        headers=bearer(tokens.admin))  # fmt: skip
    assert empty.status_code == 422
    assert (empty.json()["code"], empty.json()["params"]["field"]) == (
        "document_without_text", "file",
    )  # fmt: skip


def test_a_read_document_speaks_french_and_names_the_uploaded_file(
    client: httpx.Client, tokens: Tokens
) -> None:
    text = TEXT.read_text(encoding="utf-8").replace(
        "200 000 € TTC", "vingt mille euros (25 000 €) TTC", 1
    )
    read = client.post(
        "/api/v1/extract",
        files={"file": ("convention signée.txt", text.encode(), "text/plain")},
        headers={**bearer(tokens.admin), "Accept-Language": "fr"},
    )
    assert read.status_code == 200, read.text
    found = read.json()
    warning = (
        "amount\u00a0: écrit 20\u202f000,00\xa0€ en lettres et 25\u202f000,00\xa0€ en chiffres"
    )
    assert warning in found["warnings"]
    assert "amount" in found["missing"]  # the names stay the file's (public contract)
    toml = found["toml"]
    assert "/tmp" not in toml and "convflow-extract-" not in toml
    assert "«\u00a0convention signée.txt\u00a0»" in toml.splitlines()[0]
    assert "# Avertissements\u00a0:" in toml and warning in toml
    assert "Warnings" not in toml and "TO FILL" not in toml and "Not found" not in toml
    english = client.post(
        "/api/v1/extract",
        files={"file": ("convention.txt", text.encode(), "text/plain")},
        headers={**bearer(tokens.admin), "Accept-Language": "en"},
    ).json()
    assert "amount: written 20000.00 in words and 25000.00 in figures" in english["warnings"]


def test_a_schedule_given_through_the_api_is_shown_on_the_convention_s_page(
    admin_browser: httpx.Client, tokens: Tokens
) -> None:
    schedule = {"instalments": [
        {"share": "60 %", "trigger": "notification"},
        {"share": "40 %", "trigger": "report", "report": "bilan final"},
    ]}  # fmt: skip
    created = admin_browser.post("/api/v1/conventions", json=file_fields(payment=schedule),
                                 headers=bearer(tokens.admin))  # fmt: skip
    assert created.status_code == 201, created.text
    assert [(i["number"], i["amount"], i["trigger"]) for i in created.json()["instalments"]] == [
        (1, "120000.00", "notification"), (2, "80000.00", "report"),
    ]  # fmt: skip
    page = admin_browser.get("/conventions/AMP-CRPV-PACA-2025")
    assert page.status_code == 200
    assert "Échéancier des versements (2 versements, article 2)" in page.text
    assert "à la réception du document «\u00a0bilan final\u00a0»" in page.text


INSTALMENTS = ROOT / "examples" / "convention-exemple-quartiers-nord-2027.toml"


def committee_article(app: App) -> str:
    with app.uow(read_only=True) as uow:
        return uow.conventions.get("AMP-CRPV-PACA-2025").clauses.articles.committee


def test_an_edit_keeps_the_committee_s_article_and_a_committee_given_sets_it(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    admin = bearer(tokens.admin)
    committee = {"name": "Comité de pilotage", "article": "article 8"}
    client.post("/api/v1/conventions", json=file_fields(committee=committee),
                headers=admin).raise_for_status()  # fmt: skip
    assert committee_article(app) == "article 8"

    client.patch("/api/v1/conventions/AMP-CRPV-PACA-2025", json={"title": "Autre intitulé"},
                 headers=admin).raise_for_status()  # fmt: skip
    assert committee_article(app) == "article 8"

    moved = {"name": "Comité de pilotage", "article": "article 9"}
    client.patch("/api/v1/conventions/AMP-CRPV-PACA-2025", json={"committee": moved},
                 headers=admin).raise_for_status()  # fmt: skip
    assert committee_article(app) == "article 9"


def test_once_submitted_any_change_is_refused_for_the_state_before_its_fields_are_read(
    client: httpx.Client, tokens: Tokens
) -> None:
    admin = bearer(tokens.admin)
    created = client.post("/api/v1/conventions", json=file_fields(INSTALMENTS), headers=admin)
    assert created.status_code == 201, created.text
    client.post("/api/v1/conventions/AMP-EXEMPLE-2027/events",
                json={"event": "submit"}, headers=admin).raise_for_status()  # fmt: skip

    for change in ({"amount": "2000.00"}, {"end_date": "xx"}, {"title": "x"},
                   {"parties": []}, {"history": []}):  # fmt: skip
        late = client.patch("/api/v1/conventions/AMP-EXEMPLE-2027", json=change,
                            headers={**admin, "Accept-Language": "fr"})  # fmt: skip
        assert late.status_code == 409, (change, late.text)
        answer = late.json()
        assert (answer["code"], answer["params"]["state"]) == ("not_a_draft", "signature")
        assert answer["message"].startswith("«\u00a0Modifier le brouillon\u00a0» refusé\u00a0: "), (
            answer
        )
        assert "edit_draft" not in answer["message"]

    status = client.get("/api/v1/conventions/AMP-EXEMPLE-2027", headers=admin).json()
    assert (status["amount"], status["end_date"], status["version"]) == (
        "45000.00", "2027-12-31", created.json()["version"] + 1,
    )  # fmt: skip
