"""A termination notice the term overrides (rule 10), said where the state is said in words: the
convention page's lifecycle, under its diagram, said « État actuel : en cours de résiliation »
beside badges and alerts saying « en exécution jusqu'à son terme (résiliation notifiée, sans
effet) »; the overview, read after the term before the service's pass, listed the passed
notice's deadline among « En retard : échéance passée, pas encore close » as « Prise d'effet de
la résiliation » with the badge « en cours de résiliation ». Both now say it as the status and
the badges do. Through the served app, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from html import unescape

import httpx

from tests.http.conftest import REFERENCE
from tests.integration import steps
from workflow.bootstrap import App

OVERRIDDEN = "en exécution jusqu'à son terme (résiliation notifiée, sans effet)"


def words(html: str) -> str:
    """The page's text as read: tags dropped, entities decoded, every space a plain one."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def notice_given(app: App, received: str) -> None:
    """The reference convention (term 31 December 2025, six months' notice) in execution, the
    GIP's notice received on `received`."""
    steps.bring_into_execution(app)
    app.clock.now = steps.at(f"{received}T16:00:00Z")  # type: ignore[attr-defined]
    steps.record(app, "give_notice", received, party="crpv", received=received)


def lifecycle(page: str) -> str:
    """What the convention page says under its lifecycle diagram."""
    text = words(page).replace(" .", ".")  # « </strong>. » read as « . »
    return text[text.index("État actuel") : text.index("Les flèches en bleu")]


def test_the_lifecycle_says_the_notice_will_have_no_effect(
    admin_browser: httpx.Client, loaded: App
) -> None:
    notice_given(loaded, "2025-10-15")  # its notice would end on 15 April 2026
    loaded.clock.now = steps.at("2025-10-16T09:00:00Z")  # type: ignore[attr-defined]

    said = lifecycle(admin_browser.get(f"/conventions/{REFERENCE}").text)

    assert said.startswith(f"État actuel : {OVERRIDDEN}."), said
    assert "en cours de résiliation" not in said


def test_a_notice_that_ends_before_the_term_is_still_said_under_way(
    admin_browser: httpx.Client, loaded: App
) -> None:
    notice_given(loaded, "2025-05-02")  # its notice ends on 2 November 2025, before the term
    loaded.clock.now = steps.at("2025-05-03T09:00:00Z")  # type: ignore[attr-defined]

    said = lifecycle(admin_browser.get(f"/conventions/{REFERENCE}").text)

    assert said.startswith("État actuel : en cours de résiliation."), said
    assert "sans effet" not in said


def test_the_overview_says_a_passed_notice_without_effect_as_its_timeline_does(
    admin_browser: httpx.Client, loaded: App
) -> None:
    """Read on 2 January 2026, before the service's pass: the term and the notice's deadline
    (on the term's day) are passed and still pending."""
    notice_given(loaded, "2025-10-15")
    loaded.clock.now = steps.at("2026-01-02T09:00:00Z")  # type: ignore[attr-defined]

    page = words(admin_browser.get("/").text)
    late = page[page.index("En retard : échéance passée, pas encore close") :]
    late = late[: late.index("Courriels en échec")]

    assert "Résiliation sans effet" in late, late
    assert "Prise d'effet de la résiliation" not in late, late
    assert f"{REFERENCE} {OVERRIDDEN}" in late, late
    assert "en cours de résiliation" not in late, late
