"""An administrator creates a draft convention from the dashboard: by its form, or from its
document (the reference convention's PDF, made from its text), then edits it until it is
submitted. Served for real, on SQLite and PostgreSQL; read as the administrator reads it.
"""

from __future__ import annotations

import re
import tomllib
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.extract.renderings import to_pdf
from tests.http.conftest import form_value
from tests.integration import steps
from workflow.bootstrap import App
from workflow.files.convention_file import file_data, parse_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
TEXT = ROOT / "docs" / "reference-convention-2025.txt"
REFERENCE = "AMP-CRPV-PACA-2025"


def example() -> dict[str, Any]:
    """The example file's convention, as the file's fields (what the draft must match)."""
    parsed = parse_file(EXAMPLE.read_text("utf-8"), "example", payment_target_days=30,
                        signature_target_days=7)  # fmt: skip
    return file_data(parsed.convention)


def reference_form() -> dict[str, str]:
    """The form filled by hand with the reference convention's terms, as the example says."""
    data = tomllib.loads(EXAMPLE.read_text("utf-8"))
    form = {name: str(data[name]) for name in ("reference", "title", "object", "amount", "place")}
    form["end_date"] = data["end_date"].isoformat()
    for p, party in enumerate(data["parties"]):
        form[f"parties[{p}].name"] = party["name"]
        form[f"parties[{p}].key"] = party["key"]
        for s, person in enumerate(party["signatories"]):
            for key in ("name", "title", "email"):
                form[f"parties[{p}].signatories[{s}].{key}"] = person[key]
    form["clauses.payment_target_days"] = "30"
    form["clauses.signature_target_days"] = "7"
    form["payment.instalments[0].trigger"] = "notification"  # a select always sends a value
    return form


def page_text(response: httpx.Response) -> str:
    """A page's text as read on screen: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", response.text)))


def post(browser: httpx.Client, path: str, form: dict[str, str], action: str) -> httpx.Response:
    csrf = form_value(browser.get("/nouvelle-convention").text, "csrf_token")
    return browser.post(path, data={**form, "csrf_token": csrf, "action": action})


def stored(app: App, reference: str) -> dict[str, Any]:
    with app.uow(read_only=True) as uow:
        return file_data(uow.conventions.get(reference))


def count(app: App) -> int:
    """How many conventions are loaded (the reference convention's, or none)."""
    with app.uow(read_only=True) as uow:
        return int(uow.conventions.exists(REFERENCE))


def test_the_form_previews_the_reference_conventions_deadlines_and_saves_nothing(
    admin_browser: httpx.Client, app: App
):
    answer = post(admin_browser, "/nouvelle-convention", reference_form(), "preview")

    assert answer.status_code == 200
    text = page_text(answer)
    assert "Échéances calculées" in text
    assert "Terme de la convention mercredi 31 décembre 2025 (date déjà passée)" in text
    assert "rappels\u00a0: J-90, J-60, J-30 et J-7" in text
    assert "Versement unique de 200\u202f000,00\xa0€" in text
    # the notice of article 7 from a letter received on 30 June 2025 ends on 30 December
    assert (
        "lettre reçue au plus tard le lundi 30 juin 2025 pour prendre effet avant le terme" in text
    )
    assert count(app) == 0


def test_the_form_saves_a_draft_that_matches_the_example_file(
    admin_browser: httpx.Client, app: App
):
    answer = post(admin_browser, "/nouvelle-convention", reference_form(), "save")

    assert answer.status_code == 303
    assert answer.headers["location"] == f"/conventions/{REFERENCE}?enregistre=create"
    assert stored(app, REFERENCE) == example()
    page = page_text(admin_browser.get(answer.headers["location"]))
    assert "«\u00a0Créer la convention en brouillon\u00a0»\u00a0: c'est enregistré" in page
    assert "Modifier le brouillon" in page


def test_each_refusal_is_shown_beside_its_field_and_nothing_is_saved(
    admin_browser: httpx.Client, app: App
):
    form = reference_form()
    form["parties[1].signatories[0].email"] = "mustapha.berra-at-example.org"
    form["end_date"] = ""

    answer = post(admin_browser, "/nouvelle-convention", form, "save")

    assert answer.status_code == 422
    html = unescape(answer.text)
    email = re.search(r'id="parties-1-signatories-0-email-error">([^<]+)<', html)
    assert email and "mustapha.berra-at-example.org" in email.group(1)
    assert re.search(r'id="end-date-error">[^<]+<', html)
    assert 'value="mustapha.berra-at-example.org"' in html  # the form comes back as typed
    assert count(app) == 0


def test_a_date_that_is_none_is_refused_in_the_form_s_words_not_the_file_format_s(
    admin_browser: httpx.Client, app: App
):
    # « écrivez-la 2025-12-31 (date TOML) » spoke of the command line's file format to a
    # person filling a form.
    form = reference_form()
    form["end_date"] = "demain"

    answer = post(admin_browser, "/nouvelle-convention", form, "save")

    assert answer.status_code == 422
    said = re.search(r'id="end-date-error">([^<]+)<', unescape(answer.text))
    assert said and said.group(1).strip() == (
        "«\u00a0demain\u00a0» n'est pas une date\u00a0: écrivez-la sous la forme 2025-12-31"
    )
    assert count(app) == 0


def test_instalments_that_do_not_add_up_are_refused_with_both_sums(
    admin_browser: httpx.Client, app: App
):
    form = reference_form()
    form["payment.instalments[0].amount"] = "60 %"
    form["payment.instalments[2].amount"] = "30 %"  # the second slot left blank
    form["payment.instalments[2].trigger"] = "report"
    form["payment.instalments[2].report"] = "rapport d'activité"

    answer = post(admin_browser, "/nouvelle-convention", form, "preview")

    assert answer.status_code == 422
    text = page_text(answer)
    assert "Rien n'a été enregistré" in text and "Échéances calculées" not in text
    assert "200\u202f000,00" in text and "180\u202f000,00" in text
    assert count(app) == 0


def test_a_report_instalment_without_its_document_is_refused_on_its_own_slot(
    admin_browser: httpx.Client, app: App
):
    form = reference_form()
    form["payment.instalments[0].amount"] = "60 %"
    form["payment.instalments[2].amount"] = "40 %"
    form["payment.instalments[2].trigger"] = "report"

    answer = post(admin_browser, "/nouvelle-convention", form, "preview")

    assert answer.status_code == 422
    assert re.search(r'id="payment-instalments-2"[^>]*>\s*<legend>Versement 3</legend>\s*'
                     r'<p class="field-error" id="payment-instalments-2-error">',
                     answer.text)  # fmt: skip


def test_a_reference_already_loaded_is_refused_beside_the_reference(
    admin_browser: httpx.Client, loaded: App
):
    answer = post(admin_browser, "/nouvelle-convention", reference_form(), "save")

    assert answer.status_code == 409
    assert re.search(r'id="reference-error">[^<]*AMP-CRPV-PACA-2025', unescape(answer.text))


def test_a_reference_loaded_in_another_case_is_refused_beside_the_reference_naming_it(
    admin_browser: httpx.Client, loaded: App
):
    form = {**reference_form(), "reference": REFERENCE.lower()}

    answer = post(admin_browser, "/nouvelle-convention", form, "save")

    assert answer.status_code == 409
    error = re.search(r'id="reference-error">([^<]*)<', unescape(answer.text))
    assert error is not None and re.sub(r"[ \t\r\n]+", " ", error.group(1)).strip() == (
        f"Une convention de référence «\u00a0{REFERENCE}\u00a0» existe déjà\u00a0: "
        f"«\u00a0{REFERENCE.lower()}\u00a0» "
        "n'en diffère que par les majuscules et minuscules."
    )
    with loaded.uow(read_only=True) as uow:
        assert uow.conventions.existing_any_case([REFERENCE]) == {REFERENCE}


def test_the_reference_conventions_pdf_fills_the_form_with_each_quote(
    admin_browser: httpx.Client, app: App, tmp_path: Path
):
    pdf = to_pdf(TEXT.read_text("utf-8"), tmp_path / "convention.pdf")
    csrf = form_value(admin_browser.get("/nouvelle-convention").text, "csrf_token")

    answer = admin_browser.post(
        "/nouvelle-convention/document",
        data={"csrf_token": csrf},
        files={"file": ("convention signée.pdf", pdf.read_bytes(), "application/pdf")},
    )

    assert answer.status_code == 200
    html, text = unescape(answer.text), page_text(answer)
    assert "Formulaire rempli à partir de «\u00a0convention signée.pdf\u00a0»" in text
    assert 'name="amount" type="text" value="200000.00"' in html
    assert 'name="end_date" type="date" value="2025-12-31"' in html
    assert re.search(
        r'id="amount-quote">Lu dans le document, article 2\u00a0: «\u00a0La participation', html
    )
    assert "Non trouvé dans le document\u00a0: Référence" in text
    # the emails are not in the text: each named by its party and signatory
    assert "Partie 2, signataire 1\u00a0: Adresse électronique du signataire" in text
    assert re.search(
        r'id="title-quote">Lu dans le document, intitulé\u00a0: «\u00a0Convention', html
    )
    # what the form has no input for rides along, hidden: the articles of each clause
    assert 'name="clauses.articles.dispute" value="article 6"' in html
    assert count(app) == 0


def test_what_the_document_leaves_in_doubt_is_said_in_french_on_the_form(
    admin_browser: httpx.Client, app: App
):
    text = TEXT.read_text("utf-8").replace("200 000 € TTC", "vingt mille euros (25 000 €) TTC", 1)
    csrf = form_value(admin_browser.get("/nouvelle-convention").text, "csrf_token")

    answer = admin_browser.post(
        "/nouvelle-convention/document",
        data={"csrf_token": csrf},
        files={"file": ("convention.txt", text.encode(), "text/plain")},
    )

    assert answer.status_code == 200
    said = page_text(answer)
    assert "écrit 20\u202f000,00\xa0€ en lettres et 25\u202f000,00\xa0€ en chiffres" in said
    assert "written" not in said and "in figures" not in said
    assert count(app) == 0


def test_from_the_pdf_an_administrator_completes_and_saves_the_example_draft(
    admin_browser: httpx.Client, app: App, tmp_path: Path
):
    pdf = to_pdf(TEXT.read_text("utf-8"), tmp_path / "convention.pdf")
    csrf = form_value(admin_browser.get("/nouvelle-convention").text, "csrf_token")
    filled = admin_browser.post(
        "/nouvelle-convention/document", data={"csrf_token": csrf},
        files={"file": ("convention.pdf", pdf.read_bytes(), "application/pdf")},
    )  # fmt: skip
    form = {
        name: unescape(value)
        for name, value in re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', filled.text)
    }
    form.update(
        {name: unescape(value)
         for name, value in re.findall(r'name="([^"]+)"[^>]*>([^<]*)</textarea>', filled.text)}
    )  # fmt: skip
    typed = reference_form()  # what the text does not hold, typed by the administrator
    for name in ("reference", "object", "parties[0].key", "parties[1].key",
                 "parties[0].signatories[0].email", "parties[1].signatories[0].email"):  # fmt: skip
        form[name] = typed[name]

    answer = admin_browser.post("/nouvelle-convention", data={**form, "action": "save"})

    assert answer.status_code == 303, page_text(answer)
    # The document names its committee (article 3: « Un Comité technique sera mis en place »),
    # which the example file leaves unsaid: read, carried by the form, and kept.
    named = {"committee": {"name": "Comité technique", "article": "article 3"}}
    assert stored(app, REFERENCE) == {**example(), **named}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "aucun texte"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "texte"),
        (b"%PDF-1.4 not really a pdf", "PDF"),
    ],
)
def test_an_unreadable_document_is_refused_in_french_and_the_form_stays_empty(
    admin_browser: httpx.Client, app: App, content: bytes, expected: str
):
    csrf = form_value(admin_browser.get("/nouvelle-convention").text, "csrf_token")

    answer = admin_browser.post(
        "/nouvelle-convention/document", data={"csrf_token": csrf},
        files={"file": ("convention.pdf", content, "application/pdf")},
    )  # fmt: skip

    assert 400 <= answer.status_code < 500
    text = page_text(answer)
    assert "Le document n'a pas pu être lu" in text and expected in text
    assert count(app) == 0


def test_a_draft_is_edited_from_its_page_until_it_is_submitted(
    admin_browser: httpx.Client, loaded: App
):
    page = admin_browser.get(f"/conventions/{REFERENCE}/modifier")
    assert page.status_code == 200
    assert 'name="amount" type="text" value="200000.00"' in page.text
    form = reference_form()
    form["amount"] = "180 000,00"
    form["version"] = form_value(page.text, "version")

    answer = post(admin_browser, f"/conventions/{REFERENCE}/modifier", form, "save")

    assert answer.status_code == 303
    assert stored(loaded, REFERENCE)["amount"] == "180000.00"
    shown = page_text(admin_browser.get(answer.headers["location"]))
    assert "«\u00a0Modifier le brouillon\u00a0»\u00a0: c'est enregistré" in shown

    steps.record(loaded, "submit", on="2025-03-03")
    assert admin_browser.get(f"/conventions/{REFERENCE}/modifier").status_code == 303
    refused = post(admin_browser, f"/conventions/{REFERENCE}/modifier", form, "save")
    assert refused.status_code == 409
    assert "en signature" in page_text(refused)
    assert stored(loaded, REFERENCE)["amount"] == "180000.00"


def test_a_stale_edit_is_refused_not_merged(admin_browser: httpx.Client, loaded: App):
    form = {**reference_form(), "version": "0"}

    answer = post(admin_browser, f"/conventions/{REFERENCE}/modifier", form, "save")

    assert answer.status_code == 409
    assert stored(loaded, REFERENCE)["amount"] == "200000.00"


def test_a_viewer_cannot_open_the_form(viewer_browser: httpx.Client):
    assert viewer_browser.get("/nouvelle-convention").status_code == 403


def test_a_form_without_its_csrf_token_is_refused(admin_browser: httpx.Client, app: App):
    answer = admin_browser.post("/nouvelle-convention", data={**reference_form(), "action": "save"})

    assert answer.status_code == 403
    assert count(app) == 0


def test_the_history_names_only_what_an_edit_changed(admin_browser: httpx.Client, loaded: App):
    page = admin_browser.get(f"/conventions/{REFERENCE}/modifier")
    form = {**reference_form(), "amount": "180000.00", "version": form_value(page.text, "version")}

    post(admin_browser, f"/conventions/{REFERENCE}/modifier", form, "save")

    from workflow.usecases import views

    last = views.history(loaded, REFERENCE)[-1]
    assert (last["event"], last["inputs"]["fields"]) == ("edit_draft", "amount")
    assert last["inputs"]["terms"]["amount"] == "180000.00"  # the terms the edit leaves (verify)
    assert set(last["inputs"]) == {"fields", "terms"}


def summary_of(answer: httpx.Response) -> tuple[str, list[tuple[str, str]]]:
    """The summary of a refused form: its title, and each problem with the field it links to."""
    found = re.search(r'<div class="alert alert-error error-summary"([^>]*)>(.*?)</div>',
                      answer.text, re.S)  # fmt: skip
    assert found, "no summary"
    attributes, inside = found.groups()
    assert 'role="alert"' in attributes and 'tabindex="-1"' in attributes
    assert "autofocus" in attributes
    title = re.search(r"<h2[^>]*>(.*?)</h2>", inside, re.S)
    assert title
    found_links = re.findall(r'<a href="#([^"]+)">(.*?)</a>', inside, re.S)
    links = [(target, re.sub(r"[ \t\r\n]+", " ", unescape(text))) for target, text in found_links]
    return unescape(title.group(1)), links


def test_a_draft_without_parties_is_refused_with_a_summary_at_the_top_linking_to_them(
    admin_browser: httpx.Client, app: App
):
    form = {k: v for k, v in reference_form().items() if not k.startswith("parties")}

    answer = post(admin_browser, "/nouvelle-convention", form, "save")

    assert answer.status_code == 422
    title, links = summary_of(answer)
    assert title == "Rien n'a été enregistré\u00a0: 1 problème à corriger"
    assert links == [("parties", "Parties et signataires\u00a0: indiquez-en au moins 2")]
    assert answer.text.index("error-summary") < answer.text.index("convention-form")
    assert 'id="parties"' in answer.text and 'id="parties-error"' in answer.text
    assert "ce champ obligatoire manque" not in page_text(answer)
    assert count(app) == 0


def test_every_problem_of_the_form_is_in_the_summary_in_the_form_s_order(
    admin_browser: httpx.Client, app: App
):
    form = reference_form()
    form["amount"] = "beaucoup"
    form["parties[1].signatories[0].email"] = "pas une adresse"

    answer = post(admin_browser, "/nouvelle-convention", form, "save")

    assert answer.status_code == 422
    title, links = summary_of(answer)
    assert title == "Rien n'a été enregistré\u00a0: 2 problèmes à corriger"
    assert [target for target, _ in links] == ["amount", "parties-1-signatories-0-email"]
    assert links[1][1].startswith("Partie 2, signataire 1\u00a0: ")
    assert count(app) == 0
