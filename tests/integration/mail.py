"""A real SMTP server for the service's tests, and what it received."""

from __future__ import annotations

import email
import email.policy
from collections import Counter
from email.message import EmailMessage

from tests.notifications.helpers import Received


def parsed(received: Received) -> EmailMessage:
    """An accepted email, parsed."""
    message = email.message_from_bytes(received.content, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def message_ids(accepted: list[Received]) -> Counter[str]:
    """How many times each Message-ID reached the server."""
    return Counter(str(parsed(item)["Message-ID"]) for item in accepted)


def keys(accepted: list[Received]) -> list[str]:
    """The idempotency keys of the emails the server accepted, in order."""
    return [str(parsed(item)["X-Convflow-Key"]) for item in accepted]


def plain_text(received: Received) -> str:
    """What a partner reads: the plain-text part of an accepted email, decoded."""
    body = parsed(received).get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def html_part(received: Received) -> str:
    """The HTML part of an accepted email, decoded, as it was sent (no-break spaces kept)."""
    body = parsed(received).get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content())
