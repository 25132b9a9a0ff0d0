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
and the instalment it was paid on (its day: one part), each `forgo_payment` line the instalment
forgone and the amount given up, all hashed with the line; the convention's row is held against
them (:func:`payment_differences`): the totals, each part, the latest day, what was forgone. The
avenant that left a balance (`balance_by`) is derived as states.amendments derives it, from the
avenant's `amend` line (its changes) and its coming into force. A row written before parts,
`balance_by` and `forgone_amount` were kept lacks them: that is no difference, but from a line
that shows it was written since (an in-force line recording each instalment's amount, a
renunciation of a balance).

Lines written before the terms were recorded carry none: such a convention's terms cannot be
checked against its history, and `verify` says so rather than calling them intact.

Pure: a convention and its lines in, the differences out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from states.amendments import instalment_number
from states.chain import ERASURE, HistoryLine
from states.convention import Convention
from states.erasure import erased_address
from states.payments import SINGLE_PAYMENT, InstalmentProgress, PaidPart, progress_of

IN_FORCE = "in_force"
"""The state an amendment's last signature leads to: its changes apply (states.amendments)."""
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
    `instalment.<n>.part.<k>.amount`, `instalment.<n>.part.<k>.on` (k from 1),
    `instalment.<n>.paid_on`, `instalment.<n>.forgone_on`, `instalment.<n>.forgone_amount`,
    `instalment.<n>.balance_by`: n is 0 for a single payment), the value the history's line
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
    """What the lines of one instalment establish: each `pay` line (its parts, in order), what
    was paid on it in all and by which line last; its `forgo_payment` line (its day, the amount
    given up, whether a balance); the amendment that last raised it once paid, by its line."""

    paid: Decimal = Decimal("0")
    paid_seq: int = 0
    parts: list[tuple[HistoryLine, Decimal]] = field(default_factory=list)
    forgone_on: date | None = None
    forgone_seq: int = 0
    forgone_amount: str = ""
    forgone_balance: bool = False
    balance_by: int | None = None
    balance_seq: int = 0
    kept_since: int | None = None
    """The first line that raised it once paid and recorded each instalment's terms: the row
    was written, since, by a convflow that keeps each part and `balance_by`."""


def payment_differences(convention: Convention, lines: Sequence[HistoryLine]) -> list[Difference]:
    """What the convention's row says was paid and forgone, against its `pay` and
    `forgo_payment` lines: its first payment's date and total paid (`paid_on`,
    `paid_amount`), and, for each instalment (0: the single payment), what was paid on it, each
    part (its day and amount, in order), the day of the latest, the day it was forgone and
    what was given up, and the amendment that left its balance (as the rule derives it from
    the amendments' lines). A value is named with the line that establishes it: the last
    payment of the instalment, the part's payment, its renunciation, the amendment's coming
    into force (0 when no line records one)."""
    recorded = _recorded(convention, lines)
    pays = [part for entry in recorded.values() for part in entry.parts]
    pays.sort(key=lambda part: part[0].seq)
    first = pays[0][0] if pays else None
    last_paid = pays[-1][0] if pays else None
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
    for number in sorted(set(recorded) | {p.number for p in progress}):
        entry = recorded.get(number, _Recorded())
        stored = progress_of(progress, number)
        paid = _paid(stored, amounts.get(number))
        said = Difference(entry.paid_seq, f"instalment.{number}.paid_amount",
                          _sum(entry.paid), _sum(paid))  # fmt: skip
        if entry.paid != (paid or Decimal("0")) and not _said_by_total(said, found):
            found.append(said)
        found += _part_differences(number, entry, stored)
        if entry.forgone_on != stored.forgone_on:
            found.append(Difference(entry.forgone_seq, f"instalment.{number}.forgone_on",
                                    _day(entry.forgone_on), _day(stored.forgone_on)))  # fmt: skip
        found += _forgone_amount_differences(number, entry, stored)
        found += _balance_by_differences(number, entry, stored)
    return found


def _recorded(convention: Convention, lines: Sequence[HistoryLine]) -> dict[int, _Recorded]:
    """What the lines establish of each instalment, read in order: its payments, its
    renunciation, and each amendment that, coming into force, raised it once paid (the rule of
    states.amendments: what it left due is that amendment's balance)."""
    recorded: dict[int, _Recorded] = {}
    changes: dict[int, Mapping[str, Any]] = {}
    for line in lines:
        if line.amendment is not None:
            if line.name == "amend":
                changes[line.amendment] = line.inputs
            elif line.to_state == IN_FORCE and line.from_state != IN_FORCE:
                _raise(convention, recorded, line, changes.get(line.amendment, {}))
            continue
        if line.name not in ("pay", "forgo_payment"):
            continue
        entry = recorded.setdefault(_instalment_of(line), _Recorded())
        if line.name == "forgo_payment":
            entry.forgone_on, entry.forgone_seq = line.occurred_on, line.seq
            entry.forgone_amount = str(line.inputs.get("amount", ""))
            entry.forgone_balance = str(line.inputs.get("balance", "")) == "yes"
            continue
        amount = _amount_of(line)
        entry.paid += amount
        entry.paid_seq = line.seq
        entry.parts.append((line, amount))
    return recorded


def _raise(
    convention: Convention, recorded: dict[int, _Recorded], line: HistoryLine,
    changes: Mapping[str, Any],
) -> None:  # fmt: skip
    """An amendment in force (`line`) with its `changes`: each payment it raised once paid,
    not forgone and left short of its new amount, keeps that its balance is this amendment's."""
    terms = line.inputs.get(TERMS)
    kept = isinstance(terms, Mapping) and INSTALMENTS in terms
    for key, text in changes.items():
        number = instalment_number(str(key))
        if number is None and key == "amount" and not convention.clauses.instalments:
            number = SINGLE_PAYMENT
        entry = recorded.get(number) if number is not None else None
        if entry is None or not entry.parts or entry.forgone_on is not None:
            continue
        try:
            raised = Decimal(str(text))
        except InvalidOperation:
            continue
        if raised > entry.paid:
            entry.balance_by, entry.balance_seq = line.amendment, line.seq
            if kept and entry.kept_since is None:
                entry.kept_since = line.seq


def _part_differences(
    number: int, entry: _Recorded, stored: InstalmentProgress
) -> list[Difference]:
    """The day of the instalment's latest payment, then each part the row keeps against each
    `pay` line, in order (`instalment.<n>.part.<k>.amount`, `.on`, k from 1). A row written
    before parts were kept has none: its one part is what `paid_on` and `paid_amount` say,
    held already, unless the balance was paid after a line that shows parts were kept."""
    found: list[Difference] = []
    if entry.parts and stored.paid_on is not None:
        last = entry.parts[-1][0]
        if last.occurred_on != stored.paid_on:
            found.append(Difference(last.seq, f"instalment.{number}.paid_on",
                                    _day(last.occurred_on), _day(stored.paid_on)))  # fmt: skip
    if not stored.parts and not _parts_kept(entry):
        return found
    for k in range(max(len(entry.parts), len(stored.parts))):
        pay = entry.parts[k] if k < len(entry.parts) else None
        part = stored.parts[k] if k < len(stored.parts) else None
        found += _one_part(f"instalment.{number}.part.{k + 1}", pay, part)
    return found


def _parts_kept(entry: _Recorded) -> bool:
    """Whether the row must keep the instalment's parts: its balance was paid after a line that
    shows the row was written by a convflow that keeps them."""
    kept = entry.kept_since
    return kept is not None and len(entry.parts) > 1 and kept < entry.parts[1][0].seq


def _one_part(
    name: str, pay: tuple[HistoryLine, Decimal] | None, part: PaidPart | None
) -> list[Difference]:
    """One part the row keeps against its `pay` line (None: no such part, no such line)."""
    seq = pay[0].seq if pay else 0
    found: list[Difference] = []
    if (pay[1] if pay else None) != (part.amount if part else None):
        found.append(Difference(seq, f"{name}.amount", _text(pay[1] if pay else None),
                                _text(part.amount if part else None)))  # fmt: skip
    if (pay[0].occurred_on if pay else None) != (part.on if part else None):
        found.append(Difference(seq, f"{name}.on", _day(pay[0].occurred_on if pay else None),
                                _day(part.on if part else None)))  # fmt: skip
    return found


def _forgone_amount_differences(
    number: int, entry: _Recorded, stored: InstalmentProgress
) -> list[Difference]:
    """What the row says was given up against the `forgo_payment` line's amount, when both
    say it was forgone (otherwise `forgone_on` says it); none kept is a row written before it
    was (the whole instalment), unless the line gave up a balance (kept since); an amount kept
    with no renunciation anywhere, no line records it."""
    field_name = f"instalment.{number}.forgone_amount"
    if entry.forgone_on is None:
        if stored.forgone_on is None and stored.forgone_amount is not None:
            return [Difference(0, field_name, "", str(stored.forgone_amount))]
        return []
    if stored.forgone_on is None:
        return []
    if stored.forgone_amount is None:
        if not entry.forgone_balance:
            return []
    elif _same_amount(entry.forgone_amount, stored.forgone_amount):
        return []
    return [Difference(entry.forgone_seq, field_name, entry.forgone_amount,
                       _text(stored.forgone_amount))]  # fmt: skip


def _balance_by_differences(
    number: int, entry: _Recorded, stored: InstalmentProgress
) -> list[Difference]:
    """The amendment the row says left the instalment's balance against the one the rule
    derives from the lines; none kept is a row written before it was, unless the amendment
    came into force with a line that shows it was kept."""
    if entry.balance_by == stored.balance_by:
        return []
    if stored.balance_by is None and entry.kept_since is None:
        return []
    return [Difference(entry.balance_seq, f"instalment.{number}.balance_by",
                       _text(entry.balance_by), _text(stored.balance_by))]  # fmt: skip


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


def _text(value: object) -> str:
    return "" if value is None else str(value)


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
