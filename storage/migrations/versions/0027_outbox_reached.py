"""Outbox: who already has an email, and who refused it for good

An email to two partners whose mail server took it for one and refused the other for now (a
4xx at RCPT: greylisting, a full mailbox) was recorded `sent`: the refused partner never got
it. `outbox.delivered_to` now lists the recipients the mail server took it for, and
`outbox.refused_to` those it refused for good (a 5xx, reported to the administrators); the
email waits for the others, and its next attempts deliver it to them alone, under the same
Message-ID. Each holds the recipients as the email's To and Cc name them (compared trimmed
and in lower case, as the outbox's order rule compares addresses); NULL or empty: nobody yet.

Nothing to fill in: an email recorded before reached everyone it was recorded for.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("delivered_to", sa.JSON(), nullable=True))
    op.add_column("outbox", sa.Column("refused_to", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMNs (see 0021). An email waiting for some of its recipients then goes
    # to all of them again at its next attempt: a second copy for those who had it, none lost.
    op.drop_column("outbox", "refused_to")
    op.drop_column("outbox", "delivered_to")
