"""French numbers, in words and in figures, and the periods and amounts written with them.

"trente (30) jours", "six mois", "un (1) mois", "quatre-vingt-dix (90) jours",
"deux cent mille euros", "200 000 € TTC", "80.000,00 euros", "soixante mille euros (60 000 €)".
When the words and the figures of one mention disagree, the mention says so (`conflict`)
instead of choosing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

_UNITS = {
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80,
    "octante": 80, "nonante": 90,
}  # fmt: skip
_HUNDRED = {"cent", "cents"}
_SCALES = {"mille": 1000, "million": 1_000_000, "millions": 1_000_000}
NUMBER_WORDS = set(_UNITS) | _HUNDRED | set(_SCALES) | {"et"}


def words_value(text: str) -> int | None:
    """The value of a number written in French words ("quatre-vingt-dix" is 90), or None."""
    tokens = [t for t in re.split(r"[\s\-]+", text.lower().strip()) if t]
    if not tokens or tokens[0] == "et" or tokens[-1] == "et":
        return None
    total = group = 0
    previous = ""
    for token in tokens:
        if token == "et":
            previous = token
            continue
        if token in _UNITS:
            value = _UNITS[token]
            if token in ("vingt", "vingts") and previous == "quatre" and group % 100 == 4:
                group += 80 - 4  # quatre-vingt(s)
            elif group % 10 and value < 10 and group % 100 not in (10, 70, 90):
                return None  # "trois deux" is not a number
            else:
                group += value
        elif token in _HUNDRED:
            group = (group or 1) * 100
        elif token in _SCALES:
            total += (group or 1) * _SCALES[token]
            group = 0
        else:
            return None
        previous = token
    return total + group


@dataclass(frozen=True)
class Quantity:
    """A number read from the text; `conflict` when its words and its figures differ."""

    value: int
    start: int
    end: int
    words: int | None = None
    figures: int | None = None

    @property
    def conflict(self) -> bool:
        return self.words is not None and self.figures is not None and self.words != self.figures


def quantity_before(text: str, end: int) -> Quantity | None:
    """The number written just before `end` ("trente (30) ", "6 ", "d'un "), or None."""
    head = text[:end].rstrip()
    stop = len(head)
    # figures in brackets after words: "trente (30)"
    bracket = re.search(r"(?P<words>[a-zà-ÿ\s\-]*)\(\s*(?P<fig>\d+)\s*\)$", head, re.IGNORECASE)
    if bracket:
        figures = int(bracket.group("fig"))
        words = _trailing_words(head[: bracket.start("fig") - 1].rstrip(" ("))
        if words is not None:
            value, start = words
            return Quantity(figures, start, stop, words=value, figures=figures)
        return Quantity(figures, bracket.start("fig"), stop, figures=figures)
    digits = re.search(r"(?<![\d,.])(\d+)$", head)
    if digits:
        return Quantity(int(digits.group(1)), digits.start(1), stop, figures=int(digits.group(1)))
    words = _trailing_words(head)
    if words is not None:
        value, start = words
        return Quantity(value, start, stop, words=value)
    return None


def _trailing_words(head: str) -> tuple[int, int] | None:
    """The longest run of number words ending `head`, as (value, start offset)."""
    tokens = list(re.finditer(r"[a-zà-ÿ]+", head, re.IGNORECASE))
    best: tuple[int, int] | None = None
    index = len(tokens) - 1
    while index >= 0:
        token = tokens[index]
        between = head[token.end() : tokens[index + 1].start()] if index + 1 < len(tokens) else ""
        if index + 1 < len(tokens) and not re.fullmatch(r"[\s\-]+", between):
            break
        if index + 1 == len(tokens) and head[token.end() :].strip():
            break
        if token.group(0).lower() not in NUMBER_WORDS:
            break
        value = words_value(head[token.start() : len(head)])
        if value is not None:
            best = (value, token.start())
        index -= 1
    return best


# ---- amounts in euros ---------------------------------------------------------------------

_FIGURES = r"\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?|\d+(?:,\d{1,2})?"
_AMOUNT_FIGURES = re.compile(rf"(?<![\d,.])(?P<n>{_FIGURES})\s*(?:€|euros?\b|EUR\b)", re.IGNORECASE)
_AMOUNT_WORDS = re.compile(r"\beuros?\b", re.IGNORECASE)
_BETWEEN_READINGS = r"\s*(?:HT|TTC|hors\s+taxes|toutes\s+taxes\s+comprises)?\s*\(\s*"
_BASIS = re.compile(
    r"^\s*\)?\s*,?\s*(?P<b>HT\b|H\.T\.|hors\s+taxes?|TTC\b|T\.T\.C\.|toutes\s+taxes\s+comprises|net\s+de\s+taxes?)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Money:
    """An amount in euros read from the text, with its basis (HT/TTC) when written beside it."""

    value: Decimal | None
    start: int
    end: int
    basis: str | None = None
    readings: tuple[Decimal, ...] = ()

    @property
    def conflict(self) -> bool:
        return self.value is None


def figures_value(text: str) -> Decimal:
    """ "200 000", "80.000,00", "35 500" as an exact amount."""
    whole, _, cents = text.partition(",")
    return Decimal(re.sub(r"[ .]", "", whole) + "." + (cents or "0")).quantize(Decimal("0.01"))


def amounts(text: str) -> list[Money]:
    """Every amount in euros in `text`, in figures, in words, or both side by side."""
    found: list[tuple[int, int, Decimal, str]] = []
    for match in _AMOUNT_FIGURES.finditer(text):
        found.append((match.start(), match.end(), figures_value(match.group("n")), "figures"))
    for match in _AMOUNT_WORDS.finditer(text):
        words = _trailing_words(text[: match.start()].rstrip())
        if words is None or words[0] == 0:
            continue
        value, start = words
        if any(s <= start < e for s, e, _, _ in found):
            continue
        found.append((start, match.end(), Decimal(value).quantize(Decimal("0.01")), "words"))
    found.sort()
    return list(_paired(text, found))


def _paired(text: str, found: list[tuple[int, int, Decimal, str]]) -> Iterator[Money]:
    """Join "words (figures)" and "figures (words)" into one mention of two readings."""
    index = 0
    while index < len(found):
        start, end, value, kind = found[index]
        readings = [value]
        if index + 1 < len(found):
            next_start, next_end, next_value, next_kind = found[index + 1]
            between = text[end:next_start]
            if next_kind != kind and re.fullmatch(_BETWEEN_READINGS, between, re.IGNORECASE):
                readings.append(next_value)
                close = text.find(")", next_end)
                end = close + 1 if close != -1 and close - next_end < 12 else next_end
                index += 1
        basis = _basis(text, end) or _basis_inside(text, start, end)
        agreed = readings[0] if len(set(readings)) == 1 else None
        yield Money(agreed, start, end, basis, tuple(readings))
        index += 1


def _basis(text: str, end: int) -> str | None:
    found = _BASIS.match(text[end : end + 40])
    return _basis_name(found.group("b")) if found else None


def _basis_inside(text: str, start: int, end: int) -> str | None:
    inside = re.findall(r"\b(HT|TTC)\b|hors\s+taxes|toutes\s+taxes\s+comprises", text[start:end])
    names = {_basis_name(n or "HT") for n in inside}
    return names.pop() if len(names) == 1 else None


def _basis_name(text: str) -> str | None:
    compact = text.replace(".", "").replace(" ", "").lower()
    if compact in ("ht", "horstaxe", "horstaxes"):
        return "HT"
    if compact in ("ttc", "toutestaxescomprises"):
        return "TTC"
    return None  # "net de taxes": neither
