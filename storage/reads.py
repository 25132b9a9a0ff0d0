"""The queries a convention's status is read with, written once for two readers.

The repositories run them through SQLAlchemy. `convflow status` runs them on the bare driver
(storage.driver_reads), which spares the command the half second SQLAlchemy, SQLModel and the
table classes take to import (issue 15.4). For that reader they are compiled ahead, per
backend, into `storage/reads.json`: `python -m storage.reads` writes it (`make reads`), and a
test fails while the file differs from what these queries compile to today.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Dialect,
    Integer,
    Select,
    String,
    bindparam,
    func,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite

from storage import statements
from storage.fastpath import Prepared, kind_of
from storage.tables import (
    amendment_table,
    convention_table,
    deadline_table,
    document_table,
    event_table,
    outbox_table,
    reminder_table,
    signatory_table,
    signature_table,
)

COMPILED = Path(__file__).with_name("reads.json")
"""Where the queries compiled for the driver-only reader are kept."""

_OWNER: BindParameter[int] = bindparam("convention_id", type_=Integer)
_s, _g = signatory_table.c, signature_table.c

DEADLINES = (
    select(deadline_table)
    .where(deadline_table.c.convention_id == _OWNER)
    .order_by(deadline_table.c.expires_at, deadline_table.c.opened_by_seq)
)
"""Every deadline of a convention, the next to fall first."""
REMINDERS = (
    select(reminder_table)
    .where(reminder_table.c.convention_id == _OWNER)
    .order_by(reminder_table.c.planned_at, reminder_table.c.id)
)
"""Every reminder of a convention, in planned order."""
EMAILS = (
    select(outbox_table).where(outbox_table.c.convention_id == _OWNER).order_by(outbox_table.c.id)
)
"""Every email of a convention, oldest first."""
AMENDMENTS = (
    select(amendment_table)
    .where(amendment_table.c.convention_id == _OWNER)
    .order_by(amendment_table.c.number)
)
"""Every amendment of a convention, by number."""
DOCUMENTS = (
    select(document_table)
    .where(document_table.c.convention_id == _OWNER)
    .order_by(document_table.c.id)
)
"""A convention's documents, in the order they were added."""
HISTORY = (
    select(event_table).where(event_table.c.convention_id == _OWNER).order_by(event_table.c.seq)
)
"""Every history line of a convention, oldest first."""
FORMER_SIGNATORIES = (
    select(_s.party_key, _s.name, _s.title, _s.email, _s.replaced_by, _g.signed_on)
    .outerjoin(
        signature_table,
        (_g.convention_id == _s.convention_id)
        & (_g.signatory_id == _s.id)
        & _g.amendment.is_(None),
    )
    .where(_s.convention_id == _OWNER, _s.replaced_by.is_not(None))
    .order_by(_s.position)
)
"""The signatories an amendment replaced, with the day each signed the convention."""
ORIGINAL_TERMS = select(convention_table.c.original_terms).where(convention_table.c.id == _OWNER)
"""The terms the convention was imported with, before any amendment."""

NEAR = 5
"""How many stored references NEAR_REFERENCES gives on each side of the one asked."""
_lowered = func.lower(convention_table.c.reference)
_asked = func.lower(bindparam("reference", type_=String))
_from = (
    select(convention_table.c.reference).where(_lowered >= _asked).order_by(_lowered).limit(NEAR)
).subquery()
_before = (
    select(convention_table.c.reference)
    .where(_lowered < _asked)
    .order_by(_lowered.desc())
    .limit(NEAR)
).subquery()
NEAR_REFERENCES: CompoundSelect[tuple[str]] = union_all(
    select(_from.c.reference), select(_before.c.reference)
)
"""The stored references nearest a reference no convention has (`reference`), case aside: the
NEAR from it on (those equal to it but for case first) and the NEAR before it, in the order of
lower(reference). Two short walks of the index on lower(reference) (migration 0020), however
many conventions there are, to say which one was meant (states.spelling.meant_reference)."""

QUERIES: dict[str, Select[Any]] = {
    "deadlines": DEADLINES,
    "reminders": REMINDERS,
    "emails": EMAILS,
    "amendments": AMENDMENTS,
    "documents": DOCUMENTS,
    "history": HISTORY,
    "former_signatories": FORMER_SIGNATORIES,
    "original_terms": ORIGINAL_TERMS,
}
"""The status's queries by name, each taking the convention's row id (`convention_id`)."""

DIALECTS: dict[str, Dialect] = {
    "sqlite": sqlite.dialect(),
    "postgresql": postgresql.psycopg.dialect(),  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
}


def _compiled(
    prepared: Prepared, columns: list[str], kinds: list[str], dialect: Dialect
) -> dict[str, Any]:
    plan = prepared.plan(dialect)
    return {
        "sql": plan.sql,
        "order": list(plan.order) if plan.order is not None else None,
        "literals": plan.literals,
        "columns": columns,
        "kinds": kinds,
    }


def compile_all() -> dict[str, dict[str, dict[str, Any]]]:
    """Every query of the status, compiled for each backend: its SQL, the order of its
    parameters (None when they are named), the values written into it, its result columns
    and their kinds."""
    queries: dict[str, tuple[Prepared, list[str], list[str]]] = {
        "convention": (statements.LOAD, list(statements.LOAD_COLUMNS), statements.LOAD_KINDS),
        "near_references": (Prepared(NEAR_REFERENCES, {}), ["reference"], ["plain"]),
    }
    for name, query in QUERIES.items():
        columns = list(query.selected_columns)
        queries[name] = (
            Prepared(query, {}),
            [column.name for column in columns],
            [kind_of(column.type) for column in columns],
        )
    return {
        backend: {
            name: _compiled(prepared, columns, kinds, dialect)
            for name, (prepared, columns, kinds) in queries.items()
        }
        for backend, dialect in DIALECTS.items()
    }


def render() -> str:
    """The text of `storage/reads.json` as the queries compile today."""
    return json.dumps(compile_all(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    """Write `storage/reads.json`; with `--check`, only say whether it is up to date."""
    text = render()
    if "--check" in sys.argv[1:]:
        current = COMPILED.read_text(encoding="utf-8") if COMPILED.exists() else ""
        if current != text:
            print(f"{COMPILED} is out of date: run `make reads`", file=sys.stderr)
            return 1
        return 0
    COMPILED.write_text(text, encoding="utf-8")
    print(f"wrote {COMPILED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
