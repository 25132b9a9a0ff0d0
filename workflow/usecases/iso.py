"""Dates and instants as the read models write them (ISO 8601), for every entry point."""

from __future__ import annotations

from datetime import UTC, date, datetime

__all__ = ["day", "instant"]


def instant(value: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC with a Z: '2025-12-31T23:00:00Z'."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: date | None) -> str | None:
    """A civil date as ISO 8601."""
    return value.isoformat() if value else None
