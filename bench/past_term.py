"""The conventions list when many conventions are past their term, their expiry not yet recorded.

    python -m bench.past_term [--conventions 10000] [--rounds 3] [--backend sqlite postgresql]
        [--quick]

The service down over a term (1 January, say) leaves the conventions whose term has passed in
force, their expiry pending, until its next pass: the lists then read, for each, whether an
extension in signature holds its expiry (rule 27). Fills a database with `conventions`
conventions of `bench.http_pages`'s generator (a SQLite file, or a throw-away PostgreSQL
database on 127.0.0.1, `bench.postgres`), one in fifty of those past the term with an
extension in signature; then times, in the same process and the same run, alternated,
`all_conventions` (every convention, what the exports and the unfiltered list read):

- baseline: at the instant the database was filled for (no term passed: the normal case);
- past term: 210 days later, the service not having run (about 30 % of the conventions in
  force are past their term, their expiry pending);
- and, for the record, what reading those past the term one at a time costs (the former
  `_held_expiries`: one convention and its open amendment per statement).

Target: the past-term list within 1.5 times the baseline.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench import postgres
from bench.http_pages import IN_FORCE, build_database
from states.amendments import Amendment
from states.calendar import end_of_day
from storage.queries import ConventionFilter
from storage.tables import convention_table
from workflow.bootstrap import App
from workflow.settings import load_settings
from workflow.usecases.listing import all_conventions

TARGET = 1.5
"""The past-term list's time at most this many times the normal list's."""
LATER = timedelta(days=210)
EXTENDED_ONE_IN = 50
BACKENDS = ("sqlite", "postgresql")


def _add_extensions(app: App, today: date, now: datetime) -> int:
    """An extension in signature for one in `EXTENDED_ONE_IN` of the conventions in force
    whose term has passed at `now`; how many are past their term."""
    c = convention_table.c
    with app.uow() as uow:
        query = select(c.id, c.end_date, c.state).order_by(c.id)
        rows = [r for r in uow.connection.execute(query) if r.state in IN_FORCE]
        past = [r for r in rows if end_of_day(r.end_date) <= now]
        for row in past[::EXTENDED_ONE_IN]:
            new_end = (row.end_date + timedelta(days=180)).isoformat()
            amendment = Amendment(1, "signature", {"end_date": new_end}, today, today)
            uow.amendments.add(row.id, amendment, now)
        uow.commit()
    return len(past)


def _one_by_one(app: App, now: datetime) -> float:
    """Seconds to read, one statement each, the conventions past their term and their open
    amendment (what the list did before it read them together)."""
    with app.uow(read_only=True) as uow:
        rows = uow.listing.every(ConventionFilter(), now)
        start = time.perf_counter()
        for row in rows:
            if row.state not in IN_FORCE or now < end_of_day(row.end_date):
                continue
            uow.conventions.get(row.reference)
            uow.amendments.open_one(uow.conventions.id_of(row.reference))
        return time.perf_counter() - start


def _timed(app: App, now: datetime) -> float:
    start = time.perf_counter()
    all_conventions(app, ConventionFilter(), now)
    return time.perf_counter() - start


def measure(url: str, today: date, rounds: int) -> dict[str, float]:
    """Median seconds of the list at `today` and 210 days later, alternated `rounds` times."""
    app = App.create(load_settings({"CONVFLOW_DATABASE_URL": url}))
    try:
        normal_at = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=10)
        later = normal_at + LATER
        past = _add_extensions(app, today, later)
        normal, past_term, single = [], [], []
        _timed(app, normal_at)  # warm-up: the statements prepared, the pages cached
        for _ in range(rounds):
            normal.append(_timed(app, normal_at))
            past_term.append(_timed(app, later))
            single.append(_one_by_one(app, later))
    finally:
        app.close()
    return {
        "past_term": float(past),
        "normal_s": statistics.median(normal),
        "past_term_s": statistics.median(past_term),
        "one_by_one_s": statistics.median(single),
    }


def run(conventions: int, rounds: int, backend: str) -> dict[str, float]:
    """Build the database, measure; the figures in seconds."""
    directory = Path(tempfile.mkdtemp(prefix="convflow-bench-past-term-"))
    today = datetime.now(UTC).date()
    try:
        if backend == "sqlite":
            url, _, _ = build_database(directory, conventions, today)
            return {"conventions": float(conventions), **measure(url, today, rounds)}
        reason = postgres.unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        with postgres.throwaway_database() as name:
            url, _, _ = build_database(directory, conventions, today, postgres.url_of(name))
            return {"conventions": float(conventions), **measure(url, today, rounds)}
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def report(figures: dict[str, float], backend: str) -> str:
    """The figures, and the ratios to the normal list measured in the same run."""
    store = "SQLite" if backend == "sqlite" else "PostgreSQL (127.0.0.1)"
    normal = figures["normal_s"]
    ratio = figures["past_term_s"] / normal
    verdict = "met" if ratio <= TARGET else "MISSED"
    return "\n".join(
        [
            f"all_conventions, {figures['conventions']:.0f} conventions in {store}, "
            f"{figures['past_term']:.0f} past their term (median of the rounds)",
            f"  baseline, no term passed          {normal * 1000:8.0f} ms   1.00x",
            f"  past term, expiry pending         {figures['past_term_s'] * 1000:8.0f} ms  "
            f"{ratio:5.2f}x  (target <= {TARGET}x: {verdict})",
            f"  (those past term read one by one: {figures['one_by_one_s'] * 1000:8.0f} ms  "
            f"{figures['one_by_one_s'] / normal:5.2f}x the baseline, on top of it, the former way)",
        ]
    )


def met(figures: dict[str, float]) -> bool:
    """True when the past-term list is within the target of the normal one."""
    return figures["past_term_s"] / figures["normal_s"] <= TARGET


def main(argv: list[str] | None = None) -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--conventions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds, median kept")
    parser.add_argument("--backend", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--quick", action="store_true", help="2 000 conventions, SQLite only")
    args = parser.parse_args(argv)
    backends: tuple[str, ...] = tuple(args.backend)
    if args.quick:
        args.conventions, backends = 2_000, ("sqlite",)
    elif "postgresql" in backends and (reason := postgres.unavailable_reason()):
        print(f"PostgreSQL skipped: {reason}")
        backends = tuple(b for b in backends if b != "postgresql")
    results: dict[str, Any] = {}
    for backend in backends:
        results[backend] = run(args.conventions, args.rounds, backend)
        print(report(results[backend], backend), flush=True)
    sys.exit(0 if all(met(f) for f in results.values()) else 1)


if __name__ == "__main__":
    main()
