"""The service's memory with 1 000 and with 100 000 conventions stored.

    python -m bench.service_memory [--small 1000] [--large 100000] [--passes 6]

For each size, conventions in execution and their pending reminders are stored in a SQLite file
(see `bench.bulk`), 100 of them with a reminder already due; a real `convflow serve --no-http`
process (safety wake-up every second, emails to a folder) catches up on those at start, then
wakes up `passes` times in all. Its resident memory (VmRSS in /proc/<pid>/status) is read after
the last pass, with its peak (VmHWM). The small store is the baseline, measured in the same run.

Target (issue 3): the service's memory with 100 000 conventions at most 1.2x that with 1 000.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import bulk

TARGET = 1.2
DUE = 100
PASS_DONE = b"next wake-up at"


def _status_kib(pid: int, field: str) -> float:
    """A `VmRSS`-like field of /proc/<pid>/status, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return float(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def service_memory(folder: Path, conventions: int, passes: int) -> dict[str, float]:
    """Resident and peak memory (MiB) of `convflow serve` after `passes` passes."""
    url, load_seconds = bulk.store(folder, f"memory-{conventions}.db", conventions, DUE)
    assert bulk.set_due(url, datetime.now(UTC) - timedelta(minutes=1)) == DUE
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVFLOW_")}
    environment.update(
        CONVFLOW_DATABASE_URL=url, CONVFLOW_MAIL_DIR=str(folder / f"mail-{conventions}"),
        CONVFLOW_WAKE_INTERVAL="1",
    )  # fmt: skip
    log = folder / f"memory-{conventions}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("convflow")), "serve", "--no-http"],
            env=environment, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while log.read_bytes().count(PASS_DONE) < passes:
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


def run(small: int = 1_000, large: int = 100_000, passes: int = 6) -> dict[str, float]:
    """Measure the service on both stores in the same run; the ratios large / small."""
    folder = Path(tempfile.mkdtemp(prefix="convflow-bench-memory-"))
    try:
        figures: dict[str, float] = {"small": small, "large": large, "passes": passes}
        for name, count in (("small", small), ("large", large)):
            for key, value in service_memory(folder, count, passes).items():
                figures[f"{name}_{key}"] = value
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures["ratio_rss"] = figures["large_rss_mib"] / figures["small_rss_mib"]
    figures["ratio_peak"] = figures["large_peak_mib"] / figures["small_peak_mib"]
    return figures


def report(figures: dict[str, float]) -> str:
    """The figures as printed by `make bench`."""
    f = figures
    verdict = "met" if f["ratio_rss"] <= TARGET and f["ratio_peak"] <= TARGET else "NOT met"
    return "\n".join([
        f"service memory: convflow serve --no-http after {f['passes']:.0f} passes "
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
    args = parser.parse_args()
    print(report(run(args.small, args.large, args.passes)))


if __name__ == "__main__":
    main()


__all__ = ["TARGET", "report", "run"]
