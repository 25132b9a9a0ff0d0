"""Documents: the papers a convention's dates rest on, stored in the database

`document_blob` keeps each file's bytes once, addressed by their SHA-256; `document` says what a
file is to a convention (its kind, the history line or amendment it proves, who added it).
In the database, so that every service instance and every backup has them.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("convention_id", sa.Integer(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=True),
        sa.Column("amendment", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["convention_id"], ["convention.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["sha256"], ["document_blob.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_document_sha256"), "document", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_document_sha256"), table_name="document")
    op.drop_table("document")
    op.drop_table("document_blob")
