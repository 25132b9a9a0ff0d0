"""What `convflow verify` found stored otherwise than the history establishes, as the
administrator reads it.

workflow.usecases.verification names each difference by its field (`state`, `amount`,
`end_date`, `instalment.<n>.amount`, `instalments`, `party.<key>`, `signatory.<party>`,
`paid_on`, `paid_amount`, `instalment.<n>.paid_amount`, `instalment.<n>.paid_on`,
`instalment.<n>.part.<k>.amount`, `instalment.<n>.part.<k>.on`, `instalment.<n>.forgone_on`,
`instalment.<n>.forgone_amount`, `instalment.<n>.balance_by`, `paper`, `paper_content`) and
the two values as the history's lines record them (`200000.00`, `2025-12-31`,
« name|title|email »): `--json` keeps them so, for a script. Here the field is
said by its label (the convention file's, the amendment's term) and each value as the rest of
the command line says it: « 200 000,00 € », « mercredi 31 décembre 2025 », a state by its
label.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from states.papers import ATTACH
from states.visible import visible
from workflow.usecases.verification import DifferenceView
from workflow.wording import labels
from workflow.wording.words import Words

__all__ = ["difference", "difference_field", "difference_value"]

_PARTY = "party.{party}"
"""A party's name and identifiers, as verify holds them (its label in the `field` sort)."""
_PROGRESS = re.compile(
    r"^instalment\.([0-9]+)\.(paid_amount|paid_on|forgone_on|forgone_amount|balance_by"
    r"|part\.([0-9]+)\.(?:amount|on))$"
)
"""What was paid on an instalment (in all, each part's amount and day by its rank from 1, the
latest day), the day it was forgone and what was given up, the avenant that left its balance
(0: the single payment, which has labels of its own: it has no number)."""
_COLUMNS = ("payments",)
"""A column of the convention's row that cannot be read back (storage.mapping)."""
_AMOUNTS = ("amount", "instalments", "paid_amount")
_DATES = ("end_date", "paid_on")


def difference(words: Words, found: DifferenceView) -> str:
    """One thing stored otherwise than the history establishes, said."""
    reference, field = found["reference"], found["field"]
    if field == "paper_content":
        return words("{reference}: the paper {recorded} no longer holds the bytes attached "
                     "(they hash to {stored})", reference=reference,
                     recorded=found["recorded"], stored=found["stored"] or "—")  # fmt: skip
    said = difference_field(words, field)
    if field in _COLUMNS:
        return words("{reference}: {field} stored cannot be read back, what the history "
                     "establishes cannot be held against it: {stored}", reference=reference,
                     field=said, stored=visible(found["stored"]))  # fmt: skip
    stored = difference_value(words, field, found["stored"])
    if found["seq"] == 0:
        return words("{reference}: {field} stored is {stored}, no history line records it",
                     reference=reference, field=said, stored=stored)  # fmt: skip
    recorded = difference_value(words, field, found["recorded"])
    if not found["line_holds"]:  # an altered line's value is no truth to hold
        return words("{reference}: {field} stored is {stored}; history line {seq} reads "
                     "{recorded} but no longer holds, so it establishes nothing",
                     reference=reference, field=said, stored=stored, seq=found["seq"],
                     recorded=recorded)  # fmt: skip
    return words("{reference}: {field} stored is {stored}, history line {seq} establishes "
                 "{recorded}", reference=reference, field=said, stored=stored,
                 seq=found["seq"], recorded=recorded)  # fmt: skip


def difference_field(words: Words, field: str) -> str:
    """A difference's field by its label: the convention file's for its amount and term
    (« Montant (€ TTC) (amount) »), the amendment's term for a party's signatories, the
    convention's state, a party by its key, a paper as the history names its attachment."""
    if field in ("amount", "end_date"):
        return words.file_field(field)
    if field.startswith("signatory."):
        return words.field(field)
    if field.startswith("party."):
        said = labels.label("field", _PARTY, words.language)
        return _named(words, said.format(party=field.removeprefix("party.")), field)
    if field == "paper":  # the paper as a whole (the input `paper` is its digest alone)
        return _named(words, labels.label("event", ATTACH, words.language), field)
    progress = _PROGRESS.match(field)
    if progress is not None:
        number, what, part = progress.groups()
        what = what if part is None else what.replace(f".{part}.", ".{part}.", 1)
        key = f"instalment.{'{number}' if number != '0' else '0'}.{what}"
        said = labels.label("field", key, words.language)
        return _named(words, said.format(number=number, part=part), field)
    if field in ("instalments", "paid_on", "paid_amount", *_COLUMNS):
        return _named(words, labels.label("field", field, words.language), field)
    return words.field(field)  # state, an instalment's amount


def _named(words: Words, said: str, field: str) -> str:
    """A label followed by the field's name, as the command line says the names one types."""
    return f"{said} ({field})" if words.names and said != field else said


def difference_value(words: Words, field: str, value: str) -> str:
    """A value as the history's line or the convention's row records it, as people read it;
    « — » for none, and as it is recorded when it cannot be read (a hand-made row)."""
    if not value:
        return "—"
    try:
        if field in _AMOUNTS or field.endswith((".amount", "_amount")):
            return words.amount(Decimal(value))
        if field in _DATES or field.endswith((".forgone_on", ".paid_on", ".on")):
            return words.long_date(date.fromisoformat(value))
    except (InvalidOperation, ValueError):
        return value
    if field == "state":
        return words.label("state", value)
    if field.startswith("party."):
        return _party(value)
    if field.startswith("signatory."):
        # French ties « ; » to the name before it; English kept its spacing as it was.
        between = "\u00a0; " if words.language == "fr" else " ; "
        return between.join(_person(item) for item in value.split(";") if item)
    if field == "paper":
        return _paper(words, value)
    if field.endswith(".balance_by"):
        return words("avenant n°{number}", number=value)
    return value


def _party(text: str) -> str:
    """« name|siret|rna » as « name, SIRET …, RNA … » (the identifiers it has)."""
    name, _, rest = text.partition("|")
    siret, _, rna = rest.partition("|")
    said = [name]
    if siret:
        said.append(f"SIRET {siret}")
    if rna:
        said.append(f"RNA {rna}")
    return ", ".join(said)


def _person(item: str) -> str:
    """« name|title|email » (the title may hold commas) as « name (title, email) »."""
    name, _, rest = item.partition("|")
    title, _, email = rest.rpartition("|")
    return f"{name} ({title}, {email})"


def _paper(words: Words, key: str) -> str:
    """A paper as compared (« sha256 kind size line amendment received_on », `-` for none):
    its kind, size and digest, the line or amendment it proves, the receipt it was given."""
    parts = key.split(" ")
    if len(parts) != 6:
        return key
    sha256, kind, size, line, amendment, received = parts
    said = [words.label("document_kind", kind),
            words("{size} bytes", size=size), f"SHA-256 {sha256}"]  # fmt: skip
    if line != "-":
        said.append(words("proof of history line {line}", line=line))
    if amendment != "-":
        said.append(words("proof of amendment n°{amendment}", amendment=amendment))
    if received != "-":
        try:
            on = words.date(date.fromisoformat(received))
        except ValueError:
            on = received
        said.append(words("acknowledgement received on {on}", on=on))
    return ", ".join(said)
