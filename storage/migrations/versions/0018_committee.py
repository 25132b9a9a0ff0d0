"""The steering committee (article 3): its meetings and the cadence the service set

`convention.committee` keeps, once anything is recorded, the cadence in months (or none) and
each meeting: its day, attendees, decisions and minutes (docs/LEGAL-DEADLINES.md, rule 23).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("committee", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.drop_column("committee")
