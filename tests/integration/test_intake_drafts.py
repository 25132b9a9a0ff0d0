"""Drafts to complete, at the storage's edge: the same SCDL file imported twice at the same
moment keeps its subsidies once (the second import finds them waiting), on SQLite and
PostgreSQL; completing a draft twice creates one convention."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from states.convention import Convention
from states.errors import ConvflowError
from workflow.bootstrap import App
from workflow.files.scdl import read_scdl
from workflow.usecases.commands import ImportConvention
from workflow.usecases.intake_drafts import (
    UnknownIntakeDraft,
    complete_draft,
    intake_drafts,
    save_drafts,
)

SCDL = Path(__file__).parents[1] / "e2e" / "scdl" / "subventions.csv"
NOW = datetime(2026, 12, 5, 17, 0, tzinfo=UTC)


def test_two_imports_at_once_keep_each_subsidy_once(app: App) -> None:
    rows = read_scdl(SCDL)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def one() -> None:
        start.wait()
        try:
            save_drafts(app, rows, "subventions.csv", "alice", NOW)
            outcomes.append("kept")
        except ConvflowError as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["kept", "scdl_already_pending"]
    assert [draft.line for draft in intake_drafts(app)] == [2, 3, 4]


def test_a_draft_completed_twice_makes_one_convention(
    app: App, reference_convention: Convention
) -> None:
    save_drafts(app, read_scdl(SCDL), "subventions.csv", "alice", NOW)
    draft = intake_drafts(app)[0]
    command = ImportConvention(reference_convention, "alice", "tableau de bord")
    complete_draft(app, draft.id, command, NOW)

    with pytest.raises(UnknownIntakeDraft):
        complete_draft(app, draft.id, command, NOW)

    with app.uow(read_only=True) as uow:
        assert uow.conventions.existing([reference_convention.reference]) == {
            reference_convention.reference
        }
    assert draft.id not in [d.id for d in intake_drafts(app)]
