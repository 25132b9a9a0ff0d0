"""The title (the heading before "Entre") and the object (the article headed "Objet")."""

from __future__ import annotations

import re

from ..documents import Line
from ..model import gettext_noop
from ..passages import join, paragraphs
from ..wording import capitalised, hyphenated, plain
from .common import Reading, by_heading, by_sentence

_TITLE_START = re.compile(r"^(?:Convention|CONVENTION|Avenant|AVENANT|Contrat|CONTRAT)\b")
_NUMBER_ONLY = re.compile(r"^(?:CONVENTION|Convention)\s+(?:N°|n°|No|NO)\s*\S+\s*$")


def read_title(reading: Reading) -> None:
    """The convention's title: the paragraph of the heading that starts with "Convention"."""
    candidates = [
        join(_until_entre(group))
        for group in paragraphs(reading.layout.head)
        if _TITLE_START.match(group[0].text.strip())
        and not _NUMBER_ONLY.match(group[0].text.strip())
    ]
    # A banner in capitals ("CONVENTION ANNUELLE D'OBJECTIFS 2026") often stands above the
    # title itself: the first heading in ordinary case is the title.
    ordinary = [p for p in candidates if not p.text.isupper()]
    if not candidates:
        reading.findings.gap(
            "title", gettext_noop("no heading starting with « Convention » before « Entre »")
        )
        return
    passage = (ordinary or candidates)[0]
    value = hyphenated(plain(passage.text), reading.compounds)
    lowered = _lead_in_lower_case(value)
    reading.findings.put("title", lowered, "title", passage.text, passage.origin_at(0))
    if value.isupper():
        reading.findings.note("title", gettext_noop("written in capitals; kept as written"))
    elif lowered != value:
        reading.findings.note(
            "title", gettext_noop("its first words are in capitals in the text: check the case")
        )


def _lead_in_lower_case(title: str) -> str:
    """ "CONVENTION DE PARTENARIAT entre ..." as "Convention de partenariat entre ..."."""
    parts = title.split(" ")
    lead = 0
    while lead < len(parts) and parts[lead].isupper() and sum(c.isalpha() for c in parts[lead]) > 1:
        lead += 1
    if lead < 2 or lead == len(parts):
        return title
    head = " ".join(parts[:lead]).lower()
    return " ".join([head[0].upper() + head[1:], *parts[lead:]])


def _until_entre(group: list[Line]) -> list[Line]:
    return [line for line in group if not re.match(r"^\s*(?:Vu|VU)\b", line.text)]


def read_object(reading: Reading) -> None:
    """The object: the first paragraph of the article headed "Objet", else "a pour objet"."""
    findings = reading.findings
    for article in by_heading(reading.layout, r"\bobjet\b"):
        paragraph = article.first_paragraph()
        if paragraph is None:
            continue
        sentences = paragraph.sentences()
        # A last sentence ending with a colon announces a list of details: the object is before it.
        if len(sentences) > 1 and sentences[-1].text.rstrip().endswith(":"):
            sentences = sentences[:-1]
        text = paragraph.text[: sentences[-1].end]
        value = capitalised(plain(text))
        findings.put("object", value, article.label, text, paragraph.origin_at(0))
        return
    for article, span in by_sentence(reading.layout, r"\ba\s+pour\s+objet\b"):
        findings.put("object", plain(span.text), article.label, span.text, span.origin)
        return
    findings.gap(
        "object", gettext_noop("no article headed « Objet » nor sentence « a pour objet »")
    )
