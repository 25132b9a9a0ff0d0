"""The parties ("Entre ... Et ..."), who signs for each, and the place of signature.

Two places name people: the parties block ("représentée par sa Présidente, Madame ...") and
the signature block ("Pour la Métropole ... / Le Vice-Président délégué / M. ..."). The block
is who signs; the parties block says for whom, and spells the title in running text. When the
two name different people and the parties block does not say the signatory acts for the
person it names ("ou son représentant", "par délégation"), the name is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..documents import Line
from ..passages import Passage, join
from ..wording import capitalised, hyphenated, plain, sentence_case_words
from .common import Reading
from .people import (
    CIVILITY,
    NAME,
    TITLE_WORDS,
    agreeing,
    gender,
    person,
    same_title,
    title_extends,
    title_words,
)

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


@dataclass(frozen=True)
class Signer:
    """One signatory as a signature block writes it."""

    name: str | None
    title: str | None
    sex: str | None
    origin: str
    quote: str


def read_parties(reading: Reading) -> None:
    """Parties, their signatories (name, title) and the place of signature."""
    parties = [p for p in (_party(c, reading) for c in _chunks(reading.layout.parties)) if p]
    findings = reading.findings
    findings.gap(
        "reference", "a convention's reference is chosen by the service, never written in it"
    )
    if len(parties) < 2:
        findings.gap("parties[0].name", "no « Entre ... Et ... » block naming the parties")
    for index, party in enumerate(parties):
        findings.put(f"parties[{index}].name", party.name, "parties", party.quote.text,
                     party.quote.origin_at(0))  # fmt: skip
        findings.gap(
            f"parties[{index}].key", "a party's key is chosen in convflow (e.g. metropole)"
        )
    blocks = _signature_blocks(reading.layout.signatures)
    signers: dict[int, list[Signer]] = {i: [] for i in range(len(parties))}
    for heading, lines in blocks:
        which = _which_party(heading, parties)
        if which is None:
            findings.note("signatures", f"the block « {heading} » names no party clearly")
            continue
        signers[which].extend(_signers(lines))
    for index, party in enumerate(parties):
        _signatories(reading, index, party, signers[index])
    _place(reading)


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


def _party(lines: list[Line], reading: Reading) -> Party | None:
    passage = join(lines)
    text = _SIDE.sub("", passage.text).lstrip(" -•:")
    text = re.sub(r"^(?:La|Le|L['’]|Les|la|le|l['’]|les)\s*(?=\w)", "", text)
    end = _NAME_END.search(text)
    raw = text[: end.start()] if end else text
    if not raw.strip():
        return None
    name = capitalised(hyphenated(plain(raw).strip(" ,"), reading.compounds))
    party = Party(name, passage, _words(name))
    alias = _ALIAS.search(text)
    if alias:
        party.words |= _words(alias.group("alias"))
    party.representative = _representative(text, party)
    return party


def _words(text: str) -> set[str]:
    words = re.findall(r"[\w]+", plain(text).casefold().replace("'", " "))
    return {w for w in words if w not in _STOP and len(w) > 1}


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
    if found and _words(found.group("tail")) and _words(found.group("tail")) <= party.words:
        return title[: found.start()]
    return title


# ---- signature blocks ----------------------------------------------------------------------

_FOR = re.compile(r"^\s*(?:Pour|POUR)\s+(?P<whom>.+?)\s*[,:]?\s*$")
_DELEGATION_LINE = re.compile(
    r"^(?:Pour\s+(?:la|le|l['’])\s*\S+\s+et\s+)?par\s+délégation\b", re.IGNORECASE
)
_NAME_LINE = re.compile(rf"^(?:(?P<civ>{CIVILITY})\s+)?(?P<name>{NAME})\s*,?$")


def _signature_blocks(lines: tuple[Line, ...]) -> list[tuple[str, list[Line]]]:
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


def _which_party(heading: str, parties: list[Party]) -> int | None:
    words = _words(re.sub(r"^(?:la|le|l['’]|les)\s*", "", heading, flags=re.IGNORECASE))
    if not words:
        return None
    matching = [i for i, p in enumerate(parties) if all(_names(w, p) for w in words)]
    if len(matching) == 1:
        return matching[0]
    return None


def _names(word: str, party: Party) -> bool:
    """Whether a word of "Pour le GIP ORCS" names the party: one of its words, or initials
    of consecutive words of its name ("GIP": Groupement d'intérêt public)."""
    if word in party.words:
        return True
    initials = "".join(w[0] for w in _ordered_words(party.name))
    return len(word) >= 2 and word in initials


def _ordered_words(text: str) -> list[str]:
    words = re.findall(r"[\w]+", plain(text).casefold().replace("'", " "))
    return [w for w in words if w not in _STOP and len(w) > 1]


def _signers(lines: list[Line]) -> list[Signer]:
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


def _signatories(reading: Reading, index: int, party: Party, signers: list[Signer]) -> None:
    findings = reading.findings
    rep = party.representative
    prefix = f"parties[{index}].signatories"
    if not signers and rep is None:
        findings.gap(f"{prefix}[0].name", "no representative named for this party")
        findings.gap(f"{prefix}[0].email", "emails are never in a convention: add each signatory's")
        return
    if not signers:
        signers = [Signer(None, None, None, party.quote.origin_at(0), "")]
    single = len(signers) == 1
    for j, signer in enumerate(signers):
        name_field, title_field = f"{prefix}[{j}].name", f"{prefix}[{j}].title"
        where = "signatures" if signer.quote else "parties"
        quote = signer.quote or party.quote.text
        origin = signer.origin if signer.quote else party.quote.origin_at(0)
        is_rep = rep is not None and single and _same_person(rep, signer)
        stands_in = rep is not None and single and not is_rep and rep.stand_in
        name = signer.name or (rep.name if is_rep and rep else None)
        if rep and single and not is_rep and not stands_in:
            findings.doubt(
                name_field, f"the parties block names {rep.name}, the signature block {signer.name}"
            )
        elif name:
            findings.put(name_field, name, where, quote, origin)
        else:
            findings.gap(name_field, "the signatory's name is not written")
        title = _title(reading, signer, rep if is_rep else None, title_field)
        whom = rep.for_whom if rep else None
        if title and rep and whom and ((is_rep and not rep.stand_in) or stands_in):
            title = f"{title}, pour {whom}"
        if title:
            findings.put(title_field, title, where, quote, origin)
        else:
            findings.gap(title_field, "the signatory's title is not written")
        findings.gap(
            f"{prefix}[{j}].email", "emails are never in a convention: add each signatory's"
        )


def _same_person(rep: Representative, signer: Signer) -> bool:
    if signer.name is None or rep.name is None:
        return True
    return rep.name.casefold() == signer.name.casefold()


def _title(reading: Reading, signer: Signer, rep: Representative | None, name: str) -> str | None:
    block = _tidy_block_title(reading, signer, name) if signer.title else None
    running = capitalised(plain(rep.title)) if rep and rep.title else None
    if block and running:
        if same_title(block, running) or title_extends(running, block):
            return running
        if title_extends(block, running):
            return block
        reading.findings.doubt(
            name, f"the parties block says « {running} », the signature block « {block} »"
        )
        return None
    return block or running


def _tidy_block_title(reading: Reading, signer: Signer, name: str) -> str:
    assert signer.title is not None
    title = hyphenated(plain(signer.title), reading.compounds)
    title = (
        re.sub(r"\s*[-–—]\s*(?=\w)", "-", title) if re.search(r"\w\s+[–—-]\s+\w", title) else title
    )
    agreed, changed = agreeing(title, signer.sex)
    if changed:
        reading.findings.note(
            name, f"« {title} » made to agree with the civility of {signer.name}: « {agreed} »"
        )
    return capitalised(sentence_case_words(agreed, TITLE_WORDS))


# ---- place ---------------------------------------------------------------------------------

_PLACE = re.compile(
    r"^\s*(?:Fait|FAIT)\s+(?:en\s+\S+\s+exemplaires?(?:\s+originaux)?\s*,?\s+)?(?:à|A)\s+"
    r"(?P<place>[A-ZÀ-ÖØ-Þ][\w'’-]*(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’-]*))*)"
)


def _place(reading: Reading) -> None:
    found_any = False
    for line in reading.layout.signatures:
        found = _PLACE.match(line.text)
        if found:
            found_any = True
            place = hyphenated(plain(found.group("place")), reading.compounds)
            reading.findings.put("place", place, "signatures", line.text.strip(), line.origin)
    if not found_any:
        reading.findings.gap("place", "no « Fait à ... » line")
