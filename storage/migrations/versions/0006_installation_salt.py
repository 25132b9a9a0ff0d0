"""Each database's own salt for its emails' Message-IDs

A Message-ID was a hash of the outbox's idempotency key alone ("event:1:2"), which repeats from
one database to another: two databases with the same sender address (staging and production,
SQLite and PostgreSQL, a database rebuilt) sent different emails under the same Message-ID, and
mail systems may drop or thread the later ones as duplicates. Each database now draws a random
salt once; emails already queued keep their Message-ID.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 00:50:00
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    installation = op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
    )
    op.bulk_insert(installation, [{"id": 1, "salt": secrets.token_hex(16)}])


def downgrade() -> None:
    op.drop_table("installation")
