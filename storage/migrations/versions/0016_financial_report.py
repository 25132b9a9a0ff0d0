"""Conventions: whether the beneficiary owes a financial report, and its receipt

Rule 20 (loi 2000-321, art. 10): the basis (by law, by the convention), the financial year the
subsidy is granted for and the beneficiary's year end, the report's receipt. NULL: none owed.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("convention") as batch:
        batch.add_column(sa.Column("financial_report", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("convention") as batch:
        batch.drop_column("financial_report")
