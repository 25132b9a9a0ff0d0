"""Which conventions have something due: shared by the deadline and reminder repositories."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, TextClause, func, select

from storage.tables import convention_table

c = convention_table.c
SPARE_CANDIDATES = 8
"""Candidates read for each convention wanted when other services may hold some of the oldest
(4 services each working on a batch hold 3 batches of the 4 oldest)."""


def references_due(
    connection: Connection,
    *,
    owner: Column[Any],
    instant: Column[Any],
    waiting: ColumnElement[bool] | TextClause,
    now: datetime,
    limit: int,
    exclude: Iterable[str] = (),
    skip_locked: bool = False,
) -> list[str]:
    """References of conventions with a row `waiting` (a condition: its status says it waits)
    whose `instant` has come, oldest first.

    `owner` is the row's convention_id column; conventions in `exclude` are left out, and with
    `skip_locked` (PostgreSQL) so are those another transaction holds locked: another service
    is working on them, and will finish them.
    """
    excluded = list(exclude)
    if not skip_locked:
        # SQLite: grouping the due rows joined to their conventions is what its planner does
        # best (5 ms with 1 000 due among 100 000; the form below took 120 ms there).
        query = (
            select(c.reference, func.min(instant).label("first"))
            .join(convention_table, c.id == owner)
            .where(waiting, instant <= now)
            .group_by(c.reference)
            .order_by("first")
            .limit(limit)
        )
        if excluded:
            query = query.where(c.reference.not_in(excluded))
        return [row.reference for row in connection.execute(query)]
    # PostgreSQL: the oldest candidates are chosen before the join: joining every due
    # convention first made it scan the whole convention table at each read (90 ms with
    # 20 000 due among 100 000: more than the batch's own work). Those excluded, or held by
    # another service, are left out after the choice, hence the spare candidates.
    candidates = limit * SPARE_CANDIDATES + len(excluded)
    due = (
        select(owner.label("owner"), func.min(instant).label("first"))
        .where(waiting, instant <= now)
        .group_by(owner)
        .order_by(func.min(instant), owner)
        .limit(candidates)
        .subquery()
    )
    query = (
        select(c.reference).join(due, due.c.owner == c.id).order_by(due.c.first, c.id).limit(limit)
    )
    if excluded:
        query = query.where(c.reference.not_in(excluded))
    # Without it, every service reads the same oldest batch, and all but one find it held
    # (measured: 2 services 0.57x one). The row lock taken here ends with the caller's short
    # read transaction; the work itself locks the conventions again.
    query = query.with_for_update(of=convention_table, skip_locked=True)
    return [row.reference for row in connection.execute(query)]
