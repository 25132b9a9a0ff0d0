"""This database's identity: the salt of its emails' Message-IDs (migration 0006)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from states.errors import ConvflowError
from storage.tables import installation_table


class InstallationMissing(ConvflowError):
    """The database has lost the row that gives its emails their identity (a hand edit)."""

    def __init__(self) -> None:
        super().__init__("installation_missing")


def installation_salt(connection: Connection) -> str:
    """The random salt this database drew when it was created or migrated."""
    salt = connection.execute(select(installation_table.c.salt)).scalar_one_or_none()
    if salt is None:  # only a hand-edited database lacks it: `convflow init` cannot
        raise InstallationMissing
    return str(salt)
