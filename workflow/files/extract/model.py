"""What extraction produces: values with their evidence, gaps with their reason, and doubts.

A value is only ever set with the sentence that says it. When the text says two different
things, or says a thing convflow cannot hold, the field is left out and a `Doubt` says why:
an administrator can fix a gap, not a wrong value nobody flagged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Value = str | int | bool
Values = tuple[tuple[str, Any], ...]
"""What a sentence puts in its {placeholders}: names and values (amounts as `Decimal`)."""
Say = Callable[[str, Mapping[str, Any]], str]
"""How an entry point says a sentence of the extraction: its English text, as the catalogue
knows it, and its values (`workflow.wording` says it in the user's language)."""


def gettext_noop(message: str) -> str:
    """Marks a sentence for the catalogue (`make messages` finds it); the extraction keeps it
    in English, the entry point says it in the user's language."""
    return message


def english(message: str, values: Mapping[str, Any]) -> str:
    """A sentence as the code writes it, its values put in as they are ("20000.00")."""
    return message.format(**{name: _plain(value) for name, value in values.items()})


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


WARNING = gettext_noop("{field}: {reason}")
WRITTEN_TWICE = gettext_noop("written {words} in words and {figures} in figures")
"""Words and figures of one mention that disagree: « vingt mille euros (25 000 €) »."""
"""A warning: the field's name as the convention file writes it, then why."""


@dataclass(frozen=True)
class Field:
    """One value of the convention file, the article it comes from and the sentence quoted.

    `article` is "article 2", or "title", "parties", "signatures" for what stands outside the
    articles; `origin` says where the quote starts in the file ("line 77", "page 2").
    """

    value: Value
    article: str
    quote: str
    origin: str = ""


class _Reasoned:
    """What Doubt and Gap share: a sentence (`message`, English with {placeholders}) and
    the `values` that go in it."""

    message: str
    values: Values

    @property
    def reason(self) -> str:
        """Why, in English."""
        return self.said(english)

    def said(self, say: Say = english) -> str:
        """Why, as `say` speaks."""
        return say(self.message, dict(self.values))


@dataclass(frozen=True)
class Doubt(_Reasoned):
    """Why a field was left out though the text speaks of it (two readings, a form it lacks).

    `message` is the sentence in English with {placeholders}, `values` what goes in them;
    `reason` says it in English, `said` in the language of whoever renders it."""

    field: str
    message: str
    left_out: bool = True  # False: the value is kept, the warning asks for a check
    values: Values = ()

    def warning(self, say: Say = english) -> str:
        """The field, then why: "amount: written 20000.00 in words and 25000.00 in figures"."""
        return say(WARNING, {"field": self.field, "reason": self.said(say)})

    def __str__(self) -> str:
        return self.warning()


@dataclass(frozen=True)
class Gap(_Reasoned):
    """A field of the convention file the text does not give, and why (as a `Doubt` says)."""

    field: str
    message: str
    values: Values = ()

    def __str__(self) -> str:
        return say_field(self.field, self.reason, english)


def say_field(name: str, reason: str, say: Say) -> str:
    """ "amount: the amount is written neither HT nor TTC", as `say` speaks."""
    return say(WARNING, {"field": name, "reason": reason})


@dataclass
class Extraction:
    """The convention file read from a document: `fields` by dotted name, what is `missing`
    (names) and the `warnings` (one sentence each, starting with the field's name)."""

    source: str
    fields: dict[str, Field] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    doubts: list[Doubt] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """The fields without a value: not in the text (`gaps`) or left out for a doubt."""
        names = [gap.field for gap in self.gaps]
        names += [d.field for d in self.doubts if d.left_out and d.field not in names]
        return names

    @property
    def warnings(self) -> list[str]:
        """Each doubt as one sentence: the field, then why it was left out or must be checked."""
        return self.warnings_said(english)

    def warnings_said(self, say: Say) -> list[str]:
        """The warnings, as `say` speaks."""
        return [doubt.warning(say) for doubt in self.doubts]

    @property
    def flagged(self) -> set[str]:
        """The fields a warning names."""
        return {doubt.field for doubt in self.doubts}


@dataclass
class Findings:
    """What the clause readers found, before they are put together into an `Extraction`."""

    fields: dict[str, Field] = field(default_factory=dict)
    gaps: dict[str, tuple[str, Values]] = field(default_factory=dict)
    doubts: list[Doubt] = field(default_factory=list)
    notes: list[Doubt] = field(default_factory=list)

    def put(self, name: str, value: Value, article: str, quote: str, origin: str = "") -> None:
        """Record a value; a second, different value for the same field makes it a doubt."""
        if name in self.doubted:
            return
        known = self.fields.get(name)
        if known is not None and known.value != value:
            del self.fields[name]
            said = gettext_noop("the text says both {first} and {second}")
            self.doubt(name, said, first=repr(known.value), second=repr(value))
            return
        if known is None:
            self.fields[name] = Field(value, article, " ".join(quote.split()), origin)

    def gap(self, name: str, reason: str, **values: Any) -> None:
        """Record that a field is not in the text, unless a value or a doubt already covers it.
        `reason` is a sentence marked with `gettext_noop`, `values` fill its placeholders."""
        if name not in self.fields and name not in self.doubted:
            self.gaps.setdefault(name, (reason, tuple(values.items())))

    def doubt(self, name: str, reason: str, **values: Any) -> None:
        """Leave a field out and say why."""
        self.fields.pop(name, None)
        self.gaps.pop(name, None)
        self.doubts.append(Doubt(name, reason, values=tuple(values.items())))

    def note(self, name: str, reason: str, **values: Any) -> None:
        """Keep a field but ask for a check (the text was corrected on the way)."""
        self.notes.append(Doubt(name, reason, left_out=False, values=tuple(values.items())))

    @property
    def doubted(self) -> set[str]:
        """The fields left out for a doubt."""
        return {d.field for d in self.doubts}
