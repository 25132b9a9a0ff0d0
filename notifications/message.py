"""An email ready to leave, and its MIME form."""

import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes
from email.charset import BASE64, Charset
from email.header import Header
from email.message import EmailMessage, Message
from email.policy import Compat32, default
from email.utils import format_datetime

from notifications.addresses import bare_address, header_mailbox
from notifications.formatting import PARIS

__all__ = ["OutgoingEmail", "to_bytes", "to_mime"]

_MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>\Z")


class _WirePolicy(Compat32):
    """compat32 with CRLF, writing short ASCII headers and the Message-ID as they are."""

    def fold_binary(self, name: str, value: str) -> bytes:
        # compat32 runs every header through Header(), a third of the cost of a message;
        # a folded Message-ID reads back as ' <…>', so it stays on one line whatever its length.
        line = f"{name}: {value}"
        plain = isinstance(value, str) and value.isascii() and "\n" not in value
        if plain and (len(line) <= (self.max_line_length or 78) or name.lower() == "message-id"):
            return f"{line}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


_WIRE = _WirePolicy(linesep="\r\n")
_UTF8 = Charset("utf-8")
# Base64 encoded words: the quoted-printable ones are measured per character, slowly.
_UTF8.header_encoding = BASE64


@dataclass(frozen=True)
class OutgoingEmail:
    """One email to deliver; its message id and idempotency key stay the same across retries."""

    message_id: str
    idempotency_key: str
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    text: str
    html: str
    created_at: datetime
    reply_to: str | None = None
    """Where an answer goes (the service's contact), when it is not the sender."""
    envelope: tuple[str, ...] | None = None
    """Whom this attempt delivers it to, when not everyone in To and Cc: those it has not
    reached yet, after a server took it for some recipients and refused others for now. The
    message itself is unchanged (its To, Cc and Message-ID): each reads the same email."""

    def __post_init__(self) -> None:
        _check_identity(self)
        _check_recipients(self)
        _check_headers(self)

    @property
    def recipients(self) -> tuple[str, ...]:
        """Everyone the email is addressed to: To and Cc."""
        return self.to + self.cc

    @property
    def envelope_recipients(self) -> tuple[str, ...]:
        """Whom this attempt delivers it to (SMTP's RCPT): its `envelope`, or everyone."""
        return self.recipients if self.envelope is None else self.envelope


def to_mime(email: OutgoingEmail) -> EmailMessage:
    """The email as a multipart/alternative message, read back from its bytes as a client would."""
    return message_from_bytes(to_bytes(email), policy=default)


def to_bytes(email: OutgoingEmail) -> bytes:
    """The email as RFC 5322 bytes (CRLF, 7-bit), identical on every call: what senders deliver."""
    # Built with the compat32 API and binascii's quoted-printable: the modern EmailMessage
    # API parses every header it is given and cost 5 ms per email here, which alone would
    # hold SMTP delivery under 200 emails per second. to_mime() reads these bytes back, so
    # both views of an email always agree.
    message: Message[str, str | Header] = Message()
    for name, value in _headers(email):
        message[name] = value
    message.set_payload([_text_part("plain", email.text), _text_part("html", email.html)])
    return message.as_bytes(policy=_WIRE)


def _headers(email: OutgoingEmail) -> list[tuple[str, str | Header]]:
    """The message headers, in the order they are written."""
    headers: list[tuple[str, str | Header]] = [
        ("Message-ID", email.message_id),
        # Written in Marseille's time, as the recipients live it (+0100 or +0200).
        ("Date", format_datetime(email.created_at.astimezone(PARIS))),
        ("From", _mailboxes((email.sender,))),
    ]
    if email.reply_to:
        headers.append(("Reply-To", _mailboxes((email.reply_to,))))
    headers += [
        (name, _mailboxes(value)) for name, value in (("To", email.to), ("Cc", email.cc)) if value
    ]
    return [
        *headers,
        ("Subject", _subject(email.subject)),
        ("Content-Language", "fr"),  # lets screen readers pick French (RGAA)
        ("Auto-Submitted", "auto-generated"),  # RFC 3834: no vacation replies to us
        ("X-Auto-Response-Suppress", "All"),  # the same for Exchange, common in our partners
        ("X-Convflow-Key", email.idempotency_key),
        ("MIME-Version", "1.0"),
        # A random boundary would make every resend differ; this one cannot occur in QP text.
        ("Content-Type", f'multipart/alternative; boundary="{_boundary(email)}"'),
    ]


def _text_part(subtype: str, content: str) -> Message:
    """A UTF-8 text part in quoted-printable: 7-bit, so no server is asked for 8BITMIME."""
    part = Message()
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = "quoted-printable"
    part.set_payload(binascii.b2a_qp(content.encode("utf-8")).decode("ascii"))
    return part


def _mailboxes(mailboxes: tuple[str, ...]) -> str:
    """Addresses for a header, display names encoded when they are not ASCII."""
    return ", ".join(header_mailbox(mailbox, _UTF8) for mailbox in mailboxes)


def _subject(value: str) -> str | Header:
    """The subject, as RFC 2047 encoded words when it is not ASCII."""
    return value if value.isascii() else Header(value, _UTF8, header_name="Subject")


def _check_identity(email: OutgoingEmail) -> None:
    """Refuses a message id or a creation instant that would make a malformed Date or id."""
    message_id = email.message_id
    if not (_MESSAGE_ID.match(message_id) and message_id.isascii() and len(message_id) < 900):
        raise ValueError(f"a message id looks like <left@right> in ASCII, not {message_id!r}")
    if email.created_at.utcoffset() is None:
        raise ValueError("created_at must be timezone-aware")


def _check_recipients(email: OutgoingEmail) -> None:
    """Refuses an email with nobody to go to, or recipients given as a bare string."""
    for name in ("to", "cc"):
        if not isinstance(getattr(email, name), tuple):
            raise TypeError(f"{name} must be a tuple of addresses")
    if not email.recipients:
        raise ValueError(f"email {email.message_id} has no recipient")
    if email.envelope is not None:
        if not isinstance(email.envelope, tuple) or not email.envelope:
            raise ValueError(f"email {email.message_id}: an envelope names someone to reach")
        addressed = {bare_address(mailbox).lower() for mailbox in email.recipients}
        for mailbox in email.envelope:
            if bare_address(mailbox).lower() not in addressed:
                raise ValueError(f"email {email.message_id} is not addressed to {mailbox!r}")


def _check_headers(email: OutgoingEmail) -> None:
    """Refuses header values that would inject headers or that smtplib cannot send."""
    values = (email.idempotency_key, email.sender, email.subject, *email.recipients,
              email.reply_to or "")  # fmt: skip
    for value in values:
        if "\n" in value or "\r" in value:
            raise ValueError(f"a header value holds a line break: {value!r}")
    if not email.idempotency_key.isascii():
        raise ValueError(f"an idempotency key must be ASCII: {email.idempotency_key!r}")
    # smtplib speaks ASCII envelopes only (no SMTPUTF8): refuse here, not at delivery.
    for mailbox in (
        email.sender,
        *email.recipients,
        *((email.reply_to,) if email.reply_to else ()),
    ):
        address = bare_address(mailbox)
        if "@" not in address or not address.isascii():
            raise ValueError(f"not an ASCII email address: {mailbox!r}")


def _boundary(email: OutgoingEmail) -> str:
    """A MIME boundary derived from the email's identity."""
    digest = hashlib.sha256(email.message_id.encode()).hexdigest()[:32]
    return f"=_convflow_{digest}"
