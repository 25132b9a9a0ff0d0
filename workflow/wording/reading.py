"""How a deadline read at the instant of reading is said (states.reading): the status that
instant gives it and the note that follows it, the same on the command line and the dashboard.

A deadline whose day has passed while the service has not recorded it yet is said passed, with
a note that the next pass records it; one the convention's end (come, not yet applied) closes
is said cancelled, with a note that the next pass cancels it. The notes avoid agreeing with the
deadline's name: « le compte rendu financier » and « la publication » read them alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflow.wording.catalogue import gettext_noop

NOT_RECORDED = gettext_noop("not recorded yet: the service applies it at its next pass")
"""What follows a deadline passed at the instant of reading that no pass has recorded yet."""
CLOSED_BY_END = gettext_noop("the convention has ended: the service cancels it at its next pass")
"""What follows a deadline still pending that the convention's end, come at the instant of
reading and not yet applied, closes at the next pass (states.reading.closed_at_pass)."""
NOT_RECORDED_SHORT = gettext_noop("passed, to be recorded at the service's next pass")
"""NOT_RECORDED where a line has little room (a timeline, a list's cell)."""
HELD = gettext_noop(
    "held while the extension is in signature: the service records it once the wait has run "
    "(see the state)"
)
"""What follows a deadline passed at the instant of reading that the expiry held by an
extension in signature (rule 27) holds with it."""
HELD_SHORT = gettext_noop("passed, held while the extension is in signature")
"""HELD where a line has little room."""
CLOSED_BY_END_SHORT = gettext_noop(
    "moot, the convention has ended: to be cancelled at the service's next pass"
)
"""CLOSED_BY_END where a line has little room."""


WITHOUT_EFFECT_NAME = gettext_noop("termination without effect")
"""The name of a notice's deadline the term overrides (:func:`without_effect`), where a
deadline's name stands (a column of names)."""
WITHOUT_EFFECT = gettext_noop(
    "termination without effect: the convention expires at its term on {day}"
)
"""The line of a notice's deadline the term overrides (:func:`without_effect`), in the lists of
deadlines, where « prise d'effet de la résiliation » would announce a termination that will not
be: the day is the term's."""
WITHOUT_EFFECT_NOTE = gettext_noop("the convention expires at its term that day")
"""What follows the day of a notice's deadline named WITHOUT_EFFECT_NAME."""


def without_effect(deadline: Mapping[str, Any]) -> bool:
    """Whether a deadline is a termination notice's that the term overrides (rule 10): the
    notice would end on the term's day or after it, so the convention expires at its term and
    the termination never takes effect; its day is the term's. A list's item says it in
    `without_effect`; a status's deadline in its `details` (`ends_by`: `expiry`)."""
    if "without_effect" in deadline:
        return bool(deadline["without_effect"])
    details = deadline.get("details") or {}
    return deadline.get("kind") == "termination" and details.get("ends_by") == "expiry"


def read_status(deadline: Mapping[str, Any]) -> str:
    """A deadline's status as the instant of reading has it (a code of `deadline_status`)."""
    if deadline.get("closed_by_end", False):
        return "cancelled"
    if deadline.get("passed_unrecorded", False) or deadline.get("held_by_extension", False):
        return "passed"
    return str(deadline["status"])


def reading_note(deadline: Mapping[str, Any], short: bool = False) -> str | None:
    """The catalogue's note (a msgid) on what the next pass does with a deadline the instant
    of reading sees differently from what is stored; None when they agree."""
    if deadline.get("closed_by_end", False):
        return CLOSED_BY_END_SHORT if short else CLOSED_BY_END
    if deadline.get("passed_unrecorded", False):
        return NOT_RECORDED_SHORT if short else NOT_RECORDED
    if deadline.get("held_by_extension", False):
        return HELD_SHORT if short else HELD
    return None


__all__ = [
    "CLOSED_BY_END",
    "CLOSED_BY_END_SHORT",
    "HELD",
    "HELD_SHORT",
    "NOT_RECORDED",
    "NOT_RECORDED_SHORT",
    "WITHOUT_EFFECT",
    "WITHOUT_EFFECT_NAME",
    "WITHOUT_EFFECT_NOTE",
    "read_status",
    "reading_note",
    "without_effect",
]
