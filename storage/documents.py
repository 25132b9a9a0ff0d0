"""Documents and their bytes: a paper stored once (by its SHA-256), listed by convention."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, LargeBinary, cast, insert, select

from storage import reads
from storage.tables import AnyRow, document_blob_table, document_table

b, d = document_blob_table.c, document_table.c


class DocumentRepository:
    """The documents of conventions, and the blobs they point to."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(
        self, convention_id: int, sha256: str, content: bytes, *, kind: str, name: str,
        media_type: str, event_seq: int | None, amendment: int | None,
        received_on: date | None, added_by: str, added_at: datetime,
        signatures: list[dict[str, Any]] | None = None,
    ) -> int:  # fmt: skip
        """Store a document (its bytes only when no document holds them yet); its id."""
        known = self._connection.execute(select(b.sha256).where(b.sha256 == sha256)).first()
        if known is None:
            self._connection.execute(
                insert(document_blob_table).values(
                    sha256=sha256, size=len(content), content=content
                )
            )
        values = {
            "convention_id": convention_id, "event_seq": event_seq, "amendment": amendment,
            "kind": kind, "name": name, "media_type": media_type, "size": len(content),
            "sha256": sha256, "received_on": received_on, "added_by": added_by,
            "added_at": added_at, "signatures": signatures,
        }  # fmt: skip
        found = self._connection.execute(insert(document_table).values(**values).returning(d.id))
        return int(found.scalar_one())

    def for_convention(self, convention_id: int) -> list[AnyRow]:
        """A convention's documents, in the order they were added."""
        return list(self._connection.execute(reads.DOCUMENTS, {"convention_id": convention_id}))

    def for_conventions(self, convention_ids: list[int]) -> list[AnyRow]:
        """The documents of these conventions, by convention then in the order added."""
        query = (select(document_table).where(d.convention_id.in_(convention_ids))
                 .order_by(d.convention_id, d.id))  # fmt: skip
        return list(self._connection.execute(query)) if convention_ids else []

    def described(self, sha256: str) -> AnyRow | None:
        """The first document that holds these bytes (its name and type), or None."""
        query = select(document_table).where(d.sha256 == sha256).order_by(d.id).limit(1)
        return self._connection.execute(query).first()

    def content(self, sha256: str) -> bytes | None:
        """The stored bytes at this address, as stored (the caller checks them). Read as bytes
        whatever the value's type: SQLite lets a blob be rewritten as text (not even UTF-8),
        which its driver would fail to decode or hand back as a string; cast, those are the
        stored bytes, and the caller's check tells an intact paper from a corrupted one."""
        query = select(cast(b.content, LargeBinary)).where(b.sha256 == sha256)
        found = self._connection.execute(query).first()
        return None if found is None else bytes(found[0])
