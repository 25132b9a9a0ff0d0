"""The parties block: « Entre » each party, « Et » between them, and who represents each.

"La Métropole Aix Marseille Provence, représentée par sa présidente, Martine Vassal ou son
représentant, …" gives a party (its name as the document spells it best), and a
representative (name, title, and for whom a signatory may act: "ou son représentant",
"par délégation de la Présidente").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..documents import Line
from ..passages import Passage, join
from ..wording import capitalised, hyphenated, plain
from .people import CIVILITY, NAME, gender, person, title_words

_AND = re.compile(r"^(?:Et|ET|et)\b\s*(?:d['’]autre\s+part)?\s*[:,]?\s*$")
_NUMBERED = re.compile(r"^(?:\d+\s*°\s*\)?|\d+\s*[.)]|[a-z]\))\s+(?=\S)")
_AND_INLINE = re.compile(r"^(?:Et|ET|et)\s+(?=(?:la|le|l['’]|les|La|Le|L['’])\s*\w)")
_SIDE = re.compile(r"\s*,?\s*d['’](?:une|autre)\s+part\s*[,;.]?", re.IGNORECASE)
_NAME_END = re.compile(
    r"\s*,|\s+et\s+représenté|\s+représenté|\s+dont\s|\s+sise?\b|\s+domicilié|\s*\(?\s*ci-après"
)
_ALIAS = re.compile(
    r"ci-après\s+(?:dénommée?s?|désignée?s?|appelée?s?|nommée?s?)?\s*[«\"“]\s*(?P<alias>[^»\"”]+?)\s*[»\"”]",
    re.IGNORECASE,
)
_REPRESENTED = re.compile(r"représentée?s?\s+par\s+", re.IGNORECASE)
_BY_OFFICE = re.compile(
    rf"^(?P<civ>Monsieur|Madame)\s+(?:le|la|l['’])\s*(?P<title>[^,]+?)\s*,\s*"
    rf"(?:(?:Monsieur|Madame|M\.|Mme)\s+)?(?P<name>{NAME})"
)
_BY_NAME = re.compile(
    rf"^(?:(?P<civ>{CIVILITY})\s+)?(?P<name>{NAME})\s*,\s*"
    r"(?:(?:agissant\s+)?en\s+(?:sa\s+)?qualité\s+de\s+)?(?P<title>[^,]+)"
)
_BY_TITLE = re.compile(
    rf"^(?P<article>sa|son|leur|la|le|l['’])\s*(?P<title>[^,]+)"
    rf"(?:,\s*(?:(?P<civ>{CIVILITY})\s+)?(?P<name>{NAME}))?(?=\s|,|$)"
)
_FOR_REPRESENTATIVE = re.compile(r"^\s*,?\s*ou\s+(?:son|sa|leur)\s+représentant", re.IGNORECASE)
_BY_DELEGATION = re.compile(
    r"par\s+délégation\s+d[eu]\s*(?P<whom>(?:la|le|l['’])\s*[^,;.]+)", re.IGNORECASE
)
_STOP = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "pour", "à", "au", "aux", "en"}


@dataclass
class Representative:
    """Who the parties block says represents a party."""

    name: str | None
    title: str | None
    sex: str | None
    for_whom: str | None = None  # "la Présidente": for whom the signatory acts
    stand_in: bool = False  # "sa Présidente ... ou son représentant": another may sign for her


@dataclass
class Party:
    """One party as the parties block names it."""

    name: str
    quote: Passage
    words: set[str] = field(default_factory=set)
    representative: Representative | None = None


def parse_parties(lines: tuple[Line, ...], compounds: set[str]) -> list[Party]:
    """The parties the block names, in its order."""
    return [p for p in (_party(chunk, compounds) for chunk in _chunks(lines)) if p]


_BETWEEN = re.compile(
    r"(?<=d['’]une\s)part\s*,?\s*(?:et|Et|ET)\s+(?=(?:la|le|l['’]|les|La|Le|L['’])\b)"
)


def _chunks(lines: tuple[Line, ...]) -> list[list[Line]]:
    """The parties block cut into one piece per party, at « Et » and at « d'une part, et »."""
    chunks: list[list[Line]] = [[]]
    for line in lines:
        text = line.text.strip()
        if _AND.match(text):
            chunks.append([])
            continue
        inline = _AND_INLINE.match(text) or _NUMBERED.match(text)
        if inline and chunks[-1]:
            chunks.append([])
        chunks[-1].append(Line(text[inline.end() :] if inline else text, line.origin))
    pieces = [piece for chunk in chunks for piece in _split_at_sides(chunk)]
    return [c for c in pieces if any(line.text for line in c)]


def _split_at_sides(chunk: list[Line]) -> list[list[Line]]:
    """ "…, d'une part, et la Commune de …" written in one paragraph: two parties."""
    passage = join(chunk)
    found = _BETWEEN.search(passage.text)
    if not found:
        return [chunk]
    first = Line(passage.text[: found.start()] + "part,", passage.origin_at(0))
    second = Line(passage.text[found.end() :], passage.origin_at(found.end()))
    return [[first], *_split_at_sides([second])]


def _party(lines: list[Line], compounds: set[str]) -> Party | None:
    passage = join(lines)
    text = _SIDE.sub("", passage.text).lstrip(" -•:")
    text = re.sub(r"^(?:La|Le|L['’]|Les|la|le|l['’]|les)\s*(?=\w)", "", text)
    end = _NAME_END.search(text)
    raw = text[: end.start()] if end else text
    if not raw.strip():
        return None
    name = capitalised(hyphenated(plain(raw).strip(" ,"), compounds))
    party = Party(name, passage, words(name))
    alias = _ALIAS.search(text)
    if alias:
        party.words |= words(alias.group("alias"))
    party.representative = _representative(text, party)
    return party


def words(text: str) -> set[str]:
    """The significant words of a name, to match « Pour le GIP ORCS » with its party."""
    return set(ordered_words(text))


def _representative(text: str, party: Party) -> Representative | None:
    found = _REPRESENTED.search(text)
    if not found:
        return None
    after = text[found.end() :]
    by_office = _BY_OFFICE.match(after)
    by_name = None if by_office else _BY_NAME.match(after)
    if by_office:
        title = _without_party(title_words(by_office.group("title")), party)
        rep = Representative(person(by_office.group("name")), title, None)
        rest = after[by_office.end() :]
    elif by_name:
        title = _without_party(title_words(by_name.group("title")), party)
        rep = Representative(person(by_name.group("name")), title, gender(by_name.group("civ")))
        rest = after[by_name.end() :]
    else:
        by_title = _BY_TITLE.match(after)
        if not by_title:
            return None
        title = _without_party(title_words(by_title.group("title")), party)
        name = by_title.group("name")
        rep = Representative(person(name) if name else None, title, gender(by_title.group("civ")))
        rest = after[by_title.end() :]
        if _FOR_REPRESENTATIVE.match(rest) and title:
            article = {"sa": "la", "son": "le", "leur": "le"}.get(by_title.group("article").lower())
            rep.for_whom = f"{article or by_title.group('article').lower()} {capitalised(title)}"
            rep.stand_in = True
    delegation = _BY_DELEGATION.search(rest)
    if delegation:
        whom = plain(delegation.group("whom")).strip()
        article, _, noun = whom.partition(" ")
        rep.for_whom = f"{article.lower()} {capitalised(noun)}" if noun else whom
    return rep


def _without_party(title: str, party: Party) -> str:
    """ "directeur-ordonnateur du CRPV PACA" is the "directeur-ordonnateur" of that party."""
    found = re.search(r"\s+(?:du|de\s+la|de\s+l['’]|des|de|d['’])\s*(?P<tail>[^,]+)$", title)
    if found and words(found.group("tail")) and words(found.group("tail")) <= party.words:
        return title[: found.start()]
    return title


def ordered_words(text: str) -> list[str]:
    """The significant words of a name, in order ("groupement", "intérêt", "public", …)."""
    found = re.findall(r"[\w]+", plain(text).casefold().replace("'", " "))
    return [w for w in found if w not in _STOP and len(w) > 1]
