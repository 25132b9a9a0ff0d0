"""A convention's papers: attach one (to the convention, one of its history lines, or one of its
amendments), list them, read one back, its bytes checked against their SHA-256 at every read.

Stored in the database (every service instance and every backup has them), refused above the
size limit (`CONVFLOW_DOCUMENT_MAX_BYTES`) or when the content is not a kind a paper trail
holds; a refusal changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from states.calendar import civil_date
from states.convention import Convention
from states.documents import check_kind, check_size, sha256
from states.errors import ConvflowError, InvalidInput
from states.inputs import check_text
from states.papers import ATTACH, StoredPaper, attachment_inputs
from workflow.files.pades import signings
from workflow.files.sniff import media_type
from workflow.usecases.iso import day, instant

if TYPE_CHECKING:  # the database layer: a status read on the bare driver shows documents too
    from storage.tables import AnyRow
    from workflow.bootstrap import App


class DocumentCorrupted(ConvflowError):
    """The stored bytes no longer hash to their address: never handed out as the document."""

    def __init__(self, sha256: str, found: str) -> None:
        super().__init__("document_corrupted", sha256=sha256, found=found)


class UnknownDocument(ConvflowError, LookupError):
    """No document is stored at this address."""

    def __init__(self, sha256: str) -> None:
        super().__init__("unknown_document", sha256=sha256[:80])


@dataclass(frozen=True)
class Attach:
    """A document to attach: its bytes and name, what it is, what it proves."""

    reference: str
    content: bytes
    name: str
    kind: str
    actor: str
    event: int | None = None
    amendment: int | None = None
    received_on: date | None = None


def document_view(row: AnyRow) -> dict[str, Any]:
    """A document as `convflow documents --json` and the API give it."""
    return {
        "sha256": row.sha256,
        "name": row.name,
        "kind": row.kind,
        "media_type": row.media_type,
        "size": row.size,
        "event": row.event_seq,
        "amendment": row.amendment,
        "received_on": day(row.received_on),
        "added_by": row.added_by,
        "added_at": instant(row.added_at),
        "signatures": list(row.signatures or []),
    }


def signatures_of(content: bytes, media_type: str) -> list[dict[str, Any]] | None:
    """What a signed PDF says of its signatures, as stored; None for a paper without any."""
    found = signings(content, media_type)
    return [
        {"signer": s.signer, "signed_at": instant(s.signed_at) if s.signed_at else None,
         "intact": s.intact}
        for s in found
    ] or None  # fmt: skip


def attach(app: App, command: Attach, now: datetime) -> dict[str, Any]:
    """Store the document and say what it is to the convention, in one transaction."""
    check_size(len(command.content), app.settings.document_max_bytes)
    kind = check_kind(command.kind)
    sniffed = media_type(command.content)
    name = check_text(command.name.strip() or "document", "name", 255)
    with app.uow() as uow:
        # an unknown reference is refused by name; locked: the attachment is a history line
        convention = uow.conventions.get(command.reference, for_update=True)
        convention_id = uow.conventions.id_of(command.reference)
        _check_target(uow, convention_id, command)
        digest = sha256(command.content)
        uow.documents.add(
            convention_id, digest, command.content, kind=kind, name=name, media_type=sniffed,
            event_seq=command.event, amendment=command.amendment,
            received_on=command.received_on, added_by=command.actor, added_at=now,
            signatures=signatures_of(command.content, sniffed),
        )  # fmt: skip
        paper = StoredPaper(digest, kind, len(command.content), command.event,
                            command.amendment, command.received_on, name)  # fmt: skip
        _record_attachment(uow, convention, convention_id, paper, command.actor, now)
        rows = uow.documents.for_convention(convention_id)
        uow.commit()
    return document_view(rows[-1])


def _record_attachment(
    uow: Any, convention: Convention, convention_id: int, paper: StoredPaper, actor: str,
    now: datetime,
) -> None:  # fmt: skip
    """The attachment's history line (states.papers), chained: the convention's version
    follows, as for every line."""
    seq = uow.conventions.save(convention, now)
    uow.conventions.append_event(convention_id, seq, ATTACH, convention.state, convention.state,
                                 civil_date(now), actor, attachment_inputs(paper), now)  # fmt: skip


def _check_target(uow: Any, convention_id: int, command: Attach) -> None:
    """The history line or amendment a document proves must exist."""
    if command.event is not None:
        lines = len(uow.conventions.history(convention_id))
        if not 1 <= command.event <= lines:
            raise InvalidInput("event", "no_such_history_line", event=command.event, lines=lines)
    if command.amendment is not None:
        numbers = [a.number for a in uow.amendments.for_convention(convention_id)]
        if command.amendment not in numbers:
            raise InvalidInput("amendment", "no_such_amendment_here", amendment=command.amendment)


def documents(app: App, reference: str) -> list[dict[str, Any]]:
    """A convention's documents, in the order they were added."""
    with app.uow(read_only=True) as uow:
        uow.conventions.get(reference)
        rows = uow.documents.for_convention(uow.conventions.id_of(reference))
    return [document_view(row) for row in rows]


def read(app: App, address: str) -> tuple[bytes, dict[str, Any]]:
    """A document's bytes and what it is, checked against their address first."""
    with app.uow(read_only=True) as uow:
        described = uow.documents.described(address)
        content = uow.documents.content(address) if described is not None else None
    if described is None or content is None:
        raise UnknownDocument(address)
    found = sha256(content)
    if found != address:
        raise DocumentCorrupted(address, found)
    return content, document_view(described)
