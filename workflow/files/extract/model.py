"""What extraction produces: values with their evidence, gaps with their reason, and doubts.

A value is only ever set with the sentence that says it. When the text says two different
things, or says a thing convflow cannot hold, the field is left out and a `Doubt` says why:
an administrator can fix a gap, not a wrong value nobody flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Value = str | int | bool


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


@dataclass(frozen=True)
class Doubt:
    """Why a field was left out though the text speaks of it (two readings, a form it lacks)."""

    field: str
    reason: str
    left_out: bool = True  # False: the value is kept, the warning asks for a check

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


@dataclass(frozen=True)
class Gap:
    """A field of the convention file the text does not give, and why."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


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
        return [str(doubt) for doubt in self.doubts]

    @property
    def flagged(self) -> set[str]:
        """The fields a warning names."""
        return {doubt.field for doubt in self.doubts}


@dataclass
class Findings:
    """What the clause readers found, before they are put together into an `Extraction`."""

    fields: dict[str, Field] = field(default_factory=dict)
    gaps: dict[str, str] = field(default_factory=dict)
    doubts: list[Doubt] = field(default_factory=list)
    notes: list[Doubt] = field(default_factory=list)

    def put(self, name: str, value: Value, article: str, quote: str, origin: str = "") -> None:
        """Record a value; a second, different value for the same field makes it a doubt."""
        if name in self.doubted:
            return
        known = self.fields.get(name)
        if known is not None and known.value != value:
            del self.fields[name]
            self.doubt(name, f"the text says both {known.value!r} and {value!r}")
            return
        if known is None:
            self.fields[name] = Field(value, article, " ".join(quote.split()), origin)

    def gap(self, name: str, reason: str) -> None:
        """Record that a field is not in the text, unless a value or a doubt already covers it."""
        if name not in self.fields and name not in self.doubted:
            self.gaps.setdefault(name, reason)

    def doubt(self, name: str, reason: str) -> None:
        """Leave a field out and say why."""
        self.fields.pop(name, None)
        self.gaps.pop(name, None)
        self.doubts.append(Doubt(name, reason))

    def note(self, name: str, reason: str) -> None:
        """Keep a field but ask for a check (the text was corrected on the way)."""
        self.notes.append(Doubt(name, reason, left_out=False))

    @property
    def doubted(self) -> set[str]:
        """The fields left out for a doubt."""
        return {d.field for d in self.doubts}
