"""Why a server convflow talks to could not be reached, in convflow's words.

The mail server and the database fail in a few common ways (nothing listens, no answer, an
unknown name, TLS where the server speaks none, a login refused, a connection closed); a
library says each in its own English (`ConnectionRefusedError: [Errno 111] Connection refused`,
`[SSL: WRONG_VERSION_NUMBER]`, psycopg's `connection failed: ...`). `connection_failure` turns
such an error into one of convflow's codes, keeping what the library said, shortened, as its
`detail`: the catalogue says the code in the reader's language and the detail at the end, so
nothing is lost for diagnosis. `convflow doctor` and delivery (the outbox's last error) both
say a failure through it.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from states.errors import ConvflowError
from workflow.wording.catalogue import gettext_noop

__all__ = [
    "SETTINGS_REFUSED",
    "SMTP_FIXES",
    "ConnectionFailure",
    "connection_failure",
    "database_problem",
    "said_failure",
    "settings_refused",
]

DETAIL_LENGTH = 160
"""At most this many characters of the library's own words."""

_AUTHENTICATION_FAILED = 535
_DRIVER_SAYS: tuple[tuple[str, str], ...] = (
    # What libpq (through psycopg) says, first match wins: its text is all it gives.
    ("does not exist", "database_not_found"),  # of a role (a user): authentication_refused
    ("password authentication failed", "authentication_refused"),
    ("no password supplied", "authentication_refused"),
    ("no pg_hba.conf entry", "authentication_refused"),
    ("connection refused", "connection_refused"),
    ("timeout expired", "connection_timed_out"),
    ("timed out", "connection_timed_out"),
    ("failed to resolve host", "unknown_host"),
    ("could not translate host name", "unknown_host"),
    ("name or service not known", "unknown_host"),
    ("server closed the connection", "connection_closed"),
    ("connection reset", "connection_closed"),
    ("server does not support ssl", "tls_not_spoken"),
)


SETTINGS_REFUSED = frozenset({"authentication_refused", "login_not_offered",
                              "starttls_not_offered", "tls_not_spoken", "tls_handshake_failed",
                              "tls_certificate_refused"})  # fmt: skip
"""The failures that say convflow's own settings are wrong for this server (a login it refuses
or does not offer, STARTTLS it does not offer, TLS where it speaks none or none this machine
speaks, a certificate this machine does not trust), not that it is down: trying again changes
nothing until an operator corrects CONVFLOW_SMTP_* (or this machine's trusted authorities),
and nothing is wrong with the emails."""

SMTP_FIXES = {
    "tls_not_spoken": gettext_noop(
        "set CONVFLOW_SMTP_TLS=starttls if the server offers STARTTLS on this port, or "
        "CONVFLOW_SMTP_PORT to its TLS port (often 465)"
    ),
    "starttls_not_offered": gettext_noop(
        "set CONVFLOW_SMTP_TLS=tls if this port speaks TLS at once (often 465), or use the "
        "server's submission port (often 587)"
    ),
    "tls_handshake_failed": gettext_noop(
        "check CONVFLOW_SMTP_TLS and CONVFLOW_SMTP_PORT against the server's TLS ports, and "
        "that the server accepts a TLS version and cipher of this machine (TLS 1.2 or later)"
    ),
    "tls_certificate_refused": gettext_noop(
        "set CONVFLOW_SMTP_HOST to the name its certificate is made for, or have this machine "
        "trust the authority that signed it (the system's certificates, or SSL_CERT_FILE)"
    ),
    "login_not_offered": gettext_noop(
        "unset CONVFLOW_SMTP_USER and _PASSWORD, or use the server's submission port (often "
        "587 with CONVFLOW_SMTP_TLS=starttls)"
    ),
    "authentication_refused": gettext_noop("correct CONVFLOW_SMTP_USER and CONVFLOW_SMTP_PASSWORD"),
}
"""What to correct, for each way the mail server refuses convflow's settings: `convflow
doctor` says it, and so do the delivery's log and the held emails' last error."""
_NOT_TLS = frozenset({"WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "RECORD_LAYER_FAILURE",
                      "HTTP_REQUEST", "PACKET_LENGTH_TOO_LONG", "RECORD_TOO_LARGE"})  # fmt: skip
"""What OpenSSL says when the bytes it read are no TLS record: a plain server's greeting."""


class ConnectionFailure(ConvflowError):
    """A server could not be reached, or refused us: why, with the library's words as detail."""

    def __init__(self, code: str, detail: str) -> None:
        self.detail = detail
        super().__init__(code, detail=detail)


def connection_failure(error: BaseException) -> ConnectionFailure:
    """`error` (raised while reaching a mail server or a database) as one of convflow's
    reasons: its code, and the library's own words kept short as its detail."""
    return ConnectionFailure(_code(error), _detail(error))


def settings_refused(error: BaseException) -> bool:
    """Whether `error` says the mail server refuses convflow's settings (SETTINGS_REFUSED)."""
    return _code(error) in SETTINGS_REFUSED


def database_problem(error: BaseException) -> ConnectionFailure:
    """A database error (SQLAlchemy's, or what its driver raised beneath) as one of convflow's
    reasons, without the driver's chain of messages nor SQLAlchemy's links: what the service
    logs while the database does not answer, as `convflow doctor` says it."""
    driver = getattr(error, "driver_error", None) or getattr(error, "orig", None) or error
    return connection_failure(driver)


def said_failure(text: str) -> ConnectionFailure:
    """What a driver said of a server it could not reach (its message, as a refusal keeps it)
    as one of convflow's reasons, as `connection_failure` reads its error."""
    return ConnectionFailure(_driver_code(text.lower()), _detail(RuntimeError(text)))


def _code(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "authentication_refused"
    if isinstance(error, smtplib.SMTPNotSupportedError):
        said = str(error).lower()
        if "starttls" in said:
            return "starttls_not_offered"
        if "auth" in said:  # smtplib: "SMTP AUTH extension not supported by server."
            return "login_not_offered"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib says a greeting that never came as "Connection unexpectedly closed: timed
        # out": the server kept the connection open and did not answer in time.
        if "timed out" in str(error).lower():
            return "connection_timed_out"
        return "connection_closed"
    if isinstance(error, smtplib.SMTPResponseException):
        if error.smtp_code == _AUTHENTICATION_FAILED:
            return "authentication_refused"
        return "server_answered"
    if isinstance(error, ssl.SSLCertVerificationError):
        return "tls_certificate_refused"
    if isinstance(error, ssl.SSLEOFError | ssl.SSLZeroReturnError):
        return "connection_closed"  # the link ended, nothing says the settings are wrong
    if isinstance(error, ssl.SSLError):
        if getattr(error, "reason", None) in _NOT_TLS or not getattr(error, "reason", None):
            # The server answered in plain text where TLS was expected: it speaks no TLS on
            # that port (often it does, but only after STARTTLS).
            return "tls_not_spoken"
        return "tls_handshake_failed"  # it speaks TLS, none that this machine agrees to
    if isinstance(error, ConnectionRefusedError):
        return "connection_refused"
    if isinstance(error, TimeoutError | socket.timeout):
        return "connection_timed_out"
    if isinstance(error, socket.gaierror):
        return "unknown_host"
    if isinstance(error, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return "connection_closed"
    return _driver_code(str(error).lower())


def _driver_code(text: str) -> str:
    for words, code in _DRIVER_SAYS:
        if words in text:
            if code == "database_not_found" and 'role "' in text:
                return "authentication_refused"  # no such user: libpq says 'role "x" does...'
            return code
    return "connection_failed"


def _detail(error: BaseException) -> str:
    """What the library said, on one line: the server's answer when it gave one, the error's
    name and message otherwise; of libpq's chain of 'failed:', the last link only."""
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
        said = f"{error.smtp_code} {text}"
    elif isinstance(error, OSError):
        said = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    else:
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        said = first.rsplit(" failed: ", 1)[-1] or type(error).__name__
    said = " ".join(said.split())
    return said if len(said) <= DETAIL_LENGTH else said[: DETAIL_LENGTH - 1] + "…"
