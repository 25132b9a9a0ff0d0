"""Why a server could not be reached, as convflow says it: the common failures each a code."""

import smtplib
import socket
import ssl

import pytest

from workflow.failures import SMTP_FIXES, connection_failure, settings_refused
from workflow.wording.refusals import say
from workflow.wording.words import Words

LIBPQ = 'connection failed: connection to server at "127.0.0.1", port 5432 failed: '


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "connection_refused"),
        (TimeoutError("timed out"), "connection_timed_out"),
        (socket.gaierror(-2, "Name or service not known"), "unknown_host"),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"), "authentication_refused"),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), "connection_closed"),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."),
         "starttls_not_offered"),
        (Exception(LIBPQ + 'FATAL:  database "x" does not exist'), "database_not_found"),
        (Exception(LIBPQ + 'FATAL:  role "nobody" does not exist'), "authentication_refused"),
        (Exception(LIBPQ + "Connection refused\n\tIs the server running"), "connection_refused"),
        (Exception("failed to resolve host 'nowhere.invalid'"), "unknown_host"),
        (Exception("something else entirely"), "connection_failed"),
    ],
)  # fmt: skip
def test_each_common_failure_has_its_code(error, code):
    assert connection_failure(error).code == code


def test_the_words_are_convflows_and_the_library_s_come_last_and_short():
    failure = connection_failure(Exception(LIBPQ + 'FATAL:  database "x" does not exist'))

    assert say(failure, Words("fr")).message == (
        'cette base de données n\'existe pas sur le serveur (FATAL: database "x" does not exist)'
    )
    assert say(failure, Words("en")).message == (
        'no such database on the server (FATAL: database "x" does not exist)'
    )
    assert len(connection_failure(OSError("x" * 1000)).detail) <= 160


def _ssl_error(kind: type[ssl.SSLError], reason: str) -> ssl.SSLError:
    """An error as OpenSSL raises it: its reason is set by the ssl module, not its arguments."""
    error = kind(1, f"[SSL: {reason}] {reason.lower().replace('_', ' ')} (_ssl.c:1006)")
    error.reason = reason
    return error


@pytest.mark.parametrize(
    ("error", "code", "held"),
    [
        (_ssl_error(ssl.SSLError, "WRONG_VERSION_NUMBER"), "tls_not_spoken", True),
        (_ssl_error(ssl.SSLError, "TLSV1_ALERT_PROTOCOL_VERSION"), "tls_handshake_failed", True),
        (_ssl_error(ssl.SSLError, "SSLV3_ALERT_HANDSHAKE_FAILURE"), "tls_handshake_failed", True),
        (_ssl_error(ssl.SSLCertVerificationError, "CERTIFICATE_VERIFY_FAILED"),
         "tls_certificate_refused", True),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."),
         "starttls_not_offered", True),
        (_ssl_error(ssl.SSLEOFError, "UNEXPECTED_EOF_WHILE_READING"), "connection_closed", False),
        (ConnectionRefusedError(111, "Connection refused"), "connection_refused", False),
        (TimeoutError("timed out"), "connection_timed_out", False),
    ],
)  # fmt: skip
def test_a_tls_setting_the_server_does_not_match_is_the_settings_not_an_outage(
    error: BaseException, code: str, held: bool
) -> None:
    assert connection_failure(error).code == code
    assert settings_refused(error) is held
    assert (code in SMTP_FIXES) is held  # what to correct is known for each
