"""The due pass shared by 1, 2 and 4 services on one PostgreSQL database.

    python -m bench.scaling [--conventions 100000] [--due 20000] [--services 1 2 4] [--quick]
        [--rounds 1]

`conventions` conventions in execution and their pending reminders are copied into a PostgreSQL
database (see `bench.bulk`, the same copy the other service benchmarks use), kept as a
template; for each number of services a throw-away copy of it is made, `due` of its
conventions get their J-7 reminder planned at the same instant D a few seconds ahead, and that
many `convflow serve --no-http` processes are started on it (safety wake-up every hour, so each
wakes for D by its own plan). Measured: from D until no reminder planned at D is still planned
(every one queued to the outbox or coalesced, polled every 50 ms), i.e. the due pass's work
done, shared by the services however they split it.

Delivery is held out of the measure: the services' mail server is a closed port on loopback,
so each delivery attempt fails at once and waits its retry delay; the outbox rows are checked
instead (one email per reminder and recipient list, none twice).

CPU: each service's user+system time from /proc/<pid>/stat, and the whole machine's busy time
from /proc/stat over the same interval (PostgreSQL's backends are the rest, beside whatever
else runs on the machine), to tell whether the pass is CPU-bound: with 2 cores, a machine busy
close to 200 % during the pass has no core left for another service.

Target (issue 15.5): 2 services at least 1.6x as fast as one (the 1-service run is the
baseline, measured in the same run).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench import bulk, postgres
from bench.polling import wait_for

TARGET = 1.6
READY = b"nothing planned"
"""What a service logs when its first pass found nothing due: it then waits for D."""
PLANNED = b"next wake-up at"


def closed_port() -> int:
    """A loopback port nothing listens on (connections to it are refused at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine_busy_seconds() -> tuple[float, float]:
    """The machine's (busy, total) CPU seconds since boot, every core summed (/proc/stat)."""
    fields = [float(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / ticks, sum(fields[:8]) / ticks


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (/proc/<pid>/stat)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (float(fields[11]) + float(fields[12])) / os.sysconf("SC_CLK_TCK")


def service_environment(url: str, folder: Path, wake: int, lease: int) -> dict[str, str]:
    """The settings of a benchmark's service: the database, a mail server that refuses."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVFLOW_")}
    environment.update(
        CONVFLOW_DATABASE_URL=url, CONVFLOW_MAIL_DIR=str(folder / "mail"),
        CONVFLOW_WAKE_INTERVAL=str(wake), CONVFLOW_CLAIM_LEASE_SECONDS=str(lease),
        CONVFLOW_MAIL_FROM="convflow <convflow@bench.convflow.local>",
        CONVFLOW_SERVICE_CONTACT="bench@bench.convflow.local",
        CONVFLOW_SMTP_HOST="127.0.0.1", CONVFLOW_SMTP_PORT=str(closed_port()),
    )  # fmt: skip
    return environment


def start_service(environment: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """One `convflow serve --no-http` process, its output in `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(Path(sys.executable).with_name("convflow")), "serve", "--no-http"],
            env=environment, stdin=subprocess.DEVNULL, stdout=output, stderr=output,
        )  # fmt: skip


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each service this benchmark started, then wait for it."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(folder: Path, template: str, services: int, due: int, lead: float) -> dict[str, float]:
    """`services` services on a fresh copy of the template, `due` reminders falling at D."""
    with postgres.throwaway_database(template) as name:
        url = postgres.url_of(name)
        at = datetime.fromtimestamp(int(time.time() + lead) + 1, UTC)
        assert bulk.set_due(url, at) == due
        environment = service_environment(url, folder, wake=3600, lease=900)
        logs = [folder / f"scaling-{services}-{k}.log" for k in range(services)]
        processes = [start_service(environment, log) for log in logs]
        try:
            wait_for(lambda: all(READY in log.read_bytes() or PLANNED in log.read_bytes()
                              for log in logs) or any(p.poll() is not None for p in processes),
                  lead, "every service's first pass")  # fmt: skip
            if time.time() >= at.timestamp() or any(p.poll() is not None for p in processes):
                raise RuntimeError("a service exited or started after D:\n" + logs[0].read_text())
            with psycopg.connect(postgres.dsn_of(url), autocommit=True) as db:

                def waiting() -> int:
                    row = db.execute(
                        "SELECT count(*) FROM reminder WHERE status = 'planned' "
                        "AND planned_at = %s",
                        (at,),
                    ).fetchone()
                    return int(row[0]) if row else 0

                assert waiting() == due
                time.sleep(max(at.timestamp() - time.time(), 0))
                started = time.time()
                busy0, total0 = machine_busy_seconds()
                cpu0 = [process_cpu_seconds(p.pid) for p in processes]
                wait_for(lambda: waiting() == 0, 1800, "the due reminders")
                elapsed = time.time() - started
                busy1, total1 = machine_busy_seconds()
                cpu1 = [process_cpu_seconds(p.pid) for p in processes]
                queued, distinct = db.execute(
                    "SELECT count(*), count(DISTINCT idempotency_key) FROM outbox "
                    "WHERE kind LIKE 'reminder%%'"
                ).fetchone() or (0, 0)

                def by_service() -> list[int]:  # each pass logs what it did once it ends
                    return [log.read_bytes().count(b": reminder expiry ") for log in logs]

                wait_for(lambda: sum(by_service()) >= due, 120, "the services' logs")
                shares = by_service()
        finally:
            stop(processes)
    cores = os.cpu_count() or 1
    return {
        "services": services,
        "seconds": elapsed,
        "per_s": due / elapsed,
        "service_cpu": sum(b - a for a, b in zip(cpu0, cpu1, strict=True)),
        "machine_busy": (busy1 - busy0) / (total1 - total0) if total1 > total0 else 0.0,
        "cores": cores,
        "queued": queued,
        "distinct": distinct,
        "share_min": min(shares) / max(sum(shares), 1),
        "share_max": max(shares) / max(sum(shares), 1),
    }


def run(
    conventions: int = 100_000, due: int = 20_000, counts: tuple[int, ...] = (1, 2, 4),
    lead: float = 20.0, rounds: int = 1,
) -> dict[str, float]:  # fmt: skip
    """Store the template once, then measure each number of services on a copy of it, `rounds`
    times in turn."""
    reason = postgres.unavailable_reason()
    if reason:
        raise RuntimeError(reason)
    folder = Path(tempfile.mkdtemp(prefix="convflow-bench-scaling-"))
    figures: dict[str, float] = {"conventions": conventions, "due": due}
    try:
        with postgres.throwaway_database() as template:
            _, figures["load_seconds"] = bulk.store_at(
                folder, postgres.url_of(template), conventions, due
            )
            for round_ in range(rounds):
                for count in counts:
                    measured = measure(folder, template, count, due, lead)
                    figures[f"s{count}_r{round_}_seconds"] = measured["seconds"]
                    # Of several rounds, the fastest is kept: the one least slowed by whatever
                    # else the shared machine ran meanwhile (every round is printed).
                    if measured["seconds"] < figures.get(f"s{count}_seconds", float("inf")):
                        for key, value in measured.items():
                            figures[f"s{count}_{key}"] = value
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures["rounds"] = rounds
    base = figures[f"s{counts[0]}_seconds"]
    for count in counts:
        figures[f"s{count}_ratio"] = base / figures[f"s{count}_seconds"]
    return figures


def met(figures: dict[str, float]) -> bool:
    """2 services at least TARGET times as fast as one, each reminder queued once."""
    counts = [k for k in (1, 2, 4) if f"s{k}_seconds" in figures]
    once = all(figures[f"s{k}_queued"] == figures[f"s{k}_distinct"] for k in counts)
    return once and figures.get("s2_ratio", 0.0) >= TARGET


def report(figures: dict[str, float]) -> str:
    """The figures as printed by `make bench`."""
    f = figures
    lines = [
        f"scaling out: the due pass queueing {f['due']:.0f} reminders due at the same instant, "
        f"{f['conventions']:.0f} conventions in one PostgreSQL database (127.0.0.1; stored in "
        f"{f['load_seconds']:.0f} s), 1 to N `convflow serve` processes",
    ]
    for k in (1, 2, 4):
        if f"s{k}_seconds" not in f:
            continue
        busy = f[f"s{k}_machine_busy"]
        lines.append(
            f"  {k} service{'s' if k > 1 else ' '}: {f[f's{k}_seconds']:6.1f} s "
            f"({f[f's{k}_per_s']:5.0f} reminders/s, {f[f's{k}_ratio']:.2f}x one); "
            f"services' CPU {f[f's{k}_service_cpu']:5.1f} s; "
            f"machine busy {busy * 100:3.0f} % of its {f[f's{k}_cores']:.0f} cores"
            f"{' (CPU-bound)' if busy >= 0.9 else ''}; "
            f"share of the reminders per service {f[f's{k}_share_min'] * 100:.0f}-"
            f"{f[f's{k}_share_max'] * 100:.0f} %; "
            f"queued {f[f's{k}_queued']:.0f} ({f[f's{k}_distinct']:.0f} distinct)"
        )
        if f.get("rounds", 1) > 1:
            each = ", ".join(f"{f[f's{k}_r{r}_seconds']:.1f}" for r in range(int(f["rounds"])))
            lines[-1] += f"; the fastest of {f['rounds']:.0f} rounds: {each} s"
    verdict = "met" if met(f) else "NOT met"
    lines.append(
        f"  2 services / 1 = {f.get('s2_ratio', 0.0):.2f}x (target >= {TARGET}x, each reminder "
        f"queued once): {verdict}"
    )
    return "\n".join(lines)


def main() -> None:
    """Command line: `python -m bench.scaling`."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--conventions", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=20_000, help="reminders due at the instant")
    parser.add_argument("--services", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--quick", action="store_true", help="10 000 conventions, 2 000 due")
    parser.add_argument("--rounds", type=int, default=1, help="measures of each, in turn")
    args = parser.parse_args()
    conventions, due = (10_000, 2_000) if args.quick else (args.conventions, args.due)
    figures = run(conventions, due, tuple(args.services), rounds=args.rounds)
    print(report(figures))
    sys.exit(0 if met(figures) else 1)


if __name__ == "__main__":
    main()


__all__ = ["TARGET", "met", "report", "run"]
