"""How a value is written once read: the document's own spelling, tidied the way people type it.

Quotes keep the document's characters; values get plain apostrophes, the œ ligature where
French writes it, year ranges and compound names hyphenated as the document itself hyphenates
them elsewhere, and a capital first letter where a value starts a line of the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][\w']*"
_PARTICLE = r"(?:du|de|des|en|sur|sous|lès|la|le|les|d'|l')"
_COMPOUND = re.compile(
    rf"{_CAPITALISED}(?:-(?:{_PARTICLE}-)*{_CAPITALISED})+|\b[a-zà-ÿ]+(?:-[a-zà-ÿ]+)+\b"
)


def plain(text: str) -> str:
    """Whitespace collapsed, typographic apostrophes plain, split ligatures joined."""
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "'")
    text = _SPACES.sub(" ", text).strip()
    return _LIGATURE.sub(_ligature, text)


def _ligature(found: re.Match[str]) -> str:
    word = found.group(1)
    joined = _LIGATURES[word.lower()]
    return joined[0].upper() + joined[1:] if word[0].isupper() else joined


def compounds(text: str) -> set[str]:
    """The hyphenated compounds a document writes ("Aix-Marseille-Provence")."""
    return {found.group(0) for found in _COMPOUND.finditer(plain(text))}


def hyphenated(text: str, known: Iterable[str]) -> str:
    """`text` with each compound the document hyphenates elsewhere hyphenated here too.

    "Métropole Aix Marseille Provence" and "Aix – Marseille-Provence" become
    "Aix-Marseille-Provence" when the document writes it so somewhere; year ranges
    ("2024 - 2030") are always joined.
    """
    text = _YEARS.sub(r"\1-\2", text)
    for compound in sorted(known, key=len, reverse=True):
        parts = [re.escape(part) for part in compound.split("-")]
        pattern = re.compile(r"(?<![\w-])" + r"(?:\s*[-–—]\s*|\s+)".join(parts) + r"(?![\w-])")
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
