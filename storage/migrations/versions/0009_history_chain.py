"""The history proves itself: each line chained to the one before; REPLACE and TRUNCATE refused

Each history line gets `previous_hash` and `content_hash` (states.chain), the existing lines
chained in order, convention by convention. The database refuses the two ways around the
append-only triggers: on SQLite, `INSERT OR REPLACE` of an existing line (a BEFORE INSERT
trigger, which fires before the conflict is resolved); on PostgreSQL, `TRUNCATE`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 05:10:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from states.chain import GENESIS, HistoryLine, link

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("event", "signature")
KEYS = {"event": ("convention_id", "seq"), "signature": ("convention_id", "event_seq")}


def upgrade() -> None:
    op.add_column("event", sa.Column("previous_hash", sa.String(length=64), nullable=True))
    op.add_column("event", sa.Column("content_hash", sa.String(length=64), nullable=True))
    _drop_append_only("event")  # the chain is written once, on the lines already there
    _chain_existing_lines()
    _make_append_only("event")
    for table in TABLES:
        _refuse_rewrites(table)


def _chain_existing_lines() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT e.convention_id, e.seq, c.reference, e.name, e.from_state, e.to_state, "
        "e.occurred_on, e.recorded_at, e.actor, e.inputs, e.amendment "
        "FROM event e JOIN convention c ON c.id = e.convention_id "
        "ORDER BY e.convention_id, e.seq"
    )).mappings().all()  # fmt: skip
    previous: dict[int, str] = {}
    update = sa.text(
        "UPDATE event SET previous_hash = :previous, content_hash = :content "
        "WHERE convention_id = :convention_id AND seq = :seq"
    )
    for row in rows:
        before = previous.get(row["convention_id"], GENESIS)
        line = HistoryLine(row["reference"], row["seq"], row["name"], row["from_state"],
                           row["to_state"], _day(row["occurred_on"]), _instant(row["recorded_at"]),
                           row["actor"], _json(row["inputs"]), row["amendment"])  # fmt: skip
        content = link(before, line)
        key = {"convention_id": row["convention_id"], "seq": row["seq"]}
        bind.execute(update, {"previous": before, "content": content, **key})
        previous[row["convention_id"]] = content


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else json.loads(value or "{}")


def _make_append_only(table: str) -> None:
    """As in 0001: the database refuses to change or delete a line."""
    message = f"{table} is append-only: history is never changed or deleted"
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        return
    op.execute(
        f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
    )


def _drop_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


def _refuse_rewrites(table: str) -> None:
    """SQLite: INSERT OR REPLACE deletes the old line without firing the delete trigger (unless
    recursive triggers are on): refuse any insert of a key that exists. PostgreSQL: TRUNCATE
    fires no row trigger: refuse it with a statement trigger."""
    message = f"{table} is append-only: a line is never replaced nor the table emptied"
    if op.get_bind().dialect.name == "sqlite":
        first, second = KEYS[table]
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {first} = NEW.{first} "
            f"AND {second} = NEW.{second}) BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
        return
    op.execute(
        f"CREATE FUNCTION {table}_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}'; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_no_truncate()"
    )


def _allow_rewrites(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {table}_no_truncate()")


def downgrade() -> None:
    for table in TABLES:
        _allow_rewrites(table)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("content_hash")
        batch_op.drop_column("previous_hash")
