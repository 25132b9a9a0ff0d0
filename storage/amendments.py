"""The amendment repository: amendments of a convention, numbered n°1, n°2... in order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from states.amendments import Amendment
from storage import reads
from storage.mapping import amendment_from_row
from storage.tables import amendment_table, convention_table

a = amendment_table.c
c = convention_table.c


def _values(amendment: Amendment) -> dict[str, Any]:
    return {
        "state": amendment.state,
        "changes": amendment.changes,
        "applied": amendment.applied,
        "signatures": {email: day.isoformat() for email, day in amendment.signatures.items()},
        "submitted_on": amendment.submitted_on,
        "effective_date": amendment.effective_date,
        "last_event_on": amendment.last_event_on,
    }


class AmendmentRepository:
    """Amendments, loaded and saved whole (a handful per convention)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def next_number(self, convention_id: int) -> int:
        """The number the next amendment of a convention takes."""
        query = select(func.max(a.number)).where(a.convention_id == convention_id)
        return int(self._connection.execute(query).scalar() or 0) + 1

    def add(self, convention_id: int, amendment: Amendment, now: datetime) -> None:
        """Store a new amendment."""
        self._connection.execute(
            insert(amendment_table).values(
                convention_id=convention_id, number=amendment.number,
                created_on=amendment.created_on, created_at=now, updated_at=now,
                **_values(amendment),
            )
        )  # fmt: skip

    def save(self, convention_id: int, amendment: Amendment, now: datetime) -> None:
        """Write an amendment's new state (the convention's row lock serialises writers)."""
        self._connection.execute(
            update(amendment_table)
            .where(a.convention_id == convention_id, a.number == amendment.number)
            .values(updated_at=now, **_values(amendment))
        )

    def get(self, convention_id: int, number: int) -> Amendment | None:
        """Amendment n°`number` of a convention, or None."""
        query = select(amendment_table).where(a.convention_id == convention_id, a.number == number)
        row = self._connection.execute(query).first()
        return amendment_from_row(row) if row else None

    def open_one(self, convention_id: int) -> Amendment | None:
        """The amendment being drafted or signed, if any (there is at most one)."""
        query = select(amendment_table).where(
            a.convention_id == convention_id, a.state.in_(("draft", "signature"))
        )
        row = self._connection.execute(query).first()
        return amendment_from_row(row) if row else None

    def open_ones(self, convention_ids: list[int]) -> dict[int, Amendment]:
        """`open_one` of each of these conventions that has one, in one query (the due pass
        reads them for a batch: a query each cost PostgreSQL a round trip per reminder)."""
        if not convention_ids:
            return {}
        query = select(amendment_table).where(
            a.convention_id.in_(convention_ids), a.state.in_(("draft", "signature"))
        )
        return {
            int(row.convention_id): amendment_from_row(row)
            for row in self._connection.execute(query)
        }

    def open_by_reference(self, references: Sequence[str]) -> dict[str, Amendment]:
        """`open_one` of each of these conventions that has one, by reference, in a few
        statements for many (bounded IN lists): the lists read them for the conventions whose
        term has passed, thousands after the service was down over a term."""
        found: dict[str, Amendment] = {}
        wanted = sorted(set(references))
        query = (
            select(c.reference, amendment_table)
            .join(convention_table, c.id == a.convention_id)
            .where(a.state.in_(("draft", "signature")))
        )
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for row in self._connection.execute(query.where(c.reference.in_(chunk))):
                found[str(row.reference)] = amendment_from_row(row)
        return found

    def for_convention(self, convention_id: int) -> list[Amendment]:
        """Every amendment of a convention, by number."""
        found = self._connection.execute(reads.AMENDMENTS, {"convention_id": convention_id})
        return [amendment_from_row(row) for row in found]
