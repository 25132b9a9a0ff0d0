"""Is what a reminder was about still there when its email is about to leave?

A reminder's email is decided in one transaction and delivered moments (or, after an outage,
hours) later. Meanwhile its deadline may have been met, the dispute settled, the convention
ended: then the email would state what is no longer true, and it is cancelled instead. The
convention's end does not take away a deadline that outlives it (OUTLIVING_KINDS: the open data,
rule 19; the financial report, rule 20): its reminders go out after the term while it is still
awaited.
"""

from __future__ import annotations

from typing import Literal

from states.deadlines import OUTLIVING_KINDS
from states.lifecycle import END_STATES

__all__ = ["GoneReason", "reminder_gone"]

GoneReason = Literal["convention_ended", "deadline_resolved", "signatures_complete"]

_OUTLIVED = ("expired", "terminated")
"""The ends a deadline of OUTLIVING_KINDS survives (a convention `cancelled` never came into
force: it owes no report)."""
_RESOLVED = ("met", "applied", "cancelled", "superseded")
"""Deadline statuses after which nothing remains to remind of (`passed` still does: a
signature or a payment still missing after its target)."""


def reminder_gone(
    deadline_kind: str,
    deadline_status: str,
    convention_state: str,
    amendment_awaiting_signatures: bool,
    payment_made: bool = False,
) -> GoneReason | None:
    """Why a reminder's email is now moot, or None when it still holds; `payment_made`: the
    payment a `payment` deadline is about (its instalment's) is recorded."""
    if convention_state in END_STATES and not _outlives(deadline_kind, convention_state):
        return "convention_ended"
    if deadline_kind == "signature" and convention_state != "signature":
        return "signatures_complete"
    if deadline_kind == "amendment_signature" and not amendment_awaiting_signatures:
        return "signatures_complete"
    if deadline_status in _RESOLVED:
        return "deadline_resolved"
    if deadline_kind == "payment" and payment_made:
        return "deadline_resolved"  # paid after its target: the deadline stays `passed`
    return None


def _outlives(deadline_kind: str, convention_state: str) -> bool:
    """The deadline stays due after this end of the convention (the financial report after
    its expiry or termination)."""
    return deadline_kind in OUTLIVING_KINDS and convention_state in _OUTLIVED
