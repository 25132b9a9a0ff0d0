"""Outbox: an email that may not leave before an instant keeps it beside when it was queued

The end of a convention (`convention_expired`, `convention_terminated`) is applied at 24:00 and
its email queued in the same transaction, but it may not leave before the reminder hour of the
next morning. Its row said it was created then (09:00), which the dossier's courriels.csv and
the dashboard's « Créé le » showed even in a dossier made at 00:30. `outbox.created_at` now
says when it was queued; `outbox.not_before`, when it may leave, dates the message (its Date
header), so that every attempt sends the same bytes; NULL for an email that may leave at once,
dated when it was queued.

The emails queued before this revision keep their `created_at`, their Date header: NULL.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN, not batch mode's copy of the table (see 0021). A waiting email's
    # row then says it was created when it was queued, and is dated so.
    op.drop_column("outbox", "not_before")
