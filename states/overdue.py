"""Obligations overdue: a deadline passed that still waits for something (for the lists).

A deadline `passed` is not always unmet: one met late stays `passed`, so that the record shows
the delay (states.due.close). What is still owed is read from the history: a payment deadline
waits until its instalment is paid, a publication until the open data are published, the
financial report until it is received, the signature while the convention is still being
signed. Information-only kinds (the award's windows, the committee) ask nothing of anyone.
Once the convention has ended, only what outlives it is still owed: the financial report of
rule 20, the open data of rule 19 (published late after the end: the obligation stands), and
an instalment still unpaid (rule 25: what was earned during the term stays due after it),
until it is paid or the Métropole forgoes it (`forgo_payment`).

Pure: the passed deadlines, the convention's state and its history's meeting lines in, what is
still owed out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from states.lifecycle import END_STATES

OWED_KINDS = ("signature", "payment", "publication", "financial_report")
"""The deadlines that wait for someone to do something: shown as overdue once passed."""
OWED_AFTER_END = ("financial_report", "publication", "payment")
"""Those still owed once the convention has ended."""
MEETING_EVENTS = {"payment": "pay", "publication": "publish", "financial_report": "report_received"}
"""The history line that meets each kind (the signature: the convention leaving `signature`)."""
RELEASING_EVENTS = {"payment": "forgo_payment"}
"""The history line that ends what a kind owed without meeting it: an instalment the Métropole
forgoes (rule 25) is no longer owed, its passed deadline staying passed."""
LINE_EVENTS = (*MEETING_EVENTS.values(), *RELEASING_EVENTS.values())
"""The names of every history line `still_owed` reads (storage reads only those)."""


@dataclass(frozen=True)
class Passed:
    """A passed deadline of some convention: what, which instalment, opened by which line."""

    kind: str
    instalment: int
    opened_by_seq: int
    due_date: date


@dataclass(frozen=True)
class Line:
    """A history line that may meet a deadline: its number, event and inputs."""

    seq: int
    name: str
    inputs: Mapping[str, Any]


def still_owed(deadline: Passed, state: str, lines: Iterable[Line]) -> bool:
    """Whether this passed deadline still waits for something, the convention in `state`."""
    if deadline.kind not in OWED_KINDS:
        return False
    if state in END_STATES and deadline.kind not in OWED_AFTER_END:
        return False
    if deadline.kind == "signature":
        return state == "signature"
    return not any(_meets(deadline, line) for line in lines)


def _meets(deadline: Passed, line: Line) -> bool:
    ends = (MEETING_EVENTS[deadline.kind], RELEASING_EVENTS.get(deadline.kind))
    if line.seq <= deadline.opened_by_seq or line.name not in ends:
        return False
    if deadline.kind == "financial_report":
        return line.inputs.get("report") == "financial"
    if deadline.kind == "payment" and deadline.instalment:
        return str(line.inputs.get("instalment", "")) == str(deadline.instalment)
    return True
