"""Payment schedules: each instalment's progress, and a payment deadline per instalment

`convention.payments` keeps, for a convention paid in instalments, each instalment's report
(when one is awaited) and payment. A `payment` deadline now names its instalment (0 for a single
payment and for every other kind), and an event may open one per instalment: the uniqueness of
(convention, opening event, kind) gains the instalment.

On SQLite the deadline table is rebuilt (batch mode); planned reminders refer to it, so this
runs with foreign keys checked once at the end (`storage.migrate.migrating`).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = sa.text("status = 'pending'")


def _rebuild_deadlines(new_unique: list[str], old_unique: list[str], add: bool) -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_pending_due")
        batch_op.drop_constraint("uq_deadline_" + "_".join(old_unique), type_="unique")
        if add:
            batch_op.add_column(
                sa.Column("instalment", sa.Integer(), server_default=sa.text("0"), nullable=False)
            )
        else:
            batch_op.drop_column("instalment")
        batch_op.create_unique_constraint("uq_deadline_" + "_".join(new_unique), new_unique)
        batch_op.create_index(
            "ix_deadline_pending_due",
            ["expires_at", "convention_id", "status"],
            unique=False,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        )


_OLD = ["convention_id", "opened_by_seq", "kind"]
_NEW = [*_OLD, "instalment"]


def upgrade() -> None:
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("payments", sa.JSON(), nullable=True))
    _rebuild_deadlines(_NEW, _OLD, add=True)


def downgrade() -> None:
    _rebuild_deadlines(_OLD, _NEW, add=False)
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.drop_column("payments")
