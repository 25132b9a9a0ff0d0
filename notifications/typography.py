"""French spacing in the emails: a no-break space before « : », « ; », « ? », « ! » and « » »
and after « « », so that no mail client or browser ever starts a line with a colon or leaves a
guillemet alone at the end of one.

The same rule holds for what the command line and the dashboard say: the words catalogue and the
dashboard's templates are written with it, and tests hold them to it with `french_fragment`
(tests/unit/test_french_spacing.py). It lives here, in the package that imports nothing of
convflow's, so that both the emails and the workflow layer (and its tests) can use it.

Applied once to every rendered email (its subject, plain text and HTML), whatever wrote the
space: a template, an administrator's template, or the facts it was given (a convention's
title, a deadline's explanation). A no-break space already there stays as it is (U+00A0 or the
narrow U+202F); only plain spaces change, into U+00A0. Nothing else is added: « 14:05 »,
« https:// » and « ?page=2 » have no space before their sign and stay as they are.

The emails also write the typographic apostrophe « ’ » where a straight one stands between two
letters (`french_apostrophes`, `french_apostrophes_html`; the renderer applies them with the
spacing): see `_apostrophes` for why and for what is never touched. The spacing functions leave
apostrophes alone: the letters, the command line and the dashboard's checks use them too.
"""

import re
from bisect import bisect_right

__all__ = [
    "APOSTROPHE", "NO_BREAK_SPACE", "VERBATIM_END", "VERBATIM_START", "french_apostrophes",
    "french_apostrophes_html", "french_fragment", "french_html", "french_text",
]  # fmt: skip

NO_BREAK_SPACE = "\u00a0"
"""The no-break space the emails write (the narrow U+202F, also written, stays where it is)."""

APOSTROPHE = "\u2019"
"""The typographic apostrophe (U+2019) French prose writes: « l’avenant »."""

VERBATIM_START, VERBATIM_END = "\x02", "\x03"
"""Around a value a template quotes as written (a server's answer in the text part, where no
<code> can say so): its apostrophes stay straight; the marks themselves never leave."""

_BOUNDARY = "\x00"
"""Stands, in an HTML email's text, for a tag that starts or ends a block (a paragraph, a cell,
a line break): spaces on either side of it are no space between two words."""
_VERBATIM_TEXT = "\x01"
"""Stands for a character of <code> or <pre>: kept as written, yet a word beside its spaces."""

_SIGN_AFTER = r"[:;?!](?=[\s»)\]\x00,.]|\Z)|»"
"""A high sign followed by a space (not « ?page=2 », not « != »), or a closing guillemet."""
_TEXT_SPACES = re.compile(rf"(?<=\S)[ \t]+(?={_SIGN_AFTER})|(?<=«)[ \t]+(?=\S)")
_FRAGMENT_EDGES = re.compile(rf"\A[ \t]+(?={_SIGN_AFTER})|(?<=«)[ \t]+\Z")
"""A space that opens a piece before a sign, or ends one after an opening guillemet: a piece
said between other words puts it between two words."""
_HTML_SPACES = re.compile(
    rf"(?<=[^\s\x00])[ \t\r\n]+(?={_SIGN_AFTER})|(?<=«)[ \t\r\n]+(?=[^\s\x00])"
)
_LETTER = r"[^\W\d_]"
_STRAIGHT_TEXT = re.compile(rf"(?<={_LETTER})'(?={_LETTER})")
_STRAIGHT_HTML = re.compile(
    rf"(?<={_LETTER})(?:'|&#39;|&#0*39;|&#x0*27;|&apos;)(?={_LETTER})", re.I
)
"""A straight apostrophe between two letters; in HTML also as Jinja2's autoescape writes it."""
_AS_WRITTEN = re.compile(
    rf"{VERBATIM_START}(.*?){VERBATIM_END}"
    rf"|[^\s{VERBATIM_START}{VERBATIM_END}]*(?:@|://|\bwww\.)[^\s{VERBATIM_START}{VERBATIM_END}]*",
    re.DOTALL,
)
"""What keeps its apostrophes as written: a value marked verbatim, or a word that is an email
address or a URL (o'brien@example.org, https://example.org/l'avenant)."""
# A comment first: it may hold '>' and tags of its own.
_TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"<(/?)\s*([A-Za-z][A-Za-z0-9]*)")
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea"})
_INLINE = frozenset({"a", "abbr", "b", "code", "em", "i", "kbd", "q", "samp", "small", "span",
                     "strong", "sub", "sup", "u"})  # fmt: skip


def french_text(text: str) -> str:
    """Plain text (or a subject) with each plain space before a high sign or a closing
    guillemet, and after an opening one, made a no-break space."""
    return _TEXT_SPACES.sub(NO_BREAK_SPACE, text)


def french_apostrophes(text: str) -> str:
    """Plain text (or a subject) with its straight apostrophes between two letters made
    typographic (`_apostrophes`), and the marks of verbatim values taken away."""
    return _apostrophes(text, _STRAIGHT_TEXT)


def french_fragment(text: str) -> str:
    """A piece of a sentence said between other words (a catalogue entry said after another, as
    « ; vouliez-vous dire … » after « champ inconnu », a template's « « » before a name) with
    French spacing: `french_text`, a space at its very start or end taken for one between two
    words."""
    return _FRAGMENT_EDGES.sub(NO_BREAK_SPACE, french_text(text))


def french_html(html: str) -> str:
    """HTML with French spacing in its text as a browser reads it, across inline tags
    (« <strong>AMP-X</strong> : »); tags, attributes, comments, <code> and <pre> untouched."""
    pieces = _TAG.split(html)  # even indexes: text; odd ones: tags and comments
    read, starts, indexes = _reading(pieces, _verbatim_pieces(pieces))
    edits: dict[int, dict[int, str]] = {}  # piece -> offset -> what replaces its character
    for match in _HTML_SPACES.finditer(read):
        for position in range(match.start(), match.end()):
            segment = bisect_right(starts, position) - 1
            offset = position - starts[segment]
            edits.setdefault(indexes[segment], {})[offset] = (
                NO_BREAK_SPACE if position == match.start() else ""
            )
    for index, changes in edits.items():
        piece = pieces[index]
        pieces[index] = "".join(changes.get(i, char) for i, char in enumerate(piece))
    return "".join(pieces)


def _apostrophes(text: str, straight: re.Pattern[str]) -> str:
    """The text with each straight apostrophe between two letters made the typographic one.

    Why: the templates are written with « ’ », but the words and facts they are given are not
    (a catalogue's label, a deadline's explanation, a convention's title or a party's name typed
    on a keyboard: « l'avenant », « d'Azur »), and an email said in two apostrophes reads as
    carelessly written to the partner. One rule, applied where the email's typography is, so
    that no template, filter or caller has to remember it. What is no prose keeps its
    apostrophes: an email address or a URL (a word holding « @ », « :// » or « www. »), a value
    marked verbatim (VERBATIM_START … VERBATIM_END), and, in HTML (`french_apostrophes_html`), tags,
    attributes, comments, <code> and <pre>. The references and keys convflow writes hold no
    apostrophe (states.identifiers); Message-IDs and header names are no part of the text;
    quoted-printable comes after, at sending."""
    out: list[str] = []
    last = 0
    for found in _AS_WRITTEN.finditer(text):
        out.append(straight.sub(APOSTROPHE, text[last : found.start()]))
        out.append(found.group(0) if found.group(1) is None else found.group(1))
        last = found.end()
    out.append(straight.sub(APOSTROPHE, text[last:]))
    return _unmarked("".join(out))


def _unmarked(text: str) -> str:
    """The text without verbatim marks (one left alone, or in a tag)."""
    return text.replace(VERBATIM_START, "").replace(VERBATIM_END, "")


def _verbatim_pieces(pieces: list[str]) -> set[int]:
    """The text pieces inside <code>, <pre>…: kept as written."""
    verbatim: set[int] = set()
    depth = 0  # how many <code>, <pre>… are open around the current piece
    for index, piece in enumerate(pieces):
        if index % 2:
            depth = max(0, depth + _verbatim_step(piece))
        elif depth:
            verbatim.add(index)
    return verbatim


def french_apostrophes_html(html: str) -> str:
    """HTML with the straight apostrophes of its text between two letters made typographic
    (`_apostrophes`), as Jinja2's autoescape writes them too (« &#39; »); tags, attributes,
    comments, <code> and <pre> untouched, the marks of verbatim values taken away."""
    pieces = _TAG.split(html)  # even indexes: text; odd ones: tags and comments
    verbatim = _verbatim_pieces(pieces)
    for index in range(0, len(pieces), 2):
        if index not in verbatim:
            pieces[index] = _apostrophes(pieces[index], _STRAIGHT_HTML)
    return _unmarked("".join(pieces))


def _reading(pieces: list[str], verbatim: set[int]) -> tuple[str, list[int], list[int]]:
    """The text a browser lays out, block boundaries and verbatim text marked; and, for each
    text piece in it, where it starts in that text and which piece it is."""
    read: list[str] = []
    starts: list[int] = []
    indexes: list[int] = []
    length = 0
    for index, piece in enumerate(pieces):
        if index % 2:
            if _starts_block(piece):
                read.append(_BOUNDARY)
                length += 1
            continue
        starts.append(length)
        indexes.append(index)
        read.append(_VERBATIM_TEXT * len(piece) if index in verbatim else piece)
        length += len(piece)
    return "".join(read), starts, indexes


def _verbatim_step(tag: str) -> int:
    """+1 for a tag opening verbatim text, -1 for one closing it, 0 for any other."""
    found = _TAG_NAME.match(tag)
    if not found or found.group(2).lower() not in _VERBATIM or tag.endswith("/>"):
        return 0
    return -1 if found.group(1) else 1


def _starts_block(tag: str) -> bool:
    """Whether a tag breaks the flow of words (any tag but an inline one, a comment aside)."""
    found = _TAG_NAME.match(tag)
    if tag.startswith("<!--"):
        return False
    return not found or found.group(2).lower() not in _INLINE
