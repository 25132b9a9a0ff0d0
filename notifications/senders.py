"""What every way of delivering email promises: a verdict per email, never an exception."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from notifications.message import OutgoingEmail

__all__ = ["DeliveryOutcome", "DeliveryResult", "Refusal", "Sender"]


class DeliveryOutcome(StrEnum):
    """What became of one email: delivered, worth retrying, not worth retrying, or unknown.

    UNCERTAIN: the whole message went out and no answer came back (a timeout, a cut line).
    The server may have it; sending it again at once could make a second copy, not sending
    it ever could lose it: it is retried later, under the same Message-ID.
    """

    SENT = "sent"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Refusal:
    """One recipient the mail server refused (SMTP's RCPT), with its answer."""

    recipient: str
    """As the email names it (To or Cc)."""
    code: int
    answer: str

    @property
    def permanent(self) -> bool:
        """Whether trying again cannot help (a 5xx: no such mailbox, refused by policy); a 4xx
        (greylisting, a full mailbox) or anything odd is worth another attempt."""
        return 500 <= self.code < 600

    def __str__(self) -> str:
        return f"{self.code} {self.answer} ({self.recipient})"

    @staticmethod
    def said(refusals: Iterable["Refusal"]) -> str:
        """Several refusals on one line, each with its answer and recipient, as the result's
        detail, the outbox's note, the log and the administrators' alert quote them."""
        return "; ".join(str(refusal) for refusal in refusals)


@dataclass(frozen=True)
class DeliveryResult:
    """The verdict on one email, with the server's answer or the error as detail; `error`,
    when the server could not be reached or answered nothing, is what was raised (for the
    caller to say in its own words).

    `refusals`: the recipients the server refused while it answered for each one. With SENT,
    the others have the email and these do not: the caller tries again for them alone (a
    4xx), or reports them (a 5xx); never counted as reached."""

    message_id: str
    outcome: DeliveryOutcome
    detail: str
    error: BaseException | None = field(default=None, compare=False)
    refusals: tuple[Refusal, ...] = ()


@runtime_checkable
class Sender(Protocol):
    """A way to deliver email: SMTP, a folder, memory."""

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        """Delivers a batch; one result per email, in order; a delivery problem never raises."""
        ...

    def send_each(self, emails: Sequence[OutgoingEmail]) -> Iterator[DeliveryResult]:
        """Delivers a batch one email at a time, yielding each verdict as soon as it is known.

        The next email goes only when the caller asks for the next verdict, so the caller can
        record each one first; closing the iterator early leaves the rest unsent.
        """
        ...

    def describe(self) -> str:
        """One line for the logs saying where the emails go, never a password."""
        ...
