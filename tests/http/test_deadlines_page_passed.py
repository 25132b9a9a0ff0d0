"""/echeances read before the service's pass: a deadline whose day has passed but which the
service has not closed yet was listed among « À venir » (« il y a 3 jours » under « 1 échéance
dans les 90 prochains jours »). It is now named under « En retard », as the overview does it
(workflow.http.pages.passed_and_coming, for both pages), once: a payment awaited is already
among the obligations overdue. Through the served app, on SQLite and PostgreSQL."""

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


def parts(page: str) -> tuple[str, str]:
    """The page's « En retard » section and what it lists « À venir », as read."""
    text = words(page)
    start = text.index("En retard")
    coming = text.index("À venir", start)
    return text[start:coming], text[coming : text.index("S'abonner")]


def test_a_term_passed_and_not_yet_recorded_is_late_not_to_come(
    admin_browser: httpx.Client, loaded: App
) -> None:
    """Read on Saturday 3 January 2026 before any pass: the term of Wednesday 31 December 2025
    is passed and still pending (the service records the expiry at its next pass)."""
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2026-01-03T09:00:00Z")  # type: ignore[attr-defined]

    late, coming = parts(admin_browser.get("/echeances").text)

    assert "Échéances passées, pas encore closes" in late, late
    assert "31 décembre 2025 il y a 3 jours Terme de la convention" in late, late
    assert "il y a" not in coming and "Terme de la convention" not in coming, coming
    assert coming.startswith("À venir 0 échéance dans les 90 prochains jours."), coming


def test_a_payment_awaited_is_named_once_among_the_obligations_overdue(
    admin_browser: httpx.Client, loaded: App
) -> None:
    """Read on 22 April 2025 before any pass: the payment target of Saturday 19 April is past
    and still pending; the obligations overdue name it, the days to come no longer do."""
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    loaded.clock.now = steps.at("2025-04-22T09:00:00Z")  # type: ignore[attr-defined]

    late, coming = parts(admin_browser.get("/echeances").text)

    assert late.count("Objectif de versement") == 1, late
    assert "19 avril 2025 il y a 3 jours Objectif de versement" in late, late
    assert "Objectif de versement" not in coming and "il y a" not in coming, coming


def test_the_days_to_come_are_counted_without_the_passed_ones(
    admin_browser: httpx.Client, loaded: App
) -> None:
    """On 1 December 2025: the term (31 December) is to come and nothing has passed: no
    « En retard », the term counted among the days to come."""
    steps.bring_into_execution(loaded)
    loaded.clock.now = steps.at("2025-12-01T09:00:00Z")  # type: ignore[attr-defined]

    before = words(admin_browser.get("/echeances").text)

    assert "En retard" not in before
    assert "1 échéance dans les 90 prochains jours" in before, before
    assert "31 décembre 2025 dans 30 jours Terme de la convention" in before, before
