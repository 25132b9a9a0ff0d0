"""How a value is written once read: the document's own spelling, tidied the way people type it.

Quotes keep the document's characters; values get plain apostrophes, the œ ligature where
French writes it, year ranges and compound names hyphenated as the document itself hyphenates
them elsewhere, and a capital first letter where a value starts a line of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from states.inputs import MAX_INPUT

_APOSTROPHES = ("’", "‘", "ʼ", "´")
"""The typographic apostrophes, each made a plain one (by str.replace: str.translate with a
table took 1.3 s on a 20 MB text, four replacements 10 ms)."""
_SPACES = re.compile(r"\s+")
# Words French writes with the œ ligature and that typing often splits ("oeuvre").
_LIGATURES = {
    "oeuvre": "œuvre", "oeuvres": "œuvres", "coeur": "cœur", "soeur": "sœur", "voeu": "vœu",
    "voeux": "vœux", "oeil": "œil", "manoeuvre": "manœuvre", "noeud": "nœud",
}  # fmt: skip
_LIGATURE = re.compile(r"\b(" + "|".join(_LIGATURES) + r")\b", re.IGNORECASE)
_YEARS = re.compile(r"\b((?:19|20)\d\d)\s*[-–—]\s*((?:19|20)\d\d)\b")
_UPPER = "A-ZÀ-ÖØ-Þ"
_CAPITALISED = rf"[{_UPPER}][\w']*+"  # possessive: giving letters back never finds a hyphen
_PARTICLE = r"(?:du|de|des|en|sur|sous|lès|la|le|les|d'|l')"
_NOT_AFTER_A_CAPITAL = rf"(?<![{_UPPER}])(?<![{_UPPER}][\w'])(?<![{_UPPER}][\w']{{2}})"
"""A compound is not tried at a capital that follows another in the same word: both read on
to the same hyphen, so the first one's try says the second's (« MArseille-Provence » is found
from its M); without it, a word of capitals made as many tries as letters, each to its end."""
_COMPOUND = re.compile(
    rf"{_NOT_AFTER_A_CAPITAL}{_CAPITALISED}(?:-(?:{_PARTICLE}-)*{_CAPITALISED})+"
    r"|\b[a-zà-ÿ]+(?:-[a-zà-ÿ]+)+\b"
)


def straight(text: str) -> str:
    """Typographic apostrophes made plain, as every value of a draft writes them."""
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "'")
    return text


def plain(text: str) -> str:
    """Whitespace collapsed, typographic apostrophes plain, split ligatures joined."""
    text = _SPACES.sub(" ", straight(text)).strip()
    return _LIGATURE.sub(_ligature, text)


def _ligature(found: re.Match[str]) -> str:
    word = found.group(1)
    joined = _LIGATURES[word.lower()]
    return joined[0].upper() + joined[1:] if word[0].isupper() else joined


_WORDS = re.compile(r"[\w'÷-]+")
"""A run of what a compound is written with (letters, digits, apostrophes, hyphens; ÷ is in
the lower-case range `_COMPOUND` takes): no compound goes on past one."""
LONGEST_COMPOUND = 100
"""The most characters of a run of words and hyphens read for compounds: a place's or a body's
name is a few dozen (« Provence-Alpes-Côte-d'Azur »)."""


def compounds(text: str) -> set[str]:
    """The hyphenated compounds a document writes ("Aix-Marseille-Provence").

    Each run of words and hyphens is read on its own, and only when it holds a hyphen and is
    no longer than LONGEST_COMPOUND: the expression tries a compound at every capital of a
    word, each try reading to the word's end, so that a word of 100 000 capitals took minutes
    (90 s for a .txt of 100 kB, days for 20 MB) and found none."""
    found: set[str] = set()
    for run in _WORDS.finditer(plain(text)):
        word = run.group()
        if "-" in word and len(word) <= LONGEST_COMPOUND:
            found.update(compound.group() for compound in _COMPOUND.finditer(word))
    return found


def hyphenated(text: str, known: Iterable[str]) -> str:
    """`text` with each compound the document hyphenates elsewhere hyphenated here too.

    "Métropole Aix Marseille Provence" and "Aix – Marseille-Provence" become
    "Aix-Marseille-Provence" when the document writes it so somewhere; year ranges
    ("2024 - 2030") are always joined. A text longer than any field takes (MAX_INPUT) is left
    as it is: a document naming 20 000 compounds in a paragraph read as its title made 20 000
    expressions read it whole, 140 s for a text of 400 kB.
    """
    text = _YEARS.sub(r"\1-\2", text)
    if len(text) > MAX_INPUT:  # no value a field takes: each compound would read it whole
        return text
    for compound in sorted(known, key=len, reverse=True):
        parts = compound.split("-")
        if not all(part in text for part in parts):  # not here: no expression to make
            continue
        escaped = [re.escape(part) for part in parts]
        pattern = re.compile(r"(?<![\w-])" + r"(?:\s*[-–—]\s*|\s+)".join(escaped) + r"(?![\w-])")
        text = pattern.sub(compound, text)
    return text


def capitalised(text: str) -> str:
    """The first letter in upper case, the rest as written."""
    return text[:1].upper() + text[1:] if text else text


def sentence_case_words(text: str, lower: Iterable[str]) -> str:
    """Words after the first in lower case when they are in `lower` (common title words)."""
    words = text.split(" ")
    wanted = {word.lower() for word in lower}
    return " ".join(
        [words[0], *(w.lower() if w.lower().strip(",") in wanted else w for w in words[1:])]
    )
