"""What the fixed stack costs a recorded event before any line of convflow's own logic, in µs.

`bench.transitions` holds convflow to 0.9x the raw driver replaying convflow's own statements:
with the replay at R events/s, that leaves (1/0.9 - 1)/R seconds an event for all the Python
convflow runs around those statements. Three parts of that Python come with the stack the
project fixed, whatever convflow does with it; each is timed here on its own, in-process:

- the unit of work: a SQLAlchemy connection taken from the pool, a transaction begun and
  committed, the connection given back, less the same empty transaction on the raw `sqlite3`
  connection (neither writes, so neither waits for the disk); on PostgreSQL, a one-statement
  transaction through convflow's engine (which looks at the link of each connection it
  takes) less the same through psycopg alone;
- `transitions`: firing one event on a model of a machine built once (a self-loop, no
  condition), as convflow fires its events on its one machine;
- the email's JSON: `json.dumps` of the context of the email the reference convention's
  signature queues (its facts frozen at the event, a few kilobytes), times the emails an event
  of the reference lifecycle queues on average.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from transitions import Machine

from bench import postgres
from storage.engine import make_engine
from storage.migrate import upgrade

EMAILS_PER_EVENT = 0.8
"""Emails the reference lifecycle queues per event (submit, sign, sign, notify, pay: 4 of 5)."""


def _best_us(statement: Any, number: int) -> float:
    return min(timeit.repeat(statement, number=number, repeat=5)) / number * 1e6


def unit_of_work_us(directory: Path) -> float:
    """SQLAlchemy's share of an empty write transaction, beyond the raw driver's."""
    url = f"sqlite:///{directory / 'floor-uow.db'}"
    engine = make_engine(url)
    upgrade(engine)

    def through_sqlalchemy() -> None:
        with engine.connect() as connection:
            connection.begin().commit()

    raw = sqlite3.connect(directory / "floor-uow.db", isolation_level=None)

    def through_driver() -> None:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("COMMIT")

    try:
        return max(_best_us(through_sqlalchemy, 2000) - _best_us(through_driver, 2000), 0.0)
    finally:
        raw.close()
        engine.dispose()


def unit_of_work_postgres_us(url: str, dsn: str) -> tuple[float, float]:
    """The same on PostgreSQL, a one-statement transaction (psycopg begins a transaction only
    with its first statement; run on the driver's cursor both ways, as storage.fastpath runs
    convflow's): SQLAlchemy's pool and transaction beyond psycopg alone, then what the pool's
    check of the connection's link adds (convflow's engine looks at each connection it takes,
    so that a link the server closed is found before a command rather than in its middle)."""
    import psycopg  # only when PostgreSQL answers

    def through(engine: Engine) -> Callable[[], None]:
        def transaction() -> None:
            with engine.connect() as connection:
                begun = connection.begin()
                connection.connection.cursor().execute("SELECT 1").fetchall()
                begun.commit()

        return transaction

    pinged, unpinged = make_engine(url), create_engine(url)  # convflow's, and a bare pool
    raw = psycopg.connect(dsn)

    def through_driver() -> None:
        raw.cursor().execute("SELECT 1").fetchall()
        raw.commit()

    ways = {"driver": through_driver, "pool": through(unpinged), "ping": through(pinged)}
    best = dict.fromkeys(ways, float("inf"))
    try:
        # Interleaved rounds, the best of each: a connection's first transactions run slower
        # than the next ones (psycopg prepares a statement after its fifth run).
        for _ in range(3):
            for name, way in ways.items():
                best[name] = min(best[name], _best_us(way, 500))
        # SQLAlchemy's pool and transaction cost psycopg next to nothing here: their
        # difference is within the noise, and may come out below zero; none is counted then.
        pool = max(best["pool"] - best["driver"], 0.0)
        return pool, max(best["ping"] - best["pool"], 0.0)
    finally:
        raw.close()
        pinged.dispose()
        unpinged.dispose()


class _Model:
    state = "signature"


def transitions_us() -> float:
    """One event fired on a model of a machine built once."""
    machine = Machine(
        model=None, states=["signature", "notification"], initial="signature",
        transitions=[["sign", "signature", "signature"]], auto_transitions=False,
        model_attribute="state", send_event=True,
    )  # fmt: skip
    model = _Model()
    sign = machine.events["sign"]
    return _best_us(lambda: sign.trigger(model), 5000)


def email_json_us(context: dict[str, Any]) -> float:
    """The JSON of one email's context, as the outbox row stores it."""
    return _best_us(lambda: json.dumps(context), 2000)


def measure(context: dict[str, Any], postgres_url: str | None = None) -> dict[str, float]:
    """Each part in µs an event, and their sum; on PostgreSQL too when `postgres_url` (a
    throw-away database) is given."""
    with tempfile.TemporaryDirectory(prefix="convflow-bench-floor-") as directory:
        parts = {
            "unit_of_work": unit_of_work_us(Path(directory)),
            "transitions": transitions_us(),
            "email_json": email_json_us(context) * EMAILS_PER_EVENT,
        }
    parts["sum"] = sum(parts.values())
    if postgres_url is not None:
        pool, ping = unit_of_work_postgres_us(postgres_url, postgres.dsn_of(postgres_url))
        parts["unit_of_work_postgres"], parts["link_check_postgres"] = pool, ping
        parts["sum_postgres"] = parts["sum"] - parts["unit_of_work"] + pool + ping
    return parts


def budget_us(replay_rate: float, target: float) -> float:
    """µs an event left for convflow's Python when it must run at `target` x the replay."""
    return (1 / target - 1) / replay_rate * 1e6
