"""A termination notice the term overrides (rule 10), in the lists of deadlines: the reference
convention (term Wednesday 31 December 2025, six months' notice) under the GIP's letter received
on 15 October 2025, whose notice would run until 15 April 2026. The convention page's deadlines,
the overview's « Échéances des 90 prochains jours », /echeances, its CSV, the API's list and the
calendar feed listed « Prise d'effet de la résiliation » on 31 December 2025 beside the term, a
termination that will not be, and the state badges of the overview and /echeances said « en
cours de résiliation ». They now say « Résiliation sans effet : la convention expire à son terme
le … » and the state as the emails say it; the JSON and the CSV keep their values and columns,
adding flags. Through the served app, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import httpx
import pytest

from tests.http.conftest import REFERENCE, Tokens, bearer, sign_in
from tests.integration import steps
from workflow.bootstrap import App

OVERRIDDEN = "en exécution jusqu'à son terme (résiliation notifiée, sans effet)"
LINE = "Résiliation sans effet : la convention expire à son terme le 31 décembre 2025"


def words(html: str) -> str:
    """The page's text as read: tags dropped, entities decoded, every space a plain one."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def notice_given(app: App, received: str) -> App:
    """The reference convention in execution, the GIP's notice received on `received`, read
    the next morning."""
    steps.bring_into_execution(app)
    app.clock.now = steps.at(f"{received}T16:00:00Z")  # type: ignore[attr-defined]
    steps.record(app, "give_notice", received, party="crpv", received=received)
    app.clock.now = steps.at("2025-10-16T09:00:00Z")  # type: ignore[attr-defined]
    return app


@pytest.fixture
def overridden(loaded: App) -> App:
    """Received on 15 October 2025: the notice would end on 15 April 2026, after the term."""
    return notice_given(loaded, "2025-10-15")


def signed_in(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    assert sign_in(client, tokens.viewer).status_code == 303
    return client


def test_the_convention_page_says_the_termination_is_without_effect(
    overridden: App, client: httpx.Client, tokens: Tokens
) -> None:
    page = words(signed_in(client, tokens).get(f"/conventions/{REFERENCE}").text)

    assert (
        "Résiliation sans effet : la convention expire à son terme le mercredi 31 décembre 2025"
        in page
    ), page
    assert "Prise d'effet de la résiliation" not in page
    assert "Terme de la convention à venir mercredi 31 décembre 2025" in page  # the term stays
    # its calculation, below it, is as it was
    assert "elle expire à son terme et la résiliation reste sans effet" in page


def test_the_overview_and_the_deadlines_page_say_it_and_the_state_as_the_emails_do(
    overridden: App, client: httpx.Client, tokens: Tokens
) -> None:
    browser = signed_in(client, tokens)
    overview = words(browser.get("/").text)
    upcoming = overview[overview.index("Échéances des 90 prochains jours") :]
    assert f"{LINE} — {REFERENCE} {OVERRIDDEN}" in upcoming, upcoming
    assert f"Terme de la convention — {REFERENCE} {OVERRIDDEN}" in upcoming, upcoming
    assert "Prise d'effet de la résiliation" not in upcoming
    assert "en cours de résiliation" not in upcoming

    listed = words(browser.get("/echeances", params={"jours": 90}).text)
    assert LINE in listed and "Prise d'effet de la résiliation" not in listed, listed
    assert "Terme de la convention" in listed
    assert OVERRIDDEN in listed and "en cours de résiliation" not in listed, listed


def test_the_overdue_lists_badges_say_the_state_as_the_emails_do(
    loaded: App, client: httpx.Client, tokens: Tokens
) -> None:
    """Notified, never paid: the payment is overdue when the notice comes."""
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    loaded.clock.now = steps.at("2025-10-15T16:00:00Z")  # type: ignore[attr-defined]
    steps.record(loaded, "give_notice", "2025-10-15", party="crpv", received="2025-10-15")
    loaded.clock.now = steps.at("2025-10-16T09:00:00Z")  # type: ignore[attr-defined]
    browser = signed_in(client, tokens)

    overview = words(browser.get("/").text)
    late = overview[overview.index("En retard") : overview.index("Échéances des 90")]
    assert "Objectif de versement" in late and OVERRIDDEN in late, late
    listed = words(browser.get("/echeances").text)
    late = listed[listed.index("En retard") : listed.index("À venir")]
    assert "Objectif de versement" in late and OVERRIDDEN in late, late
    assert "en cours de résiliation" not in late


def test_the_csv_and_the_api_keep_their_values_and_add_a_flag(
    overridden: App, client: httpx.Client, tokens: Tokens
) -> None:
    exported = signed_in(client, tokens).get("/echeances.csv", params={"jours": 90})
    head, *rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
    assert head[:9] == ["date", "échéance", "échéance (code)", "référence", "intitulé", "état",
                        "fin (UTC)", "suspendue (avenant en signature)",
                        "résiliation sans effet (la convention expire à son terme)"]  # fmt: skip
    assert head[9:] == ["en retard", "versement n°", "montant dû (€)"]  # added after it since
    said = {row[2]: row for row in rows}
    # named as the pages name it, not as a termination taking effect; its code kept
    assert said["termination"][:3] == [
        "2025-12-31",
        "résiliation sans effet (la convention expire à son terme)",
        "termination",
    ]
    assert "prise d'effet" not in exported.text
    assert said["expiry"][1] == "terme de la convention"
    assert said["termination"][5] == "en cours de résiliation"  # the column's meaning kept
    assert (said["termination"][8], said["expiry"][8]) == ("oui", "")

    found = client.get("/api/v1/deadlines", params={"within_days": 90},
                       headers=bearer(tokens.viewer)).json()["items"]  # fmt: skip
    by_kind = {item["kind"]: item for item in found}
    assert by_kind["termination"]["label"] == "prise d'effet de la résiliation"
    assert by_kind["termination"]["state"] == "termination"
    assert (by_kind["termination"]["without_effect"], by_kind["expiry"]["without_effect"]) == (
        True, False)  # fmt: skip
    assert all(item["notice_overridden"] for item in found)


def test_the_calendar_names_it_without_effect_and_rings_no_alarm_for_it(
    overridden: App, client: httpx.Client, tokens: Tokens
) -> None:
    feed = client.get(f"/api/v1/conventions/{REFERENCE}/calendar.ics",
                      params={"token": tokens.viewer}).text.replace("\r\n ", "")  # fmt: skip
    events = {
        re.search(r"UID:[^-]+-[^-]+-[^-]+-[^-]+-([a-z_]+)-", event).group(1): event  # type: ignore[union-attr]
        for event in feed.split("BEGIN:VEVENT")[1:]
    }
    termination = events["termination"]
    assert (
        f"SUMMARY:{REFERENCE}\u00a0: résiliation sans effet\u00a0: la convention expire à son "
        "terme le 31 décembre 2025" in termination
    ), termination
    assert "prise d'effet" not in termination.split("DESCRIPTION")[0]
    assert "VALARM" not in termination  # no reminder of its own: the term's say it
    assert "VALARM" in events["expiry"]


def test_a_dispute_opened_during_the_notice_leaves_the_notice_without_effect_on_the_page(
    overridden: App, client: httpx.Client, tokens: Tokens
) -> None:
    steps.record(overridden, "open_dispute", "2025-10-16", party="crpv", received="2025-10-16")

    page = words(signed_in(client, tokens).get(f"/conventions/{REFERENCE}").text)

    assert "Résiliation sans effet (article 7)" in page, page
    assert "elle prend effet le" not in page
    assert "Résiliation sans effet : la convention expire à son terme le mercredi" in page


def test_a_notice_ending_before_the_term_is_still_listed_as_taking_effect(
    loaded: App, client: httpx.Client, tokens: Tokens
) -> None:
    """Received on 2 April 2025: the notice ends on 2 October 2025, before the term."""
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-09-01T09:00:00Z")  # type: ignore[attr-defined]
    steps.record(loaded, "give_notice", "2025-04-02", party="crpv", received="2025-04-02")
    browser = signed_in(client, tokens)

    listed = words(browser.get("/echeances", params={"jours": 90}).text)
    assert "Prise d'effet de la résiliation" in listed and "sans effet" not in listed, listed
    assert "en cours de résiliation" in listed
    exported = browser.get("/echeances.csv", params={"jours": 90}).text
    _, *rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff")), delimiter=";"))
    assert [row[1:3] + row[-1:] for row in rows if row[2] == "termination"] == [
        ["prise d'effet de la résiliation", "termination", ""]]  # fmt: skip
    exported = browser.get("/conventions.csv").text
    _, *rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff")), delimiter=";"))
    assert [(row[3], row[-1]) for row in rows] == [("termination", "")]
    page = words(browser.get(f"/conventions/{REFERENCE}").text)
    assert "Prise d'effet de la résiliation" in page and "Résiliation sans effet" not in page


def test_the_conventions_list_gives_the_term_as_the_next_deadline(
    overridden: App, client: httpx.Client, tokens: Tokens
) -> None:
    """The term and the notice's deadline fall at the same instant: the list names the term
    (as it did: the term's deadline, opened first, comes first)."""
    listed = words(signed_in(client, tokens).get("/conventions").text)
    assert "Terme de la convention 31 décembre 2025" in listed, listed
    assert "Prise d'effet" not in listed
    found = client.get("/api/v1/conventions", headers=bearer(tokens.viewer)).json()["items"]
    assert [item["next_deadline_kind"] for item in found] == ["expiry"]


def test_the_conventions_csv_adds_a_last_column_saying_the_notice_is_without_effect(
    overridden: App, client: httpx.Client, tokens: Tokens
) -> None:
    """The state's columns keep their values (the pages say the state as the emails do, the
    CSV's « état » keeps its label); a last column says the termination is without effect."""
    browser = signed_in(client, tokens)
    api = client.get("/api/v1/conventions.csv", headers=bearer(tokens.viewer))
    for exported in (browser.get("/conventions.csv"), api):
        assert exported.status_code == 200, exported.text
        head, *rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff")), delimiter=";"))
        assert head[:12] == ["référence", "intitulé", "état", "état (code)", "partenaires",
                             "montant (€)", "entrée en vigueur", "terme", "prochaine échéance",
                             "date de l'échéance", "fin exacte (UTC)",
                             "arrivée à terme suspendue jusqu'au"]  # fmt: skip
        assert head[12] == "résiliation sans effet"
        assert head[13:] == [
            "versé (€)",
            "reste à verser (€)",
            "renoncé (€)",
            "versement en retard",
        ]  # added after it since (the money)
        (row,) = rows
        assert (row[0], row[2], row[3], row[12]) == (
            REFERENCE, "en cours de résiliation", "termination", "oui")  # fmt: skip
