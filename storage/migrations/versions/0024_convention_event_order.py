"""A convention keeps the date of its own last event and of its terms' last change

A convention's event was refused when dated before any line recorded, an amendment's too: a
dispute letter received on 10 June, logged after a signature of an avenant dated 14 June, could
only be recorded at a false date, which moved its legal window. It is now dated on or after the
convention's own last event (`own_event_on`, its event `own_event`) and the entry into force of
its last amendment in force (`terms_changed_on`, that amendment `terms_changed_by`): the lines
that changed its state or terms (states.convention.Convention.dated_from). `last_event_on`
stays: the last line of all, the amendments' included.

The conventions recorded before this revision get them from their history (the convention's
own lines: the lifecycle's events and the records beside it, the latest by date, then by
order) and from their amendments in force (the latest by its entry into force).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWN_EVENTS = (
    "submit", "sign", "cancel", "notify", "pay", "report_received", "open_dispute", "settle",
    "go_to_court", "close_litigation", "give_notice", "forgo_payment", "expire", "terminate",
    "record_award", "publish", "committee_meeting", "committee_cadence",
)  # fmt: skip
"""The names of the lines that recorded an event of the convention itself, as of this revision
(states.lifecycle: EVENTS and SIDE_RECORDS): not the draft's, the documents', the amendments'."""

_OWN = (
    "FROM event WHERE event.convention_id = convention.id AND event.amendment IS NULL"
    " AND event.name IN (" + ", ".join(f"'{name}'" for name in OWN_EVENTS) + ")"
)
_IN_FORCE = (
    "FROM amendment WHERE amendment.convention_id = convention.id AND amendment.state = 'in_force'"
)


def upgrade() -> None:
    # Plain ADD COLUMNs (nullable, no default): both backends add them without copying the table.
    op.add_column("convention", sa.Column("own_event_on", sa.Date(), nullable=True))
    op.add_column("convention", sa.Column("own_event", sa.String(length=32), nullable=True))
    op.add_column("convention", sa.Column("terms_changed_on", sa.Date(), nullable=True))
    op.add_column("convention", sa.Column("terms_changed_by", sa.Integer(), nullable=True))
    op.execute(
        f"UPDATE convention SET own_event_on = (SELECT MAX(event.occurred_on) {_OWN}),"
        f" own_event = (SELECT event.name {_OWN}"
        " ORDER BY event.occurred_on DESC, event.seq DESC LIMIT 1),"
        f" terms_changed_on = (SELECT MAX(amendment.effective_date) {_IN_FORCE}),"
        f" terms_changed_by = (SELECT amendment.number {_IN_FORCE}"
        " ORDER BY amendment.effective_date DESC, amendment.number DESC LIMIT 1)"
    )


def downgrade() -> None:
    # Plain DROP COLUMNs, not batch mode's copy of the table (see 0021).
    for name in ("terms_changed_by", "terms_changed_on", "own_event", "own_event_on"):
        op.drop_column("convention", name)
