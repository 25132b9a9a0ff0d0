"""Rule-based reading of a French partnership convention into a convention file.

Offline and without any model: the document's parts are found by the shape French
conventions share, each clause by its own reader, numbers and dates in words or figures.
A value always comes with the sentence it was read from; when the text is unclear or says
two things, the field is left out and a warning says why.
"""

from .documents import (
    Document,
    Line,
    UnreadableDocument,
    document_from_text,
    read_document,
    read_upload,
)
from .engine import extract
from .model import Doubt, Extraction, Field, Gap
from .render import to_json, to_toml

__all__ = [
    "Document",
    "Doubt",
    "Extraction",
    "Field",
    "Gap",
    "Line",
    "UnreadableDocument",
    "document_from_text",
    "extract",
    "read_document",
    "read_upload",
    "to_json",
    "to_toml",
]
