"""The history proves itself: each line carries the hash of its content and of the line before.

A convention's history (its amendments' events included) is a chain: line n's hash is the
SHA-256 of line n-1's hash followed by line n's canonical content. Changing, removing,
inserting or reordering a line breaks every hash after it; `convflow verify` recomputes the
chains and names the first line that differs, and the administrators' daily summary carries
each chain's head, so a rewrite that recomputes the hashes is still caught against it.

Pure: the content in, the hashes out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

GENESIS = "0" * 64
"""The hash before a convention's first line."""
ERASURE = "erase_personal_data"
"""The line that records the erasure of the signatories' personal data (rule 21): the lines
it redacted no longer hash to their stored hash; it attests the hash of each as redacted."""


@dataclass(frozen=True)
class HistoryLine:
    """One line of a convention's history, as the chain covers it."""

    reference: str
    seq: int
    name: str
    from_state: str | None
    to_state: str
    occurred_on: date
    recorded_at: datetime
    actor: str
    inputs: Mapping[str, Any]
    amendment: int | None


def canonical(line: HistoryLine) -> bytes:
    """The line's content as the bytes its hash covers: sorted JSON, UTC to the second."""
    recorded = line.recorded_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    content = {
        "reference": line.reference, "seq": line.seq, "name": line.name,
        "from_state": line.from_state, "to_state": line.to_state,
        "occurred_on": line.occurred_on.isoformat(), "recorded_at": recorded,
        "actor": line.actor, "inputs": dict(line.inputs), "amendment": line.amendment,
    }  # fmt: skip
    return _CANONICAL_JSON.encode(content).encode("utf-8")


_CANONICAL_JSON = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
)
"""What `json.dumps` builds from these options on every call, built once: the same text."""


def link(previous_hash: str, line: HistoryLine) -> str:
    """The hash of `line` following the line whose hash is `previous_hash`."""
    return hashlib.sha256(previous_hash.encode("ascii") + canonical(line)).hexdigest()


def redacted_hash(line: HistoryLine) -> str:
    """The hash an erasure attests for a line it redacted: of its content as it now reads."""
    return hashlib.sha256(canonical(line)).hexdigest()


def attestation(hashes: Mapping[int, str]) -> str:
    """The redacted lines' hashes, as the erasure's line carries them: « 3:ab…;4:cd… »."""
    return ";".join(f"{seq}:{digest}" for seq, digest in sorted(hashes.items()))


def attested(text: str) -> dict[int, str]:
    """The hashes an erasure's line attests, by line (none for a malformed text)."""
    found: dict[int, str] = {}
    for item in text.split(";") if text else ():
        seq, _, digest = item.partition(":")
        if seq.isdigit() and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest):
            found[int(seq)] = digest
    return found


Breach = Literal["altered", "removed", "unchained"]
"""How a line fails: its content changed since it was written (`altered`); the line before
it is missing (`removed`); it does not follow the line before it, inserted or moved there
(`unchained`)."""


@dataclass(frozen=True)
class ChainBreak:
    """The first line of a chain that does not hold, and how."""

    reference: str
    seq: int
    breach: Breach


def first_break(
    lines: Sequence[tuple[HistoryLine, str | None, str | None]],
) -> ChainBreak | None:
    """The first line where a convention's chain fails, or None when it holds. Each item is a
    line with its stored `previous_hash` and `content_hash`, in `seq` order. A line redacted by
    an erasure holds when its content hashes as the erasure's own line (later in the chain,
    itself chained) attests."""
    redacted: dict[int, str] = {}
    for line, _, _ in lines:
        if line.name == ERASURE:
            redacted.update(attested(str(line.inputs.get("redacted", ""))))
    expected_previous, expected_seq = GENESIS, 1
    for line, previous_hash, content_hash in lines:
        if line.seq > expected_seq:
            return ChainBreak(line.reference, expected_seq, "removed")
        if previous_hash != expected_previous:
            return ChainBreak(line.reference, line.seq, "unchained")
        if content_hash != link(expected_previous, line) and not (
            line.seq in redacted and redacted_hash(line) == redacted[line.seq]
        ):
            return ChainBreak(line.reference, line.seq, "altered")
        expected_previous, expected_seq = content_hash or "", line.seq + 1
    return None
