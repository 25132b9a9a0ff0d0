"""Signatories found by convention, replaced ones included

0005 made the (convention, email) index partial (current signatories only), which left the
replaced signatories of a convention (its page lists them) without an index: a scan of every
signatory, about 9 ms per page at 100 000 conventions.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 01:05:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_signatory_convention", "signatory", ["convention_id"])


def downgrade() -> None:
    op.drop_index("ix_signatory_convention", table_name="signatory")
