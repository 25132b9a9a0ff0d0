"""Conventions brought in whose term is already past, and the warning that says so: one logic
and one sentence for the dashboard's import report and `convflow import`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol, TypeVar

from states.convention import Convention
from workflow.wording.words import Words


class _Read(Protocol):
    """A row read from a file: its number, and the convention it gives."""

    @property
    def number(self) -> int: ...

    @property
    def convention(self) -> Convention: ...


R = TypeVar("R", bound=_Read)


def past_term_rows(rows: Iterable[R], today: date) -> list[R]:
    """The rows whose convention's term is before `today`: it can no longer be signed."""
    return [row for row in rows if row.convention.end_date < today]


def past_terms_warning(words: Words, count: int) -> str:
    """What a report says of its `count` rows whose term is past."""
    if count == 1:
        return words("1 convention has a term already past: it can no longer be signed before "
                     "it. Check the end_date column.")  # fmt: skip
    return words("{count} conventions have a term already past: they can no longer be signed "
                 "before it. Check the end_date column.", count=words.count(count))  # fmt: skip
