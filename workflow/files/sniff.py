"""What a file is, from its bytes (never from its name): the types a paper trail holds.

PDF, PNG, JPEG, TIFF, Word (.docx) and UTF-8 text are papers; a program, an archive or a file
of another type is refused, naming what it looks like.
"""

from __future__ import annotations

import io
import zipfile

from states.errors import InvalidInput

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
_OFFICE = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_REFUSED = (
    (b"MZ", "un programme Windows"),
    (b"\x7fELF", "un programme"),
    (b"PK\x03\x04", "une archive ZIP"),
    (b"\x1f\x8b", "une archive gzip"),
    (b"GIF8", "une image GIF"),
)


def media_type(content: bytes, field: str = "file") -> str:
    """What the file is, from its bytes; refused (naming what it looks like) when it is not a
    kind a convention's paper trail holds."""
    if not content:
        raise InvalidInput(field, "document_empty")
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content.startswith(b"PK\x03\x04"):
        office = _office(content)
        if office is not None:
            return office
    for magic, what in _REFUSED:
        if content.startswith(magic):
            raise InvalidInput(field, "document_type_refused", what=what)
    if b"\x00" not in content[:8192]:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "text/plain"
    raise InvalidInput(field, "document_type_refused", what="un fichier d'un type inconnu")


def _office(content: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    for prefix, kind in _OFFICE.items():
        if any(name.startswith(prefix) for name in names):
            return kind
    return None
