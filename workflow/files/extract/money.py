"""Amounts in euros as conventions write them: "200 000 € TTC", "80.000,00 euros",
"deux cent mille euros (200 000 €)", "deux cent mille (200 000) euros",
"vingt-sept mille euros et cinquante centimes", "deux millions d'euros".

A mention is read whole or not at all. When number words run on beyond what makes one number
("vingt-sept mille virgule cinq euros", "2 millions d'euros") or what follows "euros" is not a
number of cents ("euros et cent centimes"), the mention has no value and keeps the words it
could not read (`unread`): never the part of them that made sense on its own.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from .numbers import NUMBER_WORDS, trailing_words, words_value

_FIGURES = r"\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?|\d+(?:,\d{1,2})?"
_AMOUNT_FIGURES = re.compile(rf"(?<![\d,.])(?P<n>{_FIGURES})\s*(?:€|euros?\b|EUR\b)", re.IGNORECASE)
_AMOUNT_WORDS = re.compile(r"\beuros?\b", re.IGNORECASE)
_BRACKETED = re.compile(rf"\(\s*(?P<n>{_FIGURES})\s*\)$")  # "deux cent mille (200 000) euros"
_OF = re.compile(r"\s*\bd['’]\s*$", re.IGNORECASE)  # "deux millions d'euros"
_BETWEEN_READINGS = r"\s*(?:HT|TTC|hors\s+taxes|toutes\s+taxes\s+comprises)?\s*\(\s*"
_BASIS = re.compile(
    r"^\s*\)?\s*,?\s*(?P<b>HT\b|H\.T\.|hors\s+taxes?|TTC\b|T\.T\.C\.|toutes\s+taxes\s+comprises|net\s+de\s+taxes?)",
    re.IGNORECASE,
)
_RUN_TOKEN = re.compile(r"[a-zà-ÿ]+|\d+(?:[.,]\d+)*", re.IGNORECASE)
_DECIMAL_WORDS = {"virgule", "point"}
_NEXT_WORD = re.compile(r"[\s\-]+(?P<w>[a-zà-ÿ]+|\d+)\b", re.IGNORECASE)
# What may follow "euros cinquante" for the number to be its cents: the end of the sentence or
# of a clause, a bracket, the basis.
_CLAUSE_END = re.compile(
    r"\s*(?:$|[.,;:()\[\]]|HT\b|TTC\b|H\.T|T\.T\.C|hors\s+tax|toutes\s+taxes|net\b)", re.IGNORECASE
)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Money:
    """An amount in euros read from the text, with its basis (HT/TTC) when written beside it.

    `value` is None when the mention's readings disagree ("vingt mille euros (25 000 €)": both
    are in `readings`) or when its words were not understood whole (`unread` quotes them).
    """

    value: Decimal | None
    start: int
    end: int
    basis: str | None = None
    readings: tuple[Decimal, ...] = ()
    unread: str | None = None
    instead: Decimal | None = None  # the HT amount a TTC one is taken for ("HT, soit ... TTC")

    @property
    def conflict(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class _Mention:
    """One way an amount is written at one place: in figures, in words, or words (figures)."""

    start: int
    end: int
    readings: tuple[Decimal, ...]
    kind: str  # "figures", "words" or "both"
    unread: bool = False


def figures_value(text: str) -> Decimal:
    """ "200 000", "80.000,00", "35 500" as an exact amount."""
    whole, _, cents = text.partition(",")
    return Decimal(re.sub(r"[ .]", "", whole) + "." + (cents or "0")).quantize(_CENT)


def amounts(text: str) -> list[Money]:
    """Every amount in euros in `text`, in figures, in words, or both side by side."""
    found = [_with_cents(text, _figures_mention(m)) for m in _AMOUNT_FIGURES.finditer(text)]
    kept = _Mentions(found)
    for match in _AMOUNT_WORDS.finditer(text):
        mention = _words_mention(text, match)
        if mention is None or kept.cover(mention.start):
            continue
        kept.add(_with_cents(text, mention))
    found = sorted(kept.all, key=lambda m: m.start)
    return list(_paired(text, found))


class _Mentions:
    """The mentions read so far, asked whether one of them covers a place: the ones in figures
    (in the text's order) by bisection, those in words (each after the last) by the furthest
    end. Asking each of them made a sentence of 8 000 amounts in words take seconds."""

    def __init__(self, figures: list[_Mention]) -> None:
        self.all = list(figures)
        self._starts = [m.start for m in figures]
        self._ends = list(itertools.accumulate((m.end for m in figures), max))
        self._words: list[_Mention] = []
        self._words_end = -1

    def cover(self, place: int) -> bool:
        """Whether a mention read so far runs over `place` (starts at or before it, ends
        after it)."""
        before = bisect.bisect_right(self._starts, place)
        if before and self._ends[before - 1] > place:
            return True
        if self._words and self._words[-1].start > place:  # not in order: ask each one
            return any(m.start <= place < m.end for m in self._words)
        return self._words_end > place

    def add(self, mention: _Mention) -> None:
        """A mention in words more."""
        self.all.append(mention)
        self._words.append(mention)
        self._words_end = max(self._words_end, mention.end)


def _figures_mention(match: re.Match[str]) -> _Mention:
    return _Mention(match.start(), match.end(), (figures_value(match.group("n")),), "figures")


_WORDS_MOST = 300
"""How far before « euros » its number words are read: the longest number convflow takes
(999 999 999 999,99) is some 200 characters in words."""
_WORD_END = re.compile(r"\W")


def _head(text: str, end: int) -> tuple[str, int]:
    """What comes before « euros » at `end`, at most _WORDS_MOST characters of it, from the
    start of a word (a word cut would be read as another: « …quatre » of « xquatre »), and
    where it starts in `text`. Each « euros » read all the sentence before it: a sentence of
    thousands took minutes."""
    start = max(0, end - _WORDS_MOST)
    if start and text[start - 1].isalnum():
        cut = _WORD_END.search(text, start, end)
        start = cut.start() if cut else end
    return text[start:end], start


def _words_mention(text: str, match: re.Match[str]) -> _Mention | None:
    """The number words before "euros", with the figures bracketed between when written so."""
    head, offset = _head(text, match.start())
    head = _OF.sub("", head).rstrip()
    bracket = _BRACKETED.search(head)
    figures: tuple[Decimal, ...] = ()
    if bracket:
        figures = (figures_value(bracket.group("n")),)
        head = head[: bracket.start()].rstrip()
    words = trailing_words(head)
    if words is None or words[0] == 0:
        if bracket:
            return _Mention(offset + bracket.start(), match.end(), figures, "figures")
        return None
    value, start = words
    run = _run_start(head)
    if run < start:  # "vingt-sept mille virgule cinq": only "cinq" makes a number
        return _Mention(offset + run, match.end(), (), "words", unread=True)
    reading = Decimal(value).quantize(_CENT)
    return _Mention(offset + start, match.end(), (reading, *figures),
                    "both" if bracket else "words")  # fmt: skip


def _run_start(head: str) -> int:
    """Where the run of number-like words ending `head` starts: number words, figures,
    « virgule », « point »; « et » only after a number word ("vingt et un", not "2025 et")."""
    tokens = list(_RUN_TOKEN.finditer(head))
    start, index = len(head), len(tokens) - 1
    while index >= 0:
        token, word = tokens[index], tokens[index].group(0).lower()
        if not re.fullmatch(r"[\s\-]*", head[token.end() : start]):
            break
        if word == "et":
            before = tokens[index - 1].group(0).lower() if index else ""
            if before not in NUMBER_WORDS:
                break
        elif not (word in NUMBER_WORDS or word in _DECIMAL_WORDS or word[0].isdigit()):
            break
        start, index = token.start(), index - 1
    return start


def _with_cents(text: str, mention: _Mention) -> _Mention:
    """The mention with the cents written after "euros" ("et cinquante centimes", "cinquante")."""
    if mention.unread:
        return mention
    said = _cents(text, mention.end)
    if said is None:
        return mention
    cents, end = said
    whole = all(r == r.to_integral_value() for r in mention.readings)
    if cents is None or not whole or mention.kind == "both":
        return _Mention(mention.start, end, (), mention.kind, unread=True)
    readings = tuple(r + Decimal(cents) * _CENT for r in mention.readings)
    return _Mention(mention.start, end, readings, mention.kind)


def _cents(text: str, end: int) -> tuple[int | None, int] | None:
    """The cents written from `end` on, as (cents, end of the mention); cents None when the
    words there are not a number of cents ("et cent centimes", "et cinquante"); None when no
    cents are written (nothing, or a number that counts something else: "euros en deux fois")."""
    tokens: list[re.Match[str]] = []
    position = end
    while (found := _NEXT_WORD.match(text, position)) and len(tokens) < 12:
        tokens.append(found)
        position = found.end()
    joined = bool(tokens) and tokens[0].group("w").lower() == "et"
    index = 1 if joined else 0
    numbers: list[re.Match[str]] = []
    while index < len(tokens) and _is_number(tokens[index].group("w")):
        numbers.append(tokens[index])
        index += 1
    if not numbers:
        return None
    said = text[numbers[0].start("w") : numbers[-1].end()]
    value = int(said) if said.isdigit() else words_value(said)
    clear = value is not None and 0 <= value <= 99
    if index < len(tokens) and tokens[index].group("w").lower() in ("centime", "centimes"):
        return (value if clear else None), tokens[index].end()
    if said.isdigit() or not _CLAUSE_END.match(text, numbers[-1].end()):
        return None  # "200 000 euros 2025", "euros deux fois"
    # "vingt-sept euros cinquante", as French says a price: the number can only be its cents
    spoken = clear and not joined and value != 0
    return (value if spoken else None), numbers[-1].end()


def _is_number(word: str) -> bool:
    return word.isdigit() or word.lower() in NUMBER_WORDS


def _paired(text: str, found: list[_Mention]) -> Iterator[Money]:
    """Join "words (figures)" and "figures (words)" into one mention of two readings."""
    index = 0
    while index < len(found):
        mention = found[index]
        start, end, readings = mention.start, mention.end, list(mention.readings)
        unread = mention.unread
        if index + 1 < len(found) and mention.kind != "both":
            following = found[index + 1]
            between = text[end : following.start]
            kinds = {mention.kind, following.kind}
            if kinds == {"words", "figures"} and re.fullmatch(_BETWEEN_READINGS, between, re.I):
                readings += following.readings
                unread = unread or following.unread
                close = text.find(")", following.end)
                end = close + 1 if close != -1 and close - following.end < 12 else following.end
                index += 1
        basis = _basis(text, end) or _basis_inside(text, start, end)
        if unread:
            quoted = " ".join(text[start:end].split())
            yield Money(None, start, end, basis, (), quoted)
        else:
            agreed = readings[0] if len(set(readings)) == 1 else None
            yield Money(agreed, start, end, basis, tuple(readings))
        index += 1


def _basis(text: str, end: int) -> str | None:
    found = _BASIS.match(text[end : end + 40])
    return _basis_name(found.group("b")) if found else None


def _basis_inside(text: str, start: int, end: int) -> str | None:
    inside = re.finditer(r"\b(?:HT|TTC)\b|hors\s+taxes|toutes\s+taxes\s+comprises", text[start:end])
    names = {_basis_name(found.group(0)) for found in inside}
    return names.pop() if len(names) == 1 else None


def _basis_name(text: str) -> str | None:
    compact = text.replace(".", "").replace(" ", "").lower()
    if compact in ("ht", "horstaxe", "horstaxes"):
        return "HT"
    if compact in ("ttc", "toutestaxescomprises"):
        return "TTC"
    return None  # "net de taxes": neither
