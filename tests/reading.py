"""Text as the person reading it takes it, for tests that read what convflow says: French
typography's no-break spaces (U+00A0 before « : », U+202F in amounts) read as spaces."""

from __future__ import annotations

__all__ = ["plain", "said"]


def plain(text: str) -> str:
    """Text with French typography's no-break spaces (U+00A0, U+202F) as plain spaces, nothing
    else changed: line ends and runs of spaces stay as they were."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def said(text: str) -> str:
    """What a text says, on one line: `plain`, and every run of blanks (line ends included) as
    one space, none at either end."""
    return " ".join(plain(text).split())
