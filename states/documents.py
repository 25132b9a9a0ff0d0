"""The papers a convention's dates rest on: what kinds there are, their address and size.

The signed convention, an amendment, the notification of the award, a registered letter and
its acknowledgement of receipt, minutes: scans or PDFs, Word documents, text (what a file is,
from its content, is read by workflow.files.sniff).
"""

from __future__ import annotations

import hashlib

from states.errors import InvalidInput

DOCUMENT_KINDS = (
    "signed_convention", "amendment", "award_notification", "registered_letter",
    "acknowledgement", "minutes", "letter", "other",
)  # fmt: skip
"""What a document is to the convention (`--kind`)."""
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def sha256(content: bytes) -> str:
    """The document's address: the SHA-256 of its bytes, in hexadecimal."""
    return hashlib.sha256(content).hexdigest()


def check_kind(kind: str) -> str:
    """A document kind, or the refusal that lists them."""
    if kind not in DOCUMENT_KINDS:
        raise InvalidInput("kind", "unknown_document_kind", kind=kind, kinds=list(DOCUMENT_KINDS))
    return kind


def check_size(size: int, most: int) -> None:
    """Refuse a document above the size limit, naming both."""
    if size > most:
        raise InvalidInput("file", "document_too_big", size=size, most=most)
