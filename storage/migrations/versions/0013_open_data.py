"""Open data: how a party is identified (SIRET, RNA), and the object as published

`party.siret` and `party.rna` identify a beneficiary in the SCDL « subventions » export;
`convention.open_data` keeps what the open data publish that the text does not hold as such
(the object in 256 characters at most). docs/LEGAL-DEADLINES.md rule 19, docs/scdl/README.md.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 12:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("siret", sa.String(length=14), nullable=True))
        batch_op.add_column(sa.Column("rna", sa.String(length=10), nullable=True))
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_data", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("convention", schema=None) as batch_op:
        batch_op.drop_column("open_data")
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_column("rna")
        batch_op.drop_column("siret")
