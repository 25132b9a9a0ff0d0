"""`convflow verify`: every convention's history recomputed against its chain of hashes, and
what is stored held against what the history establishes (states.terms)."""

from __future__ import annotations

from contextlib import suppress
from itertools import islice
from typing import TypedDict

from states.chain import ChainBreak, first_break
from states.convention import Convention
from states.documents import sha256
from states.papers import StoredPaper, paper_differences
from states.terms import Difference, differences, established_terms
from storage.history import StoredLine
from storage.mapping import StoredValueUnreadable
from storage.uow import UnitOfWork
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
    # state, amount, end_date, instalment.<n>.amount, instalments, party.<key>,
    # signatory.<party>, paid_on, paid_amount, instalment.<n>.paid_amount,
    # instalment.<n>.paid_on, instalment.<n>.part.<k>.amount, instalment.<n>.part.<k>.on,
    # instalment.<n>.forgone_on, instalment.<n>.forgone_amount, instalment.<n>.balance_by
    # (n = 0: the single payment; k: the part's rank, from 1), paper, paper_content,
    # payments (the column cannot be read back: `stored` holds it as the database does)
    field: str
    recorded: str
    stored: str
    line_holds: bool
    """False when the line `seq` is the first that does not hold, or after it: what it records
    (`recorded`) establishes nothing, it may be the altered value."""


class UnrecordedPaperView(TypedDict):
    """A paper attached before attachments were recorded: no line holds it."""

    reference: str
    paper: str  # sha256 kind size line amendment received_on


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
    papers: int
    papers_unrecorded: list[UnrecordedPaperView]


def verify_history(app: App, reference: str | None = None) -> VerificationView:
    """Recompute each convention's chain (or one's); name the first line that differs; hold
    each convention's stored state and terms against what its history establishes."""
    report: VerificationView = {"conventions": 0, "lines": 0, "breaks": [], "heads": {},
                                "differences": [], "terms_unchecked": [], "papers": 0,
                                "papers_unrecorded": []}  # fmt: skip
    with app.uow() as uow:
        if reference is not None:
            _known(uow, reference)  # an unknown reference is refused as everywhere
        chains = uow.history.chains(reference)
        contents = _Contents(uow)
        while batch := list(islice(chains, _BATCH)):
            stored, unreadable = _conventions(uow, [r for r, _ in batch])
            papers = _papers(uow, list(stored))
            for ref, lines in batch:
                if ref in unreadable:
                    report["differences"].append(_unreadable_view(unreadable[ref]))
                _verify_one(report, ref, lines, stored.get(ref))
                _verify_papers(report, ref, lines, papers.get(ref, []), contents)
    return report


def _known(uow: UnitOfWork, reference: str) -> None:
    """Refuse an unknown reference; a row that cannot be read back is verify's to report."""
    with suppress(StoredValueUnreadable):
        uow.conventions.get(reference)


def _conventions(
    uow: UnitOfWork, references: list[str]
) -> tuple[dict[str, Convention], dict[str, StoredValueUnreadable]]:
    """These conventions as stored, by reference, and those whose row cannot be read back
    (a column edited into what convflow never writes), each with why: read one by one then."""
    try:
        return {c.reference: c for c in uow.conventions.get_each(references)}, {}
    except StoredValueUnreadable:
        pass
    stored: dict[str, Convention] = {}
    unreadable: dict[str, StoredValueUnreadable] = {}
    for ref in references:
        try:
            stored.update((c.reference, c) for c in uow.conventions.get_each([ref]))
        except StoredValueUnreadable as error:
            unreadable[ref] = error
    return stored, unreadable


def _unreadable_view(error: StoredValueUnreadable) -> DifferenceView:
    """A column that cannot be read back: what the history establishes of it cannot be held
    against it (field: the column, `payments`; stored: its value as the database holds it)."""
    return {"reference": error.reference, "seq": 0, "field": error.column, "recorded": "",
            "stored": error.value, "line_holds": True}  # fmt: skip


def _papers(uow: UnitOfWork, references: list[str]) -> dict[str, list[StoredPaper]]:
    """The papers' rows of these conventions (loaded in this unit of work), by reference."""
    owners = {uow.conventions.id_of(ref): ref for ref in references}
    found: dict[str, list[StoredPaper]] = {}
    for row in uow.documents.for_conventions(list(owners)):
        found.setdefault(owners[row.convention_id], []).append(
            StoredPaper(row.sha256, row.kind, row.size, row.event_seq, row.amendment,
                        row.received_on, row.name)
        )  # fmt: skip
    return found


class _Contents:
    """Each stored paper's bytes hashed again, once per address: what they hash to (None when
    no bytes are stored there)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._found: dict[str, str | None] = {}

    def hash_of(self, address: str) -> str | None:
        if address not in self._found:
            content = self._uow.documents.content(address)
            self._found[address] = None if content is None else sha256(content)
        return self._found[address]


def _verify_papers(
    report: VerificationView, ref: str, lines: list[StoredLine], papers: list[StoredPaper],
    contents: _Contents,
) -> None:  # fmt: skip
    """Each paper's row against its attachment's line, and its bytes against its address."""
    report["papers"] += len(papers)
    found, unrecorded = paper_differences([line for line, _, _ in lines], papers)
    for paper in papers:
        actual = contents.hash_of(paper.sha256)
        if actual != paper.sha256:
            found.append(Difference(0, "paper_content", paper.sha256, actual or ""))
    for difference in found:
        report["differences"].append(_difference_view(ref, difference))
    report["papers_unrecorded"] += [{"reference": ref, "paper": key} for key in unrecorded]


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
        report["differences"].append(_difference_view(ref, found, broken))
    if established_terms(history) is None:
        report["terms_unchecked"].append(ref)


def _difference_view(
    ref: str, found: Difference, broken: ChainBreak | None = None
) -> DifferenceView:
    """A difference as reported; its line does not hold from the chain's first break on."""
    holds = broken is None or found.seq == 0 or found.seq < broken.seq
    return {"reference": ref, "seq": found.seq, "field": found.field,
            "recorded": found.recorded, "stored": found.stored,
            "line_holds": holds}  # fmt: skip


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
