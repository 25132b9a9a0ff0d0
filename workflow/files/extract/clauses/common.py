"""What every clause reader needs: the document's parts and where to find a clause."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..layout import Article, Layout
from ..model import Findings
from ..passages import Span


@dataclass
class Reading:
    """One extraction in progress: the document's parts, its own spellings, the findings."""

    layout: Layout
    compounds: set[str]
    findings: Findings


def sentences(article: Article) -> tuple[Span, ...]:
    """The sentences of one article."""
    return article.sentences


def opening(article: Article) -> tuple[str, str]:
    """The quote that shows an article: its first sentence, or its heading when it has none."""
    spans = sentences(article)
    if spans:
        return spans[0].text, spans[0].origin
    return article.heading.text.strip(), article.heading.origin


def by_heading(layout: Layout, pattern: str) -> list[Article]:
    """The articles whose heading's title matches `pattern` (case-insensitive)."""
    return [a for a in layout.articles if re.search(pattern, a.title, re.IGNORECASE)]


def by_sentence(layout: Layout, pattern: str) -> Iterator[tuple[Article, Span]]:
    """Every (article, sentence) whose sentence matches `pattern` (case-insensitive)."""
    for article in layout.articles:
        for span in sentences(article):
            if re.search(pattern, span.text, re.IGNORECASE):
                yield article, span


def clause_article(layout: Layout, heading: str, sentence: str) -> Article | None:
    """The article of a clause: the one headed so, else the first whose text speaks of it."""
    headed = by_heading(layout, heading)
    if headed:
        return headed[0]
    return next((article for article, _ in by_sentence(layout, sentence)), None)


def start_of_period(text: str) -> str | None:
    """What a period runs from, by the first word after "à compter de" and its kin.

    "à compter de la réception de la lettre" is the receipt; "à compter de la lettre
    recommandée avec accusé de réception" is the letter (its acknowledgement is only how it is
    sent); "à compter de l'envoi" and "de la date d'envoi" the dispatch.
    """
    found = re.search(
        r"(?:à\s+compter\s+(?:de|du)|à\s+partir\s+(?:de|du)|suivant|après|dès)\s+"
        r"(?:la\s+|le\s+|l['’]\s*|sa\s+|son\s+|cette\s+|ladite\s+)?"
        r"(?:date\s+(?:de\s+(?:la\s+)?|d['’]\s*))?(?P<word>[a-zéèêàçû]+)(?P<rest>(?:\s+\S+){0,2})",
        text,
        re.IGNORECASE,
    )
    if not found:
        return None
    word = found.group("word").lower()
    rest = found.group("rest").lower()
    if word == "réception":
        return "receipt"
    if word in ("envoi", "expédition", "lettre", "courrier", "dépôt"):
        return "dispatch"
    if word == "première" and "présentation" in rest:
        return "first presentation"
    return word
