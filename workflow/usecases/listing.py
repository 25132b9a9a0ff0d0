"""Read queries of the dashboard and the HTTP API: search, filter, sort, paginate, count.

Read-only, SQLAlchemy Core on `storage.tables`; the result shapes extend those of
`workflow.usecases.views` (keys may be added, never renamed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Numeric,
    Select,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
)

from storage.tables import (
    AnyRow,
    convention_table,
    deadline_table,
    outbox_table,
    party_table,
)
from workflow.bootstrap import App
from workflow.usecases.views import day, instant

c, d, p, o = convention_table.c, deadline_table.c, party_table.c, outbox_table.c
# A literal, not a bound parameter: SQLite uses the partial index on pending deadlines only
# when the query repeats the index's own condition word for word.
PENDING: ColumnElement[Any] = literal_column("'pending'")
_NEXT_AT = (
    select(func.min(d.expires_at))
    .where(d.convention_id == c.id, d.status == PENDING)
    .scalar_subquery()
)
_NEXT_KIND, _NEXT_DUE = (
    select(column)
    .where(d.convention_id == c.id, d.status == PENDING)
    .order_by(d.expires_at)
    .limit(1)
    .scalar_subquery()
    for column in (d.kind, d.due_date)
)
SORTS: dict[str, ColumnElement[Any]] = {
    "reference": c.reference,
    "title": c.title,
    "state": c.state,
    "end_date": c.end_date,
    "amount": cast(c.amount, Numeric(14, 2)),
    "next_deadline": _NEXT_AT,
}
"""The fields a list may be sorted on (an allow-list: nothing else reaches ORDER BY)."""
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class ConventionFilter:
    """What an administrator asks of the list: each criterion narrows it, none means all."""

    state: str | None = None
    party: str | None = None
    due_within_days: int | None = None
    text: str | None = None
    sort: str = "reference"
    descending: bool = False


@dataclass(frozen=True)
class PageRequest:
    """Which page of a list, counted from 1, and how many rows a page holds."""

    number: int = 1
    size: int = 50

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.number - 1) * self.size


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives scalar subqueries back naive; they are UTC like every stored instant.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _iso_day(value: date | str | None) -> str | None:
    # A scalar subquery loses the column's type: SQLite gives the date back as its text.
    return value if isinstance(value, str) or value is None else value.isoformat()


def _due(wanted: ConventionFilter, now: datetime) -> tuple[ColumnElement[bool], ...]:
    assert wanted.due_within_days is not None
    until = now + timedelta(days=wanted.due_within_days)
    return (d.status == PENDING, d.expires_at < until)


LOOKUP, LIST, PROBE = "lookup", "list", "probe"
"""How a page finds the conventions with a deadline due (see `page_ids`)."""


def _where(
    query: Select[Any], wanted: ConventionFilter, now: datetime, how: str = LOOKUP
) -> Select[Any]:
    if wanted.state:
        query = query.where(c.state == wanted.state)
    if wanted.text:
        query = query.where(
            or_(
                c.reference.icontains(wanted.text, autoescape=True),
                c.title.icontains(wanted.text, autoescape=True),
            )
        )
    if wanted.party:
        query = query.where(
            exists().where(
                p.convention_id == c.id,
                or_(p.key == wanted.party, p.name.icontains(wanted.party, autoescape=True)),
            )
        )
    if wanted.due_within_days is not None:
        query = query.where(_due_condition(wanted, now, how))
    return query


def _due_condition(wanted: ConventionFilter, now: datetime, how: str) -> ColumnElement[bool]:
    if how == PROBE:
        return exists().where(d.convention_id == c.id, *_due(wanted, now))
    # `id + 0` keeps SQLite from fetching each match by id (then sorting them all): it walks
    # the sort's index instead, and stops at the page.
    convention_id: ColumnElement[int] = c.id + 0 if how == LIST else c.id
    return convention_id.in_(select(d.convention_id).where(*_due(wanted, now)))


def _ordered(query: Select[Any], wanted: ConventionFilter) -> Select[Any]:
    key = SORTS[wanted.sort]
    first = key.desc() if wanted.descending else key.asc()
    if wanted.sort == "next_deadline":  # the only key that may be NULL: last, on both backends
        first = first.nulls_last()
    return query.order_by(first, c.reference)  # the reference breaks ties: pages stay stable


_SUMMARY = select(
    c.id, c.reference, c.title, c.state, c.effective_date, c.end_date, c.amount,
    _NEXT_AT.label("next_at"), _NEXT_KIND.label("next_kind"), _NEXT_DUE.label("next_due"),
)  # fmt: skip


def _summary_query(wanted: ConventionFilter, now: datetime) -> Select[Any]:
    return _ordered(_where(_SUMMARY, wanted, now), wanted)


SCAN_FROM = 2000
"""Above this many matches, walking the reference index finds a page sooner than fetching
every match by id and sorting it (the database cannot know how many match; we counted)."""


def strategy(
    connection: Connection, wanted: ConventionFilter, page: PageRequest, total: int
) -> str:
    """How to find a page of conventions with a deadline due, from how many match.

    Few matches: fetch them by id and sort them (LOOKUP). Many, in reference order: walk the
    reference index until the page is full, asking each convention whether it has a deadline
    due (PROBE: about a microsecond a convention walked), or first listing every convention
    that has one (LIST: half that a match, then cheaper steps); PROBE wins while the walk,
    estimated from the density of matches, is shorter than half the list.
    """
    if wanted.sort != "reference" or total < SCAN_FROM:
        return LOOKUP
    rows = connection.execute(select(func.max(c.id))).scalar() or 0  # ids count conventions
    walk = (page.offset + page.size) * rows / total
    return PROBE if 2 * walk < total else LIST


def page_ids(
    connection: Connection, wanted: ConventionFilter, now: datetime, page: PageRequest, how: str
) -> list[int]:
    """The ids of one page of the list, found the way `how` says (all ways agree)."""
    query = _ordered(_where(select(c.id), wanted, now, how), wanted)
    return [row.id for row in connection.execute(query.limit(page.size).offset(page.offset))]


def _page_rows(
    connection: Connection, wanted: ConventionFilter, now: datetime, page: PageRequest, total: int
) -> list[AnyRow]:
    # The page's ids are chosen first on cheap columns; only those rows then pay for their
    # next deadline (a correlated subquery each), not every row that matches. Two statements:
    # nested in one, SQLite no longer walks the index as asked.
    how = (
        strategy(connection, wanted, page, total) if wanted.due_within_days is not None else LOOKUP
    )
    ids = page_ids(connection, wanted, now, page, how)
    if not ids:
        return []
    return list(connection.execute(_ordered(_SUMMARY.where(c.id.in_(ids)), wanted)).all())


def _count(connection: Connection, wanted: ConventionFilter, now: datetime) -> int:
    if wanted.due_within_days is not None and not (wanted.state or wanted.party or wanted.text):
        # Every deadline has its convention (a foreign key): counted from the index alone.
        distinct = func.count(d.convention_id.distinct())
        return int(connection.execute(select(distinct).where(*_due(wanted, now))).scalar_one())
    query = _where(select(func.count()).select_from(convention_table), wanted, now)
    return int(connection.execute(query).scalar_one())


def _summary(row: AnyRow, parties: dict[int, list[dict[str, str]]]) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "title": row.title,
        "state": row.state,
        "effective_date": day(row.effective_date),
        "end_date": day(row.end_date),
        "amount": str(row.amount),
        "next_deadline_at": instant(_aware(row.next_at)),
        "next_deadline_kind": row.next_kind,
        "next_deadline_due": _iso_day(row.next_due),
        "parties": parties.get(row.id, []),
    }


def _parties_of(connection: Connection, ids: Sequence[int]) -> dict[int, list[dict[str, str]]]:
    found: dict[int, list[dict[str, str]]] = {}
    query = select(p.convention_id, p.key, p.name).order_by(p.convention_id, p.position)
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        for row in connection.execute(query.where(p.convention_id.in_(chunk))):
            found.setdefault(row.convention_id, []).append({"key": row.key, "name": row.name})
    return found


def search_conventions(
    app: App, wanted: ConventionFilter, page: PageRequest, now: datetime
) -> dict[str, Any]:
    """One page of the conventions that match, with how many match in all."""
    with app.uow(read_only=True) as uow:
        total = _count(uow.connection, wanted, now)
        rows = _page_rows(uow.connection, wanted, now, page, total)
        parties = _parties_of(uow.connection, [row.id for row in rows])
    return {
        "items": [_summary(row, parties) for row in rows],
        "total": total,
        "page": page.number,
        "per_page": page.size,
        "pages": max(1, -(-total // page.size)),
        "sort": wanted.sort,
        "order": "desc" if wanted.descending else "asc",
    }


def all_conventions(app: App, wanted: ConventionFilter, now: datetime) -> list[dict[str, Any]]:
    """Every convention that matches, in the asked order (for exports)."""
    with app.uow(read_only=True) as uow:
        rows = uow.connection.execute(_summary_query(wanted, now)).all()
        parties = _parties_of(uow.connection, [row.id for row in rows])
    return [_summary(row, parties) for row in rows]


def counts_by_state(app: App) -> dict[str, int]:
    """How many conventions are in each state."""
    with app.uow(read_only=True) as uow:
        rows = uow.connection.execute(select(c.state, func.count()).group_by(c.state)).all()
    return {row[0]: int(row[1]) for row in rows}


def _deadline_item(row: AnyRow) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "title": row.title,
        "state": row.state,
        "kind": row.kind,
        "due_date": day(row.due_date),
        "expires_at": instant(row.expires_at),
        "status": row.status,
    }


def upcoming_deadlines(
    app: App, now: datetime, days: int, limit: int | None = None
) -> dict[str, Any]:
    """Pending deadlines that fall within `days` (overdue ones first), and how many in all."""
    due = (d.status == PENDING, d.expires_at < now + timedelta(days=days))
    columns = (c.reference, c.title, c.state, d.kind, d.due_date, d.expires_at, d.status)
    # Ordered as the pending index is (instant, then row): read in order, no sort.
    query = (
        select(*columns)
        .join(convention_table, c.id == d.convention_id)
        .where(*due)
        .order_by(d.expires_at, d.id)
    )
    if limit is not None:
        query = query.limit(limit)
    counted = select(func.count()).select_from(deadline_table).where(*due)
    with app.uow(read_only=True) as uow:
        rows = uow.connection.execute(query).all()
        total = uow.connection.execute(counted).scalar_one()
    return {"items": [_deadline_item(row) for row in rows], "total": total, "days": days}


_NOT_IN_CALENDAR = ("cancelled", "superseded")  # never fell: nothing to show on a calendar


def calendar_deadlines(
    app: App, reference: str | None, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Deadlines for a calendar feed: one convention's, or every convention's due from `since`
    to `until`; those that will never fall (cancelled, superseded) are left out."""
    columns = (c.reference, c.title, d.kind, d.status, d.due_date, d.expires_at, d.explanation)
    query = (
        select(*columns, d.opened_by_seq, d.created_at, d.resolved_at)
        .join(convention_table, c.id == d.convention_id)
        .where(d.status.not_in(_NOT_IN_CALENDAR))
        .order_by(d.due_date, c.reference, d.kind)
    )
    if since is not None:
        query = query.where(d.due_date >= since)
    if until is not None:
        query = query.where(d.due_date <= until)
    if reference is not None:
        query = query.where(c.reference == reference)
    with app.uow(read_only=True) as uow:
        if reference is not None:
            uow.conventions.get(reference)  # UnknownConvention for a reference that is not
        rows = uow.connection.execute(query).all()
    return [
        {
            **_deadline_item_short(row),
            "explanation": row.explanation,
            "opened_by_seq": row.opened_by_seq,
            "created_at": row.created_at,
            "resolved_at": row.resolved_at,
        }
        for row in rows
    ]


def _deadline_item_short(row: AnyRow) -> dict[str, Any]:
    return {
        "reference": row.reference,
        "title": row.title,
        "kind": row.kind,
        "status": row.status,
        "due_date": row.due_date,
        "expires_at": row.expires_at,
    }


def failed_emails(app: App, limit: int = 50) -> dict[str, Any]:
    """Emails the outbox gave up on (status 'failed'), the latest first, and how many."""
    columns = (o.id, o.kind, o.subject, o.recipients, o.attempts, o.last_error, o.created_at)
    query = (
        select(*columns, c.reference)
        .outerjoin(convention_table, c.id == o.convention_id)
        .where(o.status == "failed")
        .order_by(o.created_at.desc(), o.id.desc())
        .limit(limit)
    )
    counted = select(func.count()).select_from(outbox_table).where(o.status == "failed")
    with app.uow(read_only=True) as uow:
        rows = uow.connection.execute(query).all()
        total = uow.connection.execute(counted).scalar_one()
    items = [
        {
            "id": row.id,
            "reference": row.reference,
            "kind": row.kind,
            "subject": row.subject,
            "recipients": list(row.recipients or []),
            "attempts": row.attempts,
            "last_error": row.last_error,
            "created_at": instant(row.created_at),
        }
        for row in rows
    ]
    return {"items": items, "total": total}
