"""SMTP throughput of SmtpSender, against plain smtplib opening one connection per email.

    python -m bench.smtp_throughput [--count 2000] [--batch 100]

Starts an aiosmtpd server on 127.0.0.1, in a process of its own as a real mail server is (in
this process it would share the interpreter lock with the client and halve both), that accepts
and counts; renders a realistic
reminder for the reference convention `count` times with distinct message ids, and sends
them twice: with SmtpSender in batches (one connection per batch), then with smtplib and a
connection per email. Prints emails per second accepted by the server for each, and the
ratio. Exits 1 if SmtpSender stays below the target of 200 emails per second.
"""

import argparse
import multiprocessing
import smtplib
import socket
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from notifications import (
    DeliveryOutcome,
    OutgoingEmail,
    RenderedEmail,
    Renderer,
    SmtpSender,
    sample_context,
    to_bytes,
)

__all__ = ["TARGET", "run"]

TARGET = 200.0  # emails per second the service must sustain
KIND = "reminder_expiry"
HOST = "127.0.0.1"
# A fixed name on both sides: smtplib and aiosmtpd would otherwise ask DNS for it per connection.
NAME = "bench.convflow.local"


class CountingHandler:
    """Accepts every email and counts it, in a counter the benchmark's process reads."""

    def __init__(self, counter: Any) -> None:
        self.counter = counter

    @property
    def accepted(self) -> int:
        """How many emails the server accepted so far."""
        return int(self.counter.value)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 2.0.0 Ok"


def _serve(counter: Any, port: int, ready: Any, stop: Any) -> None:
    """The mail server's process: accept and count until told to stop."""
    controller = Controller(
        CountingHandler(counter), hostname=HOST, port=port, server_hostname=NAME
    )
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def run(count: int = 2000, batch: int = 100) -> dict[str, float]:
    """Renders and sends `count` emails both ways; the rates in emails per second."""
    emails, render_seconds = render(count)
    context = multiprocessing.get_context("spawn")
    counter, ready, stop, port = (
        context.Value("i", 0),
        context.Event(),
        context.Event(),
        free_port(),
    )
    server = context.Process(target=_serve, args=(counter, port, ready, stop), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the SMTP server process did not start")
        handler = CountingHandler(counter)
        sender = SmtpSender(HOST, port, local_hostname=NAME, timeout=10.0)
        ours = accepted_per_second(handler, lambda: send_in_batches(sender, emails, batch))
        baseline = accepted_per_second(handler, lambda: send_one_per_connection(port, emails))
    finally:
        stop.set()
        server.join(10)
    return {
        "count": float(count),
        "batch": float(batch),
        "render_per_s": count / render_seconds,
        "convflow_per_s": ours,
        "baseline_per_s": baseline,
        "ratio": ours / baseline,
        # rendering and delivery one after the other, as the service does for a due reminder
        "render_and_send_per_s": count / (render_seconds + count / ours),
    }


def render(count: int) -> tuple[list[OutgoingEmail], float]:
    """`count` reminders for the reference convention, and the seconds spent rendering them."""
    renderer = Renderer()
    context = sample_context(KIND)
    recipients = tuple(
        f"{person['name']} <{person['email']}>"
        for party in context["convention"]["parties"]
        for person in party["signatories"]
    )
    started = time.perf_counter()
    emails = [
        outgoing(number, renderer.render(KIND, context), recipients) for number in range(count)
    ]
    return emails, time.perf_counter() - started


def outgoing(number: int, rendered: RenderedEmail, recipients: tuple[str, ...]) -> OutgoingEmail:
    """One rendered reminder as an email with its own message id."""
    return OutgoingEmail(
        message_id=f"<{KIND}.{number}.AMP-CRPV-PACA-2025@convflow.bench>",
        idempotency_key=f"bench:{KIND}:{number}",
        sender="convflow <conventions@convflow.local>",
        to=recipients[:1],
        cc=recipients[1:],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        created_at=datetime(2025, 12, 1, 8, 0, tzinfo=UTC),
    )


def accepted_per_second(handler: CountingHandler, send: Callable[[], int]) -> float:
    """Runs a way of sending and returns the emails per second the server accepted."""
    before = handler.accepted
    started = time.perf_counter()
    sent = send()
    elapsed = time.perf_counter() - started
    accepted = handler.accepted - before
    if accepted != sent:
        raise RuntimeError(f"the client counted {sent} emails sent, the server {accepted}")
    return accepted / elapsed


def send_in_batches(sender: SmtpSender, emails: Sequence[OutgoingEmail], batch: int) -> int:
    """Sends with SmtpSender, `batch` emails per connection; how many were SENT."""
    sent = 0
    for start in range(0, len(emails), batch):
        results = sender.send(emails[start : start + batch])
        sent += sum(result.outcome is DeliveryOutcome.SENT for result in results)
    return sent


def send_one_per_connection(port: int, emails: Sequence[OutgoingEmail]) -> int:
    """The baseline: plain smtplib, a new connection for every email."""
    for email in emails:
        with smtplib.SMTP(HOST, port, local_hostname=NAME, timeout=10.0) as connection:
            connection.sendmail(
                "conventions@convflow.local",
                ["martial.alvarez@example.org", "mustapha.berra@example.org"],
                to_bytes(email),
            )
    return len(emails)


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the benchmark from the command line; 1 if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=2000, help="emails to send (2000)")
    parser.add_argument("--batch", type=int, default=100, help="emails per connection (100)")
    options = parser.parse_args(argv)
    result = run(options.count, options.batch)
    print(report(result))
    return 0 if result["convflow_per_s"] >= TARGET else 1


def report(result: dict[str, float]) -> str:
    """The result as a few lines for a terminal."""
    met = "met" if result["convflow_per_s"] >= TARGET else "MISSED"
    return "\n".join(
        [
            f"SMTP throughput, {result['count']:.0f} emails to aiosmtpd on {HOST}",
            f"  rendering                       {result['render_per_s']:8.0f} emails/s",
            f"  SmtpSender, batches of {result['batch']:<5.0f}   "
            f"{result['convflow_per_s']:8.0f} emails/s accepted",
            f"  smtplib, one connection each    {result['baseline_per_s']:8.0f} emails/s accepted",
            f"  ratio                           {result['ratio']:8.1f} x",
            f"  render then send (SmtpSender)   {result['render_and_send_per_s']:8.0f} emails/s",
            f"  target {TARGET:.0f} emails/s: {met}",
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
