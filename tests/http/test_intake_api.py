"""Conventions coming in through the API: created from the file's fields, a draft edited, a
document read; on SQLite and PostgreSQL, through a real server."""

from __future__ import annotations

import json
import tomllib
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest

from states.convention import Convention
from tests.extract.renderings import to_pdf
from tests.http.conftest import Tokens, bearer
from workflow.bootstrap import App
from workflow.files.convention_file import parse_file

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
    assert toml.splitlines()[1] == "#   convention signée.txt"  # the name, on its own line
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


NAMED = {"committee": {"name": "Comité de pilotage", "article": "article 8"}}
"""A draft whose `[committee]` names its committee, set up by article 8."""
UNNAMED = {"clauses": {"articles": {"committee": "article 8"}}}
"""A draft that names no committee, its article 8 among its clauses' articles."""
COMMITTEE_EDITS: dict[str, tuple[dict[str, Any], dict[str, Any], str, str | None]] = {
    # name: (the draft; the PATCH's body; the file it amounts to: its [committee] table, and
    # the committee's article among its [clauses.articles], if it says one)
    "a table with its article": (
        NAMED, {"committee": {"name": "Comité de suivi", "article": "article 9"}},
        '[committee]\nname = "Comité de suivi"\narticle = "article 9"\n', None,
    ),
    "the clauses' article wins, as in a file": (
        NAMED,
        {"committee": {"name": "Comité de suivi", "article": "article 9"},
         "clauses": {"articles": {"committee": "article 10"}}},
        '[committee]\nname = "Comité de suivi"\narticle = "article 9"\n', "article 10",
    ),
    "the article alone, merged into the draft's table": (
        NAMED, {"committee": {"article": "article 9"}},
        '[committee]\nname = "Comité de pilotage"\narticle = "article 9"\n', None,
    ),
    "no table: the draft's article stays among its clauses": (
        NAMED, {"committee": None}, "", "article 8",
    ),
    "a table with its article, over the clauses' article": (
        UNNAMED, {"committee": {"name": "Comité de suivi", "article": "article 9"}},
        '[committee]\nname = "Comité de suivi"\narticle = "article 9"\n', None,
    ),
    "a name alone: the clauses' article stays": (
        UNNAMED, {"committee": {"name": "Comité de suivi"}},
        '[committee]\nname = "Comité de suivi"\n', "article 8",
    ),
}  # fmt: skip


def draft_fields(draft: dict[str, Any]) -> dict[str, Any]:
    """The example file's fields with the draft's committee, or its clauses' articles."""
    fields = file_fields(committee=draft.get("committee"))
    if fields["committee"] is None:
        del fields["committee"]
    fields["clauses"]["articles"].update(draft.get("clauses", {}).get("articles", {}))
    return fields


def as_file(committee: str, article: str | None) -> Convention:
    """The example file (its history left out) with this `[committee]` table, and this
    article for the committee among its `[clauses.articles]`."""
    text = EXAMPLE.read_text("utf-8").split("[[history]]", 1)[0]
    if article is not None:
        said = f'[clauses.articles]\ncommittee = "{article}"\n'
        text = text.replace("[clauses.articles]\n", said, 1)
    return parse_file(text + "\n" + committee, "edit", payment_target_days=30,
                      signature_target_days=7).convention  # fmt: skip


@pytest.mark.parametrize("edit", list(COMMITTEE_EDITS))
def test_a_patch_giving_committee_sets_it_as_a_file_s_committee_table_does(
    app: App, client: httpx.Client, tokens: Tokens, edit: str
) -> None:
    draft, body, committee, article = COMMITTEE_EDITS[edit]
    admin = bearer(tokens.admin)
    client.post("/api/v1/conventions", json=draft_fields(draft),
                headers=admin).raise_for_status()  # fmt: skip

    edited = client.patch("/api/v1/conventions/AMP-CRPV-PACA-2025", json=body, headers=admin)

    assert edited.status_code == 200, edited.text
    with app.uow(read_only=True) as uow:
        stored = uow.conventions.get("AMP-CRPV-PACA-2025")
    written = as_file(committee, article)
    assert (stored.clauses.articles, stored.committee.name) == (
        written.clauses.articles, written.committee.name,
    )  # fmt: skip


def test_the_committee_s_name_is_kept_shown_and_kept_through_an_edit(
    admin_browser: httpx.Client, tokens: Tokens
) -> None:
    """A convention file's `[committee]` names its committee: status, the committee's own
    route and the page say it; an edit of another field keeps it, one of the committee changes
    it."""
    admin, page = bearer(tokens.admin), "/conventions/AMP-CRPV-PACA-2025"
    committee = {"name": "Comité de pilotage", "article": "article 8"}
    admin_browser.post("/api/v1/conventions", json=file_fields(committee=committee),
                       headers=admin).raise_for_status()  # fmt: skip
    status = admin_browser.get("/api/v1/conventions/AMP-CRPV-PACA-2025", headers=admin).json()
    assert (status["committee"]["name"], status["committee"]["article"]) == (
        "Comité de pilotage", "article 8",
    )  # fmt: skip
    own = admin_browser.get("/api/v1/conventions/AMP-CRPV-PACA-2025/committee", headers=admin)
    assert own.json()["name"] == "Comité de pilotage"
    assert "Comité de pilotage (article 8)</h2>" in unescape(admin_browser.get(page).text)

    edited = admin_browser.patch("/api/v1/conventions/AMP-CRPV-PACA-2025",
                                 json={"title": "Autre intitulé"}, headers=admin)  # fmt: skip
    assert edited.json()["committee"]["name"] == "Comité de pilotage", edited.text
    renamed = admin_browser.patch("/api/v1/conventions/AMP-CRPV-PACA-2025",
                                  json={"committee": {"name": "Comité technique et financier"}},
                                  headers=admin)  # fmt: skip
    assert (renamed.json()["committee"]["name"], renamed.json()["committee"]["article"]) == (
        "Comité technique et financier", "article 8",
    )  # fmt: skip


def test_an_edit_keeps_the_cadence_set_on_the_draft(client: httpx.Client, tokens: Tokens) -> None:
    """The committee's cadence is a record, set from the draft on (`committee_cadence`), not a
    term of the file: an edit of the draft's terms keeps it."""
    admin = bearer(tokens.admin)
    client.post("/api/v1/conventions", json=file_fields(), headers=admin).raise_for_status()
    client.post("/api/v1/conventions/AMP-CRPV-PACA-2025/events", headers=admin,
                json={"event": "committee_cadence", "on": "2025-03-01",
                      "inputs": {"months": "6"}}).raise_for_status()  # fmt: skip

    edited = client.patch("/api/v1/conventions/AMP-CRPV-PACA-2025",
                          json={"title": "Autre intitulé"}, headers=admin)  # fmt: skip

    assert edited.status_code == 200, edited.text
    assert edited.json()["committee"]["cadence_months"] == 6


def test_a_financial_year_given_while_no_report_is_owed_is_refused_not_dropped(
    client: httpx.Client, tokens: Tokens
) -> None:
    """The reference draft owes no financial report: a year given alone meant one, and was
    dropped unsaid (200, `financial_report` null); it is refused, and nothing changes."""
    admin = {**bearer(tokens.admin), "Accept-Language": "fr"}
    client.post("/api/v1/conventions", json=file_fields(), headers=admin).raise_for_status()
    before = client.get("/api/v1/conventions/AMP-CRPV-PACA-2025", headers=admin).json()

    refused = client.patch("/api/v1/conventions/AMP-CRPV-PACA-2025",
                           json={"financial_report": {"year": 2026}}, headers=admin)  # fmt: skip

    assert refused.status_code == 422, refused.text
    assert (refused.json()["code"], refused.json()["params"]["year"]) == (
        "report_year_without_report", 2026,
    )  # fmt: skip
    assert "l'exercice 2026 (year) ne vaut que pour un compte rendu financier dû" in (
        refused.json()["message"].replace("\xa0", " ")
    )
    after = client.get("/api/v1/conventions/AMP-CRPV-PACA-2025", headers=admin).json()
    assert after["version"] == before["version"] and after["financial_report"] is None
    created = client.post(
        "/api/v1/conventions",
        headers=admin,
        json=file_fields(
            reference="AMP-AUTRE-2025", financial_report={"basis": "not_required", "year": 2025}
        ),
    )
    assert (created.status_code, created.json()["code"]) == (422, "report_year_without_report")


def test_an_edit_that_drops_the_report_owed_drops_its_year_with_it(
    client: httpx.Client, tokens: Tokens
) -> None:
    """A report owed by the convention for 2025, then the edit that says none is owed: its
    year goes with it (it is not held against the edit), as a later edit may owe one again."""
    admin = bearer(tokens.admin)
    owed = {"basis": "by_convention", "year": 2025}
    client.post("/api/v1/conventions", json=file_fields(financial_report=owed),
                headers=admin).raise_for_status()  # fmt: skip

    dropped = client.patch(
        "/api/v1/conventions/AMP-CRPV-PACA-2025",
        json={"financial_report": {"basis": "not_required"}},
        headers=admin,
    )
    again = client.patch("/api/v1/conventions/AMP-CRPV-PACA-2025",
                         json={"financial_report": owed}, headers=admin)  # fmt: skip

    assert dropped.status_code == 200, dropped.text
    assert dropped.json()["financial_report"] is None
    assert again.json()["financial_report"]["year"] == 2025


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
