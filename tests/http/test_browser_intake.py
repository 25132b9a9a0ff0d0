"""An administrator, in Chromium on a phone and on a desktop screen, turns the reference
convention's PDF into a draft: uploads it, reviews each value beside its quote, types what the
text does not hold, previews the deadlines, saves. Skipped without Chromium, unless
CONVFLOW_REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.etoile_du_nord import ETOILE, SHARES_ONLY
from tests.extract.renderings import to_docx, to_pdf
from tests.http.conftest import Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.http.test_new_convention import EXAMPLE, REFERENCE, TEXT, example, stored
from tests.pades import sign_pdf
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]  # the fixtures, shared with the dashboard's browser tests
SHOTS = os.environ.get("CONVFLOW_SCREENSHOTS")
"""A folder to keep what the browser showed (screenshots), for a person to look at."""


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


@pytest.mark.parametrize("width", [375, 1366])
def test_an_administrator_turns_the_reference_pdf_into_the_example_draft(
    page: Any, app: App, tokens: Tokens, tmp_path: Path, width: int
):
    from playwright.sync_api import expect

    pdf = to_pdf(TEXT.read_text("utf-8"), tmp_path / "convention-signee.pdf")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, tokens.admin)

    page.goto("/conventions")
    page.get_by_role("link", name="Nouvelle convention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle convention")
    page.get_by_label("Document de la convention", exact=True).set_input_files(str(pdf))
    page.get_by_role("button", name="Lire le document").click()

    read = page.get_by_text("Formulaire rempli à partir de « convention-signee.pdf »")
    expect(read).to_be_visible()
    expect(page.get_by_label("Montant (€ TTC)")).to_have_value("200000.00")
    expect(page.get_by_label("Terme (date de fin)")).to_have_value("2025-12-31")
    expect(page.locator("#amount-quote")).to_contain_text("article 2 : « La participation")
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    _shot(page, f"intake-read-{width}.png")

    # What the text does not hold, typed by the administrator.
    page.get_by_label("Référence").fill(REFERENCE)
    page.get_by_label("Objet").fill(example()["object"])
    party = page.locator("#parties-0")
    party.get_by_label("Code court de la partie").fill("metropole")
    party.get_by_label("Adresse électronique du signataire").first.fill(
        "martial.alvarez@example.org"
    )
    party = page.locator("#parties-1")
    party.get_by_label("Code court de la partie").fill("crpv")
    party.get_by_label("Adresse électronique du signataire").first.fill(
        "mustapha.berra@example.org"
    )
    page.get_by_label("Objectif de signature (jours)").fill("7")
    page.get_by_label("Objectif de versement (jours)").fill("30")

    page.get_by_role("button", name="Prévisualiser les échéances").click()
    preview = page.get_by_role("region", name="Échéances calculées (tableau)")
    expect(preview).to_contain_text("mercredi 31 décembre 2025")
    expect(preview).to_contain_text("lundi 30 juin 2025")
    expect(page.locator("#amount-quote")).to_contain_text("article 2")  # kept while reviewing
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    _shot(page, f"intake-preview-{width}.png")

    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status").first).to_contain_text("c'est enregistré")
    expect(page.locator(".page-header .badge")).to_have_text("en préparation")
    # The document names its committee, which the example file leaves unsaid: kept.
    named = {"committee": {"name": "Comité technique", "article": "article 3"}}
    assert stored(app, REFERENCE) == {**example(), **named}
    assert EXAMPLE.exists()


def test_a_refused_field_is_shown_beside_its_input_in_the_browser(
    page: Any, app: App, tokens: Tokens
):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 375, "height": 900})
    sign_in_page(page, tokens.admin)
    page.goto("/nouvelle-convention")
    page.get_by_label("Référence").fill("AMP-TEST-1")
    page.get_by_label("Montant (€ TTC)").fill("beaucoup")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    amount = page.get_by_label("Montant (€ TTC)")
    expect(amount).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#amount-error")).to_contain_text("beaucoup")
    expect(amount).to_have_value("beaucoup")
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    _shot(page, "intake-refused-375.png")


@pytest.mark.parametrize("width", [375, 1366])
def test_an_administrator_imports_500_conventions_after_reading_the_report(
    page: Any, app: App, tokens: Tokens, tmp_path: Path, width: int
):
    from playwright.sync_api import expect

    from tests.http.test_import_page import loaded, rows_csv

    lot = tmp_path / "conventions-2026.csv"
    lot.write_bytes(rows_csv(500))
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, tokens.admin)

    page.goto("/conventions")
    page.get_by_role("link", name="Importer un tableau").click()
    page.get_by_label("Tableau (CSV ou Excel .xlsx)").set_input_files(str(lot))
    page.get_by_role("button", name="Vérifier le fichier").click()

    expect(page.get_by_role("heading", name="Rapport : 500 conventions à créer")).to_be_visible()
    expect(page.get_by_role("region", name="Conventions à créer (tableau)")).to_contain_text(
        "AMP-LOT-0500"
    )
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    _shot(page, f"import-report-{width}.png")
    assert loaded(app, "AMP-LOT-0001") == []

    page.get_by_role("button", name="Importer les 500 conventions").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "500 conventions importées en brouillon depuis « conventions-2026.csv »"
    )
    assert loaded(app, "AMP-LOT-0001", "AMP-LOT-0500") == ["AMP-LOT-0001", "AMP-LOT-0500"]
    page.reload()  # F5 on the page the import redirected to: nothing is posted again
    expect(page.get_by_role("status").first).to_contain_text("500 conventions importées")
    expect(page.get_by_text("rien n'a été enregistré")).to_have_count(0)


@pytest.mark.parametrize("width", [375, 1366])
def test_a_file_of_many_bad_rows_lists_its_first_problems_and_says_how_many_more(
    page: Any, app: App, tokens: Tokens, tmp_path: Path, width: int
):
    from playwright.sync_api import expect

    from tests.hostile.test_intake_hostile import bad_rows
    from tests.hostile.test_spreadsheet_hostile import HEADER, csv_text, nothing_saved

    lot = tmp_path / "lot.csv"  # 300 rows of four bad cells each: 1 200 problems
    lot.write_text(csv_text(HEADER, bad_rows()), encoding="utf-8")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, tokens.admin)

    page.goto("/import")
    page.get_by_label("Tableau (CSV ou Excel .xlsx)").set_input_files(str(lot))
    page.get_by_role("button", name="Vérifier le fichier").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "1\u202f200 problèmes à corriger dans le fichier (les 200 premiers ci-dessous)"
    )
    problems = page.get_by_role("region", name="Problèmes du fichier (tableau)")
    expect(problems.locator("tbody tr")).to_have_count(200)
    expect(page.get_by_text("… et 1\u202f000 autres problèmes, non montrés ici")).to_be_visible()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    _shot(page, f"import-many-problems-{width}.png")
    nothing_saved(app)


@pytest.mark.parametrize("width", [375, 1366])
def test_an_administrator_attaches_the_signed_convention_and_downloads_it(
    page: Any, loaded: App, tokens: Tokens, tmp_path: Path, width: int
):
    from playwright.sync_api import expect

    from tests.integration import steps

    steps.bring_into_force(loaded)
    text = to_pdf(TEXT.read_text("utf-8"), tmp_path / "texte.pdf").read_bytes()
    # Signed electronically on 12 March 2025, two days after the signature recorded on line 4.
    pdf = tmp_path / "convention-signee.pdf"
    pdf.write_bytes(sign_pdf(text, "Renaud Muselier", datetime(2025, 3, 12, 9, tzinfo=UTC)))
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_page(page, tokens.admin)
    page.goto(f"/conventions/{REFERENCE}#pieces")
    expect(page.get_by_text("sans pièce").first).to_be_visible()

    page.get_by_label("Fichier (PDF, image, Word, texte ; 20 Mo au plus)").set_input_files(str(pdf))
    page.get_by_label("Sorte").select_option("signed_convention")
    page.get_by_label("Ligne de l'historique (facultatif)").fill("4")
    page.get_by_role("button", name="Joindre la pièce").click()

    papers = page.get_by_role("region", name="Pièces (tableau)")
    expect(papers).to_contain_text("convention-signee.pdf")
    expect(papers).to_contain_text("convention signée")
    expect(page.get_by_text("sans pièce")).to_have_count(0)
    expect(papers).to_contain_text(
        "Signée électroniquement par Renaud Muselier, le 12 mars 2025 à 10:00"
    )
    expect(page.get_by_text("date différente")).to_be_visible()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    _shot(page, f"papers-{width}.png")
    with page.expect_download() as download:
        papers.get_by_role("link", name="convention-signee.pdf").click()
    assert Path(download.value.path()).read_bytes() == pdf.read_bytes()


@pytest.mark.parametrize(
    ("text", "read"),
    [(ETOILE, ("31850.00", "13650.00")),  # « 70 %, soit 31 850,00 € »: the amount
     (SHARES_ONLY, ("70 %", "30 %"))],  # « 70 % » alone: the share, as the input takes it
    ids=["share-and-amount", "share-only"],
)  # fmt: skip
def test_instalments_read_from_a_document_fill_inputs_the_preview_accepts(
    page: Any, app: App, tokens: Tokens, tmp_path: Path, text: str, read: tuple[str, str]
):
    """« Lire le document » on a convention paid 70 % then 30 %: each instalment's input gets
    a value the form takes (once « 70% % », refused by « Prévisualiser »), then saved."""
    from playwright.sync_api import expect

    document = to_docx(text, tmp_path / "etoile.docx")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in_page(page, tokens.admin)
    page.goto("/nouvelle-convention")
    page.get_by_label("Document de la convention", exact=True).set_input_files(str(document))
    page.get_by_role("button", name="Lire le document").click()

    first, second = (page.locator(f'[name="payment.instalments[{n}].amount"]') for n in (0, 1))
    expect(first).to_have_value(read[0])
    expect(second).to_have_value(read[1])
    expect(page.locator('[name="payment.instalments[1].report"]')).to_have_value(
        "bilan d'activité 2027"
    )
    expect(page.locator("#payment-instalments-0-amount-quote")).to_contain_text(
        "une première tranche de 70 %"
    )

    page.get_by_label("Référence").fill("AMP-ETOILE-2026")
    for n, (key, email) in enumerate((("metropole", "helene.darcy@example.org"),
                                      ("etoile", "jf.lefevre@example.org"))):  # fmt: skip
        party = page.locator(f"#parties-{n}")
        party.get_by_label("Code court de la partie").fill(key)
        party.get_by_label("Adresse électronique du signataire").first.fill(email)
    page.locator('[name="parties[0].signatories[0].title"]').fill("Vice-Présidente déléguée")
    page.get_by_role("button", name="Prévisualiser les échéances").click()

    expect(page.get_by_role("region", name="Échéances calculées (tableau)")).to_be_visible()
    expect(first).to_have_value(read[0])
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status").first).to_contain_text("c'est enregistré")
    assert [(i["amount"], i["trigger"]) for i in stored(app, "AMP-ETOILE-2026")["payment"][
        "instalments"]] == [("31850.00", "notification"), ("13650.00", "report")]  # fmt: skip
