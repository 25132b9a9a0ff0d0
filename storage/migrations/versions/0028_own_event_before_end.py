"""A convention ended by the service keeps its last event before the end

A payment made on 15 December, entered in January after the service recorded the expiry of 31
December, was refused as dated before the expiry (`dated_before_last_event`), the automatic end
being the convention's own last event: it could only be recorded at a false date (finance
tester, M3). While the convention's own last event is its automatic end (`expire`, `terminate`),
the convention now keeps its own last event before it (`own_event_before_end_on`, its event
`own_event_before_end`): a payment, or its renunciation, dated before the end is dated on or
after it (states.lifecycle.DATED_BEFORE_AUTOMATIC_END). NULL otherwise.

The conventions whose own last event is their automatic end get it from their history: their
own lines other than the end, the latest by date, then by order (as 0024 read `own_event`).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTOMATIC_ENDS = ("expire", "terminate")
"""The events the service records when a convention ends, as of this revision
(states.convention.AUTOMATIC_ENDS)."""

OWN_BEFORE_END = (
    "submit", "sign", "cancel", "notify", "pay", "report_received", "open_dispute", "settle",
    "go_to_court", "close_litigation", "give_notice", "forgo_payment",
    "record_award", "publish", "committee_meeting", "committee_cadence",
)  # fmt: skip
"""The names of the lines that recorded an event of the convention itself, as of this revision
(0024's OWN_EVENTS), the automatic ends left out."""

_BEFORE = (
    "FROM event WHERE event.convention_id = convention.id AND event.amendment IS NULL"
    " AND event.name IN (" + ", ".join(f"'{name}'" for name in OWN_BEFORE_END) + ")"
)
_ENDED = "convention.own_event IN (" + ", ".join(f"'{name}'" for name in AUTOMATIC_ENDS) + ")"


def upgrade() -> None:
    # Plain ADD COLUMNs (nullable, no default): both backends add them without copying the table.
    op.add_column("convention", sa.Column("own_event_before_end_on", sa.Date(), nullable=True))
    op.add_column(
        "convention", sa.Column("own_event_before_end", sa.String(length=32), nullable=True)
    )
    op.execute(
        "UPDATE convention SET"
        f" own_event_before_end_on = (SELECT MAX(event.occurred_on) {_BEFORE}),"
        f" own_event_before_end = (SELECT event.name {_BEFORE}"
        " ORDER BY event.occurred_on DESC, event.seq DESC LIMIT 1)"
        f" WHERE {_ENDED}"
    )


def downgrade() -> None:
    # Plain DROP COLUMNs, not batch mode's copy of the table (see 0021). A payment dated before
    # the automatic end is then refused again when recorded after it.
    op.drop_column("convention", "own_event_before_end")
    op.drop_column("convention", "own_event_before_end_on")
