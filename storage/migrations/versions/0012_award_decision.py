"""The award decision (délibération d'attribution): its reference and the days of its formalities

`convention.award` keeps, once recorded, the decision's reference, adoption, publication,
notification and receipt by the prefecture (docs/LEGAL-DEADLINES.md, rules 15 to 18).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 12:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("award", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.drop_column("award")
