"""A sender that keeps emails in memory: tests, previews and dry runs."""

from collections.abc import Iterable, Iterator, Sequence

from notifications.message import OutgoingEmail
from notifications.senders import DeliveryOutcome, DeliveryResult

__all__ = ["MemorySender"]


class MemorySender:
    """Keeps what it delivers in `sent`; a script of outcomes can simulate failures."""

    def __init__(self, script: Iterable[DeliveryOutcome] = ()) -> None:
        self.sent: list[OutgoingEmail] = []
        self._script = iter(script)

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        """Delivers each email by keeping it, unless the script says otherwise."""
        return list(self.send_each(emails))

    def send_each(self, emails: Sequence[OutgoingEmail]) -> Iterator[DeliveryResult]:
        """Delivers the emails one at a time, each verdict as soon as it is known."""
        for email in emails:
            yield self._deliver(email)

    def describe(self) -> str:
        """Where the emails go: nowhere but this list."""
        return "mémoire (aucun envoi réel)"

    def _deliver(self, email: OutgoingEmail) -> DeliveryResult:
        """Applies the next scripted outcome, or SENT once the script is over."""
        outcome = next(self._script, DeliveryOutcome.SENT)
        if outcome is DeliveryOutcome.SENT:
            self.sent.append(email)
        return DeliveryResult(email.message_id, outcome, f"memory: {outcome}")
