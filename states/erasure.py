"""Erasing the signatories' personal data once the file's retention has run (rule 21).

The signed convention is an archive and is never erased; what goes is the personal data in
convflow's working copy: each signatory's name and email, wherever they were written (the
signatories, the history's inputs, the amendments, the emails kept), replaced by the
signatory's role (« signataire n°1 pour la Métropole… »). Dates, events, amounts stay.

Pure: who the signatories were in, the replacements and the refusals out. The history stays a
proof: the line that records the erasure attests each redacted line's new hash (states.chain).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from states.chain import ERASURE
from states.convention import Convention
from states.errors import GuardRejected
from states.lifecycle import END_STATES
from states.retention import retention

EVENT = ERASURE
"""The history line that records an erasure."""


@dataclass(frozen=True)
class Person:
    """A signatory as stored, current or replaced: their party and what identifies them."""

    party: str
    name: str
    email: str


@dataclass(frozen=True)
class Replacements:
    """What each personal value becomes: a name or an email, by the signatory's role."""

    roles: dict[str, str]
    """Each name and (lower-case) email, to the role that replaces it in text."""
    placeholders: dict[str, str]
    """Each (lower-case) email, to the address that replaces it where an address is kept."""

    def text(self, value: str) -> str:
        """`value` with every name and email replaced by its role (emails in any case)."""
        if not self.roles:
            return value
        return _pattern(tuple(self.roles)).sub(lambda m: self.roles[_key(m.group(0))], value)

    def value(self, value: Any) -> Any:
        """A stored value (text, list, mapping: keys too) with every personal value replaced."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value


def replacements(people: Iterable[Person], party_names: Mapping[str, str]) -> Replacements:
    """The role of each signatory: « signataire n°N pour PARTY », numbered per party in the
    order they were appointed; their address becomes one that cannot receive mail (.invalid,
    RFC 2606)."""
    roles: dict[str, str] = {}
    placeholders: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for person in people:
        numbers[person.party] = numbers.get(person.party, 0) + 1
        number = numbers[person.party]
        role = f"signataire n°{number} pour {party_names.get(person.party, person.party)}"
        roles.setdefault(_key(person.name), role)
        roles.setdefault(_key(person.email), role)
        placeholders.setdefault(_key(person.email), placeholder(number, person.party))
    return Replacements(roles, placeholders)


def placeholder(number: int, party: str) -> str:
    """The address that replaces signatory n°`number` of `party`'s: it receives nothing."""
    return f"signataire-{number}.{party}@donnees-effacees.invalid"


_ROLE = re.compile(r"signataire n°(\d+) pour ")


def erased_address(role: str, party: str) -> str | None:
    """The address an erasure wrote in the signatories' row where the history's text now says
    `role` (« signataire n°2 pour … »): None when `role` is not one."""
    found = _ROLE.match(role)
    return None if found is None else placeholder(int(found.group(1)), party)


def check_erasable(convention: Convention, years: int, today: date, erased_on: date | None) -> None:
    """Refuse an erasure before the file's retention has run, or a second one."""
    reference = convention.reference
    if erased_on is not None:
        raise GuardRejected(reference, EVENT, "already_erased", on=erased_on)
    if convention.state not in END_STATES:
        raise GuardRejected(reference, EVENT, "erasure_before_end", state=convention.state)
    kept = retention(convention, years)
    if kept is None:  # ended, but a financial report is still owed: the file is open
        raise GuardRejected(reference, EVENT, "erasure_file_open")
    if today < kept.erasable_from:
        raise GuardRejected(reference, EVENT, "erasure_too_early", kept_until=kept.kept_until,
                            erasable_from=kept.erasable_from)  # fmt: skip


def _key(value: str) -> str:
    return value.strip().lower()


def _pattern(values: tuple[str, ...]) -> re.Pattern[str]:
    """Every value, longest first (a full name before a shorter one it contains)."""
    alternatives = sorted((v for v in values if v), key=len, reverse=True)
    return re.compile("|".join(re.escape(v) for v in alternatives), re.IGNORECASE)
