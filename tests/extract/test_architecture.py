"""The extractor stands apart: it reads files and text, and imports from our packages only the
pure domain (`states/`), so the CLI, the API and the dashboard can all call it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "workflow" / "files" / "extract"
OURS = {"states", "storage", "notifications", "workflow"}


def absolute_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_the_extractor_imports_only_the_pure_domain_of_ours(module):
    ours = {name for name in absolute_imports(module) if name.split(".")[0] in OURS}

    assert {name.split(".")[0] for name in ours} <= {"states"}


def test_the_import_reader_sees_imports():
    assert "states.errors" in absolute_imports(PACKAGE / "lines.py")
