"""The balance an avenant left, given up and paid in parts, on the convention's dashboard page, as
the finance officer reads and fills it (finance tester, H1, H2, L5), on SQLite and PostgreSQL.

- The reference convention paid 200 000,00 € on Tuesday 1 April 2025; avenant n° 1, in force
  on Saturday 3 May, raised it to 250 000,00 €; the balance was left unpaid past the term.
  Before, the page's « Reste à verser » told the officer to record the renunciation, and its
  own form answered 409 « le versement n° 0 est déjà enregistré ». Now the form records it.
- AMP-EXEMPLE-2027's instalment n° 1 was paid 27 000,00 € on Monday 1 February 2027, raised to
  30 000,00 € by avenant n° 1, its balance paid late: the schedule dated it by its last part.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import httpx
import pytest

from states.convention import Convention
from tests.http.conftest import REFERENCE, Tokens, form_value
from tests.http.test_instalment_pages import (
    EXAMPLE,
    first_paid,
    in_payment,
    notified,
    record,
    signed_in,
)
from tests.http.test_instalment_pages import PAGE as EXAMPLE_PAGE
from tests.http.test_instalment_pages import words as read
from tests.integration.steps import at
from tests.integration.test_balance_after_amendment import raise_by_avenant
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.due import run_due

__all__ = ["first_paid", "in_payment", "notified"]
PAGE = f"/conventions/{REFERENCE}"


def section(page: str, name: str) -> str:
    found = re.search(rf'<section id="{name}".*?</section>', page, re.S)
    assert found, f"no section {name}"
    return read(found.group(0))


def forgo(client: httpx.Client, page_path: str, reason: str, **inputs: str) -> httpx.Response:
    """The page's « Renonciation » form, submitted as an administrator fills it."""
    page = client.get(page_path).text
    found = re.search(r'<form [^>]*>(?:(?!</form>).)*?name="event" value="forgo_payment".*?</form>',
                      page, re.S)  # fmt: skip
    assert found, "no form for forgo_payment"
    return client.post(f"{page_path}/evenements", data={
        "csrf_token": form_value(page, "csrf_token"), "event": "forgo_payment",
        "in_reason": reason, "version": form_value(found.group(0), "version"),
        **{f"in_{key}": value for key, value in inputs.items()},
    })  # fmt: skip


@pytest.fixture
def ended_owing(app: App, reference_convention: Convention) -> App:
    """The balance of 50 000,00 € left unpaid past the term: expired on 1 January 2026."""
    raise_by_avenant(app, reference_convention)
    app.clock.now = at("2026-01-01T08:05:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock())
    assert views.status(app, REFERENCE)["state"] == "expired"
    app.clock.now = at("2026-01-15T10:00:00Z")  # type: ignore[attr-defined]
    return app


def test_the_page_s_own_form_forgoes_the_balance_it_says_is_owed(
    ended_owing: App, client: httpx.Client, tokens: Tokens
) -> None:
    page = signed_in(client, tokens).get(PAGE).text
    assert (
        "ce qui a été acquis pendant sa durée reste dû : le solde fixé par l’avenant n° 1 : "
        "50 000,00 €."
    ) in read(page), read(page)

    answer = forgo(client, PAGE, "Le bénéficiaire renonce à l'action complémentaire")

    assert answer.status_code == 303, read(answer.text)
    page = client.get(PAGE).text
    assert "Reste à verser" not in read(page)
    conditions = section(page, "conditions")
    assert "Versement 200 000,00 € le mardi 1er avril 2025" in conditions, conditions
    assert (
        "Solde 50 000,00 € (fixé par l’avenant n° 1) : renonciation de la Métropole le jeudi "
        "15 janvier 2026"
    ) in conditions, conditions
    history = section(page, "historique")
    assert "Montant auquel il est renoncé : 50 000,00 €" in history, history
    assert "n° 0" not in read(page)


def test_the_schedule_dates_each_part_and_the_late_target_says_when_it_was_met(
    first_paid: App, client: httpx.Client, tokens: Tokens
) -> None:
    first_paid.clock.now = at("2027-03-11T10:00:00Z")  # type: ignore[attr-defined]
    for event, inputs in (("submit", {}), ("sign", {"signatory": "nadia.benali@example.org"}),
                          ("sign", {"signatory": "martial.alvarez@example.org"})):  # fmt: skip
        if event == "submit":
            drafted = DraftAmendment(EXAMPLE, {"instalment.1.amount": "30000.00"}, "alice",
                                     date(2027, 3, 11))  # fmt: skip
            draft_amendment(first_paid, drafted, first_paid.clock())
        command = RecordAmendmentEvent(EXAMPLE, 1, event, "alice", date(2027, 3, 11), inputs)
        record_amendment_event(first_paid, command, first_paid.clock())
    first_paid.clock.now = at("2027-04-11T08:00:00Z")  # type: ignore[attr-defined]
    run_due(first_paid, first_paid.clock())  # the balance's target, 10 April, passed
    record(first_paid, "pay", "2027-05-10", amount="3000.00", instalment="1")

    page = signed_in(client, tokens).get(EXAMPLE_PAGE).text

    schedule = re.search(r"<caption>Échéancier.*?</table>", page, re.S)
    assert schedule, "no schedule"
    [row] = [r for r in re.findall(r"<tr>.*?</tr>", schedule.group(0), re.S)
             if 'data-label="N°">1<' in r]  # fmt: skip
    cell = re.sub(r"[\s\u202f\xa0]+", " ", unescape(re.sub(r"<[^>]+>", "", row))).strip()
    assert cell.endswith(
        "versé 27 000,00 € le 1er février 2027, puis le solde de 3 000,00 € le 10 mai 2027"
    ), cell
    deadlines = section(page, "echeances")
    assert "samedi 10 avril 2027 — atteint en retard, le lundi 10 mai 2027" in deadlines, deadlines
