"""Deadlines: the announcement of a passed deadline waits for the reminder hour

A deadline passes at 24:00 on its last day; the email announcing it (`payment_overdue`,
`financial_report_missed`, `publication_missed`, `amicable_window_closed`) now goes at the
reminder hour of the next morning. `deadline.announce_at` holds, while it waits, when it is
due; a partial index holds only those rows, for the service's next wake-up.

Deadlines passed before this revision were announced when they passed: NULL for all of them.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ANNOUNCING = sa.text("announce_at IS NOT NULL")


def upgrade() -> None:
    op.add_column("deadline", sa.Column("announce_at", sa.DateTime(timezone=True), nullable=True))
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
    # A plain DROP COLUMN (SQLite has it since 3.35), not batch mode's copy of the table: the
    # copy reflects the tables `deadline` refers to, and SQLite cannot reflect the convention's
    # index on lower(reference) (migration 0020), a warning the migration tests refuse.
    op.drop_column("deadline", "announce_at")
