"""Obligations overdue, shown where an officer looks (states.overdue): a passed deadline that
still waits for something is in `list`, and in the administrators' summary; one met late,
though it stays `passed` to show the delay, is not; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from states.convention import Convention
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases import listing, views
from workflow.usecases.due import run_due

PUBLICATION = {"kind": "publication", "instalment": 0, "due_date": "2025-06-10",
               "passed_unrecorded": False}  # fmt: skip  # recorded passed by the pass


def move(app: App, instant: str) -> None:
    app.clock.now = steps.at(instant)  # type: ignore[attr-defined]


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """The default open-data threshold (23 000 €) and an administrator to tell."""
    return {**settings_env, "CONVFLOW_OPEN_DATA_THRESHOLD": "23000",
            "CONVFLOW_ADMIN_EMAILS": "juriste@ampmetropole.fr",
            "CONVFLOW_LATE_RECORD_DAYS": "2"}  # fmt: skip


@pytest.fixture
def unpublished(app: App, reference_convention: Convention) -> App:
    """In force from 10 March 2025, paid, its open data never published (due 10 June)."""
    move(app, "2025-04-01T16:00:00Z")
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    move(app, "2025-06-12T09:00:00Z")
    run_due(app, app.clock())
    assert steps.deadlines(app)["publication"]["status"] == "passed"
    return app


def summaries(app: App) -> list[dict[str, object]]:
    wanted = listing.ConventionFilter()
    return [dict(s) for s in listing.all_conventions(app, wanted, app.clock())]


def test_a_passed_publication_is_listed_as_overdue_until_it_is_published(unpublished: App):
    assert [s["overdue"] for s in summaries(unpublished)] == [[PUBLICATION]]
    assert listing.overdue_obligations(unpublished)[0]["reference"] == steps.REFERENCE

    steps.record(unpublished, "publish", "2025-06-11", url="https://data.ampmetropole.fr/s.csv")

    assert steps.deadlines(unpublished)["publication"]["status"] == "passed"  # the delay shows
    assert [s["overdue"] for s in summaries(unpublished)] == [[]]
    assert listing.overdue_obligations(unpublished) == []


def test_after_the_end_only_what_outlives_it_is_overdue(unpublished: App):
    move(unpublished, "2026-01-05T09:00:00Z")
    run_due(unpublished, unpublished.clock())

    assert steps.state(unpublished) == "expired"
    assert [s["overdue"] for s in summaries(unpublished)] == [[PUBLICATION]]


def test_the_administrators_summary_lists_the_obligations_overdue(
    app: App, reference_convention: Convention
):
    move(app, "2025-04-01T16:00:00Z")
    steps.load(app, reference_convention)
    steps.bring_into_execution(app)
    move(app, "2025-07-01T09:00:00Z")
    steps.record(app, "open_dispute", "2025-06-20", party="crpv", received="2025-06-20")
    run_due(app, app.clock())  # the dispute, recorded late, is withheld: the summary goes

    summary = [e for e in views.outbox(app) if e["kind"] == "late_records"]
    assert summary, views.outbox(app)
    with app.uow(read_only=True) as uow:
        from sqlalchemy import select

        from storage.tables import outbox_table

        context = uow.connection.execute(
            select(outbox_table.c.context).where(outbox_table.c.kind == "late_records")
        ).scalar_one()
    assert context["overdue"] == [{"reference": steps.REFERENCE,
                                   "what": "publication des données essentielles",
                                   "due_date": "2025-06-10"}]  # fmt: skip
