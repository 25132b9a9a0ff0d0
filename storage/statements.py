"""The statements every recorded event runs, prepared once (see :mod:`storage.fastpath`)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, and_, bindparam, insert, literal_column, select, update

from states.deadlines import OUTLIVING_KINDS
from storage.fastpath import Prepared, column_kinds
from storage.tables import (
    ANNOUNCING,
    convention_table,
    deadline_table,
    event_table,
    party_table,
    signatory_table,
    signature_table,
)

c, p, s, d = convention_table.c, party_table.c, signatory_table.c, deadline_table.c
g, e = signature_table.c, event_table.c
CONVENTION_KINDS = column_kinds(convention_table)


def outliving_left_out(kind: ColumnElement[str]) -> ColumnElement[bool]:
    """`kind` is none of the deadlines that outlive the convention, written into the statement
    itself (constants of the code): a prepared statement binds no list."""
    return and_(*(kind != literal_column(f"'{name}'") for name in OUTLIVING_KINDS))


STATE_COLUMNS = (
    "state", "amount", "end_date", "submitted_on", "effective_date", "notified_on",
    "paid_on", "paid_amount", "payments", "dispute", "notice", "last_event_on", "award",
    "financial_report",
    "committee", "own_event_on", "own_event", "own_event_before_end_on", "own_event_before_end",
    "terms_changed_on", "terms_changed_by",
)  # fmt: skip
"""The columns an event may change (the clauses only change with an amendment)."""

_LOADED = [
    column
    for column in convention_table.columns
    if column.name not in ("created_at", "updated_at", "original_terms")
]
LOAD_COLUMNS = (
    *(column.name for column in _LOADED),
    "party_key_", "party_name_", "party_siret_", "party_rna_", "signatory_id_",
    "signatory_name_", "signatory_title_", "signatory_email_", "signatory_signed_on_",
    "head_hash_",
)  # fmt: skip

# The hash of the history line the convention's version numbers (every line bumps the version
# and takes its number as seq), read with it: the next line chains to it (states.chain) without
# a query of its own. Matched on seq = version rather than "the last line", so that a snapshot
# older than the convention row can only give NULL (the repository then asks), never the line
# before the last (see LOCK).
_head_hash = (
    select(e.content_hash).where(e.convention_id == c.id, e.seq == c.version).scalar_subquery()
)
_selected = (
    select(
        *_LOADED,
        p.key.label("party_key_"),
        p.name.label("party_name_"),
        p.siret.label("party_siret_"),
        p.rna.label("party_rna_"),
        s.id.label("signatory_id_"),
        s.name.label("signatory_name_"),
        s.title.label("signatory_title_"),
        s.email.label("signatory_email_"),
        g.signed_on.label("signatory_signed_on_"),
        _head_hash.label("head_hash_"),
    )
    .join(party_table, p.convention_id == c.id)
    .outerjoin(
        signatory_table,
        (s.convention_id == c.id) & (s.party_key == p.key) & s.replaced_by.is_(None),
    )
    .outerjoin(
        signature_table,
        (g.convention_id == c.id) & (g.signatory_id == s.id) & g.amendment.is_(None),
    )
)
_load = _selected.where(c.reference == bindparam("reference")).order_by(p.position, s.position)
# The clauses are parsed by storage.mapping, once per distinct text (most conventions share them).
LOAD_KINDS = [
    *("plain" if column.name == "clauses" else CONVENTION_KINDS[column.name] for column in _LOADED),
    *(["plain"] * 8),
    "date",
    "plain",
]
LOAD = Prepared(_load, {}, LOAD_KINDS, repeated_columns=len(_LOADED))
LOCK = Prepared(select(c.id).where(c.reference == bindparam("reference")).with_for_update(), {})
"""Lock a convention's row (PostgreSQL), before LOAD reads it in a statement of its own.

Not LOAD ... FOR UPDATE: a SELECT FOR UPDATE that waited for another writer returns the
convention row as that writer left it, but the rows it joins (signatures) and its subqueries
(the history's head) as they were when the statement began, before that writer committed. In
READ COMMITTED the next statement sees everything that writer committed.
"""
TRY_LOCK = Prepared(
    select(c.id).where(c.reference == bindparam("reference")).with_for_update(skip_locked=True),
    {},
)
"""Lock a convention's row unless another transaction holds it (PostgreSQL): no row then."""

MANY = 100
"""How many conventions LOAD_MANY reads at once (unused places repeat the last reference)."""
_many = _selected.where(c.reference.in_([bindparam(f"r{i}") for i in range(MANY)])).order_by(
    c.reference, p.position, s.position
)
_REFERENCE = LOAD_COLUMNS.index("reference")
LOAD_MANY = Prepared(_many, {}, LOAD_KINDS, repeated_columns=len(_LOADED), group_column=_REFERENCE)
LOAD_MANY_UNLESS_LOCKED = Prepared(
    _many.with_for_update(of=convention_table, skip_locked=True),
    {},
    LOAD_KINDS,
    repeated_columns=len(_LOADED),
    group_column=_REFERENCE,
)


def _save(columns: tuple[str, ...]) -> Prepared:
    statement = update(convention_table).where(
        c.id == bindparam("id_"), c.version == bindparam("expected_")
    )
    return Prepared(statement, CONVENTION_KINDS, column_keys=(*columns, "version", "updated_at"))


SAVE_STATE = _save(STATE_COLUMNS)
SAVE_STATE_AND_CLAUSES = _save((*STATE_COLUMNS, "clauses"))


def _insert(table: Table) -> Prepared:
    columns = [column.name for column in table.columns if column.name != "id"]
    return Prepared(insert(table), column_kinds(table), column_keys=columns)


INSERT_EVENT = _insert(event_table)
INSERT_SIGNATURE = _insert(signature_table)
INSERT_DEADLINE = Prepared(
    insert(deadline_table).returning(d.id),
    column_kinds(deadline_table),
    column_keys=[column.name for column in deadline_table.columns if column.name != "id"],
)


def _close(kind: bool, statuses: int, due: str | None, instalment: bool = False) -> Prepared:
    names = [f"from_{i}" for i in range(statuses)]
    statement = (
        update(deadline_table)
        .where(d.convention_id == bindparam("convention_id_"))
        .where(d.status.in_([bindparam(name) for name in names]))
    )
    if kind:
        statement = statement.where(d.kind == bindparam("kind_"))
    else:  # "every deadline" leaves those that outlive the convention (OUTLIVING_KINDS)
        statement = statement.where(outliving_left_out(d.kind))
    if instalment:
        statement = statement.where(d.instalment == bindparam("instalment_"))
    if due == "on_time":
        statement = statement.where(d.due_date >= bindparam("met_on_"))
    elif due == "late":
        statement = statement.where(d.due_date < bindparam("met_on_"))
    kinds = {**column_kinds(deadline_table), "met_on_": "date", "instalment_": "plain"}
    return Prepared(statement, kinds, column_keys=["status", "resolved_at"])


CLOSE = {
    (kind, n, due): _close(kind, n, due)
    for kind in (False, True)
    for n in (1, 2, 3)
    for due in (None, "on_time", "late")
}
"""Close deadlines: keyed by (one kind only?, number of statuses moved from, which due dates:
all, those not yet due on the date they were met, those already past it)."""
CLOSE_INSTALMENT = {
    (n, due): _close(True, n, due, instalment=True)
    for n in (1, 2, 3)
    for due in (None, "on_time", "late")
}
"""Close the `payment` deadline of one instalment, keyed as CLOSE's one-kind statements."""


def _drop_announcements(kind: bool, instalment: bool) -> Prepared:
    statement = (
        update(deadline_table)
        .where(d.convention_id == bindparam("convention_id_"))
        .where(ANNOUNCING)  # literal: the partial index ix_deadline_announcing serves it
    )
    if kind:
        statement = statement.where(d.kind == bindparam("kind_"))
    else:  # as CLOSE: "every deadline" leaves those that outlive the convention
        statement = statement.where(outliving_left_out(d.kind))
    if instalment:
        statement = statement.where(d.instalment == bindparam("instalment_"))
    kinds = {**column_kinds(deadline_table), "instalment_": "plain"}
    return Prepared(statement, kinds, column_keys=["announce_at"])


_DROP_ANNOUNCEMENTS = {
    (False, False): _drop_announcements(False, False),
    (True, False): _drop_announcements(True, False),
    (True, True): _drop_announcements(True, True),
}


def drop_announcements(kind: str | None, instalment: int | None) -> Prepared:
    """Drop the announcements still waiting for the deadlines a closure names (of its kind,
    every kind but the outliving ones when None, of one instalment's payment): set
    `announce_at` to NULL."""
    return _DROP_ANNOUNCEMENTS[(kind is not None, instalment is not None)]
