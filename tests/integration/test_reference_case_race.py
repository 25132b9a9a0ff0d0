"""Two imports of one reference in two cases at the same moment (`CONV-1` and `conv-1`): one
is loaded, the other refused as duplicate_reference_case, on both backends.

The index on lower(reference) is not unique (a database may already hold such pairs, migration
0020), so nothing in the schema stops the second insert: both imports checked, found nothing,
and inserted, until the check and the insert were held off for any other import of the same
reference but for case (a PostgreSQL advisory lock of the transaction; SQLite's BEGIN IMMEDIATE
already serialises the writers). The interleaving is forced: each import waits after its check
for the other to have checked too; with the lock, the second cannot check before the first
commits, so the first waits in vain (WAIT seconds) and goes on alone.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from states.convention import Convention
from states.errors import ConvflowError, ReferenceDiffersByCase
from storage.conventions import ConventionRepository
from storage.tables import convention_table
from tests.concurrency import at_once
from workflow.bootstrap import App
from workflow.files.convention_file import ConventionFileError
from workflow.usecases.commands import ImportConvention
from workflow.usecases.conventions import import_convention, import_conventions

WAIT = 1.5
"""How long an import waits after its check for the other's (seconds)."""


@pytest.fixture
def checked_together(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Barrier]:
    """Each import's case check, once done, waits for the other import's (or WAIT seconds)."""
    barrier = threading.Barrier(2)
    check = ConventionRepository.existing_any_case

    def checked_then_wait(self: ConventionRepository, references: Any) -> set[str]:
        found = check(self, references)
        # the other could not check yet (it waits for this one's commit): go on alone
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=WAIT)
        return found

    monkeypatch.setattr(ConventionRepository, "existing_any_case", checked_then_wait)
    yield barrier


def _named(convention: Convention, reference: str) -> Convention:
    copied = copy.deepcopy(convention)
    copied.reference = reference
    return copied


def _loaded(app: App, lowered: str) -> list[str]:
    c = convention_table.c
    with app.engine.connect() as connection:
        query = select(c.reference).where(func.lower(c.reference) == lowered)
        return sorted(connection.execute(query).scalars())


def _refusal_code(error: object) -> str | None:
    if isinstance(error, ConventionFileError | ReferenceDiffersByCase):
        assert isinstance(error, ConvflowError)
        return error.code
    return None


def test_two_imports_of_one_reference_in_two_cases_load_one(
    app: App, reference_convention: Convention, checked_together: threading.Barrier
) -> None:
    def importing(reference: str) -> Callable[[], Any]:
        command = ImportConvention(_named(reference_convention, reference), "alice")
        return lambda: import_convention(app, command, app.clock())

    results = at_once(importing("CONV-1"), importing("conv-1"))
    loaded = _loaded(app, "conv-1")
    assert len(loaded) == 1, (loaded, results)
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], ReferenceDiffersByCase), results
    assert (refused[0].params["existing"], refused[0].code) == (
        loaded[0],
        "duplicate_reference_case",
    )


@pytest.mark.parametrize("rows", [3, 120], ids=["few-rows", "many-rows"])
def test_a_spreadsheet_and_a_file_importing_one_reference_in_two_cases_load_one(
    app: App, reference_convention: Convention, checked_together: threading.Barrier, rows: int
) -> None:
    # A spreadsheet's rows (conv-0 ... conv-N) against a single file's CONV-1; with many rows
    # the spreadsheet holds off every other import at once rather than each reference.
    sheet = [(n + 2, _named(reference_convention, f"conv-{n}")) for n in range(rows)]
    single = ImportConvention(_named(reference_convention, "CONV-1"), "alice")
    results = at_once(
        lambda: import_conventions(app, sheet, "bob", "sheet.csv", app.clock()),
        lambda: import_convention(app, single, app.clock()),
    )
    loaded = _loaded(app, "conv-1")
    assert len(loaded) == 1, (loaded, results)
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1, results
    assert _refusal_code(refused[0]) == "duplicate_reference_case", results
