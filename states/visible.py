"""Text as it can be shown: control and invisible characters written out.

What a person or a file gave may hold characters that do something instead of showing: a
terminal's escape sequence (\\x1b[31m turns the rest red), a newline (it breaks a table's row
or a log's line), a right-to-left override (\\u202e reverses the rest of the line), a
zero-width space (\\u200b: « DEL\\u200b-1 » looks like « DEL-1 » and is not). Wherever such
text is shown or kept as a name, each of them is written out the way Python writes it in a
string (`\\n`, `\\x1b`, `\\u200b`), so that what is shown is what was given, on one line.
Letters, accents and the spaces of French typography (U+00A0, U+202F) are no such characters.
"""

from __future__ import annotations

import re

INVISIBLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]"
)
"""The characters written out: C0 and C1 controls, and the invisible format characters (soft
hyphen, zero-width spaces and joiners, direction marks and overrides, word joiners, the byte
order mark)."""

FORMAT = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
"""The invisible format characters alone (INVISIBLE without the controls)."""


def visible(text: str) -> str:
    """`text` with every control and invisible format character written out (\\n, \\x1b,
    \\u200b), everything else as it is."""
    return INVISIBLE.sub(lambda found: repr(found.group())[1:-1], text)


def has_format_characters(text: str) -> bool:
    """Whether `text` holds an invisible format character (a zero-width space, a direction
    mark...): two references that look the same would then differ."""
    return FORMAT.search(text) is not None
