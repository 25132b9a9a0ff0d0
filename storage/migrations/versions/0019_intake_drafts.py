"""Intake drafts: conventions to complete, read from the open-data (SCDL) file

Each row of an SCDL « subventions » CSV gives some of a convention file's fields; the others
(reference, term, place, signatories) only a person can give. `intake_draft` keeps what the row
gave until an administrator completes it in the « Nouvelle convention » form; then the row
keeps the reference of the convention it became (`completed_as`), so that the same subsidy
imported again is known as loaded.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intake_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=400), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_as", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_draft")),
    )
    op.create_index(
        op.f("ix_intake_draft_dedupe_key"), "intake_draft", ["dedupe_key"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_intake_draft_dedupe_key"), table_name="intake_draft")
    op.drop_table("intake_draft")
