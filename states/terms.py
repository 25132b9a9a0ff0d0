"""What the history establishes, to hold the stored convention against it (`convflow verify`).

The chain (states.chain) proves the history's lines; the convention's row, its parties and
its signatories are kept beside them, and a superuser could change those without touching a
line. So the lines that establish or change a convention's terms (its import, a draft's
edition, an amendment coming into force) carry the terms as they then stand, under the input
`terms`, hashed with the line; and the state a convention is in is the one its last line (of
its own, not an amendment's) leads to. `verify` compares both with what is stored.

The terms record the amount of each instalment of a payment schedule (`instalments`, by number;
empty for a single payment) since lines recorded them; a line written before that carries the
schedule's total only (its `amount`), which the stored instalments must add up to.

What was paid and forgone needs no record of its own: each `pay` line carries the amount paid
and the instalment it was paid on, each `forgo_payment` line the instalment forgone, all hashed
with the line; the convention's row is held against their sum (:func:`payment_differences`).

Lines written before the terms were recorded carry none: such a convention's terms cannot be
checked against its history, and `verify` says so rather than calling them intact.

Pure: a convention and its lines in, the differences out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from states.chain import ERASURE, HistoryLine
from states.convention import Convention
from states.erasure import erased_address
from states.payments import SINGLE_PAYMENT, InstalmentProgress, progress_of

TERMS = "terms"
"""The input of a history line that records the convention's terms as they then stand."""
INSTALMENTS = "instalments"
"""The key of the terms that records each instalment's amount, by number (`{"1": "27000.00"}`);
as a difference's field, the stored instalments' total against the amount a line recorded
before the terms carried each instalment."""
PAID_ON, PAID_AMOUNT = "paid_on", "paid_amount"
"""The differences' fields of the convention's first payment date and of its total paid."""


def recorded_terms(convention: Convention) -> dict[str, Any]:
    """The convention's terms as a history line records them: its amount and term, each
    instalment's amount by number (none for a single payment), its parties (name and
    identifiers) and its current signatories (name, title, email), by party."""
    return {
        "amount": str(convention.amount),
        "end_date": convention.end_date.isoformat(),
        INSTALMENTS: {str(i.number): str(i.amount) for i in convention.clauses.instalments},
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
    `amount`, `end_date`, `instalment.<n>.amount`, `instalments`, `party.<key>`,
    `signatory.<party>`, `paid_on`, `paid_amount`, `instalment.<n>.paid_amount`,
    `instalment.<n>.forgone_on`: n is 0 for a single payment), the value the history's line
    `seq` establishes (0: no line records it) and the value stored."""

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
    its terms when a line recorded them, and what was paid and forgone. After an erasure
    (rule 21) the history and the signatories' rows read the roles that replaced the people,
    the rows' addresses as the erasure wrote them: that is no difference."""
    found: list[Difference] = []
    state = established_state(lines)
    if state is not None and state[1] != convention.state:
        found.append(Difference(state[0], "state", state[1], convention.state))
    terms = established_terms(lines)
    if terms is not None:
        erased = any(line.name == ERASURE for line in lines)
        found += _term_differences(terms[0], terms[1], convention, erased)
    return found + payment_differences(convention, lines)


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
    found += _instalment_differences(seq, recorded, convention)
    found += _mapping_differences(seq, "party", _texts(recorded.get("parties")), stored["parties"])
    people = _texts(recorded.get("signatories"))
    if erased:
        people = {party: _as_erased(text, party) for party, text in people.items()}
    found += _mapping_differences(seq, "signatory", people, stored["signatories"])
    return found


def _instalment_differences(
    seq: int, recorded: Mapping[str, Any], convention: Convention
) -> list[Difference]:
    """Each instalment's amount against the one the line recorded (`instalment.<n>.amount`);
    a line that recorded the total only: the stored instalments' total against it."""
    stored = {str(i.number): i.amount for i in convention.clauses.instalments}
    amounts = recorded.get(INSTALMENTS)
    if not isinstance(amounts, Mapping):
        total = sum(stored.values(), Decimal("0"))
        said = str(recorded.get("amount", ""))
        if stored and not _same_amount(said, total):
            return [Difference(seq, INSTALMENTS, said, str(total))]
        return []
    texts = _texts(amounts)
    return [
        Difference(seq, f"instalment.{number}.amount", texts.get(number, ""),
                   str(stored[number]) if number in stored else "")
        for number in sorted(set(texts) | set(stored), key=_as_number)
        if number not in stored or not _same_amount(texts.get(number, ""), stored[number])
    ]  # fmt: skip


def _as_number(text: str) -> tuple[int, str]:
    return (int(text), "") if text.isdigit() else (0, text)


def _same_amount(recorded: str, stored: Decimal) -> bool:
    try:
        return Decimal(recorded) == stored
    except InvalidOperation:
        return False


@dataclass
class _Recorded:
    """What the `pay` and `forgo_payment` lines of one instalment establish: what was paid
    on it (all its parts) and by which line last, the day it was forgone and by which line."""

    paid: Decimal = Decimal("0")
    paid_seq: int = 0
    forgone_on: date | None = None
    forgone_seq: int = 0


def payment_differences(convention: Convention, lines: Sequence[HistoryLine]) -> list[Difference]:
    """What the convention's row says was paid and forgone, against its `pay` and
    `forgo_payment` lines: its first payment's date and total paid (`paid_on`,
    `paid_amount`), and, for each instalment (0: the single payment), what was paid on it and
    the day it was forgone. A value is named with the line that establishes it: the last
    payment of the instalment, its renunciation (0 when no line records one)."""
    recorded: dict[int, _Recorded] = {}
    first: HistoryLine | None = None
    last_paid: HistoryLine | None = None
    for line in lines:
        if line.amendment is not None or line.name not in ("pay", "forgo_payment"):
            continue
        number = _instalment_of(line)
        entry = recorded.setdefault(number, _Recorded())
        if line.name == "forgo_payment":
            entry.forgone_on, entry.forgone_seq = line.occurred_on, line.seq
            continue
        entry.paid += _amount_of(line)
        entry.paid_seq = line.seq
        first, last_paid = first or line, line
    found: list[Difference] = []
    first_on = first.occurred_on if first else None
    if first_on != convention.paid_on:
        found.append(Difference(first.seq if first else 0, PAID_ON, _day(first_on),
                                _day(convention.paid_on)))  # fmt: skip
    total = sum((entry.paid for entry in recorded.values()), Decimal("0"))
    if total != (convention.paid_amount or Decimal("0")):
        found.append(Difference(last_paid.seq if last_paid else 0, PAID_AMOUNT,
                                _sum(total), _sum(convention.paid_amount)))  # fmt: skip
    progress = convention.paid_so_far()
    amounts = {i.number: i.amount for i in convention.schedule()}
    numbers = sorted(set(recorded) | {p.number for p in progress})
    for number in numbers:
        entry = recorded.get(number, _Recorded())
        stored = progress_of(progress, number)
        paid = _paid(stored, amounts.get(number))
        said = Difference(entry.paid_seq, f"instalment.{number}.paid_amount",
                          _sum(entry.paid), _sum(paid))  # fmt: skip
        if entry.paid != (paid or Decimal("0")) and not _said_by_total(said, found):
            found.append(said)
        if entry.forgone_on != stored.forgone_on:
            found.append(Difference(entry.forgone_seq, f"instalment.{number}.forgone_on",
                                    _day(entry.forgone_on), _day(stored.forgone_on)))  # fmt: skip
    return found


def _said_by_total(said: Difference, found: list[Difference]) -> bool:
    """Whether the single payment's difference is the total's, said already: one payment, its
    amount and the total paid are the same thing (the row keeps both)."""
    return said.field == f"instalment.{SINGLE_PAYMENT}.paid_amount" and any(
        (d.field, d.seq, d.recorded, d.stored) == (PAID_AMOUNT, said.seq, said.recorded,
                                                   said.stored) for d in found
    )  # fmt: skip


def _instalment_of(line: HistoryLine) -> int:
    """The instalment a `pay` or `forgo_payment` line is about: the number it records, or
    the single payment's."""
    text = str(line.inputs.get("instalment", "")).strip()
    return int(text) if text.isascii() and text.isdigit() else SINGLE_PAYMENT


def _amount_of(line: HistoryLine) -> Decimal:
    """The amount a `pay` line records (as `pay` writes it: `27000.00`); 0 when it cannot be
    read, which the total's difference then shows."""
    try:
        return Decimal(str(line.inputs.get("amount", "")))
    except InvalidOperation:
        return Decimal("0")


def _paid(progress: InstalmentProgress, amount: Decimal | None) -> Decimal | None:
    """What the row says was paid on an instalment, as what remains due reads it
    (states.payments.outstanding): nothing until it is paid; paid with no amount kept (a row
    written before amounts were), its whole amount."""
    if progress.paid_on is None:
        return None
    return progress.paid_amount if progress.paid_amount is not None else amount


def _sum(amount: Decimal | None) -> str:
    return "" if amount is None or amount == 0 else str(amount)


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


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
