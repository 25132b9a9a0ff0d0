"""Alembic environment: runs convflow's migrations on the connection `storage.migrate` passes in."""

from __future__ import annotations

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from storage.tables import metadata
from storage.types import Money, UTCDateTime


def _render_item(kind: str, item: Any, autogen: AutogenContext) -> str | bool:
    """Render our column types as plain SQLAlchemy ones, so migrations never import the app."""
    if kind == "type" and isinstance(item, Money):
        return "sa.String(length=32)"
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if kind == "type" and type(item).__module__.startswith("sqlmodel"):
        return f"sa.String(length={item.length})" if item.length else "sa.String()"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `convflow init` (storage.migrate.upgrade)")
_run(connection)
