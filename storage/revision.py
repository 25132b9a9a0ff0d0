"""The schema revision the code expects, and a quick look at a database's, without Alembic.

Loading Alembic costs a command a tenth of a second; a database at the expected revision is
recognised by one query. Anything else (no version table, another revision, several) is left to
Alembic (storage.migrate), which says what it is. A test keeps HEAD equal to Alembic's head.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["HEAD", "at_head"]

HEAD = "0028"
"""The last migration's revision (storage/migrations/versions)."""


def at_head(engine: Engine) -> bool:
    """True when the database's version table holds exactly HEAD; False when in doubt."""
    # Imported here: HEAD alone is read by the reader without SQLAlchemy (storage.driver_reads).
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError as error:  # no version table, or no database: Alembic's path says which
        if error.connection_invalidated or error.statement is None:
            raise  # no server (or no answer): asking again through Alembic would wait again
        return False
    return [row[0] for row in found] == [HEAD]
