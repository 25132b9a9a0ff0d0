"""Deadlines: the announcement of a passed deadline waits for the reminder hour

A deadline passes at 24:00 on its last day; the email announcing it (`payment_overdue`,
`financial_report_missed`, `publication_missed`, `amicable_window_closed`) now goes at the
reminder hour of the next morning. `deadline.announce_at` holds, while it waits, when it is
due; a partial index holds only those rows, for the service's next wake-up.

Deadlines passed before this revision were announced when they passed: NULL for all of them.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ANNOUNCING = sa.text("announce_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announce_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_deadline_announcing",
        "deadline",
        ["announce_at", "convention_id"],
        unique=False,
        sqlite_where=_ANNOUNCING,
        postgresql_where=_ANNOUNCING,
    )


def downgrade() -> None:
    op.drop_index("ix_deadline_announcing", table_name="deadline")
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_column("announce_at")
