"""Erasing the signatories' personal data once the file's retention has run (rule 21).

The signed convention is an archive and is never erased; what goes is the personal data in
convflow's working copy: each signatory's name and email, wherever they were written (the
signatories, the history's inputs, the amendments, the emails kept), replaced by the
signatory's role (« signataire n°1 pour la Métropole… »). Dates, events, amounts stay.

Pure: who the signatories were in, the replacements and the refusals out. The history stays a
proof: the line that records the erasure attests each redacted line's new hash (states.chain).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from states import names
from states.chain import ERASURE
from states.convention import Convention
from states.due import notice_overridden
from states.errors import GuardRejected
from states.lifecycle import END_STATES
from states.retention import open_because, retention

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
    mentions: tuple[tuple[str, str], ...] = ()
    """Each way of naming a signatory in free text (a regular expression: the family name,
    the given name after a civility), and the role that replaces it; tried after the full
    names and emails in `roles`."""

    def text(self, value: str) -> str:
        """`value` with every name, email and mention of a signatory replaced by their role
        (in any case, with or without accents)."""
        if not self.roles:
            return value
        found = _compiled(tuple(self.roles.items()), self.mentions)
        return found.pattern.sub(lambda m: found.roles[(m.lastindex or 1) - 1], value)

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
    by_family: dict[str, str] = {}
    by_given: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for person in people:
        numbers[person.party] = numbers.get(person.party, 0) + 1
        number = numbers[person.party]
        role = f"signataire n°\u00a0{number} pour {party_names.get(person.party, person.party)}"
        roles.setdefault(_key(person.name), role)
        roles.setdefault(_key(person.email), role)
        placeholders.setdefault(_key(person.email), placeholder(number, person.party))
        family, given = names.mentions(person.name)
        if family:
            by_family.setdefault(family, role)
        if given:
            by_given.setdefault(given, role)
    mentions = tuple(by_family.items()) + tuple(by_given.items())
    return Replacements(roles, placeholders, mentions)


def placeholder(number: int, party: str) -> str:
    """The address that replaces signatory n°`number` of `party`'s: it receives nothing."""
    return f"signataire-{number}.{party}@donnees-effacees.invalid"


# « n° 1 », or « n°1 » as the roles erased before the no-break space were written
_ROLE = re.compile(r"signataire n°\s?(\d+) pour ")


def erased_address(role: str, party: str) -> str | None:
    """The address an erasure wrote in the signatories' row where the history's text now says
    `role` (« signataire n°2 pour … »): None when `role` is not one."""
    found = _ROLE.match(role)
    return None if found is None else placeholder(int(found.group(1)), party)


def check_erasable(
    convention: Convention, years: int, today: date, erased_on: date | None,
    dispute_ended: date | None,
) -> None:  # fmt: skip
    """Refuse an erasure before the file's retention has run, or a second one; the file of an
    ended convention still open (a dispute, in court or not, an instalment to pay, the financial
    report owed) refused by what keeps it open. `dispute_ended`: the day its last dispute ended
    (states.retention.dispute_ended_on), from which the retention may run."""
    reference = convention.reference
    if erased_on is not None:
        raise GuardRejected(reference, EVENT, "already_erased", on=erased_on)
    if convention.state not in END_STATES:
        raise GuardRejected(reference, EVENT, "erasure_before_end", state=convention.state,
                            notice_overridden=notice_overridden(convention))  # fmt: skip
    because = open_because(convention)
    dispute = convention.dispute
    if "dispute" in because and dispute is not None:
        raise GuardRejected(reference, EVENT, "erasure_during_dispute", opened_on=dispute.opened_on)
    if "litigation" in because and dispute is not None:
        raise GuardRejected(reference, EVENT, "erasure_during_litigation",
                            opened_on=dispute.opened_on)  # fmt: skip
    if "instalment_unpaid" in because:
        owed = sum((convention.still_due(i) for i in convention.unpaid_instalments()), Decimal(0))
        raise GuardRejected(reference, EVENT, "erasure_instalment_unpaid", amount=owed)
    kept = retention(convention, years, dispute_ended)
    if kept is None:  # ended, but a financial report is still owed: the file is open
        raise GuardRejected(reference, EVENT, "erasure_file_open")
    if today < kept.erasable_from:
        raise GuardRejected(reference, EVENT, "erasure_too_early", kept_until=kept.kept_until,
                            erasable_from=kept.erasable_from)  # fmt: skip


def _key(value: str) -> str:
    return value.strip().lower()


@dataclass(frozen=True)
class _Compiled:
    pattern: re.Pattern[str]
    roles: tuple[str, ...]
    """The role of each alternative, by its group's number less one."""


@functools.lru_cache(maxsize=64)
def _compiled(literals: tuple[tuple[str, str], ...],
              mentions: tuple[tuple[str, str], ...]) -> _Compiled:  # fmt: skip
    """One pattern: every email and full name (longest first: a full name before a shorter one
    it contains), then every other mention (by family name, then by given name), each
    alternative a group so that the one that matched gives its role."""
    ordered = sorted(((k, r) for k, r in literals if k), key=lambda kr: len(kr[0]), reverse=True)
    alternatives = [(names.literal(k), r) for k, r in ordered] + list(mentions)
    pattern = "|".join(f"({expression})" for expression, _ in alternatives)
    return _Compiled(re.compile(pattern, re.IGNORECASE), tuple(r for _, r in alternatives))
