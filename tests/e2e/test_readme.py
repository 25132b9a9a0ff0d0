"""README.md stays true: its diagram is the engine's, its two commands are there."""

from __future__ import annotations

from pathlib import Path

from states.lifecycle import mermaid_diagram

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
