"""Run tests as if it were another instant: `TESTS_CLOCK_AT=2026-12-31T23:30:00Z` with this
folder first on PYTHONPATH (README, "Tests at a fixed date"). Not used by `make test` nor CI.

Python imports `sitecustomize` at start-up, before anything else: convflow's real clock
(`workflow.bootstrap.utc_now`, `workflow.cli.context.utc_now`), APScheduler's and `time.time()`
then read the wall clock moved so that it said TESTS_CLOCK_AT when the first process started. The
shift is written back as TESTS_CLOCK_SHIFT, which the processes the tests start (`convflow
serve`, `convflow run-due`) inherit: they share the same moved clock instead of each starting
at TESTS_CLOCK_AT again. The monotonic clock, sleeps and timeouts are left alone (libfaketime
also moves them, and Python's threads then wait for ever or fail with EINVAL).
"""

from __future__ import annotations

import os


def _install() -> None:
    import datetime as dt
    import importlib
    import time

    shift = os.environ.get("TESTS_CLOCK_SHIFT")
    if shift is None:
        at = dt.datetime.fromisoformat(os.environ["TESTS_CLOCK_AT"].replace("Z", "+00:00"))
        if at.utcoffset() is None:
            raise SystemExit(f"TESTS_CLOCK_AT={at.isoformat()} needs its offset (Z or +01:00)")
        shift = str(at.timestamp() - time.time())
        os.environ["TESTS_CLOCK_SHIFT"] = shift
    seconds = float(shift)
    delta = dt.timedelta(seconds=seconds)
    real_now, real_time = dt.datetime.now, time.time

    class Moved(dt.datetime):
        """`datetime` whose now() reads the moved clock."""

        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            return real_now(tz) + delta

        @classmethod
        def today(cls) -> dt.datetime:  # type: ignore[override]
            return real_now() + delta

    time.time = lambda: real_time() + seconds
    for name in (
        "workflow.bootstrap", "workflow.cli.context", "apscheduler.schedulers.base",
        "apscheduler.triggers.date", "apscheduler.triggers.interval",
        "apscheduler.executors.base",
    ):  # fmt: skip
        module = importlib.import_module(name)
        if not isinstance(getattr(module, "datetime", None), type):
            raise SystemExit(f"{name} no longer reads datetime.now: update tests/clock_at")
        module.datetime = Moved  # type: ignore[attr-defined]


if os.environ.get("TESTS_CLOCK_AT") or os.environ.get("TESTS_CLOCK_SHIFT"):
    _install()
