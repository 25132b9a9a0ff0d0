"""The API and the dashboard judge each deadline and reminder at the instant of reading, not at
the service's last pass (states.reading): what has passed and is not recorded yet says so."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import httpx
import pytest

from states.convention import Convention
from states.financial_report import FinancialReport
from tests.http.conftest import REFERENCE, Tokens, bearer, sign_in
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases.due import run_due

STATUS = f"/api/v1/conventions/{REFERENCE}"
PAGE = f"/conventions/{REFERENCE}"
NOT_RECORDED = "le service ne l'a pas encore enregistré ; il le fera à son prochain passage"


@pytest.fixture
def api(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client with bob's read-only token on every request."""
    client.headers.update(bearer(tokens.viewer))
    return client


@pytest.fixture
def notified(loaded: App) -> App:
    """In force from 10 March 2025, its award notified on 20 March: payment due 19 April 2025,
    its term 31 December 2025; no pass of the service has run."""
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-03-20")
    return loaded


def move(app: App, when: str) -> None:
    app.clock.now = steps.at(when)  # type: ignore[attr-defined]


def by_kind(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for d in view["deadlines"]}


def text(page: str) -> str:
    """A page's text as a reader sees it: entities and no-break spaces as spaces, a date as its
    words (the `<time>` element around them is for machines)."""
    page = re.sub(r"</?time[^>]*>", "", page)
    return page.replace("&#39;", "'").replace("\xa0", " ").replace("&nbsp;", " ")


def test_in_december_2026_the_api_says_the_term_and_the_payment_target_have_passed(
    api: httpx.Client, notified: App
):
    move(notified, "2026-12-06T10:00:00Z")

    status = api.get(STATUS).json()
    (listed,) = api.get("/api/v1/conventions").json()["items"]

    assert status["state"] == listed["state"] == "payment"  # as stored, until the pass
    assert status["read_at"] == "2026-12-06T10:00:00Z"
    ended = {"event": "expire", "kind": "expiry", "on": "2025-12-31", "state": "expired"}
    assert status["end_unrecorded"] == listed["end_unrecorded"] == ended
    deadlines = by_kind(status)
    assert (deadlines["expiry"]["status"], deadlines["expiry"]["passed_unrecorded"]) == (
        "pending", True,
    )  # fmt: skip
    assert deadlines["payment"]["passed_unrecorded"] is True
    planned = [r for r in status["reminders"] if r["status"] == "planned"]
    assert planned and all(r["awaiting_pass"] for r in planned)
    # the term's arrival cancels the reminders of what it closes; not the payment's, which
    # outlives it (rule 25): the pass decides those by their own step
    decided = {(r["kind"], r["on_next_pass"], r["on_next_pass_reason"]) for r in planned}
    assert {(a, why) for kind, a, why in decided if kind != "payment"} == {
        ("cancel", "convention_ended")
    }
    assert all(a != "cancel" for kind, a, _ in decided if kind == "payment"), decided
    assert (listed["next_deadline_at"], listed["next_deadline_kind"]) == (None, None)
    assert listed["overdue"] == [  # unpaid, the payment stays owed after the end (rule 25)
        {"kind": "payment", "instalment": 0, "due_date": "2025-04-19", "passed_unrecorded": True}
    ]


def test_two_days_after_the_payment_target_it_is_overdue_and_the_term_is_next(
    api: httpx.Client, notified: App
):
    move(notified, "2025-04-21T08:00:00Z")

    (listed,) = api.get("/api/v1/conventions").json()["items"]
    upcoming = api.get("/api/v1/deadlines", params={"within_days": 30}).json()["items"]
    status = api.get(STATUS).json()

    assert (listed["next_deadline_kind"], listed["next_deadline_due"]) == ("expiry", "2025-12-31")
    assert listed["overdue"] == [
        {"kind": "payment", "instalment": 0, "due_date": "2025-04-19", "passed_unrecorded": True}
    ]
    assert listed["end_unrecorded"] is None and status["end_unrecorded"] is None
    assert [(i["kind"], i["status"], i["passed_unrecorded"]) for i in upcoming] == [
        ("payment", "pending", True)
    ]
    assert by_kind(status)["payment"]["passed_unrecorded"] is True
    assert by_kind(status)["expiry"]["passed_unrecorded"] is False


def test_the_dashboard_says_what_has_passed_and_is_not_recorded_yet(
    client: httpx.Client, tokens: Tokens, notified: App
):
    move(notified, "2025-04-21T08:00:00Z")
    signed_in(client, tokens)
    april = text(client.get(PAGE).text)
    deadlines = text(client.get("/echeances").text)
    move(notified, "2026-12-06T10:00:00Z")
    signed_in(client, tokens)  # a session lasts a working day
    december = text(client.get(PAGE).text)
    listed = text(client.get("/conventions").text)

    payment = april.split("Objectif de versement", 1)[1].split("</article>", 1)[0]
    assert "date passée" in payment and NOT_RECORDED in payment and "à venir" not in payment, (
        payment
    )
    assert "Objectif de versement" in deadlines and NOT_RECORDED in deadlines
    assert "Le terme est passé le mercredi 31 décembre 2025 à 24 h" in december
    assert "l'arrivée à terme n'est pas encore enregistrée" in december
    term = december.split("Terme de la convention", 1)[1].split("</article>", 1)[0]
    assert "date passée" in term and NOT_RECORDED in term, term
    # Its reminders past their instant say what the pass will do: the term's arrival, applied
    # at that pass, cancels them (states.reading.on_next_pass).
    assert "sera annulé au prochain passage : la convention prend fin" in december
    assert "en attente du prochain passage" not in december and ">prévu<" not in december
    assert "terme passé le 31 décembre 2025, pas encore enregistré" in listed


def test_once_the_pass_has_run_the_views_say_no_more_than_it_recorded(
    client: httpx.Client, tokens: Tokens, notified: App
):
    token = bearer(tokens.viewer)
    move(notified, "2026-12-06T10:00:00Z")
    before = client.get(STATUS, headers=token).json()
    run_due(notified, notified.clock())

    after = client.get(STATUS, headers=token).json()
    (listed,) = client.get("/api/v1/conventions", headers=token).json()["items"]
    signed_in(client, tokens)
    page = text(client.get(PAGE).text)

    assert after["state"] == before["end_unrecorded"]["state"] == "expired"
    assert after["end_unrecorded"] is None and listed["end_unrecorded"] is None
    assert not any(d["passed_unrecorded"] for d in after["deadlines"])
    assert not any(r["awaiting_pass"] for r in after["reminders"])
    assert "pas encore enregistr" not in page and "en attente du prochain passage" not in page


def signed_in(client: httpx.Client, tokens: Tokens) -> None:
    """Bob signs in on the dashboard, at the app's clock of now."""
    assert sign_in(client, tokens.viewer).status_code == 303


@pytest.fixture
def notified_late(loaded: App) -> App:
    """In force from 10 March 2025, its award notified on 20 December 2025: its payment target
    (19 January 2026) falls after its term (31 December 2025); no pass of the service has
    run."""
    loaded.clock.now = steps.at("2025-12-20T16:00:00Z")  # type: ignore[attr-defined]
    steps.bring_into_force(loaded)
    steps.record(loaded, "notify", "2025-12-20")
    return loaded


CLOSED = "la convention a pris fin : le service l'annulera à son prochain passage"


@pytest.mark.parametrize("when", ["2026-01-05T10:00:00Z", "2026-01-25T10:00:00Z"])
def test_a_payment_target_after_the_passed_term_outlives_it(
    api: httpx.Client, notified_late: App, when: str
):
    """Read after the term, before the pass: the term's arrival, applied at that pass, no longer
    cancels the payment target that falls after it (rule 25: what was earned during the term
    stays due after it). Before its day it is the next deadline; after it, it is overdue; and
    the pass then does what the read said."""
    move(notified_late, when)
    before_its_day = when < "2026-01-19"

    status = api.get(STATUS).json()
    (listed,) = api.get("/api/v1/conventions").json()["items"]
    by_sort = api.get("/api/v1/conventions", params={"sort": "next_deadline"}).json()["items"]
    upcoming = api.get("/api/v1/deadlines", params={"within_days": 60}).json()["items"]
    overview = api.get("/api/v1/overview").json()

    assert status["end_unrecorded"] == listed["end_unrecorded"] == {
        "event": "expire", "kind": "expiry", "on": "2025-12-31", "state": "expired",
    }  # fmt: skip
    next_deadline = ("next_deadline_kind", "next_deadline_due")
    expected = ["payment", "2026-01-19"] if before_its_day else [None, None]
    assert [listed[key] for key in next_deadline] == expected
    assert [item[key] for item in by_sort for key in next_deadline] == expected
    payment, expiry = by_kind(status)["payment"], by_kind(status)["expiry"]
    assert (payment["status"], payment["due_date"], payment["closed_by_end"]) == (
        "pending", "2026-01-19", False,
    )  # fmt: skip
    assert payment["passed_unrecorded"] is not before_its_day
    assert (expiry["passed_unrecorded"], expiry["closed_by_end"]) == (True, False)  # applied
    overdue = [] if before_its_day else [
        {"kind": "payment", "instalment": 0, "due_date": "2026-01-19", "passed_unrecorded": True}
    ]  # fmt: skip
    assert listed["overdue"] == overdue
    assert [(i["kind"], i["closed_by_end"]) for i in upcoming] == [
        ("expiry", False), ("payment", False),
    ]  # fmt: skip
    assert upcoming == overview["upcoming"]["items"]

    run_due(notified_late, notified_late.clock())
    after = by_kind(api.get(STATUS).json())
    assert after["expiry"]["status"] == "applied"
    assert after["payment"]["status"] == ("pending" if before_its_day else "passed")


def test_the_dashboard_offers_a_payment_target_after_the_passed_term_as_to_come(
    client: httpx.Client, tokens: Tokens, notified_late: App
):
    move(notified_late, "2026-01-05T10:00:00Z")
    signed_in(client, tokens)

    page = text(client.get(PAGE).text)
    listed = text(client.get("/conventions").text)

    payment = page.split("Objectif de versement", 1)[1].split("</article>", 1)[0]
    assert "sans objet" not in payment and CLOSED not in payment, payment
    assert "dans 14 jours" in payment, payment
    row = listed.split('data-label="Prochaine échéance"', 1)[1].split("</td>", 1)[0]
    assert "Objectif de versement" in row, row


def due_within(api: httpx.Client, days: int) -> list[str]:
    """The references `GET conventions?due_within_days=N` finds, and its count agreeing."""
    found = api.get("/api/v1/conventions", params={"due_within_days": days}).json()
    assert found["total"] == len(found["items"])
    return [item["reference"] for item in found["items"]]


def test_a_payment_target_after_the_passed_term_still_makes_the_convention_due(
    api: httpx.Client, notified_late: App
):
    """Read after the term, before the pass: the payment target of 19 January 2026 outlives the
    term's arrival (rule 25; status says it is not `closed_by_end`), the term itself is applied
    by that pass; the payment makes the convention due within 30 days, before the pass and
    after it (states.deadlines.closed_by_end, the pass's own rule)."""
    move(notified_late, "2026-01-05T10:00:00Z")
    status = by_kind(api.get(STATUS).json())
    assert not status["payment"]["closed_by_end"] and status["expiry"]["passed_unrecorded"]

    before = [due_within(api, days) for days in (0, 30, 3660)]
    run_due(notified_late, notified_late.clock())
    after = [due_within(api, days) for days in (0, 30, 3660)]

    assert before == after == [[], [REFERENCE], [REFERENCE]]


@pytest.fixture
def reporting_late(app: App, reference_convention: Convention) -> App:
    """The same, its beneficiary owing a financial report for 2025 (by the convention), due
    on Tuesday 30 June 2026: it outlives the convention (rule 20); paid on 22 December, so
    that the report is all it still owes after the term."""
    report = FinancialReport("by_convention", 2025)
    steps.load(app, replace(reference_convention, financial_report=report))
    app.clock.now = steps.at("2025-12-20T16:00:00Z")  # type: ignore[attr-defined]
    steps.bring_into_force(app)
    steps.record(app, "notify", "2025-12-20")
    app.clock.now = steps.at("2025-12-22T10:00:00Z")  # type: ignore[attr-defined]
    steps.record(app, "pay", "2025-12-22", amount="200000.00")
    return app


def test_a_deadline_that_outlives_the_passed_term_still_makes_the_convention_due(
    api: httpx.Client, reporting_late: App
):
    move(reporting_late, "2026-01-05T10:00:00Z")
    report = by_kind(api.get(STATUS).json())["financial_report"]
    assert (report["due_date"], report["closed_by_end"]) == ("2026-06-30", False)

    before = [due_within(api, days) for days in (30, 200)]
    run_due(reporting_late, reporting_late.clock())
    after = [due_within(api, days) for days in (30, 200)]

    assert before == after == [[], [REFERENCE]]  # the report alone, within 200 days


def test_a_payment_target_passed_before_the_term_is_not_closed_by_it_and_stays_due(
    api: httpx.Client, notified: App
):
    """The payment target of 19 April 2025 fell before the term and was never recorded: the
    term's arrival does not close it (it fell first: the pass marks it passed and announces
    it), so, read on 5 January 2026, it is overdue and the convention due in any window."""
    move(notified, "2026-01-05T10:00:00Z")
    payment = by_kind(api.get(STATUS).json())["payment"]
    assert (payment["passed_unrecorded"], payment["closed_by_end"]) == (True, False)

    assert [due_within(api, days) for days in (0, 30)] == [[REFERENCE], [REFERENCE]]
