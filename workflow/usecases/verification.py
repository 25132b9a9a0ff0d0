"""`convflow verify`: every convention's history recomputed against its chain of hashes."""

from __future__ import annotations

from typing import TypedDict

from states.chain import first_break
from workflow.bootstrap import App


class ChainBreakView(TypedDict):
    """The first line of a convention's history that does not hold."""

    reference: str
    seq: int
    breach: str  # altered, removed, unchained


class VerificationView(TypedDict):
    """What `verify` found: how much it read, what breaks, and each chain's head."""

    conventions: int
    lines: int
    breaks: list[ChainBreakView]
    heads: dict[str, str]


def verify_history(app: App, reference: str | None = None) -> VerificationView:
    """Recompute each convention's chain (or one's); name the first line that differs."""
    report: VerificationView = {"conventions": 0, "lines": 0, "breaks": [], "heads": {}}
    with app.uow() as uow:
        if reference is not None:
            uow.conventions.get(reference)  # an unknown reference is refused as everywhere
        for ref, lines in uow.history.chains(reference):
            report["conventions"] += 1
            report["lines"] += len(lines)
            broken = first_break(lines)
            if broken is not None:
                report["breaks"].append({"reference": ref, "seq": broken.seq,
                                         "breach": broken.breach})  # fmt: skip
            report["heads"][ref] = lines[-1][2] or ""
    return report


def chain_heads(app: App) -> dict[str, str]:
    """Each convention's last history hash, as it is stored now (the daily summary's list)."""
    with app.uow() as uow:
        return {ref: lines[-1][2] or "" for ref, lines in uow.history.chains()}
