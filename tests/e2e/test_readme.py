"""README.md stays true: its diagram is the engine's, its two commands are there, and its
tables name every command `convflow --help` lists and every setting, with its default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from states.lifecycle import mermaid_diagram
from workflow.cli import COMMANDS
from workflow.settings import SPECS, Spec, load_settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_diagram_in_the_readme_is_drawn_from_the_transitions_table() -> None:
    start = README.index("<!-- diagram:start -->\n```mermaid\n") + len(
        "<!-- diagram:start -->\n```mermaid\n"
    )
    end = README.index("```\n<!-- diagram:end -->")
    assert README[start:end] == mermaid_diagram()


def test_the_readme_opens_with_the_two_commands() -> None:
    head = README[:600]
    assert "make run" in head
    assert "make test" in head


def _table_after(heading: str, header: str) -> list[list[str]]:
    """The rows of the first table under `heading` whose header row is `header`, as cells."""
    section = README[README.index(f"\n{heading}\n") :]
    lines = section[section.index(f"\n{header}\n") + 1 :].splitlines()
    rows = []
    for line in lines[2:]:  # below the header and its |---| line
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([cell.strip() for cell in cells])
    return rows


def _commands_in_readme() -> dict[str, str]:
    """Each command README's command table names, with what its row says it does."""
    named: dict[str, str] = {}
    for usage, meaning in _table_after("## The command line", "| command | what it does |"):
        for name in re.findall(r"`convflow ([a-z][a-z-]*)", usage):
            named.setdefault(name, meaning)
    return named


def _settings_in_readme() -> dict[str, tuple[str, str]]:
    """Each variable README's settings table names, with its default and meaning cells; a
    name written `_PORT` after `CONVFLOW_SMTP_HOST` is CONVFLOW_SMTP_PORT."""
    named: dict[str, tuple[str, str]] = {}
    for variables, default, meaning in _table_after(
        "## Settings", "| variable | default | meaning |"
    ):
        full = ""
        for name in re.findall(r"`(CONVFLOW_[A-Z0-9_]+|_[A-Z0-9_]+)`", variables):
            full = name if name.startswith("CONVFLOW_") else full.rsplit("_", 1)[0] + name
            named[full] = (default, meaning)
    return named


def test_the_readme_s_command_table_has_a_row_for_every_command_help_lists() -> None:
    in_readme = _commands_in_readme()
    listed = {command.name for command in COMMANDS}

    assert sorted(listed - set(in_readme)) == []  # a command README does not show
    assert sorted(set(in_readme) - listed) == []  # a row for a command that is no more
    assert all(meaning for meaning in in_readme.values())


def test_the_readme_s_settings_table_has_a_row_for_every_setting() -> None:
    in_readme = _settings_in_readme()
    declared = {spec.env for spec in SPECS}

    assert sorted(declared - set(in_readme)) == []  # a setting README does not show
    assert sorted(set(in_readme) - declared) == []  # a row for a setting that is no more
    assert all(meaning for _, meaning in in_readme.values())


@pytest.mark.parametrize("spec", [spec for spec in SPECS if spec.default not in (None, ())],
                         ids=lambda spec: spec.env)  # fmt: skip
def test_the_readme_gives_each_setting_s_default_as_convflow_config_prints_it(spec: Spec) -> None:
    default, _ = _settings_in_readme()[spec.env]
    printed = {shown.env: text for shown, text, _ in load_settings({}).shown()}[spec.env]

    assert printed in default


def test_every_file_or_folder_the_readme_names_is_there() -> None:
    """A path the README sends its reader to (`workflow/files/amendment_file.py`) exists: the
    legal officer followed `workflow/amendment_file.py`, moved since."""
    root = Path(__file__).resolve().parents[2]
    named = {
        found.rstrip(".,:;")
        for found in re.findall(
            r"(?<![\w/.-])(?:workflow|states|storage|notifications|tests|docs|examples|bench)"
            r"/[\w./-]*",
            README,
        )
    }
    assert named  # the pattern still finds the README's paths
    assert sorted(path for path in named if not (root / path).exists()) == []
