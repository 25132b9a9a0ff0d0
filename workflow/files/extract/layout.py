"""A convention's parts: its title, its parties, its articles, its signature block.

French conventions share one shape: a title, "Entre" the parties ("Et" between them), a
preamble ("Vu", "Considérant", "Il est convenu ce qui suit"), numbered articles, then
"Fait à ..., le ..." and one block per party ("Pour la Métropole ...", title, name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .documents import Document, Line
from .passages import Passage, Span, join, paragraphs

_HEADING = re.compile(
    r"^(?:ARTICLE|Article|Art\.)\s+(?P<num>\d+(?:\.\d+)*|premier|PREMIER|[IVXLC]+)"
    r"(?P<er>\s?(?:er|ER))?(?!\w|\.\d)\s*(?:[-–—:.]\s*)?(?P<title>.*)$"
)
_PARTIES_START = re.compile(
    r"^[-•]?\s*(?:ENTRE|Entre)\b\s*(?i:les\s+soussign[ée]s|d['’]une\s+part)?\s*[:,]?\s*$"
)
_PARTIES_END = re.compile(
    r"^(?:IL|Il)\s+(?:EST|est|A|a)\s+(?:(?:ÉTÉ|été|ETE)\s+)?(?:CONVENU|convenu)"
    r"|^(?:PRÉAMBULE|Préambule|PREAMBULE)|^Vu\b|^VU\b|^Considérant|^CONSIDÉRANT"
    r"|^(?:Les|LES)\s+(?:parties|PARTIES)\s+(?:conviennent|CONVIENNENT)"
)
_SIGNATURE_START = re.compile(r"^\s*(?:Fait|FAIT)\s+(?:à|A|en)\b")


@dataclass(frozen=True)
class Article:
    """One article: its label ("article 2"), its heading ("Condition financière"), its lines."""

    label: str
    title: str
    heading: Line
    lines: tuple[Line, ...]

    @cached_property
    def passage(self) -> Passage:
        """The article's lines as running text, joined once (every clause reader reads it)."""
        return join(self.lines)

    @cached_property
    def sentences(self) -> tuple[Span, ...]:
        """The article's sentences, cut once: ten readers go through them, and a 20 MB text
        of 20 000 articles cut each one 80 000 times."""
        return tuple(self.passage.sentences())

    def first_paragraph(self) -> Passage | None:
        groups = paragraphs(self.lines)
        return join(groups[0]) if groups else None


@dataclass(frozen=True)
class Layout:
    """The document cut into its parts; a part the document lacks is empty."""

    head: tuple[Line, ...]
    parties: tuple[Line, ...]
    preamble: tuple[Line, ...]
    articles: tuple[Article, ...]
    signatures: tuple[Line, ...]


def label(number: str, ordinal: str | None) -> str:
    """ "article 2", "article 1er" (premier), "article IV" as the convention numbers it."""
    if number.lower() == "premier" or (number == "1" and ordinal):
        return "article 1er"
    return f"article {number}"


def heading(line: Line) -> tuple[str, str] | None:
    """(label, title) when `line` opens an article; None for a reference to one in a sentence."""
    found = _HEADING.match(line.text.strip())
    if not found:
        return None
    title = found.group("title").strip()
    if title and (title[0].islower() or len(title) > 90 or title.endswith((",", ";"))):
        return None
    return label(found.group("num"), found.group("er")), title.rstrip(" .:")


def lay_out(document: Document) -> Layout:
    """Cut a document into title block, parties, preamble, articles and signatures."""
    lines = document.lines
    starts = [i for i, line in enumerate(lines) if heading(line)]
    before = lines[: starts[0]] if starts else lines
    head, parties, preamble = _front(before)
    articles: list[Article] = []
    signatures: tuple[Line, ...] = ()
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = lines[start + 1 : end]
        if n + 1 == len(starts):
            body, signatures = _split_signatures(body)
        found = heading(lines[start])
        assert found is not None
        articles.append(Article(found[0], found[1], lines[start], tuple(body)))
    if not starts:
        preamble, signatures = _split_signatures(preamble)
    return Layout(head, parties, preamble, tuple(articles), signatures)


def _front(lines: tuple[Line, ...]) -> tuple[tuple[Line, ...], tuple[Line, ...], tuple[Line, ...]]:
    begin = next(
        (i for i, line in enumerate(lines) if _PARTIES_START.match(line.text.strip())), None
    )
    if begin is None:
        return lines, (), ()
    end = next(
        (i for i in range(begin + 1, len(lines)) if _PARTIES_END.match(lines[i].text.strip())),
        len(lines),
    )
    return lines[:begin], lines[begin + 1 : end], lines[end:]


def _split_signatures(lines: tuple[Line, ...]) -> tuple[tuple[Line, ...], tuple[Line, ...]]:
    for i, line in enumerate(lines):
        if _SIGNATURE_START.match(line.text):
            return lines[:i], lines[i:]
    for i, line in enumerate(lines):
        if re.match(r"^\s*Pour\s+(?:la|le|l['’]|les)\b", line.text):
            return lines[:i], lines[i:]
    return lines, ()
