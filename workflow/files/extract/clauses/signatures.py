"""The signature block: « Fait à Marseille, le … », then « Pour la Métropole … », a title and
a name for each party; and the place of signature."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..documents import Line
from ..model import gettext_noop
from ..wording import hyphenated, plain
from .common import Reading
from .parties import Party, ordered_words, words
from .people import CIVILITY, NAME, gender, person, title_words


@dataclass(frozen=True)
class Signer:
    """One signatory as a signature block writes it."""

    name: str | None
    title: str | None
    sex: str | None
    origin: str
    quote: str


_FOR = re.compile(r"^\s*(?:Pour|POUR)\s+(?P<whom>.+?)\s*[,:]?\s*$")
_DELEGATION_LINE = re.compile(
    r"^(?:Pour\s+(?:la|le|l['’])\s*\S+\s+et\s+)?par\s+délégation\b", re.IGNORECASE
)
_NAME_LINE = re.compile(rf"^(?:(?P<civ>{CIVILITY})\s+)?(?P<name>{NAME})\s*,?$")


def signature_blocks(lines: tuple[Line, ...]) -> list[tuple[str, list[Line]]]:
    """Each « Pour … » block: what it is for ("la Métropole …") and its lines."""
    blocks: list[tuple[str, list[Line]]] = []
    for line in lines:
        text = line.text.strip()
        found = _FOR.match(text)
        if found and not re.match(r"^(?:la|le)\s+(?:Présidente?|Maire)\b", found.group("whom")):
            blocks.append((found.group("whom"), []))
        elif blocks and not blocks[-1][1] and _continues_heading(blocks[-1][0], text):
            # "Pour l'association Maison de quartier des" / "Aygalades", wrapped in a column
            blocks[-1] = (f"{blocks[-1][0]} {text.rstrip(' ,:')}", [])
        elif blocks and text:
            blocks[-1][1].append(line)
    return blocks


def _continues_heading(heading: str, text: str) -> bool:
    """Whether `text` is the end of a "Pour ..." line cut short: the line stopped on a
    preposition or an article, or the next one starts in lower case."""
    if not text or heading.endswith((",", ":")) or _DELEGATION_LINE.match(text):
        return False
    cut = re.search(r"\b(?:de|des|du|la|le|les|et|d['’]|l['’])$", heading, re.IGNORECASE)
    return bool(cut) or text[:1].islower()


def which_party(heading: str, parties: list[Party]) -> int | None:
    """The party a « Pour … » names, when exactly one fits; None otherwise."""
    wanted = words(re.sub(r"^(?:la|le|l['’]|les)\s*", "", heading, flags=re.IGNORECASE))
    if not wanted:
        return None
    matching = [i for i, p in enumerate(parties) if all(_names(w, p) for w in wanted)]
    if len(matching) == 1:
        return matching[0]
    return None


def _names(word: str, party: Party) -> bool:
    """Whether a word of "Pour le GIP ORCS" names the party: one of its words, or initials
    of consecutive words of its name ("GIP": Groupement d'intérêt public)."""
    if word in party.words:
        return True
    initials = "".join(w[0] for w in ordered_words(party.name))
    return len(word) >= 2 and word in initials


def signers(lines: list[Line]) -> list[Signer]:
    """The signatories of one block: each name, with the title lines above it."""
    result: list[Signer] = []
    title: str | None = None
    quote: list[str] = []
    for line in lines:
        text = line.text.strip()
        found = _NAME_LINE.match(text)
        is_name = (
            found is not None
            and not re.match(r"^(?:Le|La|L['’])\s", text)
            and (found.group("civ") or re.search(r"\b[A-ZÀ-ÖØ-Þ]{2,}", found.group("name")))
        )
        if found and is_name:
            quote.append(text)
            name = person(found.group("name"))
            result.append(
                Signer(name, title, gender(found.group("civ")), line.origin, " / ".join(quote))
            )
            title, quote = None, []
        elif re.match(r"^\(.*\)$", text) or _DELEGATION_LINE.match(text):
            continue  # "(signature et cachet)"; "Pour la Présidente et par délégation"
        else:
            title = title_words(text) if title is None else f"{title} {title_words(text)}"
            quote.append(text)
    if title is not None:
        result.append(Signer(None, title, None, lines[-1].origin, " / ".join(quote)))
    return result


_PLACE = re.compile(
    r"^\s*(?:Fait|FAIT)\s+(?:en\s+\S+\s+exemplaires?(?:\s+originaux)?\s*,?\s+)?(?:à|A)\s+"
    r"(?P<place>[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’-]*))*)"
)


def read_place(reading: Reading) -> None:
    """`place`: « Fait à Marseille, le … », « Fait en deux exemplaires à Aix-en-Provence »."""
    found_any = False
    for line in reading.layout.signatures:
        found = _PLACE.match(line.text)
        if found:
            found_any = True
            place = hyphenated(plain(found.group("place")), reading.compounds)
            reading.findings.put("place", place, "signatures", line.text.strip(), line.origin)
    if not found_any:
        reading.findings.gap("place", gettext_noop("no « Fait à ... » line"))
