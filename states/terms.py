"""What the history establishes, to hold the stored convention against it (`convflow verify`).

The chain (states.chain) proves the history's lines; the convention's row, its parties and
its signatories are kept beside them, and a superuser could change those without touching a
line. So the lines that establish or change a convention's terms (its import, a draft's
edition, an amendment coming into force) carry the terms as they then stand, under the input
`terms`, hashed with the line; and the state a convention is in is the one its last line (of
its own, not an amendment's) leads to. `verify` compares both with what is stored.

Lines written before the terms were recorded carry none: such a convention's terms cannot be
checked against its history, and `verify` says so rather than calling them intact.

Pure: a convention and its lines in, the differences out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from states.chain import ERASURE, HistoryLine
from states.convention import Convention
from states.erasure import erased_address

TERMS = "terms"
"""The input of a history line that records the convention's terms as they then stand."""


def recorded_terms(convention: Convention) -> dict[str, Any]:
    """The convention's terms as a history line records them: its amount and term, its parties
    (name and identifiers) and its current signatories (name, title, email), by party."""
    return {
        "amount": str(convention.amount),
        "end_date": convention.end_date.isoformat(),
        "parties": {p.key: _party_text(p.name, p.siret, p.rna) for p in convention.parties},
        "signatories": _signatories(
            (s.party, s.name, s.title, s.email) for s in convention.signatories
        ),
    }


def _party_text(name: str, siret: str | None, rna: str | None) -> str:
    return "|".join((name, siret or "", rna or ""))


def _signatories(people: Any) -> dict[str, str]:
    """Each party's signatories as « name|title|email », joined by « ; » in a stable order."""
    grouped: dict[str, list[str]] = {}
    for party, name, title, email in people:
        grouped.setdefault(party, []).append("|".join((name, title, email)))
    return {party: ";".join(sorted(items)) for party, items in sorted(grouped.items())}


@dataclass(frozen=True)
class Difference:
    """Something stored that is not what the history establishes: `field` (`state`,
    `amount`, `end_date`, `party.<key>`, `signatory.<party>`), the value the history's line
    `seq` establishes and the value stored."""

    seq: int
    field: str
    recorded: str
    stored: str


def established_state(lines: Sequence[HistoryLine]) -> tuple[int, str] | None:
    """The line that set the convention's state last, and that state: its last line of its
    own (an amendment's lines carry the amendment's state)."""
    for line in reversed(lines):
        if line.amendment is None:
            return line.seq, line.to_state
    return None


def established_terms(lines: Sequence[HistoryLine]) -> tuple[int, Mapping[str, Any]] | None:
    """The last line that recorded the convention's terms, and those terms; None when no line
    did (a history written before they were recorded)."""
    for line in reversed(lines):
        terms = line.inputs.get(TERMS)
        if isinstance(terms, Mapping):
            return line.seq, terms
    return None


def differences(convention: Convention, lines: Sequence[HistoryLine]) -> list[Difference]:
    """What of the stored convention differs from what its history establishes: its state,
    and its terms when a line recorded them. After an erasure (rule 21) the history and the
    signatories' rows read the roles that replaced the people, the rows' addresses as the
    erasure wrote them: that is no difference."""
    found: list[Difference] = []
    state = established_state(lines)
    if state is not None and state[1] != convention.state:
        found.append(Difference(state[0], "state", state[1], convention.state))
    terms = established_terms(lines)
    if terms is not None:
        erased = any(line.name == ERASURE for line in lines)
        found += _term_differences(terms[0], terms[1], convention, erased)
    return found


def _term_differences(
    seq: int, recorded: Mapping[str, Any], convention: Convention, erased: bool
) -> list[Difference]:
    stored = recorded_terms(convention)
    found: list[Difference] = []
    if not _same_amount(str(recorded.get("amount", "")), convention.amount):
        found.append(Difference(seq, "amount", str(recorded.get("amount", "")),
                                stored["amount"]))  # fmt: skip
    if str(recorded.get("end_date", "")) != stored["end_date"]:
        found.append(Difference(seq, "end_date", str(recorded.get("end_date", "")),
                                stored["end_date"]))  # fmt: skip
    found += _mapping_differences(seq, "party", _texts(recorded.get("parties")), stored["parties"])
    people = _texts(recorded.get("signatories"))
    if erased:
        people = {party: _as_erased(text, party) for party, text in people.items()}
    found += _mapping_differences(seq, "signatory", people, stored["signatories"])
    return found


def _same_amount(recorded: str, stored: Decimal) -> bool:
    try:
        return Decimal(recorded) == stored
    except InvalidOperation:
        return False


def _texts(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    return {str(key): str(text) for key, text in value.items()}


def _mapping_differences(
    seq: int, prefix: str, recorded: Mapping[str, str], stored: Mapping[str, str]
) -> list[Difference]:
    return [
        Difference(seq, f"{prefix}.{key}", recorded.get(key, ""), stored.get(key, ""))
        for key in sorted(set(recorded) | set(stored))
        if recorded.get(key) != stored.get(key)
    ]


def _as_erased(text: str, party: str) -> str:
    """A party's signatories as the history records them after an erasure, each address as
    the erasure wrote it in the signatories' rows (the history says the role instead)."""
    people = []
    for item in text.split(";"):
        name, _, rest = item.partition("|")
        title, _, email = rest.rpartition("|")
        address = erased_address(email, party) or email
        people.append("|".join((name, title, address)))
    return ";".join(sorted(people))
