"""Erasing a convention's signatories' personal data from the stored rows (rule 21).

Every row that may hold a signatory's name or address is rewritten with the replacements
states.erasure computes: the signatories (current and replaced), the history's lines (their
actor and inputs, the one change the database lets through, once), the amendments, the emails
kept and the deadlines' explanations. The signed convention and the other papers are archives
and stay as they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from states.chain import HistoryLine, redacted_hash
from states.erasure import Person, Replacements
from storage.tables import (
    amendment_table,
    convention_table,
    deadline_table,
    event_table,
    outbox_table,
    party_table,
    signatory_table,
)

c, p, s, e = convention_table.c, party_table.c, signatory_table.c, event_table.c
a, o, d = amendment_table.c, outbox_table.c, deadline_table.c


class ErasureRepository:
    """The rows of one convention that name its signatories, and their rewriting."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def people(self, convention_id: int) -> tuple[list[Person], dict[str, str]]:
        """Every signatory the convention has had, in the order they were appointed, and its
        parties' names by key."""
        query = (select(s.party_key, s.name, s.email).where(s.convention_id == convention_id)
                 .order_by(s.id))  # fmt: skip
        people = [Person(r.party_key, r.name, r.email) for r in self._connection.execute(query)]
        parties = select(p.key, p.name).where(p.convention_id == convention_id)
        return people, {r.key: r.name for r in self._connection.execute(parties)}

    def redact(self, convention_id: int, reference: str, found: Replacements) -> dict[int, str]:
        """Rewrite every row naming a signatory; the redacted history lines' new hashes, by
        line (those an erasure's line attests)."""
        self._signatories(convention_id, found)
        self._json_rows(amendment_table, a.convention_id == convention_id,
                        ("changes", "applied", "signatures"), found)  # fmt: skip
        self._json_rows(outbox_table, o.convention_id == convention_id,
                        ("context", "subject", "last_error"), found)  # fmt: skip
        self._addresses(convention_id, found)
        self._json_rows(deadline_table, d.convention_id == convention_id,
                        ("explanation", "details"), found)  # fmt: skip
        return self._history(convention_id, reference, found)

    def _signatories(self, convention_id: int, found: Replacements) -> None:
        rows = self._connection.execute(
            select(s.id, s.name, s.email).where(s.convention_id == convention_id)
        ).all()
        for row in rows:
            address = found.placeholders.get(row.email.strip().lower(), row.email)
            values = {"name": found.text(row.name), "email": address}
            self._connection.execute(update(signatory_table).where(s.id == row.id).values(**values))

    def _addresses(self, convention_id: int, found: Replacements) -> None:
        """The emails' recipients keep the shape of addresses, ones that receive nothing."""
        rows = self._connection.execute(
            select(o.id, o.recipients, o.cc).where(o.convention_id == convention_id)
        ).all()
        for row in rows:
            recipients = [found.placeholders.get(x.strip().lower(), x) for x in row.recipients]
            cc = [found.placeholders.get(x.strip().lower(), x) for x in row.cc or []]
            if (recipients, cc) != (list(row.recipients), list(row.cc or [])):
                self._connection.execute(update(outbox_table).where(o.id == row.id)
                                         .values(recipients=recipients, cc=cc))  # fmt: skip

    def _json_rows(
        self, table: Any, owned: Any, columns: tuple[str, ...], found: Replacements
    ) -> None:
        present = [name for name in columns if name in table.c]
        rows = self._connection.execute(select(table.c.id, *(table.c[n] for n in present))
                                        .where(owned)).all()  # fmt: skip
        for row in rows:
            values = {n: found.value(getattr(row, n)) for n in present}
            if any(values[n] != getattr(row, n) for n in present):
                self._connection.execute(update(table).where(table.c.id == row.id).values(**values))

    def _history(self, convention_id: int, reference: str, found: Replacements) -> dict[int, str]:
        rows = self._connection.execute(
            select(event_table).where(e.convention_id == convention_id).order_by(e.seq)
        ).all()
        hashes: dict[int, str] = {}
        for row in rows:
            actor, inputs = found.text(row.actor), found.value(row.inputs or {})
            if (actor, inputs) == (row.actor, row.inputs or {}):
                continue
            self._connection.execute(
                update(event_table)
                .where(e.convention_id == convention_id, e.seq == row.seq)
                .values(actor=actor, inputs=inputs, redacted=True)
            )
            line = HistoryLine(
                reference, row.seq, row.name, row.from_state, row.to_state, row.occurred_on,
                row.recorded_at, actor, inputs, row.amendment,
            )  # fmt: skip
            hashes[row.seq] = redacted_hash(line)
        return hashes
