"""How a person's name may be written in free text, as regular expressions (for erasure).

A signatory stored as « Fatima Zahra Benkirane » is also « Mme Benkirane », « BENKIRANE »,
« F. Benkirane », « Madame Fatima » or « benkirane » in the free text people type (a dispute's
subject, an agreement's wording). These expressions find them: whole words (a letter or a
hyphen on either side is part of another word: « Saint-Martin » is not « Martin »), in any case,
with or without accents (« Dupre » is « Dupré »), the civility before them included.

What is matched, and why:
- the family name on its own, everywhere as a whole word: a surname written alone is the most
  common way of naming someone in a note, and erasing (rule 21, GDPR) leans to erasing; the
  price is a homonymous word lost in the working copy's free text (the signed archive keeps
  everything), which is why the match needs a whole word, hyphens included;
- a part of the family name (« Martin » of « Martin-Dupré », « Fontaine » of « de La
  Fontaine »), only after a civility or a given name: alone it is too often a place or a word;
- the given names (or their initials), only after a civility (« Mme Fatima ») or before the
  family name: alone, a first name names no one in particular.

Pure: a name in, expressions out.
"""

from __future__ import annotations

import re
import unicodedata

CIVILITY = (
    r"(?:Mmes?|Mlles?|Melle|Madame|Mesdames|Mademoiselle|Monsieur|Messieurs|MM\.|M\.|Mr\.?"
    r"|Me|Ma[iî]tre|Dr\.?|Docteur|Pr\.?|Professeur)"
)
"""The civilities and titles that may precede a name, in French usage."""

PARTICLES = frozenset({"de", "du", "des", "d'", "d’", "le", "la", "les", "van", "von", "der",
                       "den", "ben", "ibn", "bin", "el", "al", "di", "da", "del", "della",
                       "dos", "das", "do", "y"})  # fmt: skip
"""Words that belong to the family name that follows them (« de La Fontaine », « Ben Ali »)."""

BEFORE, AFTER = r"(?<![\w\-‐])", r"(?![\w\-‐])"
"""A whole word: no letter, digit or hyphen on either side."""

_SPACE = r"[\s\-‐]+"
_INITIALS = r"(?:[^\W\d_]\.[\s\-‐]?){1,3}"


def literal(value: str) -> str:
    """An expression for a full name as written (or an email, as is), its civility included."""
    if "@" in value:
        return re.escape(value.strip())
    return f"{BEFORE}(?:{CIVILITY}\\s+)?{_letters(value)}{AFTER}"


def mentions(full_name: str) -> tuple[str | None, str | None]:
    """The expressions naming this person otherwise than by their full name: by the family name
    (with a civility or given names before it, or given names after it), and by the given
    names after a civility; None where the name has no such part."""
    given, family = split(full_name)
    if not family:
        return None, None
    forenames = _forenames(given)
    named = f"(?:{CIVILITY}\\s+)?(?:{forenames}{_SPACE})?" if forenames else f"(?:{CIVILITY}\\s+)?"
    after = f"(?:\\s+{forenames})?" if forenames else ""
    surnames = [_letters(" ".join(family))]
    parts = _parts(family)
    introduced = f"(?:{CIVILITY}\\s+{_optional(forenames)}|{forenames}{_SPACE})" if forenames \
        else f"(?:{CIVILITY}\\s+)"  # fmt: skip
    if len(" ".join(family)) < 2:  # a single letter is no name on its own
        named = introduced
    by_family = f"{BEFORE}{named}(?:{'|'.join(surnames)}){after}{AFTER}"
    if parts:
        by_family = f"{by_family}|{BEFORE}{introduced}(?:{'|'.join(parts)}){AFTER}"
    by_given = f"{BEFORE}{CIVILITY}\\s+{forenames}{AFTER}" if forenames else None
    return by_family, by_given


def split(full_name: str) -> tuple[list[str], list[str]]:
    """The given names and the family name of a name as stored: the words in capitals if some
    are (« BENKIRANE Fatima Zahra »), else the last word with the particles before it."""
    words = full_name.split()
    if len(words) < 2:
        return [], words
    capitals = [w for w in words if len(w) > 1 and w.isupper()]
    if capitals and len(capitals) < len(words):
        return [w for w in words if w not in capitals], capitals
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return words[:start], words[start:]


def _forenames(given: list[str]) -> str:
    """The given names in full, the first alone, or their initials."""
    if not given:
        return ""
    choices = [_letters(" ".join(given))]
    if len(given) > 1:
        choices.append(_letters(given[0]))
    choices.append(_INITIALS)
    return f"(?:{'|'.join(choices)})"


def _optional(forenames: str) -> str:
    return f"(?:{forenames}{_SPACE})?"


def _parts(family: list[str]) -> list[str]:
    """The parts of a compound family name that name the person after a civility or given
    name: each word of it (without particles), each half of a hyphenated one; three letters
    at least."""
    words = [w for w in family if w.lower() not in PARTICLES]
    pieces = {piece for w in words for piece in re.split(r"[\-‐]", w)}
    pieces |= set(words)
    pieces.discard(" ".join(family))
    return [_letters(p) for p in sorted(pieces, key=len, reverse=True) if len(p) >= 3]


def _letters(text: str) -> str:
    """`text` as an expression matching it with or without accents, any spacing or hyphen
    between its words, either apostrophe."""
    out: list[str] = []
    for word in re.split(r"[\s\-‐]+", text.strip()):
        out.append("".join(_letter(ch) for ch in word))
    return _SPACE.join(out)


def _letter(ch: str) -> str:
    if ch in "'’":
        return "['’]"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    variants = _VARIANTS.get(base)
    return f"[{variants}]" if variants else re.escape(ch)


def _variants() -> dict[str, str]:
    """Each Latin letter, to itself and its accented forms (lower case: matching ignores case)."""
    found: dict[str, str] = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if ch.islower() and base.isascii() and base.isalpha() and ch != base:
            found[base] = found.get(base, base) + ch
    return found


_VARIANTS = _variants()
