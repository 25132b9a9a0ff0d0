"""What can go wrong in a convention's life, in the domain's words.

Each error builds its own message from its arguments, so the command line and the HTTP API
show the same one-line reason. They all derive from :class:`ConvflowError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date


class ConvflowError(Exception):
    """Root of every error convflow raises on purpose."""


class LifecycleError(ConvflowError):
    """A recorded event was refused: nothing changed."""


class InvalidTransition(LifecycleError):
    """The event is not allowed from the convention's current state."""

    def __init__(
        self,
        reference: str,
        trigger: str,
        state: str,
        allowed: Sequence[str],
        amendment: int | None = None,
    ) -> None:
        self.reference, self.trigger, self.state = reference, trigger, state
        self.allowed = tuple(allowed)
        self.amendment = amendment  # the amendment's number, when it is about one
        allowed_text = ", ".join(self.allowed) if self.allowed else "none"
        super().__init__(
            f"{reference}: event '{trigger}' is not allowed in state '{state}' "
            f"(allowed: {allowed_text})"
        )


class UnknownEvent(LifecycleError):
    """The event name is not one convflow knows."""

    def __init__(self, trigger: str, known: Sequence[str]) -> None:
        self.trigger = trigger
        super().__init__(f"unknown event '{trigger}' (events: {', '.join(known)})")


class AutomaticEventRefused(LifecycleError):
    """A person tried to fire an event only the service fires at a deadline."""

    def __init__(self, reference: str, trigger: str) -> None:
        self.reference, self.trigger = reference, trigger
        super().__init__(
            f"{reference}: '{trigger}' is fired by the service when its deadline falls; "
            "it cannot be recorded by hand (see `convflow run-due`)"
        )


class GuardRejected(LifecycleError):
    """The event is allowed in this state, but a rule of the convention refuses it."""

    def __init__(self, reference: str, trigger: str, reason: str) -> None:
        self.reference, self.trigger, self.reason = reference, trigger, reason
        super().__init__(f"{reference}: '{trigger}' refused: {reason}")


class CourtNotYetOpen(GuardRejected):
    """`go_to_court` before the first day article 6 allows."""

    def __init__(self, reference: str, earliest: date) -> None:
        self.earliest = earliest
        super().__init__(
            reference,
            "go_to_court",
            f"the amicable window of article 6 is still open; a party may go to court "
            f"from {earliest.isoformat()}",
        )


class InvalidInput(ConvflowError, ValueError):
    """An input of a command is missing or malformed."""

    def __init__(self, field: str, problem: str) -> None:
        self.field, self.problem = field, problem
        super().__init__(f"{field}: {problem}")


class UnknownConvention(ConvflowError, LookupError):
    """No convention has this reference."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(f"no convention with reference '{reference}'")


class DuplicateReference(ConvflowError):
    """A convention with this reference already exists: importing it again changes nothing."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        super().__init__(
            f"a convention with reference '{reference}' already exists; nothing imported"
        )


class ConcurrentChange(ConvflowError):
    """Someone else changed the convention between reading and writing it: nothing was saved."""

    def __init__(self, reference: str, expected: int, actual: int | None = None) -> None:
        self.reference, self.expected, self.actual = reference, expected, actual
        seen = f" (it is now at version {actual})" if actual is not None else ""
        super().__init__(
            f"{reference}: changed by someone else since version {expected}{seen}; nothing was "
            "saved, reload and try again"
        )
