"""How a value read from the database driver becomes the value SQLAlchemy's column types give.

Kept apart from SQLAlchemy (this module imports neither it nor a driver), so that a reader on
the bare driver (storage.driver_reads) converts its rows exactly as the repositories' do.
A column's kind is one of: "instant", "money", "json", "date", "bool", "plain".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

Convert = Callable[[Any], Any]


def read_instant(value: datetime | str) -> datetime:
    """An instant as stored (SQLite's naive UTC text, PostgreSQL's aware value), in UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def read_json(value: Any) -> Any:
    """A JSON value, parsed when the driver handed over its text."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def read_date(value: date | str) -> date:
    """A day, from SQLite's ISO text or PostgreSQL's date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


READ: dict[str, Convert] = {
    "json": read_json,
    "money": Decimal,
    "instant": read_instant,
    "date": read_date,
    "bool": bool,  # SQLite stores a boolean as 0 or 1
}
"""Per column kind, how a value that is not NULL is read back ("plain" values are kept)."""
