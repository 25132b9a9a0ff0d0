"""Latency of the dashboard and the API over HTTP on loopback, with 100 000 conventions stored.

    python -m bench.http_pages [--conventions 100000] [--requests 300]
        [--backend sqlite postgresql]

Fills a SQLite file (WAL, synchronous=FULL as served), or a throw-away PostgreSQL database on
127.0.0.1 (`bench.postgres`; both by default, one after the other, printed side by side), with
`conventions` conventions in every state, with their parties, signatories, history and
deadlines, by Core `insert` executemany; starts `uvicorn --factory
workflow.http.server:from_environment` in its own process on 127.0.0.1 and a free port; signs
in like a browser; then times, one request at a time on a kept-alive connection:

- floor: `/api/v1/me` (authentication, routing, JSON: what every request pays);
- one convention's page (`/conventions/REF`, a different convention each time) and its JSON;
- the list filtered on deadlines within 30 days (`/conventions?due_within_days=30`) and its
  JSON, pages 1 to 5 in turn.

Targets (issue 5): p95 of a convention's page under 20 ms, of the filtered list under 50 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, insert

from bench import postgres
from states.deadlines import ComputedDeadline, expiry, payment_target, signature_target
from storage.engine import make_engine
from storage.mapping import clauses_to_json, deadline_details
from storage.migrate import upgrade
from storage.tables import (
    convention_table,
    deadline_table,
    event_table,
    party_table,
    signatory_table,
    signature_table,
)
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.settings import load_settings
from workflow.usecases.tokens import create_token

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
TARGETS = {"page": 20.0, "list": 50.0}  # p95, milliseconds
STATES = [  # (state, share): most conventions are in force, some not yet, some ended
    ("execution", 55), ("payment", 10), ("notification", 5), ("dispute", 4),
    ("termination", 3), ("litigation", 1), ("draft", 6), ("signature", 6), ("expired", 10),
]  # fmt: skip
IN_FORCE = {"notification", "payment", "execution", "dispute", "termination", "litigation"}
CHUNK = 5000


def _weighted_states(count: int, rng: random.Random) -> list[str]:
    names = [name for name, _ in STATES]
    weights = [share for _, share in STATES]
    return rng.choices(names, weights, k=count)


class Generator:
    """Rows of `count` synthetic conventions around `today`, shaped like the reference one."""

    def __init__(self, count: int, today: date, seed: int = 5) -> None:
        self.count, self.today = count, today
        self.rng = random.Random(seed)
        self.states = _weighted_states(count, self.rng)
        template = read_convention_file(EXAMPLE, payment_target_days=30, signature_target_days=7)
        self.clauses = clauses_to_json(template.clauses)
        self.now = datetime.combine(today, datetime.min.time(), UTC)
        self._explained: dict[tuple[str, date], ComputedDeadline] = {}

    def _deadline(self, kind: str, start: date) -> ComputedDeadline:
        key = (kind, start)
        if key not in self._explained:
            compute: Callable[[date], ComputedDeadline] = {
                "expiry": expiry,
                "payment": lambda d: payment_target(d, 30),
                "signature": lambda d: signature_target(d, 7),
            }[kind]
            self._explained[key] = compute(start)
        return self._explained[key]

    def _dates(self, state: str) -> dict[str, date | None]:
        # As the service keeps them: what has fallen due was applied or marked passed, so
        # pending deadlines lie ahead (the end of a convention in force, a recent target).
        end = self.today + timedelta(days=self.rng.randint(1, 700))
        if state == "expired":
            end = self.today - timedelta(days=self.rng.randint(1, 400))
        recent = state in ("signature", "payment")
        back = self.rng.randint(0, 6) if recent else self.rng.randint(60, 300)
        submitted = min(end, self.today) - timedelta(
            days=back + (0 if state == "signature" else 40)
        )
        signed = submitted + timedelta(days=self.rng.randint(1, 20))
        notified = self.today - timedelta(days=back) if state == "payment" else signed
        paid = notified + timedelta(days=self.rng.randint(1, 25))
        return {"end": end, "submitted": submitted, "signed": signed,
                "notified": notified, "paid": paid}  # fmt: skip

    def convention(self, i: int) -> tuple[dict[str, Any], dict[str, date | None]]:
        """The convention row of number `i`, and the dates its history uses."""
        state = self.states[i]
        dates = self._dates(state)
        in_force = state in IN_FORCE or state == "expired"
        notified = in_force and state != "notification"
        paid = notified and state != "payment"
        title = (
            f"Convention de partenariat n° {i} entre la Métropole Aix-Marseille-Provence et "
            f"l'association Quartiers {i % 997} pour l'action {i % 61} du contrat de ville"
        )
        row = {
            "id": i + 1, "reference": f"AMP-BENCH-{i:06d}", "title": title,
            "object": "Accompagnement des habitants des quartiers prioritaires (article 1).",
            "place": "Marseille", "amount": Decimal(f"{1000 + (i * 37) % 250000}.00"),
            "end_date": dates["end"], "clauses": self.clauses, "state": state, "version": 6,
            "submitted_on": dates["submitted"] if state != "draft" else None,
            "effective_date": dates["signed"] if in_force else None,
            "notified_on": dates["notified"] if notified else None,
            "paid_on": dates["paid"] if paid else None,
            "paid_amount": None, "dispute": None, "notice": None,
            "last_event_on": dates["paid"] if in_force else dates["submitted"],
            "created_at": self.now, "updated_at": self.now,
        }  # fmt: skip
        return row, dates

    def rows(self, i: int) -> dict[str, list[dict[str, Any]]]:
        """Every row of convention `i`, by table."""
        convention, dates = self.convention(i)
        cid, state = convention["id"], convention["state"]
        parties = [
            {"convention_id": cid, "key": "metropole", "position": 0,
             "name": "Métropole Aix-Marseille-Provence"},
            {"convention_id": cid, "key": f"assoc{i % 997}", "position": 1,
             "name": f"Association Quartiers {i % 997}"},
        ]  # fmt: skip
        signatories = [
            {"id": 2 * i + 1 + k, "convention_id": cid, "party_key": p["key"], "position": k,
             "name": f"Signataire {k} de {i}", "title": "Représentant légal",
             "email": f"s{k}.{i}@example.org"}
            for k, p in enumerate(parties)
        ]  # fmt: skip
        events: list[tuple[str, str | None, str, date | None]] = [
            ("import", None, "draft", dates["submitted"])
        ]
        if state != "draft":
            events.append(("submit", "draft", "signature", dates["submitted"]))
        signed = state not in ("draft", "signature")
        if signed:
            events += [("sign", "signature", "signature", dates["signed"]),
                       ("sign", "signature", "notification", dates["signed"])]  # fmt: skip
        history = [
            {"convention_id": cid, "seq": seq, "name": name, "from_state": src, "to_state": dst,
             "occurred_on": on, "recorded_at": self.now, "actor": "bench", "inputs": {}}
            for seq, (name, src, dst, on) in enumerate(events, start=1)
        ]  # fmt: skip
        signatures = (
            [{"convention_id": cid, "event_seq": 3 + k, "signatory_id": s["id"],
              "signed_on": dates["signed"], "recorded_at": self.now}
             for k, s in enumerate(signatories)] if signed else []
        )  # fmt: skip
        return {
            "convention": [convention],
            "party": parties,
            "signatory": signatories,
            "event": history,
            "signature": signatures,
            "deadline": self._deadlines(cid, state, dates, len(history)),
        }

    def _deadlines(
        self, cid: int, state: str, dates: dict[str, date | None], seq: int
    ) -> list[dict[str, Any]]:
        found: list[tuple[str, date, str]] = []
        if state == "signature":
            found.append(("signature", dates["submitted"] or self.today, "pending"))
        if state in IN_FORCE or state == "expired":
            found.append(("expiry", dates["end"] or self.today,
                          "applied" if state == "expired" else "pending"))  # fmt: skip
        if state == "payment":
            found.append(("payment", dates["notified"] or self.today, "pending"))
        return [self._deadline_row(cid, seq, kind, start, status) for kind, start, status in found]

    def _deadline_row(
        self, cid: int, seq: int, kind: str, start: date, status: str
    ) -> dict[str, Any]:
        computed = self._deadline(kind, start)
        return {
            "convention_id": cid, "opened_by_seq": seq, "kind": kind, "status": status,
            "trigger_date": computed.trigger_date, "raw_end": computed.raw_end,
            "due_date": computed.due_date, "expires_at": computed.expires_at,
            "explanation": computed.explanation, "details": deadline_details(computed),
            "created_at": self.now, "resolved_at": None if status == "pending" else self.now,
        }  # fmt: skip


TABLES = {
    "convention": convention_table, "party": party_table, "signatory": signatory_table,
    "event": event_table, "signature": signature_table, "deadline": deadline_table,
}  # fmt: skip


def fill(connection: Connection, generator: Generator) -> None:
    """Insert every generated row, a chunk of conventions at a time (Core executemany)."""
    for start in range(0, generator.count, CHUNK):
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        for i in range(start, min(start + CHUNK, generator.count)):
            for name, rows in generator.rows(i).items():
                batch[name] += rows
        for name, table in TABLES.items():
            if batch[name]:
                connection.execute(insert(table), batch[name])


def build_database(
    directory: Path, count: int, today: date, url: str | None = None
) -> tuple[str, str, float]:
    """A migrated database with `count` conventions (a SQLite file in `directory` unless `url`
    names another, empty one); its URL, an admin token, seconds taken."""
    url = url or f"sqlite:///{directory / 'bench.db'}"
    engine = make_engine(url, sqlite_synchronous="OFF")
    upgrade(engine)
    start = time.perf_counter()
    with engine.begin() as connection:
        fill(connection, Generator(count, today))
    with engine.begin() as connection:  # the planner's statistics, as a live database has them
        connection.exec_driver_sql("ANALYZE")
    seconds = time.perf_counter() - start
    engine.dispose()
    app = App.create(load_settings({"CONVFLOW_DATABASE_URL": url}))
    token = create_token(app, "bench", "admin", "bench", datetime.now(UTC))
    app.close()
    return url, token, seconds


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn in its own process on loopback, serving the database at `url`."""
    port = _free_port()
    env = {**os.environ, "CONVFLOW_DATABASE_URL": url}
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "workflow.http.server:from_environment",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/openapi.json", timeout=1)
            return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the bench server did not start")


def sign_in(client: httpx.Client, token: str) -> None:
    """Sign the client in like a browser: the form's nonce, then the token."""
    page = client.get("/connexion").text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page)
    assert nonce is not None
    answer = client.post("/connexion", data={"token": token, "nonce": nonce.group(1)})
    assert answer.status_code == 303, answer.status_code


def timed(client: httpx.Client, paths: Iterator[str], count: int, **headers: str) -> list[float]:
    """Milliseconds of each of `count` requests, after ten not counted (warm-up)."""
    samples = []
    for n in range(count + 10):
        path = next(paths)
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (path, response.status_code)
        if n >= 10:
            samples.append(elapsed)
    return samples


def _percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def measure(base: str, token: str, count: int, requests: int) -> dict[str, float]:
    """p50/p95 (ms) of each measured request."""
    rng = random.Random(7)
    in_force = [i for i, state in enumerate(_weighted_states(count, random.Random(5)))
                if state in IN_FORCE]  # fmt: skip
    references = (f"AMP-BENCH-{rng.choice(in_force):06d}" for _ in itertools.count())
    pages = itertools.cycle(range(1, 6))
    bearer = {"Authorization": f"Bearer {token}"}
    figures: dict[str, float] = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        sign_in(client, token)
        runs = {
            "floor_me": (itertools.repeat("/api/v1/me"), bearer),
            "page_html": ((f"/conventions/{r}" for r in references), {}),
            "page_json": ((f"/api/v1/conventions/{r}" for r in references), bearer),
            "list_html": ((f"/conventions?due_within_days=30&page={p}" for p in pages), {}),
            "list_json": ((f"/api/v1/conventions?due_within_days=30&page={p}" for p in pages),
                          bearer),
        }  # fmt: skip
        for name, (paths, headers) in runs.items():
            p50, p95 = _percentiles(timed(client, paths, requests, **headers))
            figures[f"{name}_p50_ms"], figures[f"{name}_p95_ms"] = p50, p95
        listed = client.get("/api/v1/conventions?due_within_days=30", headers=bearer).json()
        figures["list_matches"] = float(listed["total"])
    return figures


BACKENDS = ("sqlite", "postgresql")


def run(
    conventions: int = 100_000, requests: int = 300, backend: str = "sqlite"
) -> dict[str, float]:
    """Build the database, serve it, measure; the figures in milliseconds."""
    directory = Path(tempfile.mkdtemp(prefix="convflow-bench-http-"))
    try:
        if backend == "sqlite":
            return _run(directory, None, conventions, requests)
        reason = postgres.unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        with postgres.throwaway_database() as name:
            return _run(directory, postgres.url_of(name), conventions, requests)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _run(directory: Path, url: str | None, conventions: int, requests: int) -> dict[str, float]:
    url, token, fill_seconds = build_database(directory, conventions, datetime.now(UTC).date(), url)
    process, base = start_server(url)
    try:
        figures = measure(base, token, conventions, requests)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return {"conventions": float(conventions), "fill_seconds": fill_seconds, **figures}


def run_backends(
    backends: tuple[str, ...] = BACKENDS, conventions: int = 100_000, requests: int = 300
) -> dict[str, dict[str, float]]:
    """`run` on each backend, one after the other; the figures by backend."""
    return {backend: run(conventions, requests, backend) for backend in backends}


def report_backends(by_backend: dict[str, dict[str, float]]) -> str:
    """Each backend's figures, one block after the other."""
    return "\n".join(report(figures, backend) for backend, figures in by_backend.items())


def report(figures: dict[str, float], backend: str = "sqlite") -> str:
    """The figures as printed by `make bench`."""
    store = "SQLite" if backend == "sqlite" else "PostgreSQL (127.0.0.1)"

    def line(label: str, key: str, target: float | None = None) -> str:
        p50, p95 = figures[f"{key}_p50_ms"], figures[f"{key}_p95_ms"]
        text = f"  {label:<48} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
        if target is None:
            return text
        return text + f"  (target p95 < {target:.0f} ms: {'met' if p95 < target else 'MISSED'})"

    return "\n".join(
        [
            f"HTTP on loopback, one request at a time, {figures['conventions']:.0f} conventions"
            f" in {store} (filled in {figures['fill_seconds']:.0f} s)",
            line("floor: /api/v1/me (auth + routing + JSON)", "floor_me"),
            line("one convention's page (HTML)", "page_html", TARGETS["page"]),
            line("one convention (API JSON)", "page_json"),
            line(
                f"list, deadline within 30 days (HTML; {figures['list_matches']:.0f} match)",
                "list_html",
                TARGETS["list"],
            ),
            line("list, deadline within 30 days (API JSON)", "list_json"),
        ]
    )


def met(figures: dict[str, float]) -> bool:
    """True when both targets are met."""
    return (
        figures["page_html_p95_ms"] < TARGETS["page"]
        and figures["list_html_p95_ms"] < TARGETS["list"]
    )


def main() -> None:
    """Command line: `python -m bench.http_pages [--conventions N] [--requests N]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conventions", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per measure")
    parser.add_argument("--backend", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    args = parser.parse_args()
    figures = run_backends(tuple(args.backend), args.conventions, args.requests)
    print(report_backends(figures))
    sys.exit(0 if all(met(f) for f in figures.values()) else 1)


if __name__ == "__main__":
    main()
