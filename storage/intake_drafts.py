"""Intake drafts (conventions to complete, read from an SCDL file), as rows (migration 0019)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text, update

from storage.mapping import award_from_stored
from storage.tables import (
    AnyRow,
    convention_table,
    intake_draft_table,
    party_table,
)

d = intake_draft_table.c
_WAITING = d.completed_as.is_(None)


class IntakeDraftRepository:
    """Adds, lists, finds and removes the drafts to complete."""

    def __init__(self, connection: Connection, lock_rows: bool = False) -> None:
        self._connection = connection
        self._lock_rows = lock_rows

    def lock(self) -> None:
        """Hold off other writers of drafts until this transaction ends (PostgreSQL), so that
        two imports of the same file at once cannot both find its subsidies new; SQLite
        serialises its writers already."""
        if self._lock_rows:
            self._connection.execute(text("LOCK TABLE intake_draft IN EXCLUSIVE MODE"))

    def add_many(self, drafts: Sequence[dict[str, Any]], actor: str, now: datetime) -> list[int]:
        """Store drafts ({dedupe_key, fields, facts, missing, source, line}); their ids."""
        ids = []
        for draft in drafts:
            result = self._connection.execute(
                insert(intake_draft_table).values(**draft, created_by=actor, created_at=now)
            )
            ids.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
        return ids

    def all(self) -> list[AnyRow]:
        """Every draft still to complete, oldest first."""
        query = select(intake_draft_table).where(_WAITING).order_by(d.id)
        return list(self._connection.execute(query))

    def get(self, draft_id: int) -> AnyRow | None:
        """One draft still to complete, or None."""
        query = select(intake_draft_table).where(d.id == draft_id, _WAITING)
        return self._connection.execute(query).first()

    def complete(self, draft_id: int, reference: str) -> bool:
        """Mark a draft as become convention `reference`; False if it was not waiting
        (completed or removed meanwhile)."""
        result = self._connection.execute(
            update(intake_draft_table)
            .where(d.id == draft_id, _WAITING)
            .values(completed_as=reference)
        )
        return bool(result.rowcount)

    def remove(self, draft_id: int) -> bool:
        """Delete a draft still to complete; False if it was not waiting."""
        query = delete(intake_draft_table).where(d.id == draft_id, _WAITING)
        return bool(self._connection.execute(query).rowcount)

    def completed(self, keys: Sequence[str]) -> dict[str, str]:
        """Those of `keys` a completed draft has, and the convention it became."""
        found: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            query = select(d.dedupe_key, d.completed_as).where(
                d.dedupe_key.in_(chunk), d.completed_as.is_not(None)
            )
            found.update(
                {key: str(reference) for key, reference in self._connection.execute(query)}
            )
        return found

    def pending(self, keys: Sequence[str]) -> dict[str, int]:
        """Those of `keys` a draft already has, and that draft's id."""
        found: dict[str, int] = {}
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            query = select(d.dedupe_key, d.id).where(d.dedupe_key.in_(chunk), _WAITING)
            found.update({key: int(number) for key, number in self._connection.execute(query)})
        return found

    def loaded(
        self, identifiers: Sequence[str]
    ) -> tuple[dict[str, str], dict[str, tuple[str, bool]]]:
        """The conventions with a party among `identifiers` (SIRET or RNA), by the keys an
        SCDL row of theirs has: `decision|identifier` when their award decision is recorded;
        `|identifier|signed on|amount` when they are signed, with whether an award decision is
        recorded. Each with the convention's reference."""
        p, c = party_table.c, convention_table.c
        by_decision: dict[str, str] = {}
        by_content: dict[str, tuple[str, bool]] = {}
        for start in range(0, len(identifiers), 250):
            chunk = list(identifiers[start : start + 250])
            query = (
                select(c.reference, p.siret, p.rna, c.award, c.effective_date, c.amount)
                .join(party_table, p.convention_id == c.id)
                .where(p.siret.in_(chunk) | p.rna.in_(chunk))
            )
            for reference, siret, rna, award, signed_on, amount in self._connection.execute(query):
                decision = award_from_stored(award)
                for identifier in (siret, rna):
                    if not identifier:
                        continue
                    if decision is not None:
                        by_decision[f"{decision.reference}|{identifier}"] = reference
                    if signed_on is not None:
                        content = f"|{identifier}|{signed_on.isoformat()}|{amount:.2f}"
                        by_content[content] = (reference, decision is not None)
        return by_decision, by_content
