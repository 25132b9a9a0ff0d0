"""A person replaced as a party's representative may be appointed again

The email of a signatory was unique per convention, replaced rows included, so re-appointing
someone (under a new title, say) failed at the amendment's last signature. It is now unique
among the convention's current signatories only.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:59:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CURRENT = sa.text("replaced_by IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("signatory", schema=None) as batch_op:
        batch_op.drop_constraint("uq_signatory_convention_id_email", type_="unique")
        batch_op.create_index(
            "uq_signatory_current_email",
            ["convention_id", "email"],
            unique=True,
            sqlite_where=_CURRENT,
            postgresql_where=_CURRENT,
        )


def downgrade() -> None:
    # Fails, as it should, if someone has been appointed again since.
    with op.batch_alter_table("signatory", schema=None) as batch_op:
        batch_op.drop_index("uq_signatory_current_email")
        batch_op.create_unique_constraint(
            "uq_signatory_convention_id_email", ["convention_id", "email"]
        )
