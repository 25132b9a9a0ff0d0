"""The package's boundary: its public API, and nothing imported from the rest of convflow."""

import ast
from pathlib import Path

import notifications

PACKAGE = Path(notifications.__file__).parent
FORBIDDEN = {"states", "storage", "workflow"}


def imported_packages(source: Path) -> set[str]:
    """The top-level packages a module imports."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_notifications_imports_nothing_of_the_other_convflow_packages() -> None:
    offenders = {
        path.name: imported_packages(path) & FORBIDDEN
        for path in PACKAGE.rglob("*.py")
        if imported_packages(path) & FORBIDDEN
    }
    assert offenders == {}


def test_the_public_api_is_exported() -> None:
    for name in notifications.__all__:
        assert hasattr(notifications, name), name
    assert {
        "OutgoingEmail",
        "to_mime",
        "Renderer",
        "RenderedEmail",
        "SmtpSender",
        "FolderSender",
        "MemorySender",
        "Sender",
        "DeliveryOutcome",
        "DeliveryResult",
        "UnknownTemplate",
        "TemplateError",
        "sample_context",
        "euros",
        "date_fr",
        "date_fr_full",
        "datetime_fr",
        "days_fr",
    } <= set(notifications.__all__)
