"""Running a fault scenario: the settings it runs with, knowing when it is over, and the tally.

Each scenario starts real `convflow serve` processes (tests/processes/running.py) against a
database prepared through the service layer (tests/faults/fleet.py) and a mail server that
counts what it kept (tests/faults/smtp.py), injects its faults, waits until every email has
reached a final status (sent, or failed for good) and every term that passed is applied, then
counts lost and extra copies (tests/faults/tally.py).
"""

from __future__ import annotations

import os
import random
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import text

from tests.faults.fleet import EmailKey, Fleet
from tests.faults.tally import Figures, count, record
from tests.processes.running import ConvflowProcess, Processes
from workflow.bootstrap import App

FINAL = ("sent", "failed", "withheld")  # withheld: known late, told the administrators


@dataclass(frozen=True)
class Scale:
    """How big the scenarios are: CI-sized by default, `make faults` for the long run."""

    name: str
    conventions: int  # kill loops, database cut, shared database
    kills: int
    shared_conventions: int  # several services with a slow mail server
    smtp_conventions: int  # one mail server fault each
    fault_every: int  # the mail server misbehaves on every k-th message
    cut_seconds: float
    stall_seconds: float  # how long the database stays silent (past one answer's bound, 15 s)
    hung_seconds: float  # how long the mail server stays silent
    settle_seconds: float  # how long a scenario may take to deliver everything at the end


CI = Scale("ci", conventions=40, kills=4, shared_conventions=24, smtp_conventions=20,
           fault_every=5, cut_seconds=5, stall_seconds=25, hung_seconds=30,
           settle_seconds=90)  # fmt: skip
FULL = Scale("full", conventions=1000, kills=25, shared_conventions=300, smtp_conventions=200,
             fault_every=25, cut_seconds=20, stall_seconds=60, hung_seconds=120,
             settle_seconds=900)  # fmt: skip
SCALE = FULL if os.environ.get("CONVFLOW_FAULTS_SCALE") == "full" else CI
SEED = int(os.environ.get("CONVFLOW_FAULTS_SEED", "20261205"))

FAULT_SETTINGS = {
    "wake_interval": "2",
    "watch_interval": "1",
    "claim_lease_seconds": "2",  # a dead sender's claim is taken back quickly
    "retry_base_seconds": "1",
    "max_attempts": "40",
    "smtp_timeout": "2",
}
"""Short intervals, so that what takes minutes in production takes seconds here."""


def random_moments(seed_offset: int) -> random.Random:
    """A seeded random source: a failing kill loop can be replayed (CONVFLOW_FAULTS_SEED)."""
    return random.Random(SEED + seed_offset)


def statuses(app: App) -> Counter[str]:
    """How many emails the outbox holds in each status."""
    with app.engine.connect() as connection:
        rows = connection.execute(text("SELECT status, count(*) FROM outbox GROUP BY status"))
        return Counter({status: number for status, number in rows})


def unexpired(app: App, fleet: Fleet) -> int:
    """How many conventions whose term passed are not expired yet."""
    if not fleet.expiring:
        return 0
    names = ", ".join(f"'{reference}'" for reference in fleet.expiring)
    query = f"SELECT count(*) FROM convention WHERE reference IN ({names}) AND state <> 'expired'"
    with app.engine.connect() as connection:
        return int(connection.execute(text(query)).scalar_one())


def over(app: App, fleet: Fleet, emails: int) -> bool:
    """Whether the scenario's work is done: every email final, every passed term applied."""
    found = statuses(app)
    total = sum(found.values())
    return total >= emails and total == sum(found[s] for s in FINAL) and not unexpired(app, fleet)


def settle(app: App, fleet: Fleet, emails: int, timeout: float) -> bool:
    """Wait until the scenario's work is done; False if it is not after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not over(app, fleet, emails):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def kill_loop(
    processes: Processes,
    environment: dict[str, str],
    kills: int,
    moments: random.Random,
    within: tuple[float, float],
) -> list[ConvflowProcess]:
    """Start `serve` and kill -9 it after a random moment in `within` seconds, `kills` times."""
    killed = []
    for _ in range(kills):
        service = processes.start(["serve", "--no-http"], environment)
        time.sleep(moments.uniform(*within))
        service.kill()
        killed.append(service)
    return killed


def stop_all(services: list[ConvflowProcess]) -> None:
    """SIGTERM every service still running, and wait for each to exit."""
    for service in services:
        if service.running():
            service.popen.terminate()
    for service in services:
        if service.running():
            service.wait(60)


def tally(
    figures: Figures,
    app: App,
    expected: Counter[EmailKey],
    kept: Counter[str],
    refused: Counter[str] | None = None,
) -> Figures:
    """Fill the scenario's figures from the outbox and the server's ledger, and keep them."""
    for name, value in count(app, expected, kept, refused).items():
        setattr(figures, name, value)
    return record(figures)


def unresolved(app: App) -> str:
    """The emails not in a final status, for a failure message."""
    found = statuses(app)
    return ", ".join(f"{n} {s}" for s, n in sorted(found.items()) if s not in FINAL) or "none"
