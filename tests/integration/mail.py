"""A real SMTP server for the service's tests, and what it received."""

from __future__ import annotations

import email
import email.policy
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import AddressHeader
from email.message import EmailMessage
from html.parser import HTMLParser

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration import steps
from tests.notifications.conftest import RunningServer
from tests.notifications.helpers import Received
from tests.notifications.parts import html_reading
from tests.reading import plain, said
from workflow.bootstrap import App
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event
from workflow.usecases.dispatch import deliver
from workflow.usecases.due import run_due

ADMIN = "politique.ville@example.org"
"""The service's administrator (the `inbox` fixture's), who gets the service's copy of every
email."""


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
    def subject_plain(self) -> str:
        """The subject as written, its no-break spaces plain (see `plain`)."""
        return plain(self.subject)

    @property
    def text_plain(self) -> str:
        """The plain-text part as written, line by line, its no-break spaces plain (see
        `plain`): for a sentence's exact spaces and line breaks."""
        return plain(self.text)

    @property
    def markup(self) -> str:
        """The HTML part as written, tags and entities kept (<strong>, &#39;), its no-break
        spaces plain (see `plain`): for checks of the markup itself."""
        return plain(self.html)

    @property
    def text_read(self) -> str:
        """The plain-text part as read: every space (no-break ones, line ends) one plain space."""
        return said(self.text)

    @property
    def html_read(self) -> str:
        """The HTML part as a mail reader shows it (tags gone, entities read, blocks apart),
        every space one plain space."""
        return said(html_reading(self.html))

    @property
    def html_shown(self) -> str:
        """The HTML part as a mail reader shows it, every word of it (see `shown`): French
        no-break spaces kept, other blanks one space."""
        return shown(self.html)

    @property
    def parts_read(self) -> tuple[str, str]:
        """The text part and the HTML part as shown (<code> included), each as read: every
        space (no-break ones, line ends) one plain space."""
        return self.text_read, said(self.html_shown)

    @property
    def for_service(self) -> bool:
        """Whether this is the service's own copy (its administrators'), not the partners'."""
        return self.key.endswith(":service")

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


class _Shown(HTMLParser):
    """The words of an HTML part as a mail reader shows them: blocks apart, inline elements run
    in, entities read, nothing left out (<code> as written)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.words.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.words.append("\n")

    def handle_data(self, data: str) -> None:
        self.words.append(data)


_BLOCKS = frozenset({"br", "div", "h1", "h2", "li", "p", "table", "td", "th", "title", "tr", "ul"})


def shown(markup: str) -> str:
    """HTML as a mail reader shows it: tags gone (blocks apart, inline ones run in), entities
    read, <code> as written; the French no-break spaces kept, runs of other blanks one space."""
    reading = _Shown()
    reading.feed(markup)
    reading.close()
    return re.sub(r"[ \t\r\n]+", " ", "".join(reading.words)).strip()


def partners_and_service(mails: list[Mail], about: str = "") -> tuple[Mail, Mail]:
    """The partners' email whose subject says `about` (its spaces read as plain ones; any
    subject when it is empty), and the service's copy of it: exactly one of each. One email
    may reach the server in parts, each to some of its recipients (those an earlier email to
    them held waiting: OutboxRepository.claim), the same message each time: read once."""
    mine = [m for m in mails if said(about) in said(m.subject)]
    service = [m for m in mine if m.for_service]
    partners = list({m.key: m for m in reversed(mine) if not m.for_service}.values())[::-1]
    assert (len(partners), len(service)) == (1, 1), [(m.subject, m.key) for m in mails]
    return partners[0], service[0]


def partners_only(mails: list[Mail]) -> list[Mail]:
    """The partners' emails among `mails`, in their order: the service's own copies left out."""
    return [m for m in mails if not m.for_service]


def accepted(server: RunningServer, since: int = 0) -> list[Mail]:
    """Every email the real SMTP server accepted, from the `since`-th on (0: since it started),
    in order, as their recipients read them."""
    return [read_as_received(item) for item in server.handler.accepted[since:]]


def delivered(app: App, server: RunningServer, now: datetime) -> list[Mail]:
    """Deliver what the outbox holds at `now` to the real SMTP server, and return the emails
    it accepted in this delivery, as their recipients read them."""
    before = len(server.handler.accepted)
    deliver(app, server.sender(), now)
    return accepted(server, before)


def due_pass(app: App, server: RunningServer, now: datetime) -> list[Mail]:
    """Run the due pass at `now` (what fell due, then the outbox), delivering to the real SMTP
    server, and return the emails it accepted during this pass, as their recipients read them."""
    before = len(server.handler.accepted)
    run_due(app, now, server.sender())
    return accepted(server, before)


class Inbox:
    """convflow on the reference convention, with an administrator to copy, delivering to a real
    SMTP server: what each due pass sent, as its recipients read it."""

    def __init__(self, app: App, server: RunningServer) -> None:
        self.app, self.server = app, server

    def at(self, instant: str) -> None:
        """Move the test clock to `instant` (ISO text)."""
        clock = self.app.clock
        assert isinstance(clock, FixedClock)
        clock.now = steps.at(instant)

    def event(self, event: str, on: str | None, at: str | None = None, **inputs: str) -> None:
        """Record `event` dated `on` (None: the day convflow chooses), at `at` (default: 10:00
        UTC on `on`)."""
        self.at(at or f"{on}T10:00:00Z")
        day = date.fromisoformat(on) if on else None
        command = RecordEvent(steps.REFERENCE, event, "alice", day, inputs)
        record_event(self.app, command, self.app.clock())

    def amend(self, on: str, changes: dict[str, str], signatories: tuple[str, ...]) -> None:
        """Amendment drafted on `on` (at 10:00 UTC) with `changes`, submitted and signed by
        `signatories` in turn that day."""
        self.at(f"{on}T10:00:00Z")
        day = date.fromisoformat(on)
        drafted = DraftAmendment(steps.REFERENCE, changes, "alice", day)
        number = draft_amendment(self.app, drafted, self.app.clock()).number
        signed = [("sign", {"signatory": signatory}) for signatory in signatories]
        for event, inputs in [("submit", {}), *signed]:
            command = RecordAmendmentEvent(steps.REFERENCE, number, event, "alice", day, inputs)
            record_amendment_event(self.app, command, self.app.clock())

    def deliver(self, instant: str | None = None) -> list[Mail]:
        """The due pass (at `instant`, or now); every email the server accepted during it."""
        if instant:
            self.at(instant)
        return due_pass(self.app, self.server, self.app.clock())

    def in_force(self, convention: Convention) -> None:
        """`convention` loaded on 1 March 2025, submitted on 3 March, signed on 5 and 10 March
        (each recorded at 10:00 UTC on its day): in force, nothing delivered yet."""
        self.at("2025-03-01T09:00:00Z")
        steps.load(self.app, convention)
        self.event("submit", "2025-03-03")
        self.event("sign", "2025-03-05", signatory=steps.METROPOLE)
        self.event("sign", "2025-03-10", signatory=steps.CRPV)

    def notified(self, convention: Convention) -> None:
        """In force (see `in_force`), the award notified on 20 March 2025."""
        self.in_force(convention)
        self.event("notify", "2025-03-20")

    def in_execution(self, convention: Convention) -> None:
        """Notified (see `notified`), paid on 1 April 2025; its emails delivered at 11:00 UTC."""
        self.notified(convention)
        self.event("pay", "2025-04-01", amount="200000.00")
        self.deliver("2025-04-01T11:00:00Z")
