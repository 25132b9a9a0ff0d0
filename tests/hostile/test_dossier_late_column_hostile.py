"""A dossier's historique.csv tampered with around its last column (« saisi après coup, daté
avant »), manifest recomputed: a column added after it, a row short of it, a formula in it.
`verify --dossier` names each as a problem, never a traceback. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from tests.integration.test_history_dated_before_dossier import (
    LATE_COLUMN,
    files,
    late_letter,
    loaded,
    rewritten,
    written,
)
from workflow.bootstrap import App
from workflow.usecases.dossier_check import check_dossier

__all__ = ["loaded"]


def test_tampering_with_the_late_column_is_named(loaded: App, tmp_path: Path) -> None:
    archive = files(late_letter(loaded))
    source = archive.read("historique.csv")
    cases = {
        "added": lambda rows: [[*row, "x"] for row in rows],
        "short": lambda rows: [rows[0], *([*r[:-1]] if r[0] == "10" else r for r in rows[1:])],
        "formula": lambda rows: [
            [*r[:-1], '=HYPERLINK("http://x")'] if r[0] == "3" else r for r in rows
        ],
    }
    found = {}
    for name, edit in cases.items():
        folder = tmp_path / name
        archive.extractall(folder)
        written(folder, "historique.csv", rewritten(source, edit))
        found[name] = [(p["seq"], p["field"]) for p in check_dossier(folder)["problems"]]

    assert found["added"] == [(0, "head")]
    assert found["short"] == [(10, "n°"), (0, "head")]  # the last line unread: the head too
    assert found["formula"] == [(3, LATE_COLUMN)], found["formula"]
