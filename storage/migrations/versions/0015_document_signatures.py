"""Documents: the electronic signatures a signed PDF carries

Each signer's name, the signing time the signature states and whether the signed bytes are
intact, read with pyHanko when the paper is attached, so that the record can show them beside
the recorded dates and flag the ones that disagree.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("signatures", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.drop_column("signatures")
