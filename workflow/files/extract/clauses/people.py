"""People as conventions write them: "M. Martial ALVAREZ", "Madame Nadia Bensaïd", and their titles.

Names come out as people type them ("Martial Alvarez"); a title keeps the document's words,
with its article dropped and its gender made to agree with the civility when the document
itself disagrees ("Le Vice-Présidente Délégué" above "M. Martial ALVAREZ").
"""

from __future__ import annotations

import re

from ..wording import straight

CIVILITY = r"(?:Monsieur|Madame|Mademoiselle|M\.|Mme\.?|Mlle\.?|MM\.)"
_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][\w'’]*(?:-[A-ZÀ-ÖØ-Þ][\w'’]*)*"
NAME = rf"{_NAME_WORD}(?:\s+(?:(?:de|du|d['’]|van|von|le|la)\s+)?{_NAME_WORD}){{1,3}}"
_MASCULINE = {"monsieur", "m.", "mm."}
_FEMININE = {"madame", "mme", "mme.", "mademoiselle", "mlle", "mlle."}

# Title words and their feminine, to make a title agree with the civility of who holds it.
_GENDERED = {
    "président": "présidente", "vice-président": "vice-présidente", "délégué": "déléguée",
    "directeur": "directrice", "conseiller": "conseillère", "adjoint": "adjointe",
    "général": "générale", "ordonnateur": "ordonnatrice", "trésorier": "trésorière",
    "métropolitain": "métropolitaine", "municipal": "municipale", "premier": "première",
    "départemental": "départementale", "régional": "régionale",
}  # fmt: skip
_FEMININE_WORDS = {f: m for m, f in _GENDERED.items()}
# Words that signature blocks capitalise for display but a title writes in lower case.
TITLE_WORDS = set(_GENDERED) | set(_GENDERED.values()) | {"exécutif", "exécutive"}


def gender(civility: str | None) -> str | None:
    """ "m" or "f" from a civility, None when there is none."""
    if not civility:
        return None
    word = civility.lower()
    return "m" if word in _MASCULINE else "f" if word in _FEMININE else None


def person(text: str) -> str:
    """ "Martial ALVAREZ" as "Martial Alvarez"; names in mixed case stay as written, their
    apostrophes plain as every value's (« Hélène D’ARCY » as "Hélène D'Arcy"); no ligature
    joined (a Coeur is not a Cœur)."""
    return " ".join(_word_case(word) for word in straight(text).split())


def _word_case(word: str) -> str:
    letters = [c for c in word if c.isalpha()]
    if len(letters) < 2 or not all(c.isupper() for c in letters):
        return word
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0)[0] + m.group(0)[1:].lower(), word)


def title_words(text: str) -> str:
    """A title without its article, its trailing comma, "en exercice" and the like."""
    text = re.sub(r"^(?:Le|La|L['’]|LE|LA|L’)\s*", "", text.strip())
    text = re.sub(r"\s+(?:en\s+exercice|en\s+fonctions?)\b", "", text)
    return text.strip(" ,;:")


def agreeing(title: str, sex: str | None) -> tuple[str, bool]:
    """The title with its gendered words agreeing, and whether it had to change.

    Only a title that disagrees with itself is changed ("Vice-Présidente Délégué" is one
    word feminine, one masculine): a "Maire" or a "Directeur" held by a woman is a choice.
    """
    words = title.split(" ")
    kinds = {_kind(w) for w in words} - {None}
    if sex is None or len(kinds) < 2:
        return title, False
    changed = [_to(word, sex) for word in words]
    return " ".join(changed), changed != words


def _kind(word: str) -> str | None:
    key = word.lower().strip(",")
    if key in _GENDERED and key not in _FEMININE_WORDS:
        return "m"
    if key in _FEMININE_WORDS:
        return "f"
    return None


def _to(word: str, sex: str) -> str:
    key = word.lower().strip(",")
    table = _GENDERED if sex == "f" else _FEMININE_WORDS
    if key not in table:
        return word
    target = table[key]
    return "-".join(
        t.capitalize() if o[:1].isupper() else t
        for o, t in zip(word.split("-"), target.split("-"), strict=False)
    )


def same_title(a: str, b: str) -> bool:
    """Whether two spellings are one title ("directeur-ordonnateur", "Directeur – Ordonnateur")."""
    return _key(a) == _key(b)


def title_extends(longer: str, shorter: str) -> bool:
    """Whether `longer` is `shorter` with more words ("Vice-président délégué à l'Habitat")."""
    return _key(longer).startswith(_key(shorter) + " ")


def _key(title: str) -> str:
    text = re.sub(r"\s*[-–—]\s*", "-", title.replace("’", "'")).casefold()
    return " ".join(text.split())
