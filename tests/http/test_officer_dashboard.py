"""What the Métropole's convention officer read on the dashboard, said plainly: the avenant's
term a date picker that also reads a date typed JJ/MM/AAAA, a held term's deadline line that
does not contradict itself, overdue items named as such, no command-line words on French
pages, a conflict naming what changed, reminders' true offset, days counted in French."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest

from tests.http.conftest import REFERENCE, bearer, form_value
from tests.integration import steps
from workflow.bootstrap import App

PAGE = f"/conventions/{REFERENCE}"
AMENDMENTS = f"/api/v1/conventions/{REFERENCE}/amendments"


@pytest.fixture
def in_execution(loaded: App) -> App:
    """The reference convention in execution, on 10 June 2025 (its term: 31 December 2025)."""
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-06-10T09:00:00Z")  # type: ignore[attr-defined]
    return loaded


def words(html: str) -> str:
    """The page's text as read: tags dropped, entities decoded, every space a plain one."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def field_tag(page: str, name: str) -> str:
    """The <input> tag named `name`."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    return found.group(0)


def test_the_avenant_term_is_a_date_picker_saying_the_format(
    admin_browser: httpx.Client, in_execution: App
) -> None:
    page = admin_browser.get(PAGE).text

    tag = field_tag(page, "ch_end_date")
    assert 'type="date"' in tag, tag
    hint = words(page[page.index('id="amend-end_date-hint"') :].split("</p>")[0] + "</p>")
    assert "JJ/MM/AAAA" in hint, hint


def test_an_avenant_term_typed_jj_mm_aaaa_is_read_as_the_date_it_says(
    admin_browser: httpx.Client, in_execution: App, tokens: object
) -> None:
    csrf = form_value(admin_browser.get(PAGE).text, "csrf_token")

    answer = admin_browser.post(
        f"{PAGE}/avenants", data={"csrf_token": csrf, "ch_end_date": "30/06/2026"}
    )

    assert answer.status_code == 303, words(answer.text)[:2000]
    drafted = admin_browser.get(AMENDMENTS, headers=bearer(tokens.viewer)).json()  # type: ignore[attr-defined]
    assert drafted[0]["changes"] == {"end_date": "2026-06-30"}


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("juin 2026", "« juin 2026 » n'est pas une date : choisissez-la dans le calendrier ou "
         "écrivez-la au format JJ/MM/AAAA (par exemple 30/06/2028)"),
        ("31/06/2026", "« 31/06/2026 » n'est pas une date du calendrier"),
    ],
)  # fmt: skip
def test_an_avenant_term_that_is_no_date_is_refused_naming_jj_mm_aaaa(
    admin_browser: httpx.Client, in_execution: App, typed: str, said: str
) -> None:
    csrf = form_value(admin_browser.get(PAGE).text, "csrf_token")

    answer = admin_browser.post(f"{PAGE}/avenants", data={"csrf_token": csrf, "ch_end_date": typed})

    assert answer.status_code == 422
    text = words(answer.text)
    assert said in text, text[:3000]
    assert "AAAA-MM-JJ, ni un instant ISO" not in text


@pytest.fixture
def notified(loaded: App) -> App:
    """In force, its award notified on 20 March 2025: the payment target is Saturday 19 April
    2025; read on 21 March 2025."""
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    loaded.clock.now = steps.at("2025-03-21T09:00:00Z")  # type: ignore[attr-defined]
    return loaded


def test_a_reminder_moved_to_the_working_day_before_says_so(
    admin_browser: httpx.Client, notified: App
) -> None:
    html = admin_browser.get(PAGE).text
    table = html[html.index('id="rappels-titre"') :]
    rows = [words(row) for row in re.findall(r"<tr>.*?</tr>", table, re.S)]
    payment = [row for row in rows if "versement" in row.lower() and "18 avr" in row]

    assert payment, rows
    assert all("le jour même" not in row for row in payment), payment
    assert any("la veille (jour ouvré)" in row for row in payment), payment


def test_zero_days_is_said_in_the_singular(admin_browser: httpx.Client, in_execution: App) -> None:
    """The payment is reminded on the day itself: the avenant's form said « Actuellement :
    0 jours »."""
    text = words(admin_browser.get(PAGE).text)

    assert re.search(r"Actuellement : 0 jour\b", text)
    assert not re.search(r"(?<!, )\b[01] jours\b", text), re.findall(r".{60}\b[01] jours", text)


def expiry_lines(html: str) -> list[str]:
    """The lines of the page's « Terme de la convention » deadlines."""
    section = html[html.index('id="echeances"') : html.index('id="cycle"')]
    cards = re.findall(r"<article class=\"deadline.*?</header>", section, re.S)
    return [words(card) for card in cards if "Terme de la convention" in words(card)]


def test_a_held_term_says_it_came_and_its_end_is_held(
    admin_browser: httpx.Client, in_execution: App
) -> None:
    """The term (31 December 2025) passed while avenant n° 1 awaits the Métropole's
    signature: the line said « … — il y a 2 jours … ; fin exacte : 7 janvier 2026 »."""
    from tests.integration.test_amendments import amend, amendment
    from workflow.usecases.due import run_due

    in_execution.clock.now = steps.at("2025-12-16T09:00:00Z")  # type: ignore[attr-defined]
    amend(in_execution, "2025-12-15", end_date="2026-06-30")
    amendment(in_execution, 1, "submit", "2025-12-15")
    amendment(in_execution, 1, "sign", "2025-12-16", signatory=steps.CRPV)
    in_execution.clock.now = steps.at("2026-01-02T09:00:00Z")  # type: ignore[attr-defined]
    run_due(in_execution, in_execution.clock())

    lines = expiry_lines(admin_browser.get(PAGE).text)

    held = [line for line in lines if "31 décembre 2025" in line]
    assert held, lines
    assert "arrivée à terme suspendue jusqu'au" in held[0], held
    assert "fin exacte" not in held[0] and "il y a" not in held[0], held


def test_a_replaced_term_speaks_of_no_exact_end(
    admin_browser: httpx.Client, in_execution: App
) -> None:
    steps.amend_and_sign(in_execution, {"end_date": "2026-06-30"})

    lines = expiry_lines(admin_browser.get(PAGE).text)

    replaced = [line for line in lines if "date remplacée" in line]
    assert replaced, lines
    assert all("fin exacte" not in line for line in replaced), replaced


def test_the_overview_names_past_deadlines_among_the_next_days_as_late(
    admin_browser: httpx.Client, notified: App
) -> None:
    """Read on 22 April 2025, before any pass of the service: the payment target of Saturday
    19 April is past and still pending; it was listed « il y a 3 jours » under « Échéances
    des 90 prochains jours ». An unpaid payment is an obligation overdue: it is named under
    « En retard » only (tests/http/test_overview_overdue_once.py), not among the next days."""
    notified.clock.now = steps.at("2025-04-22T09:00:00Z")  # type: ignore[attr-defined]
    assert admin_browser.get("/").status_code == 200  # (a fresh session at the new clock)

    html = admin_browser.get("/").text
    block = html[html.index('id="a-venir"') - 40 :]
    block = block[: block.index("</section>")]
    overdue = html[html.index('id="en-retard"') : html.index('id="a-venir"')]

    assert "il y a 3 jours" not in words(block), words(block)
    assert "il y a 3 jours" in words(overdue), words(overdue)


def test_a_refusal_for_a_change_made_meanwhile_names_what_changed(
    admin_browser: httpx.Client, loaded: App
) -> None:
    """Alice opened the draft's page; meanwhile someone submitted it for signature. Her form
    was refused « modifiée par quelqu'un d'autre … relisez-la » without saying what changed."""
    page = admin_browser.get(PAGE).text
    csrf, version = form_value(page, "csrf_token"), form_value(page, "version")
    steps.record(loaded, "submit", "2025-03-03")

    answer = admin_browser.post(
        f"{PAGE}/evenements",
        data={"csrf_token": csrf, "event": "submit", "version": version, "on": "2025-03-04"},
    )

    assert answer.status_code == 409
    text = words(answer.text)
    assert "modifiée par quelqu'un d'autre" in text, text[:3000]
    assert (
        "Son état actuel : « en signature » ; dernier événement enregistré : « Soumise à "
        "signature », le 3 mars 2025, par alice." in text
    ), text[text.index("quelqu'un d'autre") - 200 :][:800]


def committee_block(html: str) -> str:
    """The steering committee's section, as read."""
    section = html[html.index('id="comite"') :]
    return words(section[: section.index("</section>")])


def test_the_committee_block_says_what_no_cadence_means_and_names_the_command_as_an_aside(
    admin_browser: httpx.Client, in_execution: App
) -> None:
    html = admin_browser.get(PAGE).text
    said = committee_block(html)

    assert "(convflow committee REF cadence N)" not in said, said
    assert "aucune réunion n'est donc attendue à une date" in said, said
    aside = r'<span class="aside">[^<]*administrateur du service[^<]*<code>convflow committee '
    assert re.search(aside + r"AMP-CRPV-PACA-2025 cadence N</code>", html)


def test_a_wrong_filter_says_the_value_given_and_what_is_expected(
    admin_browser: httpx.Client, in_execution: App
) -> None:
    text = words(admin_browser.get("/conventions", params={"due_within_days": "abc"}).text)

    assert (
        "Filtre ignoré : échéance dans les N jours, « abc » n'est pas une valeur possible ; "
        "attendu : un nombre entier de jours, de 0 à 3 660 (par exemple 30)." in text
    ), text[:3000]


def test_a_payment_amount_refused_gives_the_french_example_first(
    admin_browser: httpx.Client, notified: App
) -> None:
    csrf = form_value(admin_browser.get(PAGE).text, "csrf_token")

    answer = admin_browser.post(
        f"{PAGE}/evenements", data={"csrf_token": csrf, "event": "pay", "in_amount": "beaucoup"}
    )

    text = words(answer.text)
    assert answer.status_code == 422, text[text.find("Rien n'a") :][:400]
    assert "(par exemple 200 000,00 ; 200000.00 est aussi accepté)" in text, text[:3000]
