"""The dashboard without a browser: sessions, CSRF, the pages and what they show, in French."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from states.convention import Convention
from tests.http.conftest import REFERENCE, Tokens, form_value, sign_in
from tests.http.live import serving
from tests.integration import steps
from tests.integration.test_documents import financial_report_flagged
from workflow.bootstrap import App
from workflow.usecases.due import run_due

PAGE = f"/conventions/{REFERENCE}"


def cookie_attributes(response: httpx.Response, name: str) -> str:
    """The Set-Cookie header that sets `name`."""
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert headers, f"no cookie {name}"
    return headers[0].lower()


def test_signing_in_sets_a_strict_http_only_session_cookie(client: httpx.Client, tokens: Tokens):
    answer = sign_in(client, tokens.admin)

    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = cookie_attributes(answer, "convflow_session")
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie  # served over plain HTTP on loopback
    assert tokens.admin.lower() not in cookie


def test_over_https_the_session_cookie_is_secure(web: FastAPI, tokens: Tokens):
    with serving(web, proxy_headers=True) as base, httpx.Client(base_url=base) as client:
        https = {"X-Forwarded-Proto": "https"}
        form = client.get("/connexion", headers=https)
        signin_cookie = cookie_attributes(form, "convflow_signin")
        # httpx keeps a Secure cookie for HTTPS only: send it back by hand, as the proxy would.
        cookie = form.headers.get_list("set-cookie")[0].split(";")[0]
        answer = client.post(
            "/connexion",
            data={"token": tokens.admin, "nonce": form_value(form.text, "nonce")},
            headers={**https, "Cookie": cookie},
        )

    assert "secure" in signin_cookie
    assert "secure" in cookie_attributes(answer, "convflow_session")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_wrong_token_is_refused_in_french(client: httpx.Client, tokens: Tokens):
    answer = sign_in(client, "not-a-token")

    assert answer.status_code == 401
    assert "Ce jeton n'est pas valide" in unescape(answer.text)
    assert "convflow_session" not in answer.headers.get("set-cookie", "")


def test_signing_in_without_the_forms_nonce_is_refused(client: httpx.Client, tokens: Tokens):
    answer = client.post("/connexion", data={"token": tokens.admin, "nonce": "made-up"})

    assert answer.status_code == 403
    assert "convflow_session" not in answer.headers.get("set-cookie", "")


def test_after_signing_in_the_browser_goes_back_where_it_was_but_never_elsewhere(
    client: httpx.Client, tokens: Tokens
):
    for target, expected in [(PAGE, PAGE), ("https://evil.example/", "/"), ("//evil", "/")]:
        nonce = form_value(client.get("/connexion").text, "nonce")
        answer = client.post(
            "/connexion", data={"token": tokens.viewer, "nonce": nonce, "suite": target}
        )
        assert answer.headers["location"] == expected


def test_signing_out_ends_the_session_even_for_a_copied_cookie(
    admin_browser: httpx.Client, base_url: str
):
    session = admin_browser.cookies["convflow_session"]
    csrf = form_value(admin_browser.get("/").text, "csrf_token")

    answer = admin_browser.post("/deconnexion", data={"csrf_token": csrf})

    assert answer.status_code == 303 and answer.headers["location"] == "/connexion?sortie=1"
    with httpx.Client(base_url=base_url, cookies={"convflow_session": session}) as copy:
        assert copy.get("/").status_code == 401


def test_signing_out_needs_the_csrf_token(admin_browser: httpx.Client):
    admin_browser.post("/deconnexion", data={"csrf_token": "forged"})

    assert admin_browser.get("/").status_code == 200


def test_a_forged_session_cookie_is_refused(client: httpx.Client, tokens: Tokens):
    sign_in(client, tokens.viewer)
    body, _, mac = client.cookies["convflow_session"].partition(".")
    client.cookies.set("convflow_session", body + "." + mac[::-1])

    assert client.get("/").status_code == 401


def test_the_overview_counts_states_and_shows_the_timeline(
    admin_browser: httpx.Client, loaded: App
):
    steps.bring_into_force(loaded)
    loaded.clock.now = steps.at("2025-11-15T09:00:00Z")  # type: ignore[attr-defined]

    page = admin_browser.get("/").text

    assert "Tableau de bord" in page and "samedi 15\xa0novembre 2025" in page
    assert re.search(r'<span class="tile-count">1</span>\s*<span class="tile-label">signée', page)
    assert "Échéances des 90 prochains jours" in page
    # The term in words, as the command line and the emails say it; the machines' value kept.
    assert '<time datetime="2025-12-31">mercredi 31\xa0décembre 2025</time>' in page
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", page)
    assert "Aucun courriel en échec" in page


def test_the_list_filters_and_keeps_its_filters_in_the_export_link(
    admin_browser: httpx.Client, loaded: App
):
    steps.bring_into_force(loaded)

    found = admin_browser.get("/conventions", params={"state": "notification", "q": "crpv"}).text
    empty = admin_browser.get("/conventions", params={"state": "draft"}).text
    odd = admin_browser.get("/conventions", params={"state": "sleeping", "page": "x"}).text

    assert REFERENCE in found and "/conventions.csv?state=notification&amp;q=crpv" in found
    assert "Aucune convention ne correspond" in empty
    assert (
        "Filtre ignoré\u00a0: page" in odd
        and "Filtre ignoré\u00a0: état" in odd
        and REFERENCE in odd
    )


def test_a_conventions_page_shows_its_state_parties_deadlines_and_history(
    admin_browser: httpx.Client, loaded: App
):
    steps.bring_into_force(loaded)

    page = admin_browser.get(PAGE).text

    assert (
        '<svg class="lifecycle lifecycle-wide"' in page
        and '<svg class="lifecycle lifecycle-narrow"' in page
        and 'class="node node-current" data-state="notification"' in page
    )
    ways_out = page.split('<ul class="ways-out"', 1)[1].split("</ul>", 1)[0]
    assert 'data-events="notify"' in ways_out and "Versement attendu" in ways_out  # beside it
    assert "GIP Centre de Ressources pour la Politique de la Ville PACA" in page
    assert "Mustapha Berra" in page
    assert 'signé le <time datetime="2025-03-10">10\xa0mars 2025</time>' in page
    assert not re.search(r"\b\d{2}/\d{2}/\d{4}\b", page)  # no date a reader abroad misreads
    assert "200\u202f000,00\xa0€" in page and "mercredi 31 décembre 2025" in page
    assert "Terme de la convention" in page and "Pas de prorogation" in page
    assert "Enregistrer la notification d'attribution" in unescape(page)


def test_recording_an_event_through_its_form(admin_browser: httpx.Client, loaded: App):
    steps.bring_into_force(loaded)
    page = admin_browser.get(PAGE).text

    answer = admin_browser.post(
        f"{PAGE}/evenements",
        data={"csrf_token": form_value(page, "csrf_token"), "event": "notify",
              "version": form_value(page, "version"), "on": "2025-03-20"},
    )  # fmt: skip

    assert answer.status_code == 303
    assert answer.headers["location"] == f"{PAGE}?enregistre=notify#historique"
    after = admin_browser.get(f"{PAGE}?enregistre=notify").text
    assert "c'est enregistré" in unescape(after) and "alice (jeton d'accès)" in unescape(after)
    assert "Objectif de versement" in after or "objectif de versement" in after.lower()
    assert steps.state(loaded) == "payment"


def test_the_page_says_in_french_whose_name_an_event_is_recorded_under(
    admin_browser: httpx.Client, loaded: App
):
    """The token's holder is named as the history stores it ('alice (token)') in --json and
    the API, in French on the page: « (jeton d'accès) »."""
    page = unescape(admin_browser.get(PAGE).text)

    assert "enregistré à votre nom, <strong>alice (jeton d'accès)</strong>" in page
    assert "(token)" not in page


def test_a_refused_form_shows_the_reason_in_french_and_changes_nothing(
    admin_browser: httpx.Client, loaded: App
):
    steps.bring_into_execution(loaded)
    steps.record(loaded, "open_dispute", party="crpv", received="2025-06-02")
    page = admin_browser.get(PAGE).text

    answer = admin_browser.post(
        f"{PAGE}/evenements",
        data={"csrf_token": form_value(page, "csrf_token"), "event": "go_to_court",
              "version": form_value(page, "version"), "on": "2025-06-20",
              "in_court": "Tribunal judiciaire de Marseille"},
    )  # fmt: skip

    assert answer.status_code == 409
    assert "Rien n'a été enregistré" in unescape(answer.text)
    assert "saisi à partir du 3 juillet 2025" in unescape(answer.text)
    assert 'value="Tribunal judiciaire de Marseille"' in answer.text  # the form is refilled
    assert steps.state(loaded) == "dispute"


def test_a_refused_input_is_said_beside_its_field(admin_browser: httpx.Client, loaded: App):
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    page = admin_browser.get(PAGE).text

    answer = admin_browser.post(
        f"{PAGE}/evenements",
        data={"csrf_token": form_value(page, "csrf_token"), "event": "pay",
              "version": form_value(page, "version"), "on": "2025-04-01",
              "in_amount": "beaucoup"},
    )  # fmt: skip

    assert answer.status_code == 422
    text = unescape(answer.text)
    beside = (
        '<p class="field-error" id="pay-amount-error">«\u00a0beaucoup\u00a0» n\'est pas un montant '
        "en euros "
        "(par exemple 200 000,00\u00a0; 200000.00 est aussi accepté).</p>"
    )
    assert beside in text
    assert 'aria-describedby="pay-amount-hint pay-amount-error" aria-invalid="true"' in text
    assert (
        "Montant versé, en euros\u00a0: «\u00a0beaucoup\u00a0» n'est pas un montant" in text
    )  # the summary
    assert steps.state(loaded) == "payment"


def test_a_form_from_an_older_version_of_the_page_is_a_conflict(
    admin_browser: httpx.Client, loaded: App
):
    steps.bring_into_force(loaded)
    page = admin_browser.get(PAGE).text
    steps.record(loaded, "notify", "2025-03-20")  # another administrator, meanwhile

    answer = admin_browser.post(
        f"{PAGE}/evenements",
        data={"csrf_token": form_value(page, "csrf_token"), "event": "notify",
              "version": form_value(page, "version")},
    )  # fmt: skip

    assert answer.status_code == 409
    assert "modifiée par quelqu'un d'autre" in unescape(answer.text)


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(
    admin_browser: httpx.Client, loaded: App
):
    answer = admin_browser.post(f"{PAGE}/evenements", data={"event": "submit"})

    assert answer.status_code == 403
    assert "Formulaire expiré" in answer.text
    assert steps.state(loaded) == "draft"


def test_a_viewer_sees_no_forms(viewer_browser: httpx.Client, loaded: App):
    page = viewer_browser.get(PAGE).text

    assert "Enregistrer un événement" not in page
    assert "réservé aux administrateurs" in page


def test_script_looking_input_is_shown_as_text(admin_browser: httpx.Client, loaded: App):
    steps.record(loaded, "submit", "2025-03-03", note="<script>alert('pwned')</script>")

    page = admin_browser.get(PAGE).text
    search = admin_browser.get("/conventions", params={"q": '"><script>alert(1)</script>'}).text

    assert "<script>" not in page and "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page
    assert "<script>" not in search and "&lt;script&gt;" in search


def test_unknown_pages_and_references_are_404_in_french(admin_browser: httpx.Client):
    for path in ("/conventions/NOPE-1", "/nowhere", "/conventions/x' OR '1'='1"):
        answer = admin_browser.get(path)
        assert answer.status_code == 404, path
        assert 'lang="fr"' in answer.text


@pytest.mark.parametrize("path", ["/", "/connexion", "/conventions", "/echeances", PAGE])
def test_every_page_carries_the_security_headers(
    admin_browser: httpx.Client, loaded: App, path: str
):
    headers = admin_browser.get(path).headers

    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_stylesheet_is_served_from_here(client: httpx.Client):
    answer = client.get("/static/convflow.css")

    assert answer.status_code == 200 and "--primary" in answer.text


def test_the_service_listens_where_the_settings_say_loopback_by_default(app: App):
    from workflow.http.server import uvicorn_config

    config = uvicorn_config(app)

    assert (config.host, config.port) == ("127.0.0.1", 8000)
    assert config.forwarded_allow_ips == "127.0.0.1"


def test_a_form_takes_what_the_api_takes_and_nothing_more(admin_browser: httpx.Client, loaded: App):
    page = admin_browser.get(PAGE).text
    token, version = form_value(page, "csrf_token"), form_value(page, "version")
    for note, reason in (("a" * 2001, "2\u202f000 caractères"), ("a\x00b\x1b[31m", "de contrôle")):
        answer = admin_browser.post(
            f"{PAGE}/evenements",
            data={"csrf_token": token, "event": "submit", "version": version, "in_note": note},
        )
        assert answer.status_code == 422, answer.text[:300]
        assert "Rien n'a été enregistré" in unescape(answer.text)
        assert reason in unescape(answer.text)
    assert steps.state(loaded) == "draft"


@pytest.mark.parametrize("number", ["9223372036854775808", "abc", "0"])
def test_an_impossible_amendment_number_is_refused_in_french(
    admin_browser: httpx.Client, loaded: App, number: str
):
    page = admin_browser.get(PAGE).text
    answer = admin_browser.post(
        f"{PAGE}/avenants/{number}/evenements",
        data={"csrf_token": form_value(page, "csrf_token"), "event": "submit"},
    )
    assert answer.status_code == 422
    assert "text/html" in answer.headers["content-type"]
    assert "n'est pas un numéro d'avenant" in unescape(answer.text)


def test_a_refused_forms_address_opened_again_leads_back_to_the_convention(
    admin_browser: httpx.Client, loaded: App
):
    for path in ("evenements", "avenants", "avenants/1/evenements"):
        answer = admin_browser.get(f"{PAGE}/{path}")
        assert answer.status_code == 303
        assert answer.headers["location"].startswith(f"{PAGE}#")


def test_a_page_beyond_the_last_says_so(admin_browser: httpx.Client, loaded: App):
    listing = unescape(admin_browser.get("/conventions", params={"page": "99"}).text)
    assert "au-delà de la dernière" in listing
    assert "Aucune convention ne correspond" not in listing


@pytest.mark.parametrize("days", ["²", "１２", "٣٠", "-5", "99999999999999999999"])
def test_a_deadline_window_that_is_no_number_of_days_shows_the_usual_window(admin_browser, days):
    # str.isdigit() took '²', which int() refused: a 500
    page = admin_browser.get("/echeances", params={"jours": days})

    assert page.status_code == 200
    assert admin_browser.get("/echeances.csv", params={"jours": days}).status_code == 200


def test_the_record_keeping_block_says_how_long_without_a_setting_s_name(
    admin_browser: httpx.Client, loaded: App
):
    # « Conservé 10 ans (réglage file_retention_years ; ...) »: a setting's name is the
    # operator's word, not the dashboard reader's.
    steps.record(loaded, "cancel", "2025-03-10", reason="projet abandonné")

    page = admin_browser.get(f"/conventions/{REFERENCE}")

    assert page.status_code == 200
    block = re.search(r'<section id="conservation".*?</section>', page.text, re.S)
    assert block, "no record-keeping block"
    text = re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", block.group())))
    assert "Conservé 10 ans (durée d'utilité administrative des pièces comptables, fixée" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b|CONVFLOW_", text), text


def test_the_record_keeping_block_says_the_file_is_open_while_a_dispute_outlives_the_end(
    admin_browser: httpx.Client, loaded: App
):
    """Rule 21 after rule 24: the GIP's dispute of 15 December 2025 still open when the
    convention expires on 31 December: no « Dossier conservé jusqu'au 31 décembre 2035 », the
    file is not closed, and the page says why."""
    loaded.clock.now = steps.at("2025-04-01T16:00:00Z")  # type: ignore[attr-defined]
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-12-15T15:00:00Z")  # type: ignore[attr-defined]
    steps.record(loaded, "open_dispute", "2025-12-15", party="crpv", received="2025-12-15")
    loaded.clock.now = steps.at("2026-01-01T00:30:00Z")  # type: ignore[attr-defined]
    run_due(loaded, loaded.clock())

    page = admin_browser.get(f"/conventions/{REFERENCE}")

    assert page.status_code == 200
    block = re.search(r'<section id="conservation".*?</section>', page.text, re.S)
    assert block, "no record-keeping block"
    text = re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", block.group())))
    assert "conservé jusqu'au" not in text and "Dossier clos" not in text
    assert re.search(
        r"Dossier non clos ?\u00a0: la durée de conservation ne court pas encore\.", text
    )
    assert "période amiable jusqu'au mercredi 14 janvier 2026 inclus" in text


def test_the_deadlines_page_shows_the_obligations_overdue_above_those_to_come(
    admin_browser: httpx.Client, loaded: App
):
    """The payment due after the notification of 20 March 2025, never recorded: « En
    retard », above what is to come; nothing of the kind while nothing is overdue."""
    assert "En retard" not in unescape(admin_browser.get("/echeances").text)
    loaded.clock.now = steps.at("2025-03-20T16:00:00Z")  # type: ignore[attr-defined]
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    due = steps.deadlines(loaded)["payment"]["due_date"]
    loaded.clock.now = steps.at("2025-09-01T09:00:00Z")  # type: ignore[attr-defined]
    run_due(loaded, loaded.clock())

    page = unescape(admin_browser.get("/echeances").text)

    late = page[page.index('<h2 id="en-retard">En retard</h2>') : page.index("<h2>À venir</h2>")]
    assert "Objectif de versement" in late and REFERENCE in late
    assert f'<time datetime="{due}">' in late and "il y a " in late


def test_the_deadlines_page_lists_at_most_its_share_of_obligations_overdue_and_counts_all(
    admin_browser: httpx.Client, loaded: App, monkeypatch: pytest.MonkeyPatch
):
    """Thousands of conventions may owe something at once: the page names the oldest (1000,
    as for the deadlines to come), says how many there are and where to see them all."""
    from workflow.http import pages

    monkeypatch.setattr(pages, "OVERDUE_SHOWN", 0)
    loaded.clock.now = steps.at("2025-03-20T16:00:00Z")  # type: ignore[attr-defined]
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    loaded.clock.now = steps.at("2025-09-01T09:00:00Z")  # type: ignore[attr-defined]
    run_due(loaded, loaded.clock())

    page = unescape(admin_browser.get("/echeances").text)

    late = page[page.index('<h2 id="en-retard">En retard</h2>') : page.index("<h2>À venir</h2>")]
    text = re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", late))
    assert "1 obligation dont l'échéance est passée" in text
    assert "(0 premières affichées\u00a0; convflow list les montre toutes)" in text
    assert REFERENCE not in late


def _home_late_block(page: str) -> str:
    block = re.search(r'<section aria-labelledby="en-retard".*?</section>', page, re.S)
    assert block, "no « En retard » block on the home page"
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", block.group())))


def test_the_home_page_says_nothing_is_late_while_nothing_is(admin_browser: httpx.Client):
    late = _home_late_block(admin_browser.get("/").text)
    assert "Rien en retard" in late


def test_the_home_page_lists_the_obligations_overdue_as_the_deadlines_page_does(
    admin_browser: httpx.Client, late: App
):
    """Two payments overdue on 15 July 2025 (one recorded passed, one passed and not recorded
    yet), nothing within 90 days and no failed email: the home page said « Aucune échéance »
    and nothing else; it names both, oldest first, their dates in words, and leads to
    /echeances."""
    from tests.http.conftest import LONG_REFERENCE

    page = admin_browser.get("/").text
    text = _home_late_block(page)

    assert "2 obligations dont l'échéance est passée attendent encore" in text, text
    first, second = text.index(REFERENCE), text.index(LONG_REFERENCE)
    assert first < second  # the oldest first
    assert "samedi 19\xa0avril 2025 il y a 87 jours Objectif de versement" in text, text
    assert text.count("Objectif de versement") == 2
    assert text.count("(date passée, à enregistrer au prochain passage du service)") == 1
    assert text.index("(date passée, à enregistrer au prochain passage du service)") > first
    assert 'href="/echeances#en-retard"' in page
    listed = unescape(admin_browser.get("/echeances").text)
    listed = listed[listed.index('<h2 id="en-retard">') : listed.index("<h2>À venir</h2>")]
    assert listed.count("Objectif de versement") == 2 and LONG_REFERENCE in listed


def test_the_financial_reports_line_is_named_as_such_in_the_history_and_its_flag(
    app: App, reference_convention: Convention, tmp_path: Path, admin_browser: httpx.Client
):
    """The page's list of papers said « Ligne 8 (Document reçu pour un versement) — date
    différente » of the financial report received in execution; its history line named it."""
    _, line = financial_report_flagged(app, reference_convention, tmp_path)

    page = unescape(admin_browser.get(f"/conventions/{REFERENCE}").text)

    assert f"Ligne {line} (Compte rendu financier reçu) — <strong>date différente</strong>" in page
    row = re.search(rf'<tr>\s*<td data-label="N°">{line}</td>.*?</tr>', page, re.S)
    assert row and '<td data-label="Événement">Compte rendu financier reçu</td>' in row.group(0), (
        page
    )
