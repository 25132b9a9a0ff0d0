"""What every way of delivering email promises: a verdict per email, never an exception."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from notifications.message import OutgoingEmail

__all__ = ["DeliveryOutcome", "DeliveryResult", "Sender"]


class DeliveryOutcome(StrEnum):
    """What became of one email: delivered, worth retrying, or not worth retrying."""

    SENT = "sent"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class DeliveryResult:
    """The verdict on one email, with the server's answer or the error as detail."""

    message_id: str
    outcome: DeliveryOutcome
    detail: str


@runtime_checkable
class Sender(Protocol):
    """A way to deliver email: SMTP, a folder, memory."""

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        """Delivers a batch; one result per email, in order; a delivery problem never raises."""
        ...

    def describe(self) -> str:
        """One line for the logs saying where the emails go, never a password."""
        ...
