"""What may import what (STYLE.md): the domain imports nothing of ours and does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

OUR_PACKAGES = {"states", "storage", "notifications", "workflow"}
IO_LIBRARIES = {
    # named in the rule
    "sqlalchemy", "sqlmodel", "smtplib", "socket", "os", "pathlib",
    "apscheduler", "jinja2", "click", "fastapi",
    # and their close relatives
    "alembic", "psycopg", "sqlite3", "subprocess", "shutil", "tempfile", "io",
    "urllib", "http", "httpx", "requests", "starlette", "uvicorn", "aiosmtpd",
}  # fmt: skip


def modules_of(package: str) -> list[Path]:
    """Every Python module of one of our packages."""
    return sorted((ROOT / package).rglob("*.py"))


def module_id(path: Path) -> str:
    """The module's path from the project root, as a test id."""
    return path.relative_to(ROOT).as_posix()


def imported_packages(source: str, package: tuple[str, ...]) -> set[str]:
    """The top-level packages some source imports, its relative imports read from `package`."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            if node.module:
                names.add(".".join([*base, node.module]))
            else:  # `from .. import x`: x is a module of the base package
                names.update(".".join([*base, alias.name]) for alias in node.names)
    return {name.split(".")[0] for name in names}


def imports_of(module: Path) -> set[str]:
    """The top-level packages one of our modules imports."""
    package = module.relative_to(ROOT).parent.parts
    return imported_packages(module.read_text(encoding="utf-8"), package)


def forbidden_imports(path: Path, forbidden: set[str]) -> list[str]:
    """The packages `path` imports that it must not."""
    return sorted(imports_of(path) & forbidden)


@pytest.mark.parametrize("module", modules_of("states"), ids=module_id)
def test_the_domain_imports_nothing_of_ours_and_no_io_library(module):
    forbidden = (OUR_PACKAGES - {"states"}) | IO_LIBRARIES

    assert forbidden_imports(module, forbidden) == []


@pytest.mark.parametrize("module", modules_of("notifications"), ids=module_id)
def test_notifications_import_nothing_of_ours(module):
    assert forbidden_imports(module, OUR_PACKAGES - {"notifications"}) == []


@pytest.mark.parametrize("module", modules_of("storage"), ids=module_id)
def test_storage_imports_neither_the_service_layer_nor_notifications(module):
    assert forbidden_imports(module, {"workflow", "notifications"}) == []


def test_the_import_reader_sees_what_a_module_imports():
    # Guards the tests above against passing because they read nothing.
    assert {"transitions", "states"} <= imports_of(ROOT / "states" / "lifecycle.py")
    assert "states" in imports_of(ROOT / "storage" / "mapping.py")
    assert len(modules_of("states")) >= 7


@pytest.mark.parametrize(
    ("source", "imported"),
    [
        pytest.param("import os.path", {"os"}, id="import a.b"),
        pytest.param("from sqlalchemy.orm import Session", {"sqlalchemy"}, id="from a.b import"),
        pytest.param("from . import rules", {"states"}, id="from . import"),
        pytest.param("from .calendar import PARIS", {"states"}, id="from .module import"),
        pytest.param("from ..workflow import handlers", {"workflow"}, id="from ..package import"),
        pytest.param("from .. import storage", {"storage"}, id="from .. import package"),
    ],
)
def test_the_import_reader_resolves_every_form_of_import(source, imported):
    assert imported_packages(source, ("states",)) == imported
