"""The service's memory with 1 000 and with 100 000 conventions stored.

    python -m bench.service_memory [--small 1000] [--large 100000] [--passes 6]
        [--backend sqlite postgresql]

For each size, conventions in execution and their pending reminders are stored in a SQLite file
or a throw-away PostgreSQL database on 127.0.0.1 (see `bench.bulk`, `bench.postgres`; both by
default, measured one after the other and printed side by side), 100 of them with a reminder
already due; a real `convflow serve --no-http`
process (safety wake-up every second, emails to a folder) catches up on those at start, then
wakes up `passes` times in all. Its resident memory (VmRSS in /proc/<pid>/status) is read after
the last pass, with its peak (VmHWM). The small store is the baseline, measured in the same run.

Target (issue 3): the service's memory with 100 000 conventions at most 1.2x that with 1 000.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import bulk, postgres

TARGET = 1.2
DUE = 100
PASS_DONE = re.compile(rb"next wake-up (still )?at")
"""The end of a pass: said at the info level when the next wake-up changes, at the debug level
(which the measure sets) when a safety wake-up leaves it as it was."""
BACKENDS = ("sqlite", "postgresql")


@contextmanager
def database(folder: Path, backend: str, name: str) -> Iterator[str]:
    """An empty database of `backend` for one measure, its URL: a SQLite file in `folder`, or
    a throw-away PostgreSQL database dropped on leaving."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / name}"
        return
    reason = postgres.unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    with postgres.throwaway_database() as created:
        yield postgres.url_of(created)


def _status_kib(pid: int, field: str) -> float:
    """A `VmRSS`-like field of /proc/<pid>/status, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return float(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def service_memory(
    folder: Path, conventions: int, passes: int, backend: str = "sqlite"
) -> dict[str, float]:
    """Resident and peak memory (MiB) of `convflow serve` after `passes` passes."""
    with database(folder, backend, f"memory-{conventions}.db") as url:
        return _measure(folder, url, conventions, passes)


def _measure(folder: Path, url: str, conventions: int, passes: int) -> dict[str, float]:
    url, load_seconds = bulk.store_at(folder, url, conventions, DUE)
    assert bulk.set_due(url, datetime.now(UTC) - timedelta(minutes=1)) == DUE
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVFLOW_")}
    environment.update(
        CONVFLOW_DATABASE_URL=url, CONVFLOW_MAIL_DIR=str(folder / f"mail-{conventions}"),
        CONVFLOW_WAKE_INTERVAL="1", CONVFLOW_LOG_LEVEL="debug",
    )  # fmt: skip
    log = folder / f"memory-{conventions}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("convflow")), "serve", "--no-http"],
            env=environment, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while len(PASS_DONE.findall(log.read_bytes())) < passes:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not make {passes} passes:\n{log.read_text()}")
            time.sleep(0.05)
        rss, peak = _status_kib(process.pid, "VmRSS"), _status_kib(process.pid, "VmHWM")
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(60)
    sent = len(list((folder / f"mail-{conventions}").glob("*.eml")))
    if code != 0 or sent < DUE:
        raise RuntimeError(f"exit code {code}, {sent} emails written:\n{log.read_text()}")
    return {"rss_mib": rss / 1024, "peak_mib": peak / 1024, "load_seconds": load_seconds}


def run(
    small: int = 1_000, large: int = 100_000, passes: int = 6, backend: str = "sqlite"
) -> dict[str, float]:
    """Measure the service on both stores of one backend in the same run; the ratios large /
    small."""
    folder = Path(tempfile.mkdtemp(prefix="convflow-bench-memory-"))
    try:
        figures: dict[str, float] = {"small": small, "large": large, "passes": passes}
        for name, count in (("small", small), ("large", large)):
            for key, value in service_memory(folder, count, passes, backend).items():
                figures[f"{name}_{key}"] = value
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures["ratio_rss"] = figures["large_rss_mib"] / figures["small_rss_mib"]
    figures["ratio_peak"] = figures["large_peak_mib"] / figures["small_peak_mib"]
    return figures


def run_backends(
    backends: tuple[str, ...] = BACKENDS, small: int = 1_000, large: int = 100_000, passes: int = 6
) -> dict[str, dict[str, float]]:
    """`run` on each backend, one after the other; the figures by backend."""
    return {backend: run(small, large, passes, backend) for backend in backends}


def met(figures: dict[str, float]) -> bool:
    """Both ratios within the target."""
    return max(figures["ratio_rss"], figures["ratio_peak"]) <= TARGET


def report_backends(by_backend: dict[str, dict[str, float]]) -> str:
    """Each backend's figures, one block after the other."""
    return "\n".join(report(figures, backend) for backend, figures in by_backend.items())


def report(figures: dict[str, float], backend: str = "sqlite") -> str:
    """The figures as printed by `make bench`."""
    f = figures
    verdict = "met" if met(f) else "NOT met"
    store = "SQLite file" if backend == "sqlite" else "PostgreSQL on 127.0.0.1"
    return "\n".join([
        f"service memory ({store}): convflow serve --no-http after {f['passes']:.0f} passes "
        f"({DUE} reminders caught up at start)",
        f"  {f['small']:7.0f} conventions: RSS {f['small_rss_mib']:6.1f} MiB, "
        f"peak {f['small_peak_mib']:6.1f} MiB",
        f"  {f['large']:7.0f} conventions: RSS {f['large_rss_mib']:6.1f} MiB, "
        f"peak {f['large_peak_mib']:6.1f} MiB (stored in {f['large_load_seconds']:.0f} s)",
        f"  ratio: RSS {f['ratio_rss']:.2f}x, peak {f['ratio_peak']:.2f}x "
        f"(target <= {TARGET}x): {verdict}",
    ])  # fmt: skip


def main() -> None:
    """Command line: `python -m bench.service_memory`."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--passes", type=int, default=6)
    parser.add_argument("--backend", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    args = parser.parse_args()
    figures = run_backends(tuple(args.backend), args.small, args.large, args.passes)
    print(report_backends(figures))
    sys.exit(0 if all(met(f) for f in figures.values()) else 1)


if __name__ == "__main__":
    main()


__all__ = ["TARGET", "met", "report", "report_backends", "run", "run_backends"]
