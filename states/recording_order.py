"""A history is read in the order its lines were recorded, which the hash chain proves; a line
recorded late, dated before a line recorded earlier, is said so where it was recorded.

A dispute letter received on 2 June, logged after an avenant's signature dated 10 June, stays
below that signature and is marked as dated before it. The page, `convflow history`, the
dossier (its PDF) and historique.csv all mark the same lines, from this one rule.

Pure: the lines in, the lines marked out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from states.chain import ERASURE
from states.papers import ATTACH

FILE_RECORDS = ("import", "edit_draft", ERASURE, ATTACH)
"""History lines that record the file (its loading, a draft's edition, an erasure, a paper
attached), dated the day they were made, not a date of the convention's life: the events
recorded after the import of a convention and its past are dated before it, in order."""


def dated_before(history: Sequence[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """The lines of a history (in recording order; each with `seq`, `event` and `date`, a
    date or its ISO text) dated before a line recorded earlier, by their `seq`: each with the
    latest-dated line recorded before it (FILE_RECORDS left out)."""
    latest: Mapping[str, Any] | None = None
    earlier: dict[int, Mapping[str, Any]] = {}
    for line in history:
        if line["event"] in FILE_RECORDS:
            continue
        if latest is not None and str(line["date"]) < str(latest["date"]):
            earlier[int(line["seq"])] = latest
        else:
            latest = line
    return earlier
