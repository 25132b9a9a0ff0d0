"""The command line starts fast: what `--help` and the calculators import, and the lazy group
saying each command as the command itself would (issue 15.4). Timings live in bench/cli_startup."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import click
import pytest
from sqlalchemy import create_engine

from storage.migrate import head_revision
from storage.revision import HEAD
from tests.e2e.conftest import REF, Convflow
from workflow.cli import COMMANDS, cli
from workflow.cli.help_words import SaidGroup, messages_of
from workflow.wording.catalogue import LANGUAGES, Language, translations

HEAVY = {
    "alembic", "apscheduler", "babel", "docx", "fastapi", "holidays", "jinja2", "openpyxl",
    "pdfminer", "prometheus_client", "pydantic", "sqlalchemy", "sqlmodel", "starlette",
    "transitions", "uvicorn",
}  # fmt: skip
"""What `convflow --help` must not import: each costs it from 20 ms to half a second."""

_LOADED = """
import json, sys
{code}
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def _imported_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level packages a fresh interpreter holds after running `code`."""
    out = subprocess.run(
        [sys.executable, "-c", _LOADED.format(code=code)],
        capture_output=True, text=True, check=True, timeout=60,
        env={**os.environ, **env} if env else None,
    ).stdout  # fmt: skip
    return set(json.loads(out.splitlines()[-1]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_help_imports_no_heavy_module(language: Language) -> None:
    # Its words come from the compiled catalogue (kept once any process has read the .po),
    # read without Babel; its commands are listed from their summaries, none imported.
    translations(language)  # the compiled catalogue kept
    code = (
        "import click\nfrom workflow.cli import cli\n"
        "ctx = click.Context(cli, info_name='convflow')\nhelp = cli.get_help(ctx)\n"
        "assert 'status' in help and 'deadline' in help\n"
        f"assert ('Options\u00a0:' in help) == ({language!r} == 'fr'), help\n"
        "import sys\n"
        "assert sorted(m for m in sys.modules if m.startswith('workflow.cli.')) == "
        "['workflow.cli.group', 'workflow.cli.help_words', 'workflow.cli.misuse'], "
        "sorted(sys.modules)"
    )
    assert _imported_after(code, {"CONVFLOW_LANGUAGE": language}) & HEAVY == set()


@pytest.mark.parametrize("args", [["deadline", "--help"], ["deadline", "expiry", "--help"]])
def test_a_subcommand_s_help_imports_no_database_nor_template(args: list[str]) -> None:
    code = (
        "from workflow.cli import cli\n"
        f"try:\n    cli({args!r}, prog_name='convflow')\nexcept SystemExit:\n    pass"
    )
    assert _imported_after(code) & {"alembic", "jinja2", "sqlalchemy", "sqlmodel"} == set()


def test_status_reads_the_convention_without_the_database_layer(loaded: Convflow) -> None:
    # On SQLite and PostgreSQL alike: the driver alone, the queries compiled ahead.
    code = (
        "from workflow.cli import cli\n"
        f"try:\n    cli(['status', {REF!r}], prog_name='convflow')\n"
        "except SystemExit as exit:\n    assert exit.code == 0, exit.code"
    )
    imported = _imported_after(code, loaded.env)
    assert imported & {"alembic", "sqlalchemy", "sqlmodel", "jinja2"} == set()


def test_the_help_lists_every_command_as_its_docstring_says() -> None:
    ctx = click.Context(cli, info_name="convflow")
    lazy = {command.name: command for command in COMMANDS}
    loaded = {name: command.load() for name, command in lazy.items()}
    assert sorted(lazy) == cli.list_commands(ctx)
    for name, command in loaded.items():
        # the very entry of the catalogue its docstring's first paragraph is: one French text
        assert messages_of(lazy[name].summary) == messages_of(command.help)[:1], name
        said = click.Command(name, help=lazy[name].summary)
        for limit in (30, 45, 70, 200):
            assert said.get_short_help_str(limit) == command.get_short_help_str(limit), name


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lazy_help_is_the_eager_one(language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVFLOW_LANGUAGE", language)
    eager = SaidGroup(name="convflow", params=cli.params, help=cli.help,
                      context_settings=cli.context_settings,
                      commands={c.name: c.load() for c in COMMANDS})  # fmt: skip
    lazy = cli.get_help(click.Context(cli, info_name="convflow", **cli.context_settings))
    assert lazy == eager.get_help(click.Context(eager, info_name="convflow",
                                                **eager.context_settings))  # fmt: skip


def test_the_quick_schema_check_knows_alembic_s_head() -> None:
    assert head_revision(create_engine("sqlite://")) == HEAD
