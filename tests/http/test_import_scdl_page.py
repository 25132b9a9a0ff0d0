"""The open-data file of subsidies (SCDL « subventions ») on the dashboard: reported, kept as
drafts to complete, each opened in the « Nouvelle convention » form filled with what its row
said, completed and saved: the convention is created and the draft removed, together. Served
for real, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import httpx

from tests.http.conftest import form_value
from tests.http.test_import_page import confirm, loaded, page_text, upload
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.intake_drafts import intake_drafts

SCDL = Path(__file__).parents[1] / "e2e" / "scdl" / "subventions.csv"


def form_inputs(page: str) -> dict[str, str]:
    """The values a browser would send for the convention form's inputs and textareas."""
    form = page[page.index('class="form convention-form"') :]
    found = {name: unescape(value) for name, value in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}  # fmt: skip
    found.update({name: unescape(value) for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form)})  # fmt: skip
    for name, selected in re.findall(
        r'<select[^>]*name="([^"]+)"[^>]*>.*?<option value="([^"]*)"', form, re.S
    ):
        found.setdefault(name, selected)
    return found


COMPLETED = {
    "reference": "AMP-CRPV-2025-SCDL", "title": "Convention de partenariat CRPV 2025",
    "end_date": "2025-12-31", "place": "Marseille",
    "parties[0].signatories[0].name": "Martial Alvarez",
    "parties[0].signatories[0].title": "Vice-Président délégué",
    "parties[0].signatories[0].email": "martial.alvarez@example.org",
    "parties[1].signatories[0].name": "Mustapha Berra",
    "parties[1].signatories[0].title": "Directeur-ordonnateur",
    "parties[1].signatories[0].email": "mustapha.berra@example.org",
}  # fmt: skip


def test_an_scdl_file_is_reported_then_kept_as_drafts_to_complete(
    admin_browser: httpx.Client, app: App
) -> None:
    report = upload(admin_browser, SCDL.read_bytes(), "subventions.csv")

    assert report.status_code == 200, page_text(report)
    text = page_text(report)
    assert "Rapport\u00a0: 3 subventions (fichier SCDL «\u00a0subventions\u00a0»)" in text
    assert "DEL-2025-041" in text and "GIP CRPV PACA" in text
    assert intake_drafts(app) == []  # a report saves nothing

    saved = confirm(admin_browser, report)

    assert saved.status_code == 303
    shown = admin_browser.get(saved.headers["location"])
    assert "3 brouillons à compléter depuis «\u00a0subventions.csv\u00a0»" in page_text(shown)
    listed = page_text(admin_browser.get("/brouillons"))
    assert "GIP CRPV PACA" in listed and "subventions.csv, ligne 2" in listed
    again = upload(admin_browser, SCDL.read_bytes(), "subventions.csv")
    assert again.status_code == 422
    assert "attend déjà d'être complétée" in page_text(again)
    assert len(intake_drafts(app)) == 3


def test_a_draft_opens_filled_and_saving_it_creates_the_convention_and_removes_it(
    admin_browser: httpx.Client, app: App
) -> None:
    confirm(admin_browser, upload(admin_browser, SCDL.read_bytes(), "subventions.csv"))
    draft = intake_drafts(app)[0]

    page = admin_browser.get(f"/brouillons/{draft.id}")

    assert page.status_code == 200
    text = page_text(page)
    assert "À compléter (le fichier ne le dit pas)" in text
    assert "colonne nomBeneficiaire\u00a0: «\u00a0GIP CRPV PACA\u00a0»" in text
    assert "référence de la décision d'attribution (referenceDecision)\u00a0: DEL-2025-041" in text
    form = form_inputs(page.text)
    assert form["parties[1].name"] == "GIP CRPV PACA" and form["amount"] == "200000.00"
    assert form["parties[1].siret"] == "12345678900015"  # carried, no input of its own
    assert form["intake_draft"] == str(draft.id)
    assert form["reference"] == "" and form["end_date"] == ""  # nothing invented

    incomplete = admin_browser.post("/nouvelle-convention", data={**form, "action": "save"})
    assert incomplete.status_code == 422 and len(intake_drafts(app)) == 3
    assert form_value(incomplete.text, "intake_draft") == str(draft.id)

    saved = admin_browser.post(
        "/nouvelle-convention", data={**form, **COMPLETED, "action": "save"},
        follow_redirects=False,
    )  # fmt: skip

    assert saved.status_code == 303, page_text(saved)
    assert saved.headers["location"] == "/conventions/AMP-CRPV-2025-SCDL?enregistre=create"
    assert loaded(app, "AMP-CRPV-2025-SCDL") == ["AMP-CRPV-2025-SCDL"]
    assert [d.line for d in intake_drafts(app)] == [3, 4]
    with app.uow(read_only=True) as uow:
        convention = uow.conventions.get("AMP-CRPV-2025-SCDL")
    assert convention.state == "draft" and str(convention.amount) == "200000.00"
    assert [p.siret for p in convention.parties] == ["20005480700017", "12345678900015"]
    imported = views.history(app, "AMP-CRPV-2025-SCDL")[0]
    assert imported["inputs"]["file"] == (
        f"tableau de bord : brouillon n°\u00a0{draft.id}, tableau de bord : subventions.csv, "
        "ligne 2"
    )
    gone = admin_browser.get(f"/brouillons/{draft.id}")
    assert gone.status_code == 404 and f"n'a le numéro {draft.id}" in page_text(gone)
    again = page_text(upload(admin_browser, SCDL.read_bytes(), "subventions.csv"))
    assert "est déjà chargée\u00a0: convention AMP-CRPV-2025-SCDL" in again  # line 2, not doubled
    assert again.count("attend déjà d'être complétée") == 2  # lines 3 and 4


def test_a_staggered_payment_asks_for_its_schedule(admin_browser: httpx.Client, app: App) -> None:
    confirm(admin_browser, upload(admin_browser, SCDL.read_bytes(), "subventions.csv"))
    staggered = intake_drafts(app)[1]

    text = page_text(admin_browser.get(f"/brouillons/{staggered.id}"))

    assert "Versements\u00a0: leur échéancier (le fichier dit «\u00a0échelonné\u00a0»)" in text
    assert "numéro RNA du bénéficiaire (partie 2) (rnaBeneficiaire)\u00a0: W131234567" in text


def test_a_reference_taken_keeps_the_draft(admin_browser: httpx.Client, app: App) -> None:
    confirm(admin_browser, upload(admin_browser, SCDL.read_bytes(), "subventions.csv"))
    first, second = intake_drafts(app)[:2]
    form = form_inputs(admin_browser.get(f"/brouillons/{first.id}").text)
    admin_browser.post("/nouvelle-convention", data={**form, **COMPLETED, "action": "save"})

    other = form_inputs(admin_browser.get(f"/brouillons/{second.id}").text)
    refused = admin_browser.post(
        "/nouvelle-convention", data={**other, **COMPLETED, "action": "save"}
    )

    assert refused.status_code == 409
    assert "AMP-CRPV-2025-SCDL" in page_text(refused)
    assert second.id in [d.id for d in intake_drafts(app)]  # kept: rolled back with the refusal


def test_a_draft_is_removed_from_the_list(admin_browser: httpx.Client, app: App) -> None:
    confirm(admin_browser, upload(admin_browser, SCDL.read_bytes(), "subventions.csv"))
    draft = intake_drafts(app)[0]
    csrf = form_value(admin_browser.get("/brouillons").text, "csrf_token")

    done = admin_browser.post(f"/brouillons/{draft.id}/retirer", data={"csrf_token": csrf},
                              follow_redirects=True)  # fmt: skip

    assert done.status_code == 200 and f"Brouillon n°\u00a0{draft.id} retiré." in page_text(done)
    assert draft.id not in [d.id for d in intake_drafts(app)]


def test_a_bad_scdl_file_names_each_line_and_column(admin_browser: httpx.Client, app: App) -> None:
    lines = SCDL.read_text(encoding="utf-8").splitlines()
    bad = "\n".join([lines[0], lines[1].replace("200000.00", "beaucoup"), lines[2]]) + "\n"

    report = upload(admin_browser, bad.encode("utf-8"), "bad.csv")

    assert report.status_code == 422
    assert "2 montant «\u00a0beaucoup\u00a0» n'est pas un montant" in page_text(report)
    assert intake_drafts(app) == []


def test_a_viewer_sees_no_drafts(viewer_browser: httpx.Client) -> None:
    assert viewer_browser.get("/brouillons").status_code == 403
