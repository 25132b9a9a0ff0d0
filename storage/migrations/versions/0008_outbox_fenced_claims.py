"""Outbox claims fenced by a token; emails sent with no answer counted, and waiting as uncertain

A claim now carries its holder's token (`claim_token`), written with the claim and required by
every outcome, so a sender whose claim was taken back cannot overwrite what the new holder
records; `claimed_at` is the instant of the claim, renewed while its holder works.
`unanswered` counts the attempts whose message went out with no answer from the server; such
an email waits for its next attempt in the new status `uncertain`, which the index of waiting
emails (formerly `pending` only) now covers too.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = sa.text("status IN ('pending', 'uncertain')")
PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("unanswered", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.drop_index("ix_outbox_pending")
        batch_op.create_index(
            "ix_outbox_waiting",
            ["next_attempt_at"],
            unique=False,
            sqlite_where=WAITING,
            postgresql_where=WAITING,
        )


def downgrade() -> None:
    # An uncertain email waits again as a plain pending one: it is retried all the same.
    op.execute("UPDATE outbox SET status = 'pending' WHERE status = 'uncertain'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_waiting")
        batch_op.create_index(
            "ix_outbox_pending",
            ["next_attempt_at"],
            unique=False,
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        )
        batch_op.drop_column("unanswered")
        batch_op.drop_column("claim_token")
