"""History: one change allowed, the erasure of the signatories' personal data (rule 21)

`event.redacted`: a line whose actor and inputs an erasure replaced by the signatories' roles.
The append-only triggers now let exactly that through, once per line: `redacted` from false to
true, the actor and inputs changed, everything else (the line's place, event, states, dates,
amendment and both hashes) as it was. Deleting, replacing or emptying stays refused. The line
that records the erasure attests each redacted line's new hash (states.chain).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "event is append-only: history is never changed or deleted"
UNCHANGED = (
    "convention_id", "seq", "name", "to_state", "occurred_on", "recorded_at",
)  # fmt: skip
NULLABLE = ("from_state", "amendment", "previous_hash", "content_hash")


def _redaction(old: str, new: str, same: str) -> str:
    """The one update allowed: a line redacted once, nothing but its actor and inputs changed."""
    kept = [f"{new}.{c} = {old}.{c}" for c in UNCHANGED]
    kept += [f"{new}.{c} {same} {old}.{c}" for c in NULLABLE]
    return f"({old}.redacted = false AND {new}.redacted = true AND " + " AND ".join(kept) + ")"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # No ALTER TABLE on a table with triggers in batch mode: a plain ADD COLUMN.
        op.execute("ALTER TABLE event ADD COLUMN redacted BOOLEAN NOT NULL DEFAULT false")
        op.execute("DROP TRIGGER IF EXISTS event_no_update")
        op.execute(
            "CREATE TRIGGER event_no_update BEFORE UPDATE ON event "
            f"WHEN NOT {_redaction('OLD', 'NEW', 'IS')} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        return
    op.add_column(
        "event", sa.Column("redacted", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF TG_OP = 'UPDATE' AND {_redaction('OLD', 'NEW', 'IS NOT DISTINCT FROM')} "
        f"THEN RETURN NEW; END IF; RAISE EXCEPTION '{MESSAGE}'; END $$"
    )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS event_no_update")
        op.execute(
            "CREATE TRIGGER event_no_update BEFORE UPDATE ON event "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        op.execute("ALTER TABLE event DROP COLUMN redacted")
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
    )
    op.drop_column("event", "redacted")
