"""The administrators' list queries: search, filter, sort, paginate and count, in SQL.

Read-only SQLAlchemy Core on the tables. The service layer (`workflow.usecases.listing`) turns
the rows into the read models the dashboard, the API and the command line show.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Numeric,
    Select,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    not_,
    or_,
    select,
)

from states.deadlines import END_KINDS, closed_by_end
from states.lifecycle import IN_FORCE
from states.overdue import LINE_EVENTS, OWED_KINDS
from states.reading import end_from_deadlines
from storage.statements import outliving_left_out
from storage.tables import (
    OUTBOX_WAITING,
    AnyRow,
    convention_table,
    deadline_table,
    event_table,
    outbox_table,
    party_table,
)

__all__ = [
    "ENDS_READ",
    "LIST",
    "LOOKUP",
    "MAX_PER_PAGE",
    "PROBE",
    "SCAN_FROM",
    "SORTS",
    "ConventionFilter",
    "ListingQueries",
    "PageRequest",
    "ended_with_nothing_due",
    "page_ids",
    "strategy",
]

c, d, p, o = convention_table.c, deadline_table.c, party_table.c, outbox_table.c
# A literal, not a bound parameter: SQLite uses the partial index on pending deadlines only
# when the query repeats the index's own condition word for word.
PENDING: ColumnElement[Any] = literal_column("'pending'")


def _end_come(now: datetime) -> ColumnElement[bool]:
    """The convention's end has come at `now` and no pass has applied it: in force as recorded,
    and an end deadline (the term, the notice) still pending whose instant has passed (what
    states.reading.end_from_deadlines reads)."""
    return and_(
        c.state.in_(IN_FORCE),
        exists().where(
            d.convention_id == c.id,
            d.status == PENDING,
            d.kind.in_(tuple(END_KINDS.values())),
            d.expires_at <= now,
        ),
    )


def _to_come(now: datetime, end_come: bool) -> tuple[ColumnElement[bool], ...]:
    """A convention's deadlines still to come at `now`: pending, not fallen. One whose instant
    has passed, not yet recorded by the service, is no longer to come (states.reading): it is
    counted with the obligations overdue instead. Once the end has come (`end_come`), what it
    closes at the next pass is not to come either, however far off: for a deadline after
    `now`, so after the end, states.due.closed_by_end is every kind the end's own closure
    cancels (storage.statements.outliving_left_out), so only those outliving it remain."""
    to_come = (d.convention_id == c.id, d.status == PENDING, d.expires_at > now)
    return (*to_come, not_(outliving_left_out(d.kind))) if end_come else to_come


def _next_at(now: datetime) -> ColumnElement[Any]:
    """A convention's next deadline at `now`: the earliest still to come (`_to_come`)."""
    return case(
        (_end_come(now), _earliest(now, end_come=True)), else_=_earliest(now, end_come=False)
    )


def _earliest(now: datetime, end_come: bool) -> ColumnElement[Any]:
    return select(func.min(d.expires_at)).where(*_to_come(now, end_come)).scalar_subquery()


def _next_column(column: ColumnElement[Any], now: datetime) -> ColumnElement[Any]:
    """One column of the convention's next deadline at `now` (its kind, its due day)."""

    def first(end_come: bool) -> ColumnElement[Any]:
        # two deadlines at one instant (the term, and a notice it overrides capped at it): the
        # one opened first, so that the kind and the day read are of the same row, everywhere
        found = select(column).where(*_to_come(now, end_come)).order_by(d.expires_at, d.id).limit(1)
        return found.scalar_subquery()

    return case((_end_come(now), first(True)), else_=first(False))


SORTS: dict[str, ColumnElement[Any] | None] = {
    "reference": c.reference,
    "title": c.title,
    "state": c.state,
    "end_date": c.end_date,
    "amount": cast(c.amount, Numeric(14, 2)),
    "next_deadline": None,  # the next deadline at the instant of reading: `_sort_key`
}
"""The fields a list may be sorted on (an allow-list: nothing else reaches ORDER BY)."""


def _sort_key(sort: str, now: datetime) -> ColumnElement[Any]:
    key = SORTS[sort]
    return _next_at(now) if key is None else key


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


_END_DEADLINE = deadline_table.alias("end_deadline")  # aliased once: it builds its columns


def _ends_come(now: datetime) -> tuple[ColumnElement[bool], ...]:
    """The end deadlines whose end has come at `now` and that no pass has applied: still
    pending, their instant passed (what `_end_come` asks of one convention)."""
    e = _END_DEADLINE.c
    return (e.status == PENDING, e.expires_at <= now, e.kind.in_(tuple(END_KINDS.values())))


ENDS_READ = 1000
"""How many end deadlines passed and pending `_ends_come_ids` reads in the pending index's
order before it asks for all of them: a limit the planner walks that index for."""


def _ends_come_ids(connection: Connection, now: datetime) -> list[int]:
    """The conventions with an end deadline whose end has come at `now` and that no pass has
    applied. PostgreSQL, which cannot know that passed deadlines are seldom still pending,
    would scan every deadline for them; asked for the first ENDS_READ in the pending index's
    order, it walks that index, and nearly always finds none."""
    e = _END_DEADLINE.c
    query = select(e.convention_id).where(*_ends_come(now)).order_by(e.expires_at)
    found = list(connection.execute(query.limit(ENDS_READ)).scalars())
    if len(found) == ENDS_READ:  # the service has not run for long: all of them
        found = list(connection.execute(query).scalars())
    return sorted(set(found))


def ended_with_nothing_due(
    connection: Connection, wanted: ConventionFilter, now: datetime
) -> list[int]:
    """The conventions the filter on deadlines due leaves out whole: their end has come at
    `now` and is not applied yet (states.reading.end_from_deadlines), and that end closes
    every deadline they have pending before the days asked (states.deadlines.closed_by_end,
    the due pass's own rule, the end's own deadline included: the pass applies it), so nothing
    of them is due. Mostly none: no end is waiting for the service's next pass. The others'
    pending deadlines are read, 500 conventions a query, and judged here by that rule, not
    by a second writing of it in SQL."""
    if wanted.due_within_days is None:
        return []
    ended = _ends_come_ids(connection, now)
    until = now + timedelta(days=wanted.due_within_days)
    columns = (d.convention_id, c.state, d.kind, d.status, d.due_date, d.expires_at)
    query = select(*columns).join(convention_table, c.id == d.convention_id)
    left_out: list[int] = []
    for start in range(0, len(ended), 500):  # bounded IN lists
        chunk = query.where(d.convention_id.in_(ended[start : start + 500]), d.status == PENDING)
        rows = connection.execute(chunk.order_by(d.convention_id)).all()
        for convention_id, group in itertools.groupby(rows, key=lambda row: row.convention_id):
            if _nothing_due(list(group), until, now):
                left_out.append(convention_id)
    return left_out


def _nothing_due(pending: Sequence[AnyRow], until: datetime, now: datetime) -> bool:
    """Whether a convention's end, come at `now` and not applied, closes every one of its
    `pending` deadlines that falls before `until`: nothing of it is due by then."""
    deadlines = [(row.kind, row.status, row.due_date, row.expires_at) for row in pending]
    # The hold of rule 27 is not read here (it needs the amendment in signature): between the
    # term and the first pass, a convention whose expiry the pass will hold is left out of
    # the deadlines due, as ended; the pass moves its expiry to the hold's end, due then.
    end = end_from_deadlines(pending[0].state, deadlines, now, None)
    return end is not None and all(
        closed_by_end(row.kind, row.expires_at, end.at) for row in pending if row.expires_at < until
    )


def _due(
    wanted: ConventionFilter, now: datetime, left_out: Sequence[int] = ()
) -> tuple[ColumnElement[bool], ...]:
    """A deadline that makes its convention due within the days asked: pending (one passed and
    not recorded yet included: it is overdue) and falling before then, but not of the
    conventions `left_out` (`ended_with_nothing_due`), whose end, come and not yet applied,
    closes every such deadline. Written in the statement (whole numbers): no bound parameter
    a convention, however many."""
    assert wanted.due_within_days is not None
    until = now + timedelta(days=wanted.due_within_days)
    due = (d.status == PENDING, d.expires_at < until)
    if not left_out:
        return due
    ids: BindParameter[Any] = bindparam(
        "left_out", list(left_out), expanding=True, literal_execute=True
    )
    return (*due, d.convention_id.not_in(ids))


LOOKUP, LIST, PROBE = "lookup", "list", "probe"
"""How a page finds the conventions with a deadline due (see `page_ids`)."""


def _where(
    query: Select[Any],
    wanted: ConventionFilter,
    now: datetime,
    how: str = LOOKUP,
    left_out: Sequence[int] = (),
) -> Select[Any]:
    if wanted.state:
        query = query.where(c.state == wanted.state)
    # No stored text holds a NUL, and PostgreSQL refuses to compare one: searched without it.
    text, party = (value.replace("\x00", "") if value else value
                   for value in (wanted.text, wanted.party))  # fmt: skip
    if text:
        query = query.where(
            or_(
                c.reference.icontains(text, autoescape=True),
                c.title.icontains(text, autoescape=True),
            )
        )
    if party:
        query = query.where(
            exists().where(
                p.convention_id == c.id,
                or_(p.key == party, p.name.icontains(party, autoescape=True)),
            )
        )
    if wanted.due_within_days is not None:
        query = query.where(_due_condition(wanted, now, how, left_out))
    return query


def _due_condition(
    wanted: ConventionFilter, now: datetime, how: str, left_out: Sequence[int]
) -> ColumnElement[bool]:
    if how == PROBE:
        return exists().where(d.convention_id == c.id, *_due(wanted, now, left_out))
    # `id + 0` keeps SQLite from fetching each match by id (then sorting them all): it walks
    # the sort's index instead, and stops at the page.
    convention_id: ColumnElement[int] = c.id + 0 if how == LIST else c.id
    return convention_id.in_(select(d.convention_id).where(*_due(wanted, now, left_out)))


def _ordered(query: Select[Any], wanted: ConventionFilter, now: datetime) -> Select[Any]:
    key = _sort_key(wanted.sort, now)
    first = key.desc() if wanted.descending else key.asc()
    if wanted.sort == "next_deadline":  # the only key that may be NULL: last, on both backends
        first = first.nulls_last()
    return query.order_by(first, c.reference)  # the reference breaks ties: pages stay stable


def committee_name() -> ColumnElement[str | None]:
    """The name a convention gives its steering committee (NULL: none, the model's Comité
    technique), read inside the stored record by the database (`->>` on PostgreSQL,
    json_extract on SQLite): the meetings' minutes never leave it. Parsing the record costs
    with its size (about 25 µs for a small one, 1.7 ms for 40 meetings of 20 000 characters
    on SQLite): a list asks it only of the rows that name the committee."""
    return _named().label("committee_name")


def _named() -> ColumnElement[str | None]:
    named: ColumnElement[str | None] = c.committee["name"].as_string()
    return named


def _committee_name_of(kind: ColumnElement[str]) -> ColumnElement[str | None]:
    """The committee's name on a row of its deadline (`kind` committee), NULL on the others."""
    named: ColumnElement[str | None] = case((kind == "committee", _named()), else_=None)
    return named.label("committee_name")


def _summary(now: datetime) -> Select[Any]:
    """A convention's summary row, its next deadline judged at `now`."""
    return select(
        c.id, c.reference, c.title, c.state, c.effective_date, c.end_date, c.amount,
        _next_at(now).label("next_at"), _next_column(d.kind, now).label("next_kind"),
        _next_column(d.due_date, now).label("next_due"),
    )  # fmt: skip


def _summary_query(wanted: ConventionFilter, now: datetime, left_out: Sequence[int]) -> Select[Any]:
    return _ordered(_where(_summary(now), wanted, now, left_out=left_out), wanted, now)


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
    left_out = ended_with_nothing_due(connection, wanted, now)
    query = _ordered(_where(select(c.id), wanted, now, how, left_out), wanted, now)
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
    summary = _summary(now).where(c.id.in_(ids))
    return list(connection.execute(_ordered(summary, wanted, now)).all())


def _count(connection: Connection, wanted: ConventionFilter, now: datetime) -> int:
    left_out = ended_with_nothing_due(connection, wanted, now)
    if wanted.due_within_days is not None and not (wanted.state or wanted.party or wanted.text):
        # Every deadline has its convention (a foreign key): counted from the index alone.
        distinct = func.count(d.convention_id.distinct())
        due = _due(wanted, now, left_out)
        return int(connection.execute(select(distinct).where(*due)).scalar_one())
    query = _where(
        select(func.count()).select_from(convention_table), wanted, now, left_out=left_out
    )
    return int(connection.execute(query).scalar_one())


def parties_of(connection: Connection, ids: Sequence[int]) -> dict[int, list[dict[str, str]]]:
    found: dict[int, list[dict[str, str]]] = {}
    query = select(p.convention_id, p.key, p.name).order_by(p.convention_id, p.position)
    for start in range(0, len(ids), 500):  # bounded IN lists
        chunk = ids[start : start + 500]
        for row in connection.execute(query.where(p.convention_id.in_(chunk))):
            found.setdefault(row.convention_id, []).append({"key": row.key, "name": row.name})
    return found


_NOT_IN_CALENDAR = ("cancelled", "superseded")  # never fell: nothing to show on a calendar


class ListingQueries:
    """The list queries, inside one unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def server_clock(self) -> datetime:
        """The database server's own clock (PostgreSQL's now())."""
        moment: datetime = self.connection.execute(select(func.now())).scalar_one()
        return moment

    def ping(self) -> None:
        """Ask the database the simplest question: it answers, or raises."""
        self.connection.execute(select(1)).scalar_one()

    def count(self, wanted: ConventionFilter, now: datetime) -> int:
        """How many conventions match."""
        return _count(self.connection, wanted, now)

    def page(
        self, wanted: ConventionFilter, now: datetime, page: PageRequest, total: int
    ) -> list[AnyRow]:
        """One page of matching conventions' summary rows, in the asked order."""
        return _page_rows(self.connection, wanted, now, page, total)

    def every(self, wanted: ConventionFilter, now: datetime) -> list[AnyRow]:
        """Every matching convention's summary row, in the asked order (for exports)."""
        left_out = ended_with_nothing_due(self.connection, wanted, now)
        return list(self.connection.execute(_summary_query(wanted, now, left_out)).all())

    def parties(self, ids: Sequence[int]) -> dict[int, list[dict[str, str]]]:
        """The parties (key, name) of each convention, in their order."""
        return parties_of(self.connection, ids)

    def committee_names(self, ids: Sequence[int]) -> dict[int, str]:
        """The name each of these conventions gives its steering committee, where it gives
        one: one statement for up to 500 conventions (the lists ask it only of those whose
        next deadline is the committee's)."""
        found: dict[int, str] = {}
        query = select(c.id, committee_name())
        for start in range(0, len(ids), 500):  # bounded IN lists
            chunk = list(ids[start : start + 500])
            for row in self.connection.execute(query.where(c.id.in_(chunk))):
                if row.committee_name:
                    found[row.id] = row.committee_name
        return found

    def counts_by_state(self) -> dict[str, int]:
        """How many conventions are in each state."""
        rows = self.connection.execute(select(c.state, func.count()).group_by(c.state)).all()
        return {row[0]: int(row[1]) for row in rows}

    def upcoming(self, now: datetime, days: int, limit: int | None) -> tuple[list[AnyRow], int]:
        """Pending deadlines that fall within `days` (overdue first), and how many in all;
        each with its details (a notice's says whether the term overrides it)."""
        due = (d.status == PENDING, d.expires_at < now + timedelta(days=days))
        columns = (c.reference, c.title, c.state, d.kind, d.due_date, d.expires_at, d.status,
                   d.convention_id, _committee_name_of(d.kind), d.details,
                   d.instalment)  # fmt: skip
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
        rows = list(self.connection.execute(query).all())
        return rows, int(self.connection.execute(counted).scalar_one())

    def ends_come(self, ids: Sequence[int], now: datetime) -> list[AnyRow]:
        """Of these conventions, the end deadlines (the term, the notice) still pending whose
        instant has passed at `now`, each with its convention's reference and state: what
        states.reading.end_from_deadlines reads the ends come and not yet applied from."""
        columns = (c.reference, c.state, d.kind, d.status, d.due_date, d.expires_at)
        query = (
            select(*columns)
            .join(convention_table, c.id == d.convention_id)
            .where(d.status == PENDING, d.expires_at <= now, d.kind.in_(tuple(END_KINDS.values())))
        )
        found: list[AnyRow] = []
        for start in range(0, len(ids), 500):  # bounded IN lists
            chunk = list(ids[start : start + 500])
            found += self.connection.execute(query.where(d.convention_id.in_(chunk))).all()
        return found

    def passed_owed(
        self, ids: Sequence[int] | None, now: datetime | None = None
    ) -> tuple[list[AnyRow], list[AnyRow]]:
        """The passed deadlines of the kinds that wait for something (of these conventions, or
        of all), oldest first, and the history lines of their conventions that may have met
        them (states.overdue decides). With `now`, also those whose instant has passed at
        `now` but that the service has not recorded yet (still pending), and the end deadlines
        in that case (the term, the notice: the convention has ended, states.reading)."""
        columns = (c.reference, c.title, c.state, d.convention_id, d.kind, d.instalment,
                   d.opened_by_seq, d.due_date, d.status, d.expires_at)  # fmt: skip
        passed: ColumnElement[bool] = and_(d.status == "passed", d.kind.in_(OWED_KINDS))
        if now is not None:
            unrecorded = and_(d.status == PENDING, d.expires_at <= now,
                              d.kind.in_((*OWED_KINDS, *END_KINDS.values())))  # fmt: skip
            passed = or_(passed, unrecorded)
        query = (select(*columns).join(convention_table, c.id == d.convention_id)
                 .where(passed)
                 .order_by(d.due_date, c.reference, d.kind, d.instalment))  # fmt: skip
        if ids is not None:
            query = query.where(d.convention_id.in_(list(ids)))
        rows = list(self.connection.execute(query).all())
        owners = sorted({row.convention_id for row in rows})
        if not owners:
            return rows, []
        e = event_table.c
        lines = select(e.convention_id, e.seq, e.name, e.inputs).where(
            e.convention_id.in_(owners), e.name.in_(LINE_EVENTS)
        )
        return rows, list(self.connection.execute(lines).all())

    def calendar(
        self, reference: str | None, since: date | None, until: date | None
    ) -> list[AnyRow]:
        """Deadlines for a calendar feed, those that will never fall left out; each with its
        details (a notice's says whether the term overrides it)."""
        columns = (c.reference, c.title, d.kind, d.status, d.due_date, d.expires_at)
        query = (
            select(
                *columns,
                d.explanation,
                d.opened_by_seq,
                d.created_at,
                d.resolved_at,
                c.clauses,
                d.details,
            )
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
        return list(self.connection.execute(query).all())

    def committees(self, reference: str | None) -> list[AnyRow]:
        """Each convention's steering committee record (its meetings), where it has one."""
        query = (select(c.reference, c.title, c.committee, c.clauses)
                 .where(c.committee.is_not(None)).order_by(c.reference))  # fmt: skip
        if reference is not None:
            query = query.where(c.reference == reference)
        return list(self.connection.execute(query).all())

    def failed_emails(self, limit: int) -> tuple[list[AnyRow], int]:
        """Emails the outbox gave up on, the latest first, and how many in all."""
        columns = (o.id, o.kind, o.subject, o.recipients, o.attempts, o.last_error, o.created_at)
        query = (
            select(*columns, c.reference)
            .outerjoin(convention_table, c.id == o.convention_id)
            .where(o.status == "failed")
            .order_by(o.created_at.desc(), o.id.desc())
            .limit(limit)
        )
        counted = select(func.count()).select_from(outbox_table).where(o.status == "failed")
        rows = list(self.connection.execute(query).all())
        return rows, int(self.connection.execute(counted).scalar_one())

    def outbox_by_status(self) -> dict[str, int]:
        """How many emails the outbox holds in each status."""
        rows = self.connection.execute(select(o.status, func.count()).group_by(o.status)).all()
        return {row[0]: int(row[1]) for row in rows}

    def oldest_pending_email(self) -> datetime | None:
        """Since when the oldest email still waiting to be delivered may leave: when it was
        decided, or its `not_before` when later (the end's email, queued at 24:00 for 09:00, is
        not late at 08:59)."""
        since = func.coalesce(o.not_before, o.created_at)
        query = select(func.min(since)).where(OUTBOX_WAITING)  # pending or uncertain
        oldest: datetime | None = self.connection.execute(query).scalar()
        return oldest

    def deadlines_by_status(self) -> dict[str, int]:
        """How many deadlines are in each status (applied, passed, met, pending...)."""
        rows = self.connection.execute(select(d.status, func.count()).group_by(d.status)).all()
        return {row[0]: int(row[1]) for row in rows}
