"""Running text made from a document's lines: joined back into paragraphs and sentences.

Documents break lines anywhere (a PDF mid-sentence, a text export after a hyphen); clause
rules read sentences. A `Passage` joins lines with single spaces and remembers which line each
character came from, so that every value can quote its sentence and say where it stands.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .documents import Line


@dataclass(frozen=True)
class Passage:
    """Lines joined into running text; `starts[i]` is where line `lines[i]` begins in it."""

    text: str
    lines: tuple[Line, ...]
    starts: tuple[int, ...]

    def origin_at(self, offset: int) -> str:
        """Where (in the file) the character at `offset` came from."""
        if not self.lines:
            return ""
        index = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.lines[index].origin

    def sentences(self) -> list[Span]:
        """The passage's sentences (list items and semicolon clauses stay inside them)."""
        return [Span(self, start, end) for start, end in _sentence_bounds(self.text)]


@dataclass(frozen=True)
class Span:
    """A stretch of a passage: a sentence, a clause, a list item."""

    passage: Passage
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]

    @property
    def origin(self) -> str:
        return self.passage.origin_at(self.start)

    def sub(self, start: int, end: int) -> Span:
        """The part of this span from `start` to `end` (offsets within the span)."""
        return Span(self.passage, self.start + start, self.start + end)


def join(lines: Sequence[Line]) -> Passage:
    """Lines as running text: one space between lines, none after a line-ending hyphen."""
    parts: list[str] = []
    starts: list[int] = []
    kept: list[Line] = []
    length = 0
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if parts and not parts[-1].endswith("-"):
            parts.append(" ")
            length += 1
        starts.append(length)
        kept.append(line)
        parts.append(text)
        length += len(text)
    return Passage("".join(parts), tuple(kept), tuple(starts))


def paragraphs(lines: Sequence[Line]) -> list[list[Line]]:
    """Lines grouped into paragraphs at blank lines.

    A blank line followed by a line starting in lower case does not end the paragraph:
    conversions from PDF leave such blanks in the middle of sentences.
    """
    groups: list[list[Line]] = []
    current: list[Line] = []
    blank = False
    for line in lines:
        text = line.text.strip()
        if not text:
            blank = True
            continue
        if blank and current and not _continues(text):
            groups.append(current)
            current = []
        blank = False
        current.append(line)
    if current:
        groups.append(current)
    return groups


def _continues(text: str) -> bool:
    return text[0].islower() or text[0] in ",;)"


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = ("M", "Mme", "Mlle", "MM", "Art", "art", "n°", "N°", "cf", "p", "St", "Ste", "av")
_END = re.compile(r"[.!?](?=\s+[«\"A-ZÀ-ÖØ-Þ0-9•\-–])")


def _sentence_bounds(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for found in _END.finditer(text):
        before = text[start : found.start()].rsplit(" ", 1)[-1]
        if before in _ABBREVIATIONS or (len(before) == 1 and before.isupper()):
            continue
        end = found.end()
        if text[start:end].strip():
            yield _trimmed(text, start, end)
        start = end
    if text[start:].strip():
        yield _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def items(span: Span) -> list[Span]:
    """A sentence cut at its semicolons, colons and list bullets: the clauses of a list."""
    text = span.text
    cuts = [0]
    for found in re.finditer(r"[;:]\s*|\s[•▪◦●]\s*|\s-\s+", text):
        cuts.append(found.end())
    cuts.append(len(text))
    result = []
    for start, end in itertools.pairwise(cuts):
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip(" •▪◦●-:;"))
        stripped = piece.strip(" •▪◦●-:;.")
        if stripped:
            first = start + lead
            result.append(span.sub(first, first + len(stripped)))
    return result
