"""Outbox: an email's context compressed with lz4 on PostgreSQL, not pglz

An email's context (the facts it states, frozen when it was decided: about 3 KB for a
reminder of the reference convention) is over PostgreSQL's 2 KB threshold, so each one is
compressed as its row is written. With the default method (pglz), writing 200 outbox rows
took 26 ms on 127.0.0.1, against 16-19 ms with lz4 (PostgreSQL 15, same rows, same run); a
thousand reminders due at once write a thousand such rows in the due pass. lz4 reads back
faster too. The column's values are unchanged: only how PostgreSQL stores them.

Where the server was built without lz4 (`default_toast_compression` does not offer it),
nothing changes. Rows written before keep the method they were written with (PostgreSQL reads
both). SQLite: nothing to do.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 14:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OFFERS_LZ4 = (
    "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
)
"""True where the server offers lz4, False where it does not, NULL before PostgreSQL 14
(no compression method can be chosen there)."""


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    offered = bind.exec_driver_sql(_OFFERS_LZ4).scalar()
    if offered is None or (method == "lz4" and not offered):
        return
    op.execute(f"ALTER TABLE outbox ALTER COLUMN context SET COMPRESSION {method}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")
