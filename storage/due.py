"""Which conventions have something due: shared by the deadline and reminder repositories."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, func, select

from storage.tables import convention_table

c = convention_table.c


def references_due(
    connection: Connection,
    *,
    owner: Column[Any],
    instant: Column[Any],
    status: Column[Any],
    waiting: str,
    now: datetime,
    limit: int,
    exclude: Iterable[str] = (),
) -> list[str]:
    """References of conventions with a row `waiting` whose `instant` has come, oldest first.

    `owner` is the row's convention_id column; conventions in `exclude` are left out.
    """
    query = (
        select(c.reference, func.min(instant).label("first"))
        .join(convention_table, c.id == owner)
        .where(status == waiting, instant <= now)
        .group_by(c.reference)
        .order_by("first")
        .limit(limit)
    )
    excluded = list(exclude)
    if excluded:
        query = query.where(c.reference.not_in(excluded))
    return [row.reference for row in connection.execute(query)]
