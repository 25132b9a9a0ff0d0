"""An administrator's day in a real browser: Debian's Chromium, headless, driven by Playwright.

Sign in with a token, find the reference convention, record an event through its form, see
the history and the deadlines change, sign out. Skipped when Chromium is not installed
(`apt-get install chromium`), unless CONVFLOW_REQUIRE_BROWSER=1, which makes it a failure.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from states.convention import Convention
from tests.http.conftest import LONG_REFERENCE, LONG_TITLE, REFERENCE, Tokens
from tests.integration import steps
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
CHROMIUM = Path(os.environ.get("CONVFLOW_CHROMIUM", "/usr/bin/chromium"))
SHOTS = os.environ.get("CONVFLOW_SCREENSHOTS")
# As this machine's notes say: no sandbox (root), and nothing fetched from outside.
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install playwright)"
    return None


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: the browser checks the pages, the backends are checked elsewhere."""
    return sqlite_url


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    """A fresh Chromium tab (new empty profile) on the live server."""
    reason = _unavailable()
    if reason:
        if os.environ.get("CONVFLOW_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (CONVFLOW_REQUIRE_BROWSER=1 requires the browser tests)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            base_url=base_url, locale="fr-FR", timezone_id="Europe/Paris",
        )  # fmt: skip
        context.set_default_timeout(10_000)
        try:
            yield context.new_page()
        finally:
            context.close()


def test_an_administrator_records_an_event_in_the_browser(page: Any, loaded: App, tokens: Tokens):
    from playwright.sync_api import expect

    steps.bring_into_force(loaded)
    loaded.clock.now = steps.at("2025-03-25T09:00:00Z")  # type: ignore[attr-defined]

    # Signing in: the dashboard asks for a token first.
    page.goto("/")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.get_by_label("Jeton d'accès").fill(tokens.admin)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    expect(page.locator(".account-name")).to_contain_text("alice")

    # Finding the reference convention from the list and its filters.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Conventions"
    ).click()
    page.get_by_label("Référence ou intitulé").fill("CRPV")
    page.get_by_label("État").select_option("notification")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("1 convention", exact=False)).to_be_visible()
    page.get_by_role("link", name=REFERENCE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GIP CRPV PACA")
    expect(page.locator(".page-header .badge")).to_have_text("signée, à notifier")
    expect(page.locator('svg.lifecycle-wide g[data-state="notification"]')).to_have_class(
        re.compile("node-current")
    )

    # Recording the notification of award through its form.
    page.get_by_text("Enregistrer la notification d'attribution", exact=True).first.click()
    form = page.locator("details[open] form")
    form.get_by_label("Date de l'événement").fill("2025-03-20")
    form.get_by_role("button", name="Enregistrer la notification d'attribution").click()

    # The history and the deadlines have changed.
    expect(page.get_by_role("status").first).to_contain_text("c'est enregistré")
    expect(page.locator(".page-header .badge")).to_have_text("notifiée, en attente de versement")
    last = page.locator("table.history tbody tr").last
    expect(last).to_contain_text("Notification d'attribution")
    expect(last).to_contain_text("alice (jeton d'accès)")
    payment = page.locator("article.deadline", has_text="Objectif de versement")
    expect(payment).to_contain_text("samedi 19 avril 2025")
    expect(payment.locator(".badge")).to_have_text("à venir")
    assert steps.state(loaded) == "payment"

    # Signing out: the session is gone.
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté(e).")).to_be_visible()
    page.goto(f"/conventions/{REFERENCE}")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


def test_the_pages_work_from_the_keyboard(page: Any, loaded: App, tokens: Tokens):
    from playwright.sync_api import expect

    page.goto("/connexion")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.get_by_label("Jeton d'accès").focus()
    page.keyboard.type(tokens.viewer)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


# Every element the reader would have to scroll sideways, and whether the keyboard reaches it.
_SCROLLERS = """() => [...document.querySelectorAll('body *')].filter(e => {
  const style = getComputedStyle(e);
  return ['auto', 'scroll'].includes(style.overflowX) && e.scrollWidth > e.clientWidth + 1;
}).map(e => ({name: e.className, focusable: e.tabIndex >= 0}))"""
PAST_RIGHT = """() => {
  const clipped = e => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (a !== document.body && getComputedStyle(a).overflowX !== 'visible') return true; }
    return false; };
  const past = e => e.getBoundingClientRect().right > window.innerWidth + 1;
  return [...document.querySelectorAll('body *')].filter(e =>
    past(e) && !past(e.parentElement)).slice(0, 8).map(e =>
    `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`); }"""
"""What sticks out past the screen's right edge, outside the boxes that scroll sideways."""
PAGE_WIDER_THAN_SCREEN = "() => document.documentElement.scrollWidth > window.innerWidth"


def sign_in_page(page: Any, token: str) -> None:
    from playwright.sync_api import expect

    page.goto("/connexion")
    page.get_by_label("Jeton d'accès").fill(token)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


@pytest.mark.parametrize("width", [375, 1366])
def test_the_list_shows_reference_state_and_next_deadline_without_sideways_scrolling(
    page: Any, loaded: App, tokens: Tokens, width: int
):
    from playwright.sync_api import expect

    steps.bring_into_force(loaded)
    # Before its term: a term passed is said passed and overdue, not the next deadline.
    loaded.clock.now = steps.at("2025-03-25T09:00:00Z")  # type: ignore[attr-defined]
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.viewer)

    page.goto("/conventions")
    row = page.locator("table.list tbody tr").first
    expect(row.get_by_role("link", name=REFERENCE)).to_be_visible()
    expect(row.locator(".badge")).to_have_text("signée, à notifier")
    next_deadline = row.locator("td").last
    expect(next_deadline).to_be_visible()
    expect(next_deadline).to_contain_text("Terme de la convention")
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    if width == 375:  # a card: each value under its label, nothing sideways
        assert page.evaluate(_SCROLLERS) == []
        expect(page.locator("table.list thead")).not_to_be_in_viewport()
    else:
        expect(page.get_by_role("columnheader", name="Prochaine échéance")).to_be_visible()


@pytest.mark.parametrize("width", [375, 1366])
def test_a_conventions_page_shows_state_and_deadlines_first_and_every_scroll_is_reachable(
    page: Any, loaded: App, tokens: Tokens, width: int
):
    from playwright.sync_api import expect

    steps.bring_into_force(loaded)
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.admin)

    page.goto(f"/conventions/{REFERENCE}")
    expect(page.locator(".page-header .badge")).to_be_in_viewport()
    sections = page.locator("main section h2").all_inner_texts()
    assert sections[0] == "Échéances", sections
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    scrollers = page.evaluate(_SCROLLERS)
    assert all(s["focusable"] for s in scrollers), scrollers
    layout = "narrow" if width == 375 else "wide"
    current = page.locator(f'svg.lifecycle-{layout} g[data-state="notification"]')
    expect(current).to_have_class(re.compile("node-current"))
    box = current.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width  # no sideways
    expect(
        page.locator(f"svg.lifecycle-{'wide' if layout == 'narrow' else 'narrow'}")
    ).to_be_hidden()
    diagram = page.locator(".diagram-scroll")
    diagram.focus()
    expect(diagram).to_be_focused()  # reachable from the keyboard, should it ever scroll


@pytest.mark.parametrize("width", [375, 1366])
def test_overdue_obligations_with_long_titles_and_references_fit_every_page_s_width(
    page: Any, late: App, tokens: Tokens, width: int
):
    """Two payments overdue, one of a convention with a 64-character reference and a long
    title: /echeances was 766 px wide at 375 px (its bold titles would not wrap), and the
    convention's own page as wide as its reference. Each page now fits the screen."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.viewer)

    for address in ("/echeances", "/", "/conventions", f"/conventions/{LONG_REFERENCE}"):
        page.goto(address)
        if SHOTS:
            name = address.strip("/").replace("/", "-")[:30] or "accueil"
            page.screenshot(path=str(Path(SHOTS) / f"late-{name}-{width}.png"), full_page=True)
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), (address, page.evaluate(PAST_RIGHT))
        if address == "/echeances":
            rows = page.locator("table.list").first.locator("tbody tr")
            expect(rows).to_have_count(2)
            expect(rows.last).to_contain_text(LONG_TITLE[:80])  # truncated after
            if width == 375:  # cards: nothing scrolls sideways
                assert page.evaluate(_SCROLLERS) == []
            else:  # the table fits: its last column, the state, is seen whole
                wrap = page.locator(".table-wrap").first
                assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1")


_NUMERIC_DATE = re.compile(r"\b[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}\b")
_TIMES = "() => [...document.querySelectorAll('main time')].map(e => [e.dateTime, e.textContent])"
_WORDS = re.compile(
    r"^([a-z]+ )?[0-9]{1,2}(er)? (janvier|février|mars|avril|mai|juin|juillet|août|septembre"
    r"|octobre|novembre|décembre) 20[0-9]{2}( à [0-9]{2}:[0-9]{2}| à 24 h)?( \(heure de Paris\))?$"
)


@pytest.mark.parametrize("width", [375, 1366])
def test_every_page_writes_its_dates_in_french_words_and_still_fits_the_screen(
    page: Any, late: App, tokens: Tokens, width: int
):
    """The tables wrote « 19/04/2025 » where the command line and the emails write « samedi 19
    avril 2025 »: a partner from abroad reads 04/07 as 4 July. Each date is in words, in a
    `<time>` that keeps its ISO value; the longer words push no page wider than a phone."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.admin)
    seen = {
        "/": "samedi 19 avril 2025",  # the oldest overdue, in words with its weekday
        "/conventions": "31 décembre 2025",  # the term, in its column
        # « Fin exacte », as the command line says it: of the term, to come (the payment of
        # 2 July, passed, is among the obligations overdue, not the deadlines to come)
        "/echeances?jours=365": "31 décembre 2025 à 24 h",
        f"/conventions/{REFERENCE}": "20 mars 2025 à 17:00",  # history: recorded at, Paris
    }
    for address, words in seen.items():
        page.goto(address)
        main = page.locator("main")
        expect(main).to_contain_text(words)
        assert not _NUMERIC_DATE.search(main.inner_text()), (address, main.inner_text())
        times = page.evaluate(_TIMES)
        assert times, address
        for machine, shown in times:
            assert re.fullmatch(r"[0-9-]{10}(T[0-9:]{8}Z)?", machine), (address, machine)
            assert _WORDS.match(shown.replace("\xa0", " ")), (address, shown)
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), (address, page.evaluate(PAST_RIGHT))
        if SHOTS:
            name = address.strip("/").replace("/", "-")[:30] or "accueil"
            page.screenshot(path=str(Path(SHOTS) / f"dates-{name}-{width}.png"), full_page=True)
    # On the convention's page (the last one seen), a deadline's end as the emails say it.
    payment = page.locator("article.deadline", has_text="Objectif de versement")
    expect(payment).to_contain_text("samedi 19 avril 2025 à 24 h (heure de Paris)")


@pytest.mark.parametrize("width", [375, 1366])
def test_the_home_page_names_the_obligations_overdue_and_leads_to_the_deadlines(
    page: Any, late: App, tokens: Tokens, width: int
):
    """The home page said « Aucune échéance dans les 90 prochains jours » and nothing of the
    two payments overdue: it names them, oldest first, their dates in words."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.viewer)

    block = page.locator("section[aria-labelledby=en-retard]")
    expect(block.get_by_role("heading", name="En retard")).to_be_visible()
    items = block.locator(".late-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("samedi 19 avril 2025")
    expect(items.first).to_contain_text(REFERENCE)
    expect(items.last).to_contain_text("mercredi 2 juillet 2025")
    expect(items.last).to_contain_text(
        "(date passée, à enregistrer au prochain passage du service)"
    )
    expect(block.get_by_role("link", name=LONG_REFERENCE)).to_be_visible()
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), page.evaluate(PAST_RIGHT)
    block.get_by_role("link", name="Voir les échéances").click()
    expect(page.get_by_role("heading", name="En retard")).to_be_in_viewport()


def test_on_a_phone_a_refused_draft_says_why_at_the_top_and_leads_to_the_field(
    page: Any, app: App, tokens: Tokens
):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 375, "height": 740})
    sign_in_page(page, tokens.admin)
    page.goto("/nouvelle-convention")
    for field, value in (("#reference", "AMP-TEST-2026"), ("#title", "Convention de test"),
                         ("#object", "Un objet"), ("#amount", "12 000,00"),
                         ("#end-date", "2026-12-31"), ("#place", "Marseille")):  # fmt: skip
        page.locator(field).fill(value)

    page.get_by_role("button", name="Enregistrer le brouillon").click()  # no party given

    summary = page.get_by_role("alert").filter(has_text="Rien n'a été enregistré")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("1 problème à corriger")
    link = summary.get_by_role("link", name="Parties et signataires : indiquez-en au moins 2")
    link.click()
    expect(page.locator("fieldset#parties")).to_be_in_viewport()
    expect(page.locator("#parties-error")).to_have_text("indiquez-en au moins 2")
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)


@pytest.mark.parametrize("width", [375, 1366])
def test_a_balance_paid_after_an_amendment_shows_each_payment_and_the_total(
    page: Any, app: App, reference_convention: Convention, tokens: Tokens, width: int
):
    # Paid 200 000,00 € on 1 April 2025; avenant n°1 raises it to 250 000,00 €; the balance
    # is paid on 5 May 2025. The reader sees both payments on their days, and the total.
    from playwright.sync_api import expect

    from tests.integration.test_balance_after_amendment import raise_by_avenant

    raise_by_avenant(app, reference_convention)
    steps.record(app, "pay", "2025-05-05", amount="50000.00")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.viewer)

    page.goto(f"/conventions/{REFERENCE}")
    conditions = page.locator("#conditions")
    payments = conditions.locator("dl.facts div", has_text="Versements").locator("li")
    expect(payments).to_have_count(2)
    expect(payments.nth(0)).to_have_text(
        "200\u202f000,00\xa0€ le mardi 1er avril 2025 (premier versement)"
    )
    expect(payments.nth(1)).to_have_text(
        "50\u202f000,00\xa0€ le lundi 5 mai 2025 (solde après l'avenant)"
    )
    total = conditions.locator("dl.facts div", has_text="Total versé")
    expect(total.locator("dd")).to_have_text("250\u202f000,00\xa0€ sur 250\u202f000,00\xa0€")
    payments.nth(1).scroll_into_view_if_needed()
    expect(payments.nth(1)).to_be_in_viewport()
    box = payments.nth(1).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    if SHOTS:
        conditions.screenshot(path=str(Path(SHOTS) / f"balance-paid-{width}.png"))


@pytest.mark.parametrize("width", [375, 1366])
def test_the_committee_s_name_heads_its_section_which_says_no_meeting_is_due_before_the_end(
    page: Any, app: App, reference_convention: Convention, tokens: Tokens, width: int
):
    # The convention names its committee « Comité de pilotage »; it met on 31 March 2025 and
    # meets every 9 months: the next meeting would fall on the term's own day, which closes it.
    from dataclasses import replace

    from playwright.sync_api import expect

    from states.committee import Committee
    from tests.integration.test_committee import cadence, meeting

    app.clock.now = steps.at("2025-04-02T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, replace(reference_convention, committee=Committee(name="Comité de pilotage")))
    steps.bring_into_force(app)
    meeting(app, "2025-03-31")
    cadence(app, "9", "2025-04-02")
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.viewer)

    page.goto(f"/conventions/{REFERENCE}")
    section = page.locator("section#comite")
    heading = section.get_by_role("heading", name="Comité de pilotage (article 3)")
    heading.scroll_into_view_if_needed()
    expect(heading).to_be_in_viewport()
    expect(section).to_contain_text(
        "Réuni tous les 9 mois (fréquence choisie par le service) : aucune réunion n'est due "
        "d'ici la fin de la convention."
    )
    assert "au plus tard" not in section.inner_text()
    box = heading.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    if SHOTS:
        section.screenshot(path=str(Path(SHOTS) / f"committee-named-{width}.png"))


@pytest.mark.parametrize("width", [375, 1366])
def test_a_commission_s_page_names_it_everywhere_it_speaks_of_the_committee(
    page: Any, app: App, reference_convention: Convention, tokens: Tokens, width: int
) -> None:
    """The convention names its committee « Commission de suivi », article 8: its section's
    heading, its next meeting, its reminders, its history and the form's button say that
    name (and the hint does not lend it article 3's silence on a frequency)."""
    from playwright.sync_api import expect

    from tests.integration.test_committee import cadence, meeting
    from tests.integration.test_committee_name import named

    app.clock.now = steps.at("2025-06-20T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    meeting(app, "2025-06-18")
    cadence(app, "6", "2025-06-20")  # due 18 December 2025
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.admin)

    page.goto(f"/conventions/{REFERENCE}")
    section = page.locator("section#comite")
    heading = section.get_by_role("heading", name="Commission de suivi (article 8)")
    heading.scroll_into_view_if_needed()
    expect(heading).to_be_in_viewport()
    expect(
        section.get_by_role("region", name="Réunions de la commission (tableau)")
    ).to_be_attached()
    expect(section.locator("summary", has_text="Enregistrer une réunion de la Commission de suivi")
           ).to_be_visible()  # fmt: skip
    deadlines = page.locator("section#echeances")
    expect(deadlines.get_by_role("heading", name="Prochaine réunion de la Commission de suivi")
           ).to_be_visible()  # fmt: skip
    expect(page.locator("section#rappels")).to_contain_text(
        "Prochaine réunion de la Commission de suivi"
    )
    text = page.locator("main").inner_text()
    assert "Réunion de la Commission de suivi" in text  # its history line
    assert "omité technique" not in text and "ommission de suivi" in text
    assert "article 3" not in text
    box = heading.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN)
    if SHOTS:
        section.screenshot(path=str(Path(SHOTS) / f"committee-commission-{width}.png"))


@pytest.mark.parametrize("width", [375, 1366])
def test_the_overview_and_the_deadlines_page_name_a_commission_s_next_meeting(
    page: Any, app: App, reference_convention: Convention, tokens: Tokens, width: int
) -> None:
    """The convention names its committee « Commission de suivi »: the overview's timeline and
    the deadlines page (its cards at 375 px, its table at 1366) say « Prochaine réunion de la
    Commission de suivi », within the screen, never the model's « comité technique »."""
    from playwright.sync_api import expect

    from tests.integration.test_committee import cadence
    from tests.integration.test_committee_name import named

    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")  # due 10 September 2025
    app.clock.now = steps.at("2025-08-01T08:00:00Z")  # type: ignore[attr-defined]
    page.set_viewport_size({"width": width, "height": 800})
    sign_in_page(page, tokens.admin)

    for path, where in (("/", "section[aria-labelledby=a-venir]"), ("/echeances", "main")):
        page.goto(path)
        said = page.locator(where).get_by_text("Prochaine réunion de la Commission de suivi")
        said.first.scroll_into_view_if_needed()
        expect(said.first).to_be_in_viewport()
        box = said.first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, path
        assert "omité technique" not in page.locator("main").inner_text(), path
        assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), path
        if SHOTS:
            name = "overview" if path == "/" else "deadlines"
            page.screenshot(path=str(Path(SHOTS) / f"commission-{name}-{width}.png"))
