"""What the whole database says of the work, for metrics: shared by every service instance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from workflow.bootstrap import App

__all__ = ["WorkSnapshot", "work_snapshot"]


@dataclass(frozen=True)
class WorkSnapshot:
    """Conventions by state, emails by status, deadlines by status, the oldest email waiting."""

    conventions: dict[str, int]
    emails: dict[str, int]
    deadlines: dict[str, int]
    oldest_pending_age: float | None  # seconds; None when nothing waits


def work_snapshot(app: App, now: datetime) -> WorkSnapshot:
    """The counts as they stand now, in one read-only transaction."""
    with app.uow(read_only=True) as uow:
        oldest = uow.listing.oldest_pending_email()
        snapshot = WorkSnapshot(
            conventions=uow.listing.counts_by_state(),
            emails=uow.listing.outbox_by_status(),
            deadlines=uow.listing.deadlines_by_status(),
            oldest_pending_age=None,
        )
    if oldest is None:
        return snapshot
    if oldest.tzinfo is None:  # SQLite gives aggregates back naive; stored instants are UTC
        oldest = oldest.replace(tzinfo=UTC)
    age = max(0.0, (now - oldest).total_seconds())
    return WorkSnapshot(snapshot.conventions, snapshot.emails, snapshot.deadlines, age)
