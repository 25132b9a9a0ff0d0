"""Repositories: load and save conventions, append history, open and close deadlines.

They work on the unit of work's connection with SQLAlchemy Core: one query loads a convention
with its parties and signatories, and a command writes a handful of rows. The ORM's identity
map and flush would cost more than the fsync itself on this path (see bench/).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select, update

from states.convention import Convention, Party, Signatory
from states.deadlines import ComputedDeadline, DeadlineClosure
from states.errors import ConcurrentChange, UnknownConvention
from states.lifecycle import Outcome
from storage.mapping import (
    clauses_from_json,
    clauses_to_json,
    deadline_details,
    dispute_from_json,
    dispute_to_json,
    notice_from_json,
    notice_to_json,
)
from storage.tables import (
    convention_table,
    deadline_table,
    event_table,
    party_table,
    signatory_table,
    signature_table,
)

AnyRow = Row[*tuple[Any, ...]]
"""A result row of any shape (SQLAlchemy 2.1 types rows by their columns)."""

c, p, s = convention_table.c, party_table.c, signatory_table.c

_LOAD = (
    select(
        convention_table,
        p.key.label("party_key_"),
        p.name.label("party_name_"),
        s.id.label("signatory_id_"),
        s.name.label("signatory_name_"),
        s.title.label("signatory_title_"),
        s.email.label("signatory_email_"),
        s.signed_on.label("signatory_signed_on_"),
    )
    .join(party_table, p.convention_id == c.id)
    .outerjoin(signatory_table, (s.convention_id == c.id) & (s.party_key == p.key))
    .order_by(p.position, s.position)
)


def _state_values(convention: Convention) -> dict[str, Any]:
    """The columns an event may change."""
    return {
        "state": convention.state,
        "amount": convention.amount,
        "end_date": convention.end_date,
        "clauses": clauses_to_json(convention.clauses),
        "submitted_on": convention.submitted_on,
        "effective_date": convention.effective_date,
        "notified_on": convention.notified_on,
        "paid_on": convention.paid_on,
        "paid_amount": convention.paid_amount,
        "dispute": dispute_to_json(convention.dispute),
        "notice": notice_to_json(convention.notice),
        "last_event_on": convention.last_event_on,
    }


def _convention_from_rows(rows: Sequence[AnyRow]) -> Convention:
    first = rows[0]
    parties: list[Party] = []
    signatories: list[Signatory] = []
    for row in rows:
        if not parties or parties[-1].key != row.party_key_:
            parties.append(Party(row.party_key_, row.party_name_))
        if row.signatory_id_ is not None:
            signatories.append(
                Signatory(
                    party=row.party_key_,
                    name=row.signatory_name_,
                    title=row.signatory_title_,
                    email=row.signatory_email_,
                    signed_on=row.signatory_signed_on_,
                )
            )
    return Convention(
        reference=first.reference,
        title=first.title,
        object=first.object,
        place=first.place,
        amount=first.amount,
        end_date=first.end_date,
        clauses=clauses_from_json(first.clauses),
        parties=parties,
        signatories=signatories,
        state=first.state,
        version=first.version,
        submitted_on=first.submitted_on,
        effective_date=first.effective_date,
        notified_on=first.notified_on,
        paid_on=first.paid_on,
        paid_amount=first.paid_amount,
        dispute=dispute_from_json(first.dispute),
        notice=notice_from_json(first.notice),
        last_event_on=first.last_event_on,
    )


@dataclass
class _Identity:
    """Row ids of a loaded convention, kept out of the domain object."""

    convention_id: int
    signatory_ids: dict[str, int]


class ConventionRepository:
    """Conventions with their parties and signatories, and their history."""

    def __init__(self, connection: Connection, lock_rows: bool) -> None:
        self._connection = connection
        self._lock_rows = lock_rows
        self._identities: dict[str, _Identity] = {}

    def exists(self, reference: str) -> bool:
        """True when a convention has this reference."""
        query = select(c.id).where(c.reference == reference)
        return self._connection.execute(query).first() is not None

    def id_of(self, reference: str) -> int:
        """The row id of a convention loaded or added in this unit of work."""
        return self._identities[reference].convention_id

    def get(self, reference: str, *, for_update: bool = False) -> Convention:
        """The convention with this reference; locked until commit when `for_update`."""
        query = _LOAD.where(c.reference == reference)
        if for_update and self._lock_rows:
            query = query.with_for_update(of=convention_table)
        rows = self._connection.execute(query).all()
        if not rows:
            raise UnknownConvention(reference)
        self._identities[reference] = _Identity(
            rows[0].id,
            {r.signatory_email_.lower(): r.signatory_id_ for r in rows if r.signatory_id_},
        )
        return _convention_from_rows(rows)

    def add(self, convention: Convention, now: datetime) -> int:
        """Insert a new convention (version 1) with its parties and signatories."""
        values = {
            "reference": convention.reference,
            "title": convention.title,
            "object": convention.object,
            "place": convention.place,
            **_state_values(convention),
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        convention_id = self._connection.execute(
            insert(convention_table).values(values).returning(c.id)
        ).scalar_one()
        self._connection.execute(
            insert(party_table),
            [
                {
                    "convention_id": convention_id,
                    "key": party.key,
                    "name": party.name,
                    "position": i,
                }
                for i, party in enumerate(convention.parties)
            ],
        )
        self._connection.execute(
            insert(signatory_table),
            [
                {
                    "convention_id": convention_id,
                    "party_key": signatory.party,
                    "name": signatory.name,
                    "title": signatory.title,
                    "email": signatory.email,
                    "position": i,
                }
                for i, signatory in enumerate(convention.signatories)
            ],
        )
        convention.version = 1
        self._identities[convention.reference] = _Identity(convention_id, {})
        return int(convention_id)

    def save(self, convention: Convention, now: datetime) -> int:
        """Write the convention's new state; refuse if someone else saved it meanwhile.

        Returns the new version, which is also the sequence number of the event recorded.
        """
        identity = self._identities[convention.reference]
        expected = convention.version
        result = self._connection.execute(
            update(convention_table)
            .where(c.id == identity.convention_id, c.version == expected)
            .values(**_state_values(convention), version=expected + 1, updated_at=now)
        )
        if result.rowcount != 1:
            actual = self._connection.execute(
                select(c.version).where(c.id == identity.convention_id)
            ).scalar()
            raise ConcurrentChange(convention.reference, expected, actual)
        convention.version = expected + 1
        return convention.version

    def record_signature(
        self, convention: Convention, signatory: Signatory, seq: int, now: datetime
    ) -> None:
        """Keep the signature: its own row, and the signatory's `signed_on`."""
        identity = self._identities[convention.reference]
        signatory_id = identity.signatory_ids[signatory.email.lower()]
        assert signatory.signed_on is not None
        self._connection.execute(
            insert(signature_table).values(
                convention_id=identity.convention_id,
                signatory_id=signatory_id,
                signed_on=signatory.signed_on,
                recorded_at=now,
                event_seq=seq,
            )
        )
        self._connection.execute(
            update(signatory_table)
            .where(signatory_table.c.id == signatory_id)
            .values(signed_on=signatory.signed_on)
        )

    def append_event(
        self,
        convention_id: int,
        seq: int,
        name: str,
        from_state: str | None,
        to_state: str,
        occurred_on: date,
        actor: str,
        inputs: dict[str, str],
        now: datetime,
    ) -> None:
        """Append one line to the convention's history."""
        self._connection.execute(
            insert(event_table).values(
                convention_id=convention_id,
                seq=seq,
                name=name,
                from_state=from_state,
                to_state=to_state,
                occurred_on=occurred_on,
                recorded_at=now,
                actor=actor,
                inputs=inputs,
            )
        )

    def record(self, convention: Convention, outcome: Outcome, now: datetime) -> int:
        """Save the convention after `outcome` and append its history line; return its seq."""
        seq = self.save(convention, now)
        convention_id = self.id_of(convention.reference)
        self.append_event(
            convention_id,
            seq,
            outcome.trigger,
            outcome.from_state,
            outcome.to_state,
            outcome.on,
            outcome.actor,
            outcome.inputs,
            now,
        )
        if outcome.signed is not None:
            self.record_signature(convention, outcome.signed, seq, now)
        return seq

    def history(self, convention_id: int) -> list[AnyRow]:
        """Every history line of a convention, oldest first."""
        query = (
            select(event_table)
            .where(event_table.c.convention_id == convention_id)
            .order_by(event_table.c.seq)
        )
        return list(self._connection.execute(query).all())


class DeadlineRepository:
    """The deadlines of every convention: opened, closed and found due."""

    def __init__(self, connection: Connection, lock_rows: bool) -> None:
        self._connection = connection
        self._lock_rows = lock_rows

    def open(
        self,
        convention_id: int,
        seq: int,
        deadlines: Iterable[ComputedDeadline],
        now: datetime,
    ) -> None:
        """Store newly computed deadlines as pending."""
        rows = [
            {
                "convention_id": convention_id,
                "kind": d.kind,
                "status": "pending",
                "trigger_date": d.trigger_date,
                "raw_end": d.raw_end,
                "due_date": d.due_date,
                "expires_at": d.expires_at,
                "explanation": d.explanation,
                "details": deadline_details(d),
                "opened_by_seq": seq,
                "created_at": now,
            }
            for d in deadlines
        ]
        if rows:
            self._connection.execute(insert(deadline_table), rows)

    def close(self, convention_id: int, closures: Iterable[DeadlineClosure], now: datetime) -> None:
        """Move the deadlines each closure names to its new status, in order."""
        d = deadline_table.c
        for closure in closures:
            query = update(deadline_table).where(
                d.convention_id == convention_id, d.status.in_(closure.from_statuses)
            )
            if closure.kind is not None:
                query = query.where(d.kind == closure.kind)
            self._connection.execute(query.values(status=closure.status, resolved_at=now))

    def for_convention(self, convention_id: int) -> list[AnyRow]:
        """Every deadline of a convention, the next to fall first."""
        d = deadline_table.c
        query = (
            select(deadline_table)
            .where(d.convention_id == convention_id)
            .order_by(d.expires_at, d.id)
        )
        return list(self._connection.execute(query).all())

    def conventions_due(self, now: datetime, limit: int, exclude: Iterable[str] = ()) -> list[str]:
        """References of conventions with a pending deadline expired at `now`, oldest first."""
        d = deadline_table.c
        query = (
            select(c.reference, func.min(d.expires_at).label("first"))
            .join(convention_table, c.id == d.convention_id)
            .where(d.status == "pending", d.expires_at <= now)
            .group_by(c.reference)
            .order_by("first")
            .limit(limit)
        )
        excluded = list(exclude)
        if excluded:
            query = query.where(c.reference.not_in(excluded))
        return [row.reference for row in self._connection.execute(query)]

    def due_for(self, convention_id: int, now: datetime) -> list[AnyRow]:
        """The pending deadlines of a convention that have expired at `now`."""
        d = deadline_table.c
        query = (
            select(deadline_table)
            .where(d.convention_id == convention_id, d.status == "pending", d.expires_at <= now)
            .order_by(d.expires_at, d.id)
        )
        return list(self._connection.execute(query).all())

    def mark(self, deadline_id: int, status: str, now: datetime) -> None:
        """Set one deadline's status."""
        self._connection.execute(
            update(deadline_table)
            .where(deadline_table.c.id == deadline_id)
            .values(status=status, resolved_at=now)
        )

    def next_due(self) -> datetime | None:
        """The earliest instant a pending deadline expires."""
        d = deadline_table.c
        return self._connection.execute(
            select(func.min(d.expires_at)).where(d.status == "pending")
        ).scalar()
