"""`convflow verify`: every convention's history recomputed against its chain of hashes, and
what is stored held against what the history establishes (states.terms)."""

from __future__ import annotations

from itertools import islice
from typing import TypedDict

from states.chain import ChainBreak, first_break
from states.convention import Convention
from states.terms import differences, established_terms
from storage.history import StoredLine
from workflow.bootstrap import App

_BATCH = 100
"""Conventions read at once to hold them against their histories."""


class ChainBreakView(TypedDict):
    """The first line of a convention's history that does not hold."""

    reference: str
    seq: int
    breach: str  # altered, removed, unchained


class DifferenceView(TypedDict):
    """Something stored that is not what the history's line `seq` establishes."""

    reference: str
    seq: int
    field: str  # state, amount, end_date, party.<key>, signatory.<party>
    recorded: str
    stored: str


class VerificationView(TypedDict):
    """What `verify` found: how much it read, what breaks, each chain's head, what is stored
    otherwise than the history says, and the conventions whose history records no terms
    (written before it did: their terms could not be checked)."""

    conventions: int
    lines: int
    breaks: list[ChainBreakView]
    heads: dict[str, str]
    differences: list[DifferenceView]
    terms_unchecked: list[str]


def verify_history(app: App, reference: str | None = None) -> VerificationView:
    """Recompute each convention's chain (or one's); name the first line that differs; hold
    each convention's stored state and terms against what its history establishes."""
    report: VerificationView = {"conventions": 0, "lines": 0, "breaks": [], "heads": {},
                                "differences": [], "terms_unchecked": []}  # fmt: skip
    with app.uow() as uow:
        if reference is not None:
            uow.conventions.get(reference)  # an unknown reference is refused as everywhere
        chains = uow.history.chains(reference)
        while batch := list(islice(chains, _BATCH)):
            stored = {c.reference: c for c in uow.conventions.get_each([r for r, _ in batch])}
            for ref, lines in batch:
                _verify_one(report, ref, lines, stored.get(ref))
    return report


def _verify_one(
    report: VerificationView, ref: str, lines: list[StoredLine], convention: Convention | None
) -> None:
    report["conventions"] += 1
    report["lines"] += len(lines)
    report["heads"][ref] = lines[-1][2] or ""
    broken = first_break(lines) or _tail_break(ref, lines, convention)
    if broken is not None:
        report["breaks"].append({"reference": ref, "seq": broken.seq,
                                 "breach": broken.breach})  # fmt: skip
    if convention is None:
        return
    history = [line for line, _, _ in lines]
    for found in differences(convention, history):
        report["differences"].append(
            {"reference": ref, "seq": found.seq, "field": found.field,
             "recorded": found.recorded, "stored": found.stored}
        )  # fmt: skip
    if established_terms(history) is None:
        report["terms_unchecked"].append(ref)


def _tail_break(
    ref: str, lines: list[StoredLine], convention: Convention | None
) -> ChainBreak | None:
    """Every line bumps the convention's version, so its last line is line n° version: a
    version beyond it means the lines after it were removed (`removed`, naming the first);
    a line beyond the version was added without the convention knowing (`unchained`)."""
    if convention is None:
        return None
    last = lines[-1][0].seq
    if convention.version > last:
        return ChainBreak(ref, last + 1, "removed")
    if convention.version < last:
        return ChainBreak(ref, convention.version + 1, "unchained")
    return None


def chain_heads(app: App) -> dict[str, str]:
    """Each convention's last history hash, as it is stored now (the daily summary's list)."""
    with app.uow() as uow:
        return {ref: lines[-1][2] or "" for ref, lines in uow.history.chains()}
