"""How late 1 000 reminders due in the same second are, beside APScheduler alone.

    python -m bench.reminder_lateness [--conventions 100000] [--due 1000] [--jobs 100000]

convflow: `conventions` conventions in execution and their pending reminders are stored in a
SQLite file (see `bench.bulk`); `due` of them have a reminder planned at the same instant D,
a few seconds ahead. A real `convflow serve --no-http` process (safety wake-up every hour, so
only its own planned wake-up can be on time) queues them to the outbox. Lateness of each
reminder: from D to the moment its outbox row was inserted, read from the wall clock by a
SQLite trigger the benchmark adds; the row's `created_at` (the instant of the pass that decided
it) is shown too, but it says when the pass began, not when the row existed. Missed: reminders
due at D not sent once the service has queued what it could.

Baseline: APScheduler 3.11 alone, one date job per reminder (`jobs` jobs, `due` of them at D)
in a SQLAlchemyJobStore on a SQLite file, each job inserting a row (SQLite, WAL, synchronous
FULL, as convflow's outbox) in a BackgroundScheduler with its defaults (ThreadPoolExecutor of
10 threads, misfire_grace_time=1, coalesce=True, max_instances=1): lateness from the scheduled
instant to the job's insert, and how many ran or were missed. The same with
misfire_grace_time=None shows what running every job costs. Filling the store with 100 000
jobs through `add_job` takes one transaction per job: the benchmark times `add_job` on a
sample, then writes the same rows (id, next_run_time, pickled job state) in one transaction.

On PostgreSQL (issue 15.5), convflow's service works on a throw-away database of the server
of `bench.postgres`, the instant of each insert noted by a column's default reading
clock_timestamp() (a trigger there cost the pass 17 ms);
its baseline is APScheduler with its job store and its jobs' rows in a
PostgreSQL database too (the ratio against the SQLite baseline is printed beside).

Target (issue 3): convflow p95 <= 0.3x the baseline's p95 on the same backend, with 0 missed.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import pickle
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.util import datetime_to_utc_timestamp

from bench import bulk, postgres
from bench.polling import wait_for

TARGET = 0.3
BACKENDS = ("sqlite", "postgresql")
RECORD = "bench.reminder_lateness:record_run"
EPOCH_NOW = "(julianday('now') - 2440587.5) * 86400.0"
"""SQLite's wall clock in epoch seconds (millisecond precision), read at the INSERT itself."""
_local = threading.local()


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _due_instant(lead: float) -> datetime:
    """A whole second at least `lead` seconds ahead."""
    return datetime.fromtimestamp(math.ceil(time.time() + lead), UTC)


# --- convflow -----------------------------------------------------------------------------


def _watch_outbox(url: str) -> None:
    """A trigger noting the wall-clock instant each outbox row is inserted."""
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE bench_seen (outbox_id INTEGER PRIMARY KEY, seen REAL NOT NULL)")
        db.execute(
            f"CREATE TRIGGER bench_seen AFTER INSERT ON outbox BEGIN "
            f"INSERT INTO bench_seen VALUES (NEW.id, {EPOCH_NOW}); END"
        )
    db.close()


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _service(url: str, folder: Path, synchronous: str) -> tuple[subprocess.Popen[bytes], Path]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVFLOW_")}
    environment.update(
        CONVFLOW_DATABASE_URL=url, CONVFLOW_MAIL_DIR=str(folder / "mail"),
        CONVFLOW_WAKE_INTERVAL="3600", CONVFLOW_SQLITE_SYNCHRONOUS=synchronous,
    )  # fmt: skip
    log = folder / "service.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("convflow")), "serve", "--no-http"],
            env=environment, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
        )  # fmt: skip
    return process, log


class _Watched:
    """The benchmark's reads of the database the service works on, autocommit: each read sees
    the latest commit and locks nothing. SQLite through `sqlite3`, PostgreSQL through psycopg;
    instants on SQLite are stored as naive UTC text."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        self.db: Any = (
            sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            if self.sqlite
            else psycopg.connect(postgres.dsn_of(url), autocommit=True)
        )

    def one(self, sql: str, *params: Any) -> Any:
        return self.all(sql, *params)[0][0]

    def all(self, sql: str, *params: Any) -> list[Any]:
        if self.sqlite:
            values = [
                p.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
                if isinstance(p, datetime) else p
                for p in params
            ]  # fmt: skip
            return list(self.db.execute(sql, values).fetchall())
        return list(self.db.execute(sql.replace("?", "%s"), params).fetchall())

    def instant(self, value: Any) -> datetime:
        return _utc(value) if isinstance(value, str) else value.astimezone(UTC)

    def close(self) -> None:
        self.db.close()


def _watch_postgres_outbox(url: str) -> None:
    """The PostgreSQL twin of `_watch_outbox`: clock_timestamp() is the wall clock at the
    INSERT itself (now() would be the transaction's start), read by a column's default, which
    the service's INSERT leaves to the server, and not by a trigger: a PL/pgSQL row trigger
    inserting into a table of its own added 3-4 ms to each 200 outbox rows the pass writes
    (17 ms of a pass of 1 000, 7 December 2026), the benchmark's cost counted as convflow's.
    The baseline's jobs read clock_timestamp() in their own INSERT alike."""
    with psycopg.connect(postgres.dsn_of(url), autocommit=True) as db:
        db.execute(
            "ALTER TABLE outbox ADD COLUMN bench_seen float8 "
            "DEFAULT extract(epoch FROM clock_timestamp())"
        )
        db.execute(
            "CREATE VIEW bench_seen AS SELECT id AS outbox_id, bench_seen AS seen FROM outbox"
        )


def convflow(
    folder: Path,
    conventions: int,
    due: int,
    lead: float,
    synchronous: str = "full",
    backend: str = "sqlite",
) -> dict[str, float]:
    """convflow's service queueing `due` reminders planned at the same instant."""
    if backend == "sqlite":
        return _convflow(folder, f"sqlite:///{folder / 'convflow.db'}", conventions, due, lead,
                         synchronous)  # fmt: skip
    reason = postgres.unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    with postgres.throwaway_database() as name:
        return _convflow(folder, postgres.url_of(name), conventions, due, lead, synchronous)


def _convflow(
    folder: Path, url: str, conventions: int, due: int, lead: float, synchronous: str
) -> dict[str, float]:
    url, load_seconds = bulk.store_at(folder, url, conventions, due)
    if url.startswith("sqlite"):
        _watch_outbox(url)
    else:
        _watch_postgres_outbox(url)
    at = _due_instant(lead)
    assert bulk.set_due(url, at) == due
    process, log = _service(url, folder, synchronous)
    try:
        wait_for(lambda: b"next wake-up at" in log.read_bytes() or process.poll() is not None,
                 lead, "the service's first pass", every=0.1)  # fmt: skip
        first_pass_done = time.time()
        db = _Watched(url)

        def queued() -> int:
            return int(db.one("SELECT count(*) FROM bench_seen"))

        wait_for(
            lambda: queued() >= due or process.poll() is not None,
            lead + 300,
            "the outbox",
            every=0.1,
        )
        seen = [row[0] for row in db.all("SELECT seen FROM bench_seen")]
        created = [db.instant(row[0]) for row in db.all("SELECT created_at FROM outbox")]
        missed = db.one(
            "SELECT count(*) FROM reminder WHERE planned_at = ? AND status != 'sent'", at
        )
        planned_then = db.one("SELECT count(*) FROM reminder WHERE planned_at = ?", at)
        db.close()
        assert planned_then == due, f"{planned_then} reminders found at {at}, not {due}"
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(300)
    if code != 0 or first_pass_done > at.timestamp():
        raise RuntimeError(f"the service exited with {code} or started late:\n{log.read_text()}")
    wall = [t - at.timestamp() for t in seen]
    logical = [(c - at).total_seconds() for c in created]
    return {
        "conventions": conventions,
        "due": due,
        "load_seconds": load_seconds,
        "p50": _percentile(wall, 0.5),
        "p95": _percentile(wall, 0.95),
        "last": max(wall, default=math.nan),
        "created_p50": _percentile(logical, 0.5),
        "created_p95": _percentile(logical, 0.95),
        "queued": len(seen),
        "missed": float(missed),
    }


# --- APScheduler alone --------------------------------------------------------------------


def record_run(results: str, job: str, scheduled: float) -> None:
    """The baseline's job: insert one row, in its own durable transaction (`results` is a
    SQLite file's path, or a PostgreSQL database's libpq address)."""
    if results.startswith("postgresql:"):
        pg = getattr(_local, "pg", None)
        if pg is None:
            pg = _local.pg = psycopg.connect(results, autocommit=True)
        pg.execute(
            "INSERT INTO runs VALUES (%s, %s, extract(epoch FROM clock_timestamp()))",
            (job, scheduled),
        )
        return
    db = getattr(_local, "db", None)
    if db is None:
        db = sqlite3.connect(results, isolation_level=None, timeout=60)
        db.execute("PRAGMA synchronous=FULL")
        _local.db = db
    db.execute("BEGIN IMMEDIATE")
    db.execute(f"INSERT INTO runs VALUES (?, ?, {EPOCH_NOW})", (job, scheduled))
    db.execute("COMMIT")


def _results(path: Path) -> str:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE runs (job TEXT PRIMARY KEY, scheduled REAL, ran REAL)")
    db.close()
    return str(path)


def _postgres_results(url: str) -> str:
    dsn = postgres.dsn_of(url)
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute("CREATE TABLE runs (job text PRIMARY KEY, scheduled float8, ran float8)")
    return dsn


def _lateness_rows(results: str) -> list[float]:
    """Each job's lateness, from its scheduled instant to its insert."""
    query = "SELECT scheduled, ran FROM runs"
    if results.startswith("postgresql:"):
        with psycopg.connect(results) as pg:
            rows = pg.execute(query).fetchall()
    else:
        with sqlite3.connect(results) as db:
            rows = db.execute(query).fetchall()
        db.close()
    return [ran - scheduled for scheduled, ran in rows]


def _job_row(
    scheduler: BackgroundScheduler, job_id: str, at: datetime, results: str, grace: int | None
) -> dict[str, Any]:
    """The row SQLAlchemyJobStore.add_job writes for a date job with these settings."""
    job = Job(
        scheduler, id=job_id, func=RECORD, args=(results, job_id, at.timestamp()), kwargs={},
        trigger=DateTrigger(at, timezone=UTC), executor="default", name="record_run",
        misfire_grace_time=grace, coalesce=True, max_instances=1, next_run_time=at,
    )  # fmt: skip
    return {
        "id": job.id,
        "next_run_time": datetime_to_utc_timestamp(at),
        "job_state": pickle.dumps(job.__getstate__(), pickle.HIGHEST_PROTOCOL),
    }


def add_job_rate(folder: Path, sample: int = 500) -> float:
    """Jobs per second `add_job` stores in a SQLAlchemyJobStore on a SQLite file."""
    results = _results(folder / "sample-runs.db")
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{folder / 'sample.db'}")},
        timezone=UTC,
    )
    scheduler.start(paused=True)
    far = datetime.now(UTC) + timedelta(days=30)
    started = time.perf_counter()
    for k in range(sample):
        at = far + timedelta(seconds=k)
        scheduler.add_job(RECORD, "date", run_date=at, id=f"s{k}", args=(results, f"s{k}", 0.0))
    elapsed = time.perf_counter() - started
    scheduler.shutdown(wait=False)
    return sample / elapsed


def apscheduler_alone(
    folder: Path,
    jobs: int,
    due: int,
    lead: float,
    grace: int | None = 1,
    backend: str = "sqlite",
) -> dict[str, float]:
    """APScheduler with `jobs` date jobs in its SQLAlchemy job store, `due` at one instant,
    the store and the jobs' rows in a SQLite file or in a PostgreSQL database."""
    if backend == "sqlite":
        store, results = (
            f"sqlite:///{folder / f'jobs-{grace}.db'}",
            _results(folder / f"runs-{grace}.db"),
        )
        return _apscheduler_alone(store, results, jobs, due, lead, grace)
    with postgres.throwaway_database() as name:
        url = postgres.url_of(name)
        return _apscheduler_alone(url, _postgres_results(url), jobs, due, lead, grace)


def _apscheduler_alone(
    store_url: str, results: str, jobs: int, due: int, lead: float, grace: int | None
) -> dict[str, float]:
    store = SQLAlchemyJobStore(url=store_url)
    # The defaults but for misfire_grace_time, which the rows below also carry, as add_job does.
    scheduler = BackgroundScheduler(
        jobstores={"default": store}, timezone=UTC, job_defaults={"misfire_grace_time": grace}
    )
    store.start(scheduler, "default")  # creates its table
    started = time.perf_counter()
    later = datetime.now(UTC) + timedelta(days=1)
    step = max(jobs // due, 1)
    with store.engine.begin() as connection:
        chunk: list[dict[str, Any]] = []
        for k in range(jobs):
            if k % step == 0 and k // step < due:
                continue  # due at the instant chosen below
            chunk.append(_job_row(scheduler, f"j{k}", later + timedelta(minutes=k), results, grace))
            if len(chunk) == 10_000:
                connection.execute(store.jobs_t.insert(), chunk)
                chunk = []
        if chunk:
            connection.execute(store.jobs_t.insert(), chunk)
    at = _due_instant(lead)
    with store.engine.begin() as connection:
        rows = [_job_row(scheduler, f"j{k * step}", at, results, grace) for k in range(due)]
        connection.execute(store.jobs_t.insert(), rows)
    load_seconds = time.perf_counter() - started
    store.shutdown()
    if store_url.startswith("postgresql"):
        postgres.settle(store_url)  # as convflow's database is (bench.bulk)

    outcomes: dict[str, int] = {"ran": 0, "missed": 0, "error": 0}
    lock = threading.Lock()

    def listen(event: JobEvent) -> None:
        name = {EVENT_JOB_EXECUTED: "ran", EVENT_JOB_MISSED: "missed"}.get(event.code, "error")
        with lock:
            outcomes[name] += 1

    scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    scheduler.start()
    wait_for(lambda: sum(outcomes.values()) >= due, lead + 300, "the baseline's jobs", every=0.1)
    scheduler.shutdown(wait=True)
    store.engine.dispose()
    late = _lateness_rows(results)
    return {
        "jobs": jobs,
        "due": due,
        "load_seconds": load_seconds,
        "p50": _percentile(late, 0.5),
        "p95": _percentile(late, 0.95),
        "last": max(late, default=math.nan),
        "ran": float(len(late)),
        "missed": float(outcomes["missed"]),
        "errors": float(outcomes["error"]),
    }


# --- the benchmark ------------------------------------------------------------------------


def _quiet_apscheduler() -> None:
    """One warning per missed job would drown the report: the figures count them."""
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def run(
    conventions: int = 100_000,
    due: int = 1_000,
    jobs: int = 100_000,
    lead: float = 8.0,
    synchronous: str = "full",
    backends: tuple[str, ...] = BACKENDS,
) -> dict[str, float]:
    """Measure convflow (on each backend, the first one's figures unprefixed, the others'
    prefixed with the backend's name) and the two baselines in the same run; in seconds."""
    _quiet_apscheduler()
    folder = Path(tempfile.mkdtemp(prefix="convflow-bench-lateness-"))
    try:
        figures: dict[str, float] = {}
        for number, backend in enumerate(backends):
            prefix = "convflow" if number == 0 else f"{backend}_convflow"
            measured = convflow(folder, conventions, due, lead, synchronous, backend)
            for name, value in measured.items():
                figures[f"{prefix}_{name}"] = value
        rate = add_job_rate(folder)
        figures["baseline_add_job_per_s"] = rate
        figures["baseline_add_job_seconds_for_all"] = jobs / rate
        for prefix, grace in (("baseline", 1), ("baseline_nograce", None)):
            for name, value in apscheduler_alone(folder, jobs, due, lead, grace).items():
                figures[f"{prefix}_{name}"] = value
        if "postgresql" in backends:
            # Each backend's convflow against APScheduler on the same backend: its job store
            # and its jobs' rows in PostgreSQL too.
            measured = apscheduler_alone(folder, jobs, due, lead, 1, "postgresql")
            for name, value in measured.items():
                figures[f"postgresql_baseline_{name}"] = value
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    on_postgresql = backends[0] == "postgresql"
    # Each backend's convflow against APScheduler on the same backend.
    same = "postgresql_baseline" if on_postgresql else "baseline"
    figures["ratio_p95"] = figures["convflow_p95"] / figures[f"{same}_p95"]
    figures["ratio_p95_vs_sqlite_baseline"] = figures["convflow_p95"] / figures["baseline_p95"]
    figures["ratio_p95_vs_nograce"] = figures["convflow_p95"] / figures["baseline_nograce_p95"]
    figures["convflow_on_postgresql"] = float(on_postgresql)
    if "postgresql_convflow_p95" in figures:
        figures["postgresql_ratio_p95"] = (
            figures["postgresql_convflow_p95"] / figures["postgresql_baseline_p95"]
        )
        figures["postgresql_ratio_p95_vs_sqlite_baseline"] = (
            figures["postgresql_convflow_p95"] / figures["baseline_p95"]
        )
    return figures


def met(figures: dict[str, float]) -> bool:
    """convflow's p95 within the target against APScheduler's, none missed, on each backend."""
    met = figures["ratio_p95"] <= TARGET and figures["convflow_missed"] == 0
    if "postgresql_ratio_p95" in figures:
        met = met and figures["postgresql_ratio_p95"] <= TARGET
        met = met and figures["postgresql_convflow_missed"] == 0
    return met


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


def _postgres_baseline(f: dict[str, float]) -> str:
    return (
        f"  APScheduler alone on PostgreSQL (its job store and its jobs' rows there, defaults): "
        f"p50 {_ms(f['postgresql_baseline_p50'])}  p95 {_ms(f['postgresql_baseline_p95'])}  "
        f"ran {f['postgresql_baseline_ran']:.0f}, missed {f['postgresql_baseline_missed']:.0f} "
        f"of {f['postgresql_baseline_due']:.0f}"
    )


def report(figures: dict[str, float]) -> str:
    """The figures as printed by `make bench`."""
    f = figures
    verdict = "met" if f["ratio_p95"] <= TARGET and f["convflow_missed"] == 0 else "NOT met"
    store = "PostgreSQL on 127.0.0.1" if f.get("convflow_on_postgresql") else "SQLite file"
    same = [_postgres_baseline(f)] if f.get("convflow_on_postgresql") else []
    pg = []
    if "postgresql_ratio_p95" in f:
        g = {k.removeprefix("postgresql_"): v for k, v in f.items() if k.startswith("postgresql")}
        pg_met = g["ratio_p95"] <= TARGET and g["convflow_missed"] == 0
        pg = [
            f"  the same on PostgreSQL (127.0.0.1): p50 {_ms(g['convflow_p50'])}  "
            f"p95 {_ms(g['convflow_p95'])}  last {_ms(g['convflow_last'])}, queued "
            f"{g['convflow_queued']:.0f}, missed {g['convflow_missed']:.0f} (stored in "
            f"{g['convflow_load_seconds']:.0f} s)",
            _postgres_baseline(f),
            f"    convflow p95 / APScheduler p95, both on PostgreSQL = {g['ratio_p95']:.2f}x "
            f"(target <= {TARGET}x, 0 missed): {'met' if pg_met else 'NOT met'}; against "
            f"APScheduler on SQLite above: {g['ratio_p95_vs_sqlite_baseline']:.2f}x",
        ]
    return "\n".join([
        f"reminder lateness: {f['convflow_due']:.0f} reminders due in the same second among "
        f"{f['convflow_conventions']:.0f} conventions ({store})",
        f"  convflow serve: p50 {_ms(f['convflow_p50'])}  p95 {_ms(f['convflow_p95'])}  "
        f"last {_ms(f['convflow_last'])}  (due instant -> outbox row inserted)",
        f"    queued {f['convflow_queued']:.0f}, missed {f['convflow_missed']:.0f}; by the rows' "
        f"created_at (start of the pass): p50 {_ms(f['convflow_created_p50']).strip()}, "
        f"p95 {_ms(f['convflow_created_p95']).strip()}; "
        f"{f['convflow_conventions']:.0f} conventions stored in {f['convflow_load_seconds']:.0f} s",
        f"  APScheduler alone, defaults (misfire_grace_time=1, coalesce, 10 threads), "
        f"{f['baseline_jobs']:.0f} date jobs in SQLAlchemyJobStore:",
        f"    p50 {_ms(f['baseline_p50'])}  p95 {_ms(f['baseline_p95'])}  "
        f"last {_ms(f['baseline_last'])}  ran {f['baseline_ran']:.0f}, "
        f"missed {f['baseline_missed']:.0f} of {f['baseline_due']:.0f}",
        f"  APScheduler alone, misfire_grace_time=None: p50 {_ms(f['baseline_nograce_p50'])}  "
        f"p95 {_ms(f['baseline_nograce_p95'])}  ran {f['baseline_nograce_ran']:.0f}, "
        f"missed {f['baseline_nograce_missed']:.0f}",
        f"    add_job: {f['baseline_add_job_per_s']:.0f} jobs/s through the API "
        f"({f['baseline_add_job_seconds_for_all']:.0f} s for {f['baseline_jobs']:.0f}); "
        f"the store was filled with the same rows in one transaction "
        f"({f['baseline_load_seconds']:.0f} s)",
        *same,
        f"  convflow p95 / APScheduler p95 (the same backend) = {f['ratio_p95']:.2f}x (target "
        f"<= {TARGET}x, 0 missed): {verdict}; vs misfire_grace_time=None: "
        f"{f['ratio_p95_vs_nograce']:.2f}x; vs on SQLite: {f['ratio_p95_vs_sqlite_baseline']:.2f}x",
        *pg,
    ])  # fmt: skip


def main() -> None:
    """Command line: `python -m bench.reminder_lateness`."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--conventions", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--jobs", type=int, default=100_000, help="APScheduler date jobs")
    parser.add_argument("--lead", type=float, default=8.0, help="seconds before the due instant")
    parser.add_argument("--synchronous", default="full", choices=["full", "normal"],
                        help="the service's CONVFLOW_SQLITE_SYNCHRONOUS")  # fmt: skip
    parser.add_argument("--backend", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    args = parser.parse_args()
    figures = run(args.conventions, args.due, args.jobs, args.lead, args.synchronous,
                  tuple(args.backend))  # fmt: skip
    print(report(figures))
    sys.exit(0 if met(figures) else 1)


if __name__ == "__main__":
    main()


__all__ = ["TARGET", "met", "record_run", "report", "run"]
