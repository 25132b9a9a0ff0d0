"""How long a `convflow` command takes from the shell, beside the bare interpreter and beside
the same command with every module imported first, as the command line did before it imported
each command's modules when it ran (issue 15.4).

Each command runs in a fresh process, `runs` times, interleaved; the figure is the median wall
time. `status` reads the reference convention (with its 2025 history) from a database made
for the run; `deadline dispute` computes a 30-day window, the French public holidays looked up.

Target: `--help`, `status REF` and `deadline dispute` each start and finish in <= 0.3 s.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.service_memory import database

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
REFERENCE = "AMP-CRPV-PACA-2025"
TARGET_S = 0.3
PACKAGES = ("states", "storage", "workflow", "notifications")
"""convflow's own modules: byte-compiled before timing, as `pip install` does for a server
(examples/deploy) and `make install` for a checkout."""

COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "status REF": ["status", REFERENCE],
    "deadline dispute": ["deadline", "dispute", "--received", "2025-04-30"],
}

EAGER = (
    "import workflow.cli.conventions, workflow.cli.deadlines, workflow.cli.emails, "
    "workflow.cli.intake, workflow.cli.ops, workflow.cli.reading, workflow.cli.service, "
    "workflow.cli.tokens\n"
    "from states.calendar import holiday_subdivisions\n"
    "holiday_subdivisions()\n"
    "from workflow.cli import main\n"
    "main()"
)
"""The command as it started before (every command's module and the holiday tables imported
before anything else), to measure against in the same run."""


def _timed(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one run. Waited for with a blocking wait and a watchdog that kills a hung
    run: `subprocess.run(timeout=...)` polls with sleeps growing to 50 ms, which rounded every
    figure up to the next of 63, 113, 163... ms (this benchmark's figures until 5 December
    2026 night)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    watchdog = threading.Timer(120, process.kill)
    watchdog.start()
    try:
        code = process.wait()
    finally:
        watchdog.cancel()
    elapsed = time.perf_counter() - start
    if code != 0:
        raise subprocess.CalledProcessError(code, argv)
    return elapsed


def _database(url: str) -> dict[str, str]:
    """An environment whose database holds the reference convention with its history."""
    env = {**os.environ, "CONVFLOW_DATABASE_URL": url}
    for args in (["init"], ["import", str(EXAMPLE)]):
        subprocess.run([sys.executable, "-m", "workflow.cli", *args], env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip
    return env


def byte_compiled() -> None:
    """Write convflow's modules' bytecode (`__pycache__`) where it is missing or stale. Without
    it, where PYTHONDONTWRITEBYTECODE is set (as on this project's machines) every command
    compiled every module it imports from source, each time: 60-70 ms of a `status` (measured
    6 December 2026), which an installed convflow never pays."""
    for package in PACKAGES:
        compileall.compile_dir(ROOT / package, quiet=1)


def run(runs: int = 15, backend: str = "sqlite") -> dict[str, float]:
    """Median wall times in seconds: the bare interpreter, then each command lazy and eager,
    the reference convention stored on `backend`, convflow's modules byte-compiled."""
    byte_compiled()
    with (
        tempfile.TemporaryDirectory(prefix="convflow-bench-") as directory,
        database(Path(directory), backend, "convflow.db") as url,
    ):
        env = _database(url)
        argvs = {"python -c pass": [sys.executable, "-c", "pass"]}
        for name, args in COMMANDS.items():
            argvs[name] = [sys.executable, "-m", "workflow.cli", *args]
            argvs[f"{name} (eager)"] = [sys.executable, "-c", EAGER, *args]
        samples: dict[str, list[float]] = {name: [] for name in argvs}
        for _ in range(runs):
            for name, argv in argvs.items():
                samples[name].append(_timed(argv, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def run_backends(backends: tuple[str, ...], runs: int = 15) -> dict[str, dict[str, float]]:
    """`run` on each backend, one after the other; the figures by backend."""
    return {backend: run(runs, backend) for backend in backends}


def report_backends(by_backend: dict[str, dict[str, float]]) -> str:
    """Each backend's figures, one block after the other."""
    return "\n".join(report(figures, backend) for backend, figures in by_backend.items())


def met(figures: dict[str, float]) -> bool:
    """Every command within TARGET_S."""
    return all(figures[name] <= TARGET_S for name in COMMANDS)


def report(figures: dict[str, float], backend: str = "sqlite") -> str:
    """The figures as printed by `make bench`."""
    bare = figures["python -c pass"]
    store = "SQLite file" if backend == "sqlite" else "PostgreSQL on 127.0.0.1"
    lines = [
        f"convflow command start to finish ({store}), median wall time (fresh process each; "
        f"target <= {TARGET_S:.1f} s)",
        f"  python -c pass                 {bare * 1000:6.0f} ms",
    ]
    for name in COMMANDS:
        now, eager = figures[name], figures[f"{name} (eager)"]
        verdict = "met" if now <= TARGET_S else "missed"
        lines.append(
            f"  convflow {name:<21} {now * 1000:6.0f} ms  ({now / bare:4.1f}x the bare "
            f"interpreter; every module imported first: {eager * 1000:5.0f} ms, "
            f"{now / eager:.2f}x of it): {verdict}"
        )
    return "\n".join(lines)


def main() -> None:
    """Command line: `python -m bench.cli_startup [--runs N]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (median)")
    print(report(run(parser.parse_args().runs)))


if __name__ == "__main__":
    main()
