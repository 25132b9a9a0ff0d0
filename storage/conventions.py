"""The convention repository: conventions with their parties, signatories, signatures, history."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update

from states.chain import GENESIS, HistoryLine, link
from states.convention import Clauses, Convention, Signatory
from states.errors import ConcurrentChange, UnknownConvention
from states.lifecycle import Outcome
from states.spelling import meant_reference
from storage import reads
from storage import statements as sql
from storage.fastpath import Prepared
from storage.mapping import (
    award_to_json,
    clauses_to_json,
    committee_to_json,
    convention_from_rows,
    dispute_to_json,
    financial_report_to_json,
    notice_to_json,
    payments_to_json,
)
from storage.tables import (
    AnyRow,
    convention_table,
    event_table,
    party_table,
    signatory_table,
)

c = convention_table.c
e = event_table.c

REFERENCE_LOCKS = 0x63666C72  # "cflr": PostgreSQL advisory locks (class, key) on a reference
IMPORT_LOCKS = 0x63666C61  # "cfla": (class, 0), the one every import takes before those
EACH_REFERENCE_UP_TO = 64
"""An import of at most this many references holds each of them (and shares the imports'
lock); one of more holds the imports' lock alone, exclusively: PostgreSQL keeps every lock
held in one table shared by all its connections (max_locks_per_transaction, 64 by default,
times the connections), which a spreadsheet's thousands of references would fill."""
_HOLD = text("SELECT pg_advisory_xact_lock(CAST(:class AS integer), CAST(:key AS integer))")
_SHARE = text("SELECT pg_advisory_xact_lock_shared(CAST(:class AS integer), CAST(:key AS integer))")


def case_key(reference: str) -> int:
    """The key of a reference's lock, case aside: a signed 32-bit number (CRC-32 of the
    reference in lowercase). Two references of one key only wait for each other."""
    key = zlib.crc32(reference.lower().encode("utf-8", "surrogatepass"))
    return key - (1 << 32) if key >= 1 << 31 else key


def _state_values(convention: Convention) -> dict[str, Any]:
    return {
        "state": convention.state,
        "amount": convention.amount,
        "end_date": convention.end_date,
        "submitted_on": convention.submitted_on,
        "effective_date": convention.effective_date,
        "notified_on": convention.notified_on,
        "paid_on": convention.paid_on,
        "paid_amount": convention.paid_amount,
        "payments": payments_to_json(convention.payments),
        "dispute": dispute_to_json(convention.dispute),
        "notice": notice_to_json(convention.notice),
        "last_event_on": convention.last_event_on,
        "own_event_on": convention.own_event_on,
        "own_event": convention.own_event,
        "own_event_before_end_on": convention.own_event_before_end_on,
        "own_event_before_end": convention.own_event_before_end,
        "terms_changed_on": convention.terms_changed_on,
        "terms_changed_by": convention.terms_changed_by,
        "award": award_to_json(convention.award),
        "financial_report": financial_report_to_json(convention.financial_report),
        "committee": committee_to_json(convention.committee),
    }


@dataclass
class _Identity:
    """What a loaded convention is in the database, kept out of the domain object."""

    convention_id: int
    signatory_ids: dict[str, int]
    clauses: Clauses | None  # as loaded: written back only when an amendment replaced them


class ConventionRepository:
    """Conventions with their parties and signatories, and their history."""

    def __init__(self, connection: Connection, lock_rows: bool) -> None:
        self._connection = connection
        self._lock_rows = lock_rows
        self._identities: dict[str, _Identity] = {}
        self._references: dict[int, str] = {}  # the other way round, for the history's chain
        self._heads: dict[int, tuple[int, str]] = {}  # per convention: its last line's seq, hash

    def exists(self, reference: str) -> bool:
        """True when a convention has this reference."""
        return self.find_id(reference) is not None

    def existing(self, references: Sequence[str]) -> set[str]:
        """Those of `references` a convention already has, in a few queries for many."""
        found: set[str] = set()
        for start in range(0, len(references), 500):
            chunk = list(references[start : start + 500])
            query = select(c.reference).where(c.reference.in_(chunk))
            found.update(self._connection.execute(query).scalars())
        return found

    def existing_any_case(self, references: Sequence[str]) -> set[str]:
        """The stored references equal to one of `references` but for case (`conv-1` finds
        `CONV-1`, and `conv-1` itself), as they are stored; a few queries for many, each
        answered from the index on `lower(reference)` (migration 0020). References are ASCII
        (states.identifiers), which SQLite's and PostgreSQL's `lower` fold alike."""
        lowered = sorted({reference.lower() for reference in references if "\x00" not in reference})
        found: set[str] = set()
        for start in range(0, len(lowered), 500):
            chunk = lowered[start : start + 500]
            query = select(c.reference).where(func.lower(c.reference).in_(chunk))
            found.update(self._connection.execute(query).scalars())
        return found

    def hold_references(self, references: Sequence[str]) -> None:
        """Hold off, until this unit of work ends, any other that would add one of these
        references in any case (`conv-1` for `CONV-1`): call it before checking that none is
        taken, so that the check and the insert are one step for them. The index on
        lower(reference) is not unique (a database may hold such pairs from before migration
        0020), so without it two imports at once both find nothing and both insert.

        PostgreSQL: advisory locks of the transaction, taken in one order (the imports' lock
        shared, then each reference's key, sorted), or the imports' lock alone, exclusive,
        for more than EACH_REFERENCE_UP_TO references. SQLite: nothing to do, a writing unit
        of work began with BEGIN IMMEDIATE and holds the only write lock until it ends."""
        if self._connection.dialect.name != "postgresql":
            return
        keys = sorted({case_key(reference) for reference in references})
        if len(keys) > EACH_REFERENCE_UP_TO:
            self._connection.execute(_HOLD, {"class": IMPORT_LOCKS, "key": 0})
            return
        self._connection.execute(_SHARE, {"class": IMPORT_LOCKS, "key": 0})
        for key in keys:
            self._connection.execute(_HOLD, {"class": REFERENCE_LOCKS, "key": key})

    def id_of(self, reference: str) -> int:
        """The row id of a convention loaded or added in this unit of work."""
        return self._identities[reference].convention_id

    def find_id(self, reference: str) -> int | None:
        """The row id of a convention, without loading it (None if there is none)."""
        if "\x00" in reference:  # no reference holds one, and PostgreSQL refuses to compare it
            return None
        found = self._connection.execute(select(c.id).where(c.reference == reference)).first()
        return None if found is None else int(found[0])

    def get(self, reference: str, *, for_update: bool = False) -> Convention:
        """The convention with this reference; locked until commit when `for_update`."""
        if "\x00" in reference:  # no reference holds one, and PostgreSQL refuses to compare it
            raise UnknownConvention(reference)
        if for_update and self._lock_rows:
            sql.LOCK.execute(self._connection, {"reference": reference}).close()
        rows = [
            dict(zip(sql.LOAD_COLUMNS, row, strict=True))
            for row in sql.LOAD.rows(self._connection, {"reference": reference})
        ]
        if not rows:
            raise UnknownConvention(reference, self.meant(reference))
        return self._remember(rows)

    def meant(self, reference: str) -> str | None:
        """The stored reference most likely meant by `reference`, which none has: equal to it
        but for case, or close in spelling among its neighbours in the index on
        lower(reference) (reads.NEAR_REFERENCES, one query); None when none is."""
        if "\x00" in reference:  # no reference holds one, and PostgreSQL refuses to compare it
            return None
        near = self._connection.execute(reads.NEAR_REFERENCES, {"reference": reference})
        return meant_reference(reference, [str(found) for found in near.scalars()])

    def try_lock(self, reference: str) -> bool:
        """Lock this convention until commit unless another transaction holds it: False then
        (on PostgreSQL another service is working on it; SQLite has one writer: always True).
        """
        if not self._lock_rows:
            return True
        cursor = sql.TRY_LOCK.execute(self._connection, {"reference": reference})
        locked = cursor.fetchone() is not None
        cursor.close()
        return locked

    def get_unlocked_ones(self, references: Sequence[str]) -> list[Convention]:
        """Those of these conventions no other transaction holds, locked until commit (on
        PostgreSQL the others are skipped: another worker has them; SQLite has one writer)."""
        query = sql.LOAD_MANY_UNLESS_LOCKED if self._lock_rows else sql.LOAD_MANY
        return self._load_many(query, references)

    def signed_references(self) -> list[str]:
        """The references of every convention that came into force, in order."""
        query = select(c.reference).where(c.effective_date.is_not(None)).order_by(c.reference)
        return [str(r) for r in self._connection.execute(query).scalars()]

    def get_each(self, references: Sequence[str]) -> list[Convention]:
        """These conventions (those that exist), read without locking."""
        return self._load_many(sql.LOAD_MANY, references)

    def _load_many(self, query: Prepared, references: Sequence[str]) -> list[Convention]:
        """Conventions read a hundred at a time, in one statement each."""
        found = []
        for start in range(0, len(references), sql.MANY):
            chunk = list(references[start : start + sql.MANY])
            chunk += [chunk[-1]] * (sql.MANY - len(chunk))
            grouped: dict[str, list[dict[str, Any]]] = {}
            for row in query.rows(self._connection, {f"r{i}": r for i, r in enumerate(chunk)}):
                record = dict(zip(sql.LOAD_COLUMNS, row, strict=True))
                grouped.setdefault(record["reference"], []).append(record)
            found += [self._remember(rows) for rows in grouped.values()]
        return found

    def _remember(self, rows: list[dict[str, Any]]) -> Convention:
        convention = convention_from_rows(rows)
        self._identities[convention.reference] = _Identity(
            rows[0]["id"],
            {r["signatory_email_"].lower(): r["signatory_id_"] for r in rows if r["signatory_id_"]},
            convention.clauses,
        )
        self._references[rows[0]["id"]] = convention.reference
        if rows[0]["head_hash_"] is not None:
            self._heads[rows[0]["id"]] = (convention.version, rows[0]["head_hash_"])
        return convention

    def add(self, convention: Convention, now: datetime) -> int:
        """Insert a new convention (version 1) with its parties and signatories."""
        return self.add_many([convention], now)[0]

    def add_many(self, conventions: Sequence[Convention], now: datetime) -> list[int]:
        """Insert new conventions (version 1) with their parties and signatories, a few
        statements for all of them (a spreadsheet's thousands of rows); their ids in order."""
        if not conventions:
            return []
        statement = insert(convention_table).returning(c.id, sort_by_parameter_order=True)
        ids = [int(i) for i in self._connection.execute(
            statement, [_new_row(convention, now) for convention in conventions]
        ).scalars()]  # fmt: skip
        self._insert_people(list(zip(ids, conventions, strict=True)))
        for cid, convention in zip(ids, conventions, strict=True):
            convention.version = 1
            self._identities[convention.reference] = _Identity(cid, {}, convention.clauses)
            self._references[cid] = convention.reference
        return ids

    def _insert_people(self, owned: Sequence[tuple[int, Convention]]) -> None:
        """Insert the parties and signatories of conventions (id, convention)."""
        parties = [
            {
                "convention_id": cid,
                "key": party.key,
                "name": party.name,
                "position": i,
                "siret": party.siret,
                "rna": party.rna,
            }
            for cid, convention in owned
            for i, party in enumerate(convention.parties)
        ]
        self._connection.execute(insert(party_table), parties)
        signatories = [
            {
                "convention_id": cid,
                "party_key": signatory.party,
                "name": signatory.name,
                "title": signatory.title,
                "email": signatory.email,
                "position": i,
            }
            for cid, convention in owned
            for i, signatory in enumerate(convention.signatories)
        ]
        self._connection.execute(insert(signatory_table), signatories)

    def replace_draft(self, convention: Convention, now: datetime) -> int:
        """Replace a draft's terms, parties and signatories with `convention`'s (loaded in
        this unit of work, so its version is the one read); refuse if it changed meanwhile or
        left draft. Return the new version."""
        identity = self._identities[convention.reference]
        cid = identity.convention_id
        values = {k: v for k, v in _new_row(convention, now).items() if k != "created_at"}
        values["version"] = convention.version + 1
        changed = self._connection.execute(
            update(convention_table)
            .where(c.id == cid, c.version == convention.version, c.state == "draft")
            .values(**values)
        ).rowcount
        if changed != 1:
            raise ConcurrentChange(convention.reference, convention.version, None)
        self._connection.execute(
            delete(signatory_table).where(signatory_table.c.convention_id == cid)
        )
        self._connection.execute(delete(party_table).where(party_table.c.convention_id == cid))
        self._insert_people([(cid, convention)])
        convention.version += 1
        self._identities[convention.reference] = _Identity(cid, {}, convention.clauses)
        return convention.version

    def save(self, convention: Convention, now: datetime) -> int:
        """Write the convention's new state; refuse if someone else saved it meanwhile.

        Returns the new version, which is also the sequence number of the event recorded.
        """
        identity = self._identities[convention.reference]
        expected = convention.version
        values = {
            **_state_values(convention),
            "id_": identity.convention_id,
            "expected_": expected,
            "version": expected + 1,
            "updated_at": now,
        }
        statement = sql.SAVE_STATE
        if convention.clauses is not identity.clauses:
            statement = sql.SAVE_STATE_AND_CLAUSES
            values["clauses"] = clauses_to_json(convention.clauses)
        cursor = statement.execute(self._connection, values)
        if cursor.rowcount != 1:
            actual = self._connection.execute(
                select(c.version).where(c.id == identity.convention_id)
            ).scalar()
            raise ConcurrentChange(convention.reference, expected, actual)
        convention.version = expected + 1
        identity.clauses = convention.clauses
        return convention.version

    def record_signature(
        self,
        convention: Convention,
        signatory: Signatory,
        seq: int,
        now: datetime,
        amendment: int | None = None,
    ) -> None:
        """Keep a signature of the convention (or of an amendment), as its own row."""
        identity = self._identities[convention.reference]
        signatory_id = identity.signatory_ids[signatory.email.lower()]
        signature = {
            "convention_id": identity.convention_id,
            "signatory_id": signatory_id,
            "signed_on": signatory.signed_on,
            "recorded_at": now,
            "event_seq": seq,
            "amendment": amendment,
        }
        sql.INSERT_SIGNATURE.execute(self._connection, signature).close()

    def append_event(
        self,
        convention_id: int,
        seq: int,
        name: str,
        from_state: str | None,
        to_state: str,
        occurred_on: date,
        actor: str,
        inputs: Mapping[str, Any],
        now: datetime,
        amendment: int | None = None,
    ) -> None:
        """Append one line to the convention's history (about an amendment, if numbered),
        chained to the line before it (states.chain)."""
        previous = GENESIS if seq == 1 else self._head_of(convention_id, seq - 1)
        line = HistoryLine(self._reference_of(convention_id), seq, name, from_state, to_state,
                           occurred_on, now, actor, inputs, amendment)  # fmt: skip
        content_hash = link(previous, line)
        row = {
            "convention_id": convention_id,
            "seq": seq,
            "name": name,
            "from_state": from_state,
            "to_state": to_state,
            "occurred_on": occurred_on,
            "recorded_at": now,
            "actor": actor,
            "inputs": dict(inputs),
            "amendment": amendment,
            "previous_hash": previous,
            "content_hash": content_hash,
            "redacted": False,
        }
        sql.INSERT_EVENT.execute(self._connection, row).close()
        self._heads[convention_id] = (seq, content_hash)

    def _head_of(self, convention_id: int, seq: int) -> str:
        """The hash of the convention's last history line, line `seq` (GENESIS before its
        first): as read with the convention or written in this unit of work, else queried."""
        known = self._heads.get(convention_id)
        if known is not None and known[0] == seq:
            return known[1]
        query = (select(e.content_hash).where(e.convention_id == convention_id)
                 .order_by(e.seq.desc()).limit(1))  # fmt: skip
        found = self._connection.execute(query).scalar()
        return found or GENESIS

    def _reference_of(self, convention_id: int) -> str:
        known = self._references.get(convention_id)
        if known is None:
            query = select(c.reference).where(c.id == convention_id)
            known = self._references[convention_id] = str(
                self._connection.execute(query).scalar_one()
            )
        return known

    def record(self, convention: Convention, outcome: Outcome, now: datetime) -> int:
        """Save the convention after `outcome` and append its history line; return its seq."""
        seq = self.save(convention, now)
        self.append_event(
            self.id_of(convention.reference), seq, outcome.trigger, outcome.from_state,
            outcome.to_state, outcome.on, outcome.actor, outcome.inputs, now,
        )  # fmt: skip
        if outcome.signed is not None:
            self.record_signature(convention, outcome.signed, seq, now)
        return seq

    def replace_representatives(
        self, convention: Convention, parties: Sequence[str], amendment: int
    ) -> None:
        """Amendment n°`amendment` appointed new signatories for `parties`: the previous rows
        stay (with their signatures), marked replaced; the new ones are added."""
        identity = self._identities[convention.reference]
        s_ = signatory_table.c
        self._connection.execute(
            update(signatory_table)
            .where(
                s_.convention_id == identity.convention_id,
                s_.party_key.in_(list(parties)),
                s_.replaced_by.is_(None),
            )
            .values(replaced_by=amendment)
        )
        first = 1 + (
            self._connection.execute(
                select(func.max(s_.position)).where(s_.convention_id == identity.convention_id)
            ).scalar()
            or 0
        )
        for position, signatory in enumerate(
            (s for s in convention.signatories if s.party in parties), start=first
        ):
            new_id = self._connection.execute(
                insert(signatory_table)
                .values(
                    convention_id=identity.convention_id, party_key=signatory.party,
                    name=signatory.name, title=signatory.title, email=signatory.email,
                    position=position,
                )
                .returning(s_.id)
            ).scalar_one()  # fmt: skip
            identity.signatory_ids[signatory.email.lower()] = int(new_id)

    def former_signatories(self, convention_id: int) -> list[AnyRow]:
        """The signatories an amendment replaced, with the day each signed the convention."""
        owner = {"convention_id": convention_id}
        return list(self._connection.execute(reads.FORMER_SIGNATORIES, owner))

    def original_terms(self, convention_id: int) -> dict[str, Any] | None:
        """The terms the convention was imported with, before any amendment."""
        owner = {"convention_id": convention_id}
        return self._connection.execute(reads.ORIGINAL_TERMS, owner).scalar()

    def history(self, convention_id: int) -> list[AnyRow]:
        """Every history line of a convention, oldest first."""
        return list(self._connection.execute(reads.HISTORY, {"convention_id": convention_id}))


def _new_row(convention: Convention, now: datetime) -> dict[str, Any]:
    """A new convention's row: its state, clauses and the terms it was signed with."""
    clauses = clauses_to_json(convention.clauses)
    return {
        "reference": convention.reference,
        "title": convention.title,
        "object": convention.object,
        "place": convention.place,
        **_state_values(convention),
        "clauses": clauses,
        "open_data": {"object": convention.open_data_object}
        if convention.open_data_object
        else None,
        "original_terms": {
            "amount": str(convention.amount),
            "end_date": convention.end_date.isoformat(),
            "clauses": clauses,
        },
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
