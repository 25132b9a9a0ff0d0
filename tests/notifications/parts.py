"""What the two parts of an email say, sentence for sentence, as their reader sees them."""

import html
import re

_PARAGRAPH = re.compile(r"<p[^>]*>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]+>")


def said(text: str) -> str:
    """Text as read: its spaces (French no-break ones included) as single plain spaces."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


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
