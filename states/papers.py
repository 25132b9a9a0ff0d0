"""A paper's attachment on the history's chain, and the stored papers held against it.

Attaching a paper writes a history line (`attach_document`) that records the paper's SHA-256,
kind, size and what it proves (a line, an amendment, a receipt's date), hashed with the line
(states.chain): a paper's row deleted or changed, or one added without its line, is named by
`convflow verify`, which also hashes every stored paper's bytes again.

Papers attached before their attachment was recorded have no line: on a convention whose
history records its terms from its first line (written since both were recorded), a paper
without its line is a difference; on an older one it is listed as unrecorded, not called
intact.

Pure: the lines and the papers' rows in, the differences out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from states.chain import HistoryLine
from states.terms import TERMS, Difference

ATTACH = "attach_document"
"""The history line that records a paper's attachment."""


@dataclass(frozen=True)
class StoredPaper:
    """A paper's row as stored: its address and what it is to the convention."""

    sha256: str
    kind: str
    size: int
    event: int | None
    amendment: int | None
    received_on: date | None
    name: str = ""


def attachment_inputs(paper: StoredPaper) -> dict[str, str]:
    """What the attachment's line records (its name too, for the reader: not compared, an
    erasure may redact it in the line and not in the paper's row)."""
    inputs = {"paper": paper.sha256, "kind": paper.kind, "size": str(paper.size),
              "name": paper.name}  # fmt: skip
    if paper.event is not None:
        inputs["for_line"] = str(paper.event)
    if paper.amendment is not None:
        inputs["for_amendment"] = str(paper.amendment)
    if paper.received_on is not None:
        inputs["received_on"] = paper.received_on.isoformat()
    return inputs


def _key(inputs: Mapping[str, object]) -> str:
    """A paper as compared: « sha256 kind size line amendment received_on »."""
    return " ".join(
        str(inputs.get(k) or "-")
        for k in ("paper", "kind", "size", "for_line", "for_amendment", "received_on")
    )


def stored_key(paper: StoredPaper) -> str:
    """A stored paper as compared with its line."""
    return _key(attachment_inputs(paper))


def paper_differences(
    lines: Sequence[HistoryLine], papers: Sequence[StoredPaper]
) -> tuple[list[Difference], list[str]]:
    """The papers' differences with the history (field `paper`: a line's paper without its
    row, seq the line's; a row without its line, seq 0, on a history that records its papers
    from its start), and the papers of an older history that no line records (unrecorded)."""
    recorded = [(line.seq, _key(line.inputs)) for line in lines if line.name == ATTACH]
    stored = [stored_key(paper) for paper in papers]
    found: list[Difference] = []
    for seq, key in recorded:
        if key in stored:
            stored.remove(key)
        else:
            found.append(Difference(seq, "paper", key, ""))
    recorded_from_start = bool(lines) and TERMS in lines[0].inputs
    if recorded_from_start:
        found += [Difference(0, "paper", "", key) for key in stored]
        return found, []
    return found, stored
