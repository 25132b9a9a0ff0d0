"""What may import what (README, "How it is built").

The domain imports nothing of ours and does no I/O; the repository stands alone.
"""

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


ENTRY_POINTS = ("workflow.cli", "workflow.http", "workflow.scheduler")
FRAMEWORKS = {"click", "fastapi", "starlette", "uvicorn", "apscheduler"}
INNER_ROOMS = ("usecases", "files", "wording")
"""The rooms of workflow/ that entry points call, and that must not know them."""


def imported_modules(path: Path) -> set[str]:
    """The full dotted names of the modules (and names) a module imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def inner_modules() -> list[Path]:
    """The modules of the use cases, file readers and wording."""
    return [path for room in INNER_ROOMS for path in modules_of(f"workflow/{room}")]


BUILD_STEPS = {"workflow/wording/extract.py"}
"""`make messages`: it reads what every room says, the command line's `--help` included (by
walking its commands), and no module runs it (test_no_module_runs_a_build_step)."""


@pytest.mark.parametrize("module", inner_modules(), ids=module_id)
def test_use_cases_know_no_framework_nor_entry_point(module):
    imported = imported_modules(module)
    frameworks = sorted(name for name in imported if name.split(".")[0] in FRAMEWORKS)
    entry_points = sorted(name for name in imported if name.startswith(ENTRY_POINTS))
    if module_id(module) in BUILD_STEPS:
        entry_points = []

    assert (frameworks, entry_points) == ([], [])


@pytest.mark.parametrize("module", modules_of("workflow"), ids=module_id)
def test_no_module_runs_a_build_step(module):
    # What a build step imports (every command's module) stays out of the processes that run.
    steps = {step.removesuffix(".py").replace("/", ".") for step in BUILD_STEPS}

    assert sorted(imported_modules(module) & steps) == []


@pytest.mark.parametrize("module", modules_of("workflow"), ids=module_id)
def test_sql_lives_in_storage(module):
    # The service layer asks storage's repositories and queries; only the bootstrap holds the
    # engine it opens them on.
    allowed = {"workflow/bootstrap.py"}
    imported = {name.split(".")[0] for name in imported_modules(module)}

    assert module_id(module) in allowed or not imported & {"sqlalchemy", "sqlmodel"}


def private_imports(path: Path) -> list[str]:
    """The `_private` names a module imports from another module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found += [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    return found


ALL_MODULES = [
    path
    for package in (*OUR_PACKAGES, "tests", "bench")
    for path in modules_of(package)
    if "migrations" not in path.parts
]


@pytest.mark.parametrize("module", ALL_MODULES, ids=module_id)
def test_no_private_name_crosses_a_module(module):
    assert private_imports(module) == []


def test_the_room_rules_read_something():
    # Guards the room tests against passing on an empty list or an unparsed module.
    assert len(inner_modules()) >= 15
    assert "workflow.bootstrap.App" in imported_modules(ROOT / "workflow/cli/context.py")
    assert private_imports(ROOT / "tests/unit/test_architecture.py") == []


def test_the_repository_cites_no_file_outside_itself() -> None:
    """Code, docs and examples name only what the repository holds (docs/ keeps what it needs)."""
    outside = ("../" + "shared", "LIBRARY" + "-NOTES", "STYLE" + ".md")
    cited = [
        f"{path.relative_to(ROOT)}: {word}"
        for path in ROOT.rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".md", ".toml", ".txt", ".html", ".cfg"}
        and not any(
            part.startswith(".") or part == "node_modules" for part in path.relative_to(ROOT).parts
        )
        for word in outside
        if word in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert cited == []
