"""The history's chain as stored: every line with its hashes, for `convflow verify`."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from sqlalchemy import Connection, select

from states.chain import HistoryLine
from storage.tables import convention_table, event_table

c, e = convention_table.c, event_table.c

StoredLine = tuple[HistoryLine, str | None, str | None]
"""A line, its stored `previous_hash` and its stored `content_hash`."""


class HistoryChains:
    """Reads each convention's history in order, as its chain covers it."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def chains(self, reference: str | None = None) -> Iterator[tuple[str, list[StoredLine]]]:
        """Each convention's reference and its lines in `seq` order (one convention's if given)."""
        query = (
            select(c.reference, e.seq, e.name, e.from_state, e.to_state, e.occurred_on,
                   e.recorded_at, e.actor, e.inputs, e.amendment, e.previous_hash,
                   e.content_hash)
            .join(convention_table, c.id == e.convention_id)
            .order_by(c.reference, e.seq)
        )  # fmt: skip
        if reference is not None:
            query = query.where(c.reference == reference)
        rows = self._connection.execute(query.execution_options(yield_per=2000))
        for ref, group in groupby(rows, key=lambda row: row.reference):
            yield ref, [
                (HistoryLine(row.reference, row.seq, row.name, row.from_state, row.to_state,
                             row.occurred_on, row.recorded_at, row.actor, row.inputs or {},
                             row.amendment), row.previous_hash, row.content_hash)
                for row in group
            ]  # fmt: skip
