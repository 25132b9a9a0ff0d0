"""The overview read before the service's pass, a payment's target passed and still unpaid:
it was named under « En retard » (the obligations overdue), and again in the section of the
next 90 days, under « En retard : échéance passée, pas encore close ». It is named once, under
« En retard », as /echeances does it (workflow.http.pages.passed_and_coming, then
not_already_overdue, for both pages). Through the served app, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from html import unescape

import httpx

from tests.integration import steps
from workflow.bootstrap import App


def words(html: str) -> str:
    """The page's text as read: tags dropped, entities decoded, every space a plain one."""
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[\s\u202f\xa0]+", " ", text)


def sections(page: str) -> tuple[str, str]:
    """The overview's « En retard » section and its section of the days to come, as read."""
    text = words(page)
    start = text.index("En retard À traiter")
    coming = text.index("Échéances des 90 prochains jours", start)
    return text[start:coming], text[coming : text.index("Courriels en échec", coming)]


def test_a_payment_passed_and_unpaid_is_named_once_under_en_retard(
    admin_browser: httpx.Client, loaded: App
) -> None:
    """Read on 22 April 2025 before any pass: the payment target of Saturday 19 April is past
    and unpaid."""
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    loaded.clock.now = steps.at("2025-04-22T09:00:00Z")  # type: ignore[attr-defined]

    page = admin_browser.get("/").text
    late, coming = sections(page)

    assert words(page).count("19 avril 2025") == 1, words(page)
    assert "19 avril 2025 il y a 3 jours" in late, late
    assert "versement" in late.lower(), late
    assert "19 avril 2025" not in coming and "il y a" not in coming, coming
    assert "pas encore close" not in coming, coming
    assert 'class="timeline-items timeline-passed"' not in page
    assert "Aucune échéance dans les 90 prochains jours." in coming, coming


def test_a_term_passed_and_not_recorded_stays_named_in_the_days_section(
    admin_browser: httpx.Client, loaded: App
) -> None:
    """Read on 3 January 2026 before any pass: the term of 31 December 2025 is passed, not an
    obligation overdue; the days section still names it apart, as passed and not closed."""
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2026-01-03T09:00:00Z")  # type: ignore[attr-defined]

    text = words(admin_browser.get("/").text)

    assert text.count("31 décembre 2025") == 1, text
    passed = text[text.index("En retard : échéance passée, pas encore close") :]
    assert passed.startswith(
        "En retard : échéance passée, pas encore close mercredi 31 décembre 2025 il y a 3 jours"
    ), passed
