"""Outbox: the emails not sent yet, indexed in the order they were queued, and by convention

An email retried after a temporary refusal (a 4xx, a server that timed out) went after later
emails of its convention to the same recipient, and two services sharing one PostgreSQL
database could send one convention's emails to one recipient in either order: a partner read
« versement effectué » before the « document reçu » recorded first. The claim now leaves an
email while an earlier email of its convention to one of its recipients is not sent yet
(pending, uncertain or being sent). Two partial indexes of those emails keep the claim to the
few rows it concerns, however many emails were sent before: by id (the claim walks them in the
order they were queued, on SQLite too, which read every row to keep that order) and by
convention and id (the earlier ones of an email's convention).

Nothing to fill in: the indexes are built from the rows as they are.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSENT = sa.text("status IN ('pending', 'uncertain', 'sending')")
"""storage.tables.OUTBOX_UNSENT, written as is (SQLite matches a partial index literally)."""


def upgrade() -> None:
    op.create_index("ix_outbox_unsent", "outbox", ["id"], sqlite_where=UNSENT,
                    postgresql_where=UNSENT)  # fmt: skip
    op.create_index("ix_outbox_unsent_by_convention", "outbox", ["convention_id", "id"],
                    sqlite_where=UNSENT, postgresql_where=UNSENT)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_outbox_unsent_by_convention", table_name="outbox")
    op.drop_index("ix_outbox_unsent", table_name="outbox")
