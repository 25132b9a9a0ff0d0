"""Delivery over SMTP: one connection for a whole batch, every failure classified.

The one failure no client can classify is silence after the message itself went out: the
server may have queued it and its answer been lost (RFC 1047). Such an email is never sent
again on the spot; it is UNCERTAIN, and the outbox tries it later under the same Message-ID.
To keep that case rare, the answer to a message is awaited as long as RFC 5321 asks
(section 4.5.3.2.6: 10 minutes), not the short timeout of the other commands.
"""

import contextlib
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator, Sequence
from typing import Literal

from notifications.addresses import bare_address
from notifications.message import OutgoingEmail, to_bytes
from notifications.senders import DeliveryOutcome, DeliveryResult, Refusal

__all__ = ["SmtpSender", "TlsMode"]

TlsMode = Literal["none", "starttls", "tls"]

# The batch's first connection and one reconnection if it drops: a server that keeps
# dropping us is down, and the outbox will retry later anyway.
_MAX_CONNECTIONS = 2
_SERVER_CLOSING = 421
_START_MAIL_INPUT = 354
DATA_TIMEOUT = 600.0
"""Seconds to wait for the answer to a message's content: RFC 5321 section 4.5.3.2.6."""


class _Unanswered(Exception):
    """The whole message went out and the server's answer never came back."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


class SmtpSender:
    """Delivers emails through an SMTP server (smtplib), reusing one connection per batch."""

    def __init__(
        self,
        host: str,
        port: int,
        tls: TlsMode = "none",
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        local_hostname: str | None = None,
        data_timeout: float = DATA_TIMEOUT,
    ) -> None:
        if tls not in ("none", "starttls", "tls"):
            raise ValueError(f"tls must be 'none', 'starttls' or 'tls', not {tls!r}")
        if (user is None) != (password is None):
            raise ValueError("an SMTP login needs both a user and a password")
        self.host = host
        self.port = port
        self.tls: TlsMode = tls
        self.user = user
        self._password = password
        self.timeout = timeout
        self.local_hostname = local_hostname
        # Never shorter than the other commands' timeout: the message is the slow part.
        self.data_timeout = max(data_timeout, timeout)

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        """Delivers a batch on one connection; one result per email, in order."""
        return list(self.send_each(emails))

    def send_each(self, emails: Sequence[OutgoingEmail]) -> Iterator[DeliveryResult]:
        """Delivers a batch on one connection, yielding each verdict as the server gives it."""
        batch = _Batch(self._connect, f"{self.host}:{self.port}", self.data_timeout)
        try:
            for email in emails:
                yield batch.deliver(email)
        finally:
            batch.close()

    def describe(self) -> str:
        """Where the emails go, e.g. 'SMTP 127.0.0.1:1025 (starttls, login alice)'."""
        security = "no tls" if self.tls == "none" else self.tls
        login = f", login {self.user}" if self.user else ""
        return f"SMTP {self.host}:{self.port} ({security}{login})"

    def __repr__(self) -> str:
        return f"SmtpSender({self.describe()!r})"

    def _connect(self) -> smtplib.SMTP:
        """Opens a session with the server: greeted, encrypted as configured, logged in."""
        connection = self._open()
        try:
            connection.ehlo_or_helo_if_needed()
            if self.tls == "starttls":
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo_or_helo_if_needed()
            if self.user is not None and self._password is not None:
                connection.login(self.user, self._password)
        except BaseException:
            connection.close()
            raise
        return connection

    def _open(self) -> smtplib.SMTP:
        """Opens the TCP (or TLS) connection and reads the server's greeting."""
        if self.tls == "tls":
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(
                self.host, self.port, self.local_hostname, timeout=self.timeout, context=context
            )
        return smtplib.SMTP(self.host, self.port, self.local_hostname, timeout=self.timeout)


class _Batch:
    """The connection one batch shares, reopened once if it is lost."""

    def __init__(
        self, connect: Callable[[], smtplib.SMTP], server: str, data_timeout: float
    ) -> None:
        self._connect = connect
        self._server = server
        self._data_timeout = data_timeout
        self._connection: smtplib.SMTP | None = None
        self._opened = 0
        self._given_up: str | None = None
        self._cause: OSError | None = None  # what made us give up on the server

    def deliver(self, email: OutgoingEmail) -> DeliveryResult:
        """Delivers one email, or says why it could not be delivered now."""
        if self._given_up is not None:
            why = "" if _settings_refused(self._cause) else "server unreachable: "
            return _temporary(email, f"not tried, {why}{self._given_up}", self._cause)
        while (connection := self._session()) is not None:
            try:
                return _transaction(connection, email, self._data_timeout)
            except _Unanswered as silence:  # the server may have it: not again on the spot
                self._drop(silence.error)
                detail = f"no answer once the message was sent: {_describe(silence.error)}"
                return DeliveryResult(
                    email.message_id, DeliveryOutcome.UNCERTAIN, detail, silence.error
                )
            except OSError as error:  # refused, timed out or dropped before the message
                self._drop(error)  # went out: the server cannot have it, try it again
        return _temporary(email, self._given_up or "connection lost", self._cause)

    def close(self) -> None:
        """Ends the session politely, if there is one."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.quit()
            connection.close()

    def _session(self) -> smtplib.SMTP | None:
        """The open connection, opening it if needed; None once we gave up on the server."""
        if self._connection is None and self._given_up is None:
            self._opened += 1
            try:
                self._connection = self._connect()
            except OSError as error:
                # Failing to connect or log in says nothing against the emails: all TEMPORARY.
                # A login refused or not offered is no outage: the server refuses our settings.
                if _settings_refused(error):
                    self._given_up = (f"{self._server} refuses convflow's mail settings: "
                                      f"{_describe(error)}")  # fmt: skip
                else:
                    self._given_up = f"connection to {self._server} failed: {_describe(error)}"
                self._cause = error
        return self._connection

    def _drop(self, error: OSError) -> None:
        """Forgets a lost connection; gives up once the reconnection is spent."""
        if self._connection is not None:
            self._connection.close()  # no QUIT: the link is dead or too slow to answer
            self._connection = None
        if self._opened >= _MAX_CONNECTIONS:
            self._given_up, self._cause = _describe(error), error


def _transaction(connection: smtplib.SMTP, email: OutgoingEmail, wait: float) -> DeliveryResult:
    """Runs MAIL, RCPT and DATA for one email; raises OSError if the connection is lost
    before the message went out, _Unanswered if it was lost after."""
    try:
        return _exchange(connection, email, wait)
    except smtplib.SMTPResponseException as refusal:
        _abandon(connection, refusal.smtp_code)
        answer = f"{refusal.smtp_code} {_text(refusal.smtp_error)}"
        return DeliveryResult(email.message_id, _outcome(refusal.smtp_code), answer)


def _exchange(connection: smtplib.SMTP, email: OutgoingEmail, wait: float) -> DeliveryResult:
    """The SMTP dialogue for one email; a refused step raises SMTPResponseException."""
    content = to_bytes(email)
    _expect(connection.mail(_address(email.sender)))
    refused = _refuse_recipients(connection, email)
    if len(refused) == len(email.envelope_recipients):
        _abandon(connection, 0)
        return _all_refused(email, refused)
    code, answer = _expect(_data(connection, content, wait))
    detail = f"{code} {_text(answer)}"
    if refused:
        detail += f"; refused: {Refusal.said(refused)}"
    return DeliveryResult(email.message_id, DeliveryOutcome.SENT, detail, refusals=refused)


def _data(connection: smtplib.SMTP, content: bytes, wait: float) -> tuple[int, bytes]:
    """DATA, the message, then the server's answer to it (smtplib's `data`, made to tell
    a link lost before the message went out from one lost after it)."""
    code, answer = connection.docmd("data")
    if code != _START_MAIL_INPUT:
        raise smtplib.SMTPDataError(code, answer)
    connection.send(_dot_stuffed(content))  # fails with OSError: the server cannot have it
    try:
        if connection.sock is not None:
            connection.sock.settimeout(wait)
        return connection.getreply()
    except OSError as error:
        raise _Unanswered(error) from error
    finally:
        if connection.sock is not None:
            connection.sock.settimeout(connection.timeout)


def _dot_stuffed(content: bytes) -> bytes:
    """The message as DATA carries it: lines starting with a dot doubled, ended by a lone
    dot (RFC 5321 section 4.5.2)."""
    stuffed = re.sub(rb"(?m)^\.", b"..", content)
    if not stuffed.endswith(b"\r\n"):
        stuffed += b"\r\n"
    return stuffed + b".\r\n"


def _refuse_recipients(connection: smtplib.SMTP, email: OutgoingEmail) -> tuple[Refusal, ...]:
    """Offers each recipient of this attempt (To and Cc, or those its envelope names);
    returns those the server refused, with its answer."""
    refused = []
    for recipient in email.envelope_recipients:
        code, answer = connection.rcpt(_address(recipient))
        if code >= 400:
            refused.append(Refusal(recipient, code, _text(answer)))
    return tuple(refused)


def _all_refused(email: OutgoingEmail, refused: tuple[Refusal, ...]) -> DeliveryResult:
    """Nobody accepted the email: PERMANENT only if every refusal was permanent."""
    permanent = all(refusal.permanent for refusal in refused)
    outcome = DeliveryOutcome.PERMANENT if permanent else DeliveryOutcome.TEMPORARY
    return DeliveryResult(email.message_id, outcome, Refusal.said(refused), refusals=refused)


def _abandon(connection: smtplib.SMTP, code: int) -> None:
    """Leaves a failed transaction so the connection can carry the next email."""
    if code == _SERVER_CLOSING:
        connection.close()  # the server hangs up after a 421: the next email reconnects
        return
    # If RSET fails the link is gone; the next email will notice and reconnect.
    with contextlib.suppress(OSError):
        connection.rset()


def _expect(reply: tuple[int, bytes]) -> tuple[int, bytes]:
    """Passes a positive reply through; raises a refusal as SMTPResponseException."""
    code, answer = reply
    if code >= 400:
        raise smtplib.SMTPResponseException(code, answer)
    return reply


def _outcome(code: int) -> DeliveryOutcome:
    """What an SMTP reply code means for the email."""
    if 200 <= code < 400:
        return DeliveryOutcome.SENT
    if 500 <= code < 600:
        return DeliveryOutcome.PERMANENT
    return DeliveryOutcome.TEMPORARY  # 4xx, and anything odd: better retried than lost


def _temporary(email: OutgoingEmail, detail: str, error: OSError | None = None) -> DeliveryResult:
    """An email worth retrying later (`error`: the server could not be reached)."""
    return DeliveryResult(email.message_id, DeliveryOutcome.TEMPORARY, detail, error)


def _settings_refused(error: BaseException | None) -> bool:
    """Whether the server refused the session for our settings, not for being down: a login
    it refuses (535) or does not offer (no AUTH, or no STARTTLS, where we were told to use
    them), TLS it does not speak or not as this machine does, a certificate this machine does
    not trust. Trying again changes nothing until an operator corrects them."""
    if isinstance(error, smtplib.SMTPNotSupportedError | smtplib.SMTPAuthenticationError):
        return True
    if isinstance(error, ssl.SSLError):  # the link ending mid-handshake is no refusal
        return not isinstance(error, ssl.SSLEOFError | ssl.SSLZeroReturnError)
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code == 535


def _address(mailbox: str) -> str:
    """The bare address of 'Name <address>', as the SMTP envelope wants it."""
    return bare_address(mailbox) or mailbox


def _describe(error: OSError) -> str:
    """An exception as one line: the server's answer if it gave one."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(answer: bytes | str) -> str:
    """A server answer as one line of text."""
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer
    return " ".join(text.split())
