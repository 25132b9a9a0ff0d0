"""Several services on one database share the due pass: each leaves alone the conventions
another one is working on, and goes on with the others instead of stopping or waiting.

On PostgreSQL "working on" is a row lock on the convention; SQLite allows one service per file
(a second one is refused), so there the reads skip nothing and a pass still does everything.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration.steps import at
from workflow.bootstrap import App
from workflow.usecases.commands import ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event
from workflow.usecases.due import apply_due_deadlines, run_due

REFERENCES = ["SHARED-0", "SHARED-1", "SHARED-2"]
SUBMITTED = at("2025-03-03T09:00:00Z")
LATER = at("2025-03-11T10:00:00Z")
"""After the signature target (10 March): each convention has a deadline and a reminder due."""


@pytest.fixture
def waiting(app: App, reference_convention: Convention, clock: FixedClock) -> App:
    """Three conventions sent for signature on 3 March 2025 and never signed."""
    clock.now = SUBMITTED
    end = reference_convention.end_date + timedelta(days=400)
    for reference in REFERENCES:
        signatories = [replace(s) for s in reference_convention.signatories]
        convention = replace(
            reference_convention, reference=reference, end_date=end, signatories=signatories
        )
        import_convention(app, ImportConvention(convention, "alice"), clock.now)
        record_event(app, RecordEvent(reference, "submit", "alice", None, {}), clock.now)
    clock.now = LATER
    return app


@contextmanager
def another_service_on(app: App, reference: str) -> Iterator[None]:
    """Another service in the middle of its transaction on one convention (PostgreSQL)."""
    with app.uow() as uow:
        assert uow.conventions.try_lock(reference)
        yield


def test_the_conventions_due_leave_out_those_another_service_holds(waiting: App) -> None:
    with waiting.uow(read_only=True) as uow:
        if not uow.lock_rows:
            pytest.skip("SQLite: one service per file, nothing held by another")
    with another_service_on(waiting, "SHARED-0"), waiting.uow(read_only=True) as uow:
        assert uow.reminders.conventions_due(LATER, 10) == ["SHARED-1", "SHARED-2"]
        assert uow.deadlines.conventions_due(LATER, 10) == ["SHARED-1", "SHARED-2"]


def test_the_conventions_due_are_all_read_when_no_service_holds_one(waiting: App) -> None:
    with waiting.uow(read_only=True) as uow:
        assert uow.reminders.conventions_due(LATER, 10) == REFERENCES
        assert uow.deadlines.conventions_due(LATER, 10) == REFERENCES
        assert uow.reminders.conventions_due(LATER, 2, ["SHARED-0"]) == ["SHARED-1", "SHARED-2"]


def test_a_pass_whose_whole_batch_is_held_goes_on_with_the_next(waiting: App) -> None:
    """A batch of one: the first convention is held, the pass must not stop there (it did:
    2 services were slower than one)."""
    with waiting.uow(read_only=True) as uow:
        shared = uow.lock_rows
    if shared:
        with another_service_on(waiting, "SHARED-0"):
            report = run_due(waiting, LATER, batch=1)
        assert {r.reference for r in report.reminders} == {"SHARED-1", "SHARED-2"}
        assert {a.reference for a in report.actions} == {"SHARED-1", "SHARED-2"}
        report = run_due(waiting, LATER, batch=1)  # released: the next pass does the rest
        assert {r.reference for r in report.reminders} == {"SHARED-0"}
    else:
        report = run_due(waiting, LATER, batch=1)
        assert {r.reference for r in report.reminders} == set(REFERENCES)
    assert run_due(waiting, LATER, batch=1).reminders == []  # each reminder handled once


def test_applying_deadlines_does_not_wait_for_another_service(waiting: App) -> None:
    with waiting.uow(read_only=True) as uow:
        if not uow.lock_rows:
            assert [a.reference for a in apply_due_deadlines(waiting, "SHARED-0", LATER)] == [
                "SHARED-0"
            ]
            return
    outcome: list[object] = []
    with another_service_on(waiting, "SHARED-0"):
        worker = threading.Thread(
            target=lambda: outcome.append(apply_due_deadlines(waiting, "SHARED-0", LATER))
        )
        worker.start()
        worker.join(10)  # a waiting lock would block here until the holder commits
        assert outcome == [[]], "it waited for the other service's transaction"
    assert [a.reference for a in apply_due_deadlines(waiting, "SHARED-0", LATER)] == ["SHARED-0"]
