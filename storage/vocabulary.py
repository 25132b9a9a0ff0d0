"""Words the tables store, known without the tables (SQLAlchemy): a reader on the bare driver
(storage.driver_reads) and the views built on it use them too."""

from __future__ import annotations

EMAIL_WAITING: tuple[str, ...] = ("pending", "uncertain")
"""The statuses of an email waiting for its next attempt."""
