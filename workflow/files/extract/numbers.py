"""French numbers, in words and in figures, and the periods written with them.

"trente (30) jours", "six mois", "un (1) mois", "quatre-vingt-dix (90) jours". When the words
and the figures of one mention disagree, the mention says so (`conflict`) instead of choosing.
Amounts in euros are read in `money.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {
    "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "septante": 70, "huitante": 80,
    "octante": 80, "nonante": 90,
}  # fmt: skip
_HUNDRED = {"cent", "cents"}
_SCALES = {"mille": 1000, "million": 1_000_000, "millions": 1_000_000,
           "milliard": 1_000_000_000, "milliards": 1_000_000_000}  # fmt: skip
NUMBER_WORDS = set(_UNITS) | _HUNDRED | set(_SCALES) | {"et"}


def words_value(text: str) -> int | None:
    """The value of a number written in French words ("quatre-vingt-dix" is 90), or None when
    the words are not one well-formed number ("trois deux", "cent cent", "mille million")."""
    tokens = [t for t in re.split(r"[\s\-]+", text.lower().strip()) if t]
    if not tokens or "zéro" in tokens:
        return 0 if tokens == ["zéro"] else None
    total = group = 0
    scale = 10**12  # each scale word must be smaller than the one before it
    for index, token in enumerate(tokens):
        previous = tokens[index - 1] if index else ""
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token == "et":
            # only "vingt et un", "soixante et onze" and their kin
            if group % 100 not in _TENS or following not in ("un", "une", "onze"):
                return None
        elif token in _UNITS:
            grown = _grown(group, token, previous)
            if grown is None:
                return None
            group = grown
        elif token in _HUNDRED:
            if group >= 10:
                return None
            group = (group or 1) * 100
        elif token in _SCALES:
            if _SCALES[token] >= scale:
                return None
            scale = _SCALES[token]
            total += (group or 1) * scale
            group = 0
        else:
            return None
    return total + group


_TENS = {20, 30, 40, 50, 60, 70, 90}


def _grown(group: int, token: str, previous: str) -> int | None:
    """`group` (below a thousand) with the unit or ten `token` added, or None when French does
    not write that number so ("vingt trente", "dix onze")."""
    value, low = _UNITS[token], group % 100
    if token in ("vingt", "vingts") and previous == "quatre" and low == 4:
        return group + 76  # quatre-vingt(s)
    if value < 10:
        return group + value if low % 10 == 0 else None
    if value < 20:
        return group + value if low in (0, 60, 80) else None  # soixante-dix, quatre-vingt-onze
    return group + value if low == 0 else None


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
        words = trailing_words(head[: bracket.start("fig") - 1].rstrip(" ("))
        if words is not None:
            value, start = words
            return Quantity(figures, start, stop, words=value, figures=figures)
        return Quantity(figures, bracket.start("fig"), stop, figures=figures)
    digits = re.search(r"(?<![\d,.])(\d+)$", head)
    if digits:
        return Quantity(int(digits.group(1)), digits.start(1), stop, figures=int(digits.group(1)))
    words = trailing_words(head)
    if words is not None:
        value, start = words
        return Quantity(value, start, stop, words=value)
    return None


def trailing_words(head: str) -> tuple[int, int] | None:
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
