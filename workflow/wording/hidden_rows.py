"""Rows hidden in a workbook, and the warning that says they are imported all the same: one
sentence for the dashboard's import report and `convflow import`.

A row hidden in Excel is read like the others (what a file holds is what is imported, as a
CSV of it would be), but a person who hides a row often means « not this one »: the report
names each such line, so that one hidden by mistake is seen before it becomes a convention."""

from __future__ import annotations

from collections.abc import Sequence

from workflow.wording.words import Words


def hidden_rows_warning(words: Words, lines: Sequence[int]) -> str:
    """What a report says of the rows at `lines` hidden in the workbook."""
    if len(lines) == 1:
        return words("Line {line} is hidden in the workbook: it is imported like the others. "
                     "Delete it from the file if it is not to be.", line=str(lines[0]))  # fmt: skip
    return words("Lines {lines} are hidden in the workbook: they are imported like the others. "
                 "Delete them from the file if they are not to be.",
                 lines=", ".join(str(line) for line in lines))  # fmt: skip
