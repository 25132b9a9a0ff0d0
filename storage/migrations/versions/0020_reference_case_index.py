"""Conventions: an index on the lower-case reference, to refuse a reference taken but for case

`CONV-2025-001` and `conv-2025-001` are one reference to a person: an import refuses a
reference that a convention already has in another case, naming it. It looks the references it
brings up by `lower(reference)`, in this index, a few queries for a spreadsheet's thousands of
rows. The index is not unique: a database may already hold two references that differ only by
case (imported before this check), and its upgrade must not fail on them; they stay as they are.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_convention_reference_lower", "convention", [sa.text("lower(reference)")], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_convention_reference_lower", table_name="convention")
