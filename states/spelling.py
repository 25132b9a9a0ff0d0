"""The name a person most likely meant when the one they wrote is not known.

A misspelt key of a convention file (`amout`), a spreadsheet's column header (`montnat`) or a
CONVFLOW_* variable is refused, or warned of, with the closest known name beside it, if one is
close enough to be a slip of the keyboard rather than another word. Pure: names in, a name out.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CLOSE_ENOUGH = 0.75
"""How alike (difflib's ratio, 0 to 1) a known name must be to be suggested. At 0.75 a letter
left out, doubled or swapped (`amout`, `refrence`, `montnat` for `montant`) is caught, and a
word of its own is not mistaken for one (`signatory` is not `history`, nor `state` `title`,
which the library's 0.6 would suggest)."""


def closest(name: str, known: Iterable[str], cutoff: float = CLOSE_ENOUGH) -> str | None:
    """The known name closest to `name`, as it is spelt among `known`; None when none is close.
    Case aside: `Amount` is `amount`, `dateconvention` is `dateConvention`."""
    spelt = {candidate.lower(): candidate for candidate in known}
    found = difflib.get_close_matches(name.lower(), list(spelt), n=1, cutoff=cutoff)
    return spelt[found[0]] if found else None


def meant_reference(reference: str, near: Iterable[str]) -> str | None:
    """The stored reference a person most likely meant by one no convention has, among the
    stored references `near` it: one equal to it but for case (`CONV-1` for `conv-1`; the first
    in order if several), else the closest by spelling (CLOSE_ENOUGH); None when none is."""
    stored = list(near)
    same = sorted(found for found in stored if found.lower() == reference.lower())
    return same[0] if same else closest(reference, stored)
