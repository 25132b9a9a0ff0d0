"""What the two parts of an email say, sentence for sentence, as their reader sees them."""

import html
import re
from html.parser import HTMLParser

from tests.reading import said

_PARAGRAPH = re.compile(r"<p[^>]*>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def text_paragraphs(text: str) -> list[str]:
    """The paragraphs of a plain-text part's message, between the greeting and what to do."""
    body = text.replace("\r\n", "\n").split("Madame, Monsieur,", 1)[1]
    body = body.split("CE QU’IL FAUT FAIRE", 1)[0]
    return [said(paragraph) for paragraph in body.split("\n\n") if paragraph.strip()]


def html_paragraphs(markup: str) -> list[str]:
    """The paragraphs of an HTML part's message, between the greeting and what to do, as a
    mail reader shows them (tags gone, entities read)."""
    body = markup.split("Madame, Monsieur,</p>", 1)[1].split("Ce qu’il faut faire", 1)[0]
    return [said(html.unescape(_TAG.sub("", p))) for p in _PARAGRAPH.findall(body)]


# French typography: a plain space (one a line may break at) before « : », « ; », « ? », « ! »
# or « » », or after « « »; a sign glued to what follows (« 14:05 », « ?page=2 », « != ») is
# no French punctuation.
_LOOSE = re.compile(r"\S[ \t\r\n]+(?:[:;?!](?=\s|\Z)|»)|«[ \t\r\n]+\S")
_VERBATIM = frozenset({"code", "pre"})
_BLOCKS = frozenset({"br", "div", "h1", "h2", "li", "p", "table", "td", "th", "title", "tr", "ul"})


def loose_spaces(text: str) -> list[str]:
    """Where a line may break before a French high sign or inside guillemets, each with a few
    words around it: none in an email."""
    return [text[max(0, m.start() - 30) : m.end() + 10] for m in _LOOSE.finditer(text)]


class _Reading(HTMLParser):
    """The words of an HTML part as a mail reader lays them out: blocks apart, entities read,
    <code> and <pre> (commands, hashes: written as typed) left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.verbatim = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VERBATIM:
            self.verbatim += 1
            self.words.append("CODE")  # a word, as the command it stands for
        elif tag in _BLOCKS:
            self.words.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VERBATIM:
            self.verbatim -= 1
        elif tag in _BLOCKS:
            self.words.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.verbatim:
            self.words.append(data)


def html_reading(markup: str) -> str:
    """The text of an HTML part as a mail reader lays it out (see _Reading)."""
    reading = _Reading()
    reading.feed(markup)
    reading.close()
    return "".join(reading.words)
