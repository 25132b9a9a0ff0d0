"""Words cut at the end of a line ("l'accom-" / "pagnement") joined back.

A word processor's line-end hyphen and a compound's own hyphen look alike in the text it
exports. The document itself tells them apart most of the time: a form it writes elsewhere
("accompagnement", "vice-président") wins; a prefix that makes compounds ("vice-", "ci-",
"sous-") keeps its hyphen; a capital after the hyphen ("Aix-" / "Marseille") keeps it too.
"""

from __future__ import annotations

import re

from .documents import Document, Line

_PREFIXES = {
    "vice", "ci", "sous", "non", "quasi", "demi", "semi", "anti", "après", "avant", "grand",
    "grande", "mi", "porte", "contre", "arrière", "haut", "bas", "bien", "ex", "co", "inter",
    "extra", "post", "pro", "chef", "sud", "nord", "est", "ouest", "belle", "beau", "petit",
    "petite", "rez", "vis", "c'est", "peut", "celle", "celui", "ceux", "elle", "lui",
}  # fmt: skip
_CUT = re.compile(r"(?<![\w'’-])([\w'’]+)-$")
_REST = re.compile(r"^([a-zà-ÿœæ]+)(.*)$")


def dehyphenated(document: Document) -> Document:
    """The document with words cut at line ends joined, where it is clear they were cut."""
    words = {w.lower() for w in re.findall(r"[\w-]+", document.text)}
    lines = list(document.lines)
    for i in range(len(lines) - 1):
        cut = _CUT.search(lines[i].text)
        rest = _REST.match(lines[i + 1].text.lstrip())
        if not cut or not rest:
            continue
        fragment, tail = cut.group(1), rest.group(1)
        bare = re.split(r"['’]", fragment)[-1].lower()
        compound, joined = f"{bare}-{tail}", f"{bare}{tail}"
        if bare in _PREFIXES or (compound in words and joined not in words):
            continue
        lines[i] = Line(lines[i].text[:-1] + tail, lines[i].origin)
        lines[i + 1] = Line(rest.group(2).lstrip(), lines[i + 1].origin)
    return Document(document.source, tuple(lines))
