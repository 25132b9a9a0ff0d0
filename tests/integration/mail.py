"""A real SMTP server for the service's tests, and what it received."""

from __future__ import annotations

import email
import email.policy
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import AddressHeader
from email.message import EmailMessage

from tests.notifications.conftest import RunningServer
from tests.notifications.helpers import Received
from tests.notifications.parts import html_reading, said
from workflow.bootstrap import App
from workflow.usecases.dispatch import deliver


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


@dataclass(frozen=True)
class Mail:
    """An email as the partner who gets it reads it, parsed with the `email` package from the
    bytes the SMTP server accepted: the envelope's recipients, the headers decoded, the
    text/plain and HTML parts decoded (their line ends read as "\\n", the French no-break
    spaces kept)."""

    envelope: tuple[str, ...]
    """Who the server was asked to deliver it to (RCPT TO)."""
    to: tuple[str, ...]
    """The addresses of its To header."""
    cc: tuple[str, ...]
    """The addresses of its Cc header."""
    subject: str
    text: str
    html: str
    key: str
    """Its X-Convflow-Key header (the service's own copies end with ":service")."""

    @property
    def text_read(self) -> str:
        """The plain-text part as read: every space (no-break ones, line ends) one plain space."""
        return said(self.text)

    @property
    def html_read(self) -> str:
        """The HTML part as a mail reader shows it (tags gone, entities read, blocks apart),
        every space one plain space."""
        return said(html_reading(self.html))

    def says(self, sentence: str) -> bool:
        """Whether both parts say `sentence` (its spaces read as plain ones)."""
        wanted = said(sentence)
        return wanted in self.text_read and wanted in self.html_read

    def mentions(self, words: str) -> bool:
        """Whether either part says `words` (its spaces read as plain ones)."""
        wanted = said(words)
        return wanted in self.text_read or wanted in self.html_read


def read_as_received(received: Received) -> Mail:
    """What the server accepted, read as its recipient reads it."""
    message = parsed(received)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, "an email without its two parts"
    return Mail(
        envelope=received.rcpt_tos,
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        subject=str(message["Subject"]),
        text=str(text.get_content()).replace("\r\n", "\n"),
        html=str(html.get_content()).replace("\r\n", "\n"),
        key=str(message["X-Convflow-Key"]),
    )


def _addresses(message: EmailMessage, name: str) -> tuple[str, ...]:
    header = message[name]
    if header is None:
        return ()
    assert isinstance(header, AddressHeader)
    return tuple(address.addr_spec for address in header.addresses)


def delivered(app: App, server: RunningServer, now: datetime) -> list[Mail]:
    """Deliver what the outbox holds at `now` to the real SMTP server, and return the emails
    it accepted in this delivery, as their recipients read them."""
    before = len(server.handler.accepted)
    deliver(app, server.sender(), now)
    return [read_as_received(item) for item in server.handler.accepted[before:]]
