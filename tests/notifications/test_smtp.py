"""SmtpSender against a real aiosmtpd server on 127.0.0.1."""

import email
import email.policy
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from notifications import DeliveryOutcome, FolderSender, MemorySender, Sender, SmtpSender
from tests.notifications.conftest import Certificate, RunningServer, SmtpServers
from tests.notifications.helpers import (
    PASSWORD,
    USER,
    ScriptedHandler,
    authenticator,
    free_port,
    make_email,
)

SENT, TEMPORARY, PERMANENT, UNCERTAIN = (
    DeliveryOutcome.SENT,
    DeliveryOutcome.TEMPORARY,
    DeliveryOutcome.PERMANENT,
    DeliveryOutcome.UNCERTAIN,
)


def test_a_batch_goes_over_one_connection(smtp_server: RunningServer) -> None:
    emails = [make_email(number) for number in range(5)]
    results = smtp_server.sender().send(emails)
    assert [result.message_id for result in results] == [e.message_id for e in emails]
    assert [result.outcome for result in results] == [SENT] * 5
    assert results[0].detail == "250 2.0.0 Ok: queued as Q1"
    assert smtp_server.handler.connections == 1
    assert len(smtp_server.handler.accepted) == 5


def test_the_envelope_is_bare_addresses_of_to_and_cc(smtp_server: RunningServer) -> None:
    smtp_server.sender().send([make_email()])
    received = smtp_server.handler.accepted[0]
    assert received.mail_from == "conventions@convflow.local"
    assert received.rcpt_tos == ("martial.alvarez@example.org", "mustapha.berra@example.org")
    message = email.message_from_bytes(received.content, policy=email.policy.default)
    assert message["Message-ID"] == make_email().message_id
    assert message["Subject"] == make_email().subject


def test_an_empty_batch_opens_no_connection(smtp_server: RunningServer) -> None:
    assert smtp_server.sender().send([]) == []
    assert smtp_server.handler.connections == 0


def test_a_4xx_answer_is_temporary_and_the_batch_goes_on(smtp_servers: SmtpServers) -> None:
    server = smtp_servers.start(ScriptedHandler(data_answers=["451 4.3.0 try later"]))
    results = server.sender().send([make_email(1), make_email(2)])
    assert [(r.outcome, r.detail) for r in results] == [
        (TEMPORARY, "451 4.3.0 try later"),
        (SENT, "250 2.0.0 Ok: queued as Q1"),
    ]
    assert server.handler.connections == 1


def test_a_5xx_answer_is_permanent_with_the_servers_words(smtp_servers: SmtpServers) -> None:
    server = smtp_servers.start(ScriptedHandler(data_answers=["550 5.1.1 no such user"]))
    [result] = server.sender().send([make_email()])
    assert (result.outcome, result.detail) == (PERMANENT, "550 5.1.1 no such user")


def test_every_recipient_refused_for_good_is_permanent(smtp_servers: SmtpServers) -> None:
    refusal = "550 5.1.1 no such user"
    server = smtp_servers.start(
        ScriptedHandler(
            rcpt_answers={
                "martial.alvarez@example.org": refusal,
                "mustapha.berra@example.org": refusal,
            }
        )
    )
    [result] = server.sender().send([make_email()])
    assert result.outcome is PERMANENT
    assert "550 5.1.1 no such user (mustapha.berra@example.org)" in result.detail
    assert server.handler.accepted == []


def test_a_recipient_refused_for_now_keeps_the_email_temporary(
    smtp_servers: SmtpServers,
) -> None:
    server = smtp_servers.start(
        ScriptedHandler(
            rcpt_answers={
                "martial.alvarez@example.org": "550 5.1.1 no such user",
                "mustapha.berra@example.org": "451 4.3.0 try later",
            }
        )
    )
    [result] = server.sender().send([make_email()])
    assert result.outcome is TEMPORARY
    assert "451 4.3.0 try later" in result.detail


def test_some_recipients_refused_is_sent_naming_the_refused(smtp_servers: SmtpServers) -> None:
    server = smtp_servers.start(
        ScriptedHandler(rcpt_answers={"mustapha.berra@example.org": "550 5.1.1 no such user"})
    )
    [result, after] = server.sender().send([make_email(1), make_email(2)])
    assert result.outcome is SENT
    assert "refused: 550 5.1.1 no such user (mustapha.berra@example.org)" in result.detail
    assert server.handler.accepted[0].rcpt_tos == ("martial.alvarez@example.org",)
    assert after.outcome is SENT


def test_each_refused_recipient_comes_back_with_its_answer(smtp_servers: SmtpServers) -> None:
    # A greylisted Cc beside a To the server took: sent, and the caller told whom to try again.
    server = smtp_servers.start(
        ScriptedHandler(rcpt_answers={"mustapha.berra@example.org": "451 4.7.1 Greylisted"})
    )
    [result] = server.sender().send([make_email()])
    assert result.outcome is SENT
    [refusal] = result.refusals
    assert (refusal.recipient, refusal.code, refusal.answer) == (
        "mustapha.berra@example.org", 451, "4.7.1 Greylisted")  # fmt: skip
    assert not refusal.permanent


def test_an_envelope_offers_the_email_to_those_it_names_alone(smtp_servers: SmtpServers) -> None:
    # The retry of an email the server took for the To only: offered to the Cc alone, with
    # the same message (its To and Cc headers, its Message-ID).
    server = smtp_servers.start(ScriptedHandler())
    [result] = server.sender().send([make_email(envelope=("mustapha.berra@example.org",))])
    assert (result.outcome, result.refusals) == (SENT, ())
    [received] = server.handler.accepted
    assert received.rcpt_tos == ("mustapha.berra@example.org",)
    message = email.message_from_bytes(received.content, policy=email.policy.default)
    assert str(message["To"]) == "Martial Alvarez <martial.alvarez@example.org>"
    assert str(message["Cc"]) == "mustapha.berra@example.org"


def test_an_envelope_refused_whole_is_judged_on_its_own_recipients(
    smtp_servers: SmtpServers,
) -> None:
    server = smtp_servers.start(
        ScriptedHandler(rcpt_answers={"mustapha.berra@example.org": "550 5.1.1 no such user"})
    )
    [result] = server.sender().send([make_email(envelope=("mustapha.berra@example.org",))])
    assert result.outcome is PERMANENT and [r.recipient for r in result.refusals] == [
        "mustapha.berra@example.org"]  # fmt: skip
    assert server.handler.accepted == []


@pytest.mark.parametrize(
    "envelope",
    [(), ("someone.else@example.org",), "mustapha.berra@example.org"],
    ids=["nobody", "not-addressed", "a-bare-string"],
)
def test_an_envelope_names_only_recipients_of_the_email(envelope: object) -> None:
    with pytest.raises(ValueError):
        make_email(envelope=envelope)


def test_a_server_down_is_temporary_and_quick() -> None:
    started = time.monotonic()
    results = SmtpSender("127.0.0.1", free_port(), timeout=2.0).send([make_email(1), make_email(2)])
    assert time.monotonic() - started < 1.5
    assert [r.outcome for r in results] == [TEMPORARY, TEMPORARY]
    assert "ConnectionRefusedError" in results[0].detail
    assert results[1].detail.startswith("not tried")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never greets: a hung server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_silent_server_times_out_as_temporary(silent_port: int) -> None:
    started = time.monotonic()
    [result] = SmtpSender("127.0.0.1", silent_port, timeout=0.3).send([make_email()])
    assert time.monotonic() - started < 2
    assert result.outcome is TEMPORARY
    assert "timed out" in result.detail


def test_a_server_down_then_started_takes_the_next_send(smtp_servers: SmtpServers) -> None:
    port = free_port()
    sender = SmtpSender("127.0.0.1", port, timeout=2.0, local_hostname="tests.convflow.local")
    assert sender.send([make_email()])[0].outcome is TEMPORARY
    server = smtp_servers.start(port=port)
    assert sender.send([make_email()])[0].outcome is SENT
    assert len(server.handler.accepted) == 1


def test_a_line_cut_after_the_message_is_uncertain_and_not_sent_again_on_the_spot(
    smtp_servers: SmtpServers,
) -> None:
    server = smtp_servers.start(ScriptedHandler(hang_up_at=[2]))
    results = server.sender().send([make_email(number) for number in range(5)])
    # The third went out whole and no answer came: the server may have it. Not sent again
    # now (the outbox retries it later under its Message-ID); the batch goes on, reconnected.
    assert [r.outcome for r in results] == [SENT, SENT, UNCERTAIN, SENT, SENT]
    assert results[2].detail.startswith("no answer once the message was sent: ")
    assert "SMTPServerDisconnected" in results[2].detail
    assert server.handler.connections == 2
    assert len(server.handler.accepted) == 4


def test_a_line_cut_twice_after_messages_leaves_the_rest_untried(
    smtp_servers: SmtpServers,
) -> None:
    server = smtp_servers.start(ScriptedHandler(drop_from=2))
    results = server.sender().send([make_email(number) for number in range(5)])
    assert [r.outcome for r in results] == [SENT, SENT, UNCERTAIN, UNCERTAIN, TEMPORARY]
    assert results[4].detail.startswith("not tried")
    assert server.handler.connections == 2


def test_a_line_cut_before_the_message_went_out_is_tried_again_on_a_new_one(
    smtp_servers: SmtpServers,
) -> None:
    server = smtp_servers.start(ScriptedHandler(hang_up_at_mail=[1]))
    results = server.sender().send([make_email(number) for number in range(3)])
    # MAIL FROM of the second got no answer: the server cannot have the message.
    assert [r.outcome for r in results] == [SENT, SENT, SENT]
    assert server.handler.connections == 2
    assert len(server.handler.accepted) == 3


def test_an_answer_slower_than_the_command_timeout_is_awaited_for_a_message(
    smtp_servers: SmtpServers,
) -> None:
    server = smtp_servers.start(ScriptedHandler(data_delay=1.0))
    [result] = server.sender(timeout=0.5, data_timeout=5.0).send([make_email()])
    assert result.outcome is SENT  # RFC 5321 4.5.3.2.6: the answer to a message takes time
    assert len(server.handler.accepted) == 1


def test_a_message_never_answered_is_uncertain_once_the_data_timeout_is_over(
    smtp_servers: SmtpServers,
) -> None:
    server = smtp_servers.start(ScriptedHandler(data_delay=3.0))
    started = time.monotonic()
    [result] = server.sender(timeout=0.3, data_timeout=1.0).send([make_email()])
    assert 1.0 <= time.monotonic() - started < 2.5
    assert result.outcome is UNCERTAIN
    assert "timed out" in result.detail


def test_a_421_closes_the_session_and_the_next_email_reconnects(
    smtp_servers: SmtpServers,
) -> None:
    server = smtp_servers.start(ScriptedHandler(data_answers=["421 4.3.2 shutting down"]))
    results = server.sender().send([make_email(1), make_email(2), make_email(3)])
    assert [r.outcome for r in results] == [TEMPORARY, SENT, SENT]
    assert results[0].detail == "421 4.3.2 shutting down"
    assert server.handler.connections == 2


def auth_server(smtp_servers: SmtpServers) -> RunningServer:
    """A server that wants alice to log in before sending (AUTH over plain text)."""
    return smtp_servers.start(
        ScriptedHandler(require_auth=True), authenticator=authenticator, auth_require_tls=False
    )


def test_login_on_a_server_that_requires_it(smtp_servers: SmtpServers) -> None:
    server = auth_server(smtp_servers)
    results = server.sender(user=USER, password=PASSWORD).send([make_email(1), make_email(2)])
    assert [r.outcome for r in results] == [SENT, SENT]
    assert server.handler.connections == 1


def test_no_login_gets_the_servers_refusal(smtp_servers: SmtpServers) -> None:
    [result] = auth_server(smtp_servers).sender().send([make_email()])
    assert (result.outcome, result.detail) == (PERMANENT, "530 5.7.0 Authentication required")


def test_a_wrong_password_is_temporary_because_the_emails_are_not_at_fault(
    smtp_servers: SmtpServers,
) -> None:
    server = auth_server(smtp_servers)
    [result] = server.sender(user=USER, password="wrong").send([make_email()])
    assert result.outcome is TEMPORARY
    assert "535 5.7.8 Authentication credentials invalid" in result.detail
    assert "wrong" not in result.detail


def test_starttls_with_a_trusted_certificate(
    smtp_servers: SmtpServers, certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_servers.start(
        tls_context=certificate.server_context(), require_starttls=True, authenticator=authenticator
    )
    # How an administrator trusts an internal CA: OpenSSL's own variable, read per context.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    results = server.sender(tls="starttls", user=USER, password=PASSWORD).send(
        [make_email(1), make_email(2)]
    )
    assert [r.outcome for r in results] == [SENT, SENT]


def test_starttls_refuses_an_untrusted_certificate(
    smtp_servers: SmtpServers, certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    server = smtp_servers.start(tls_context=certificate.server_context(), require_starttls=True)
    [result] = server.sender(tls="starttls").send([make_email()])
    assert result.outcome is TEMPORARY
    assert "CERTIFICATE_VERIFY_FAILED" in result.detail
    assert server.handler.accepted == []


def test_implicit_tls(
    smtp_servers: SmtpServers, certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = smtp_servers.start(ssl_context=certificate.server_context())
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.cert))
    [result] = server.sender(tls="tls").send([make_email()])
    assert result.outcome is SENT


def test_describe_never_shows_the_password() -> None:
    sender = SmtpSender("127.0.0.1", 1025, tls="starttls", user="alice", password="s3cret")
    assert sender.describe() == "SMTP 127.0.0.1:1025 (starttls, login alice)"
    assert SmtpSender("127.0.0.1", 1025).describe() == "SMTP 127.0.0.1:1025 (no tls)"
    assert "s3cret" not in repr(sender)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"tls": "ssl"}, "tls must be"), ({"user": "alice"}, "both"), ({"password": "x"}, "both")],
)
def test_a_misconfigured_sender_is_refused(options: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SmtpSender("127.0.0.1", 25, **options)  # type: ignore[arg-type]


def test_every_sender_keeps_the_protocol(tmp_path: Path) -> None:
    # Every sender of the package, MemorySender included: the protocol, not a delivery.
    senders = [SmtpSender("127.0.0.1", 25), FolderSender(tmp_path), MemorySender()]
    assert all(isinstance(sender, Sender) for sender in senders)
