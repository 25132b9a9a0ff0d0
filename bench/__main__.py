"""`make bench`: run every benchmark, each beside its baseline measured in the same run.

`python -m bench` runs them all; `python -m bench transitions smtp lateness memory http
pastterm spreadsheet cli scaling failover` runs those named. Exits 1 when a target is missed.
`lateness`, `memory`, `http`, `pastterm`, `spreadsheet` and `cli` also measure on the
PostgreSQL server of `bench.postgres` when it answers;
`scaling` and `failover` need it, and say they were skipped without it.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from bench import (
    cli_startup,
    failover,
    http_pages,
    past_term,
    postgres,
    reminder_lateness,
    scaling,
    service_memory,
    smtp_throughput,
    spreadsheet_import,
    transitions,
)


def _transitions() -> tuple[str, bool]:
    rates = transitions.run()
    return transitions.report(rates), transitions.met(rates)


def _smtp() -> tuple[str, bool]:
    figures = smtp_throughput.run(count=2000, batch=100)
    return smtp_throughput.report(figures), figures["convflow_per_s"] >= smtp_throughput.TARGET


def _backends() -> tuple[str, ...]:
    """SQLite, and PostgreSQL when its server answers (as `transitions` does, said once)."""
    return ("sqlite",) if postgres.unavailable_reason() else ("sqlite", "postgresql")


def _lateness() -> tuple[str, bool]:
    figures = reminder_lateness.run(backends=_backends())
    return reminder_lateness.report(figures), reminder_lateness.met(figures)


def _memory() -> tuple[str, bool]:
    figures = service_memory.run_backends(_backends())
    met = all(service_memory.met(f) for f in figures.values())
    return service_memory.report_backends(figures), met


def _http() -> tuple[str, bool]:
    figures: dict[str, Any] = http_pages.run_backends(_backends())
    return http_pages.report_backends(figures), all(http_pages.met(f) for f in figures.values())


def _past_term() -> tuple[str, bool]:
    figures = {b: past_term.run(10_000, 3, b) for b in _backends()}
    report = "\n".join(past_term.report(f, b) for b, f in figures.items())
    return report, all(past_term.met(f) for f in figures.values())


def _spreadsheet() -> tuple[str, bool]:
    figures = spreadsheet_import.run_backends(_backends())
    met = all(spreadsheet_import.met(f) for f in figures.values())
    return spreadsheet_import.report_backends(figures), met


def _cli() -> tuple[str, bool]:
    figures = cli_startup.run_backends(_backends())
    return cli_startup.report_backends(figures), all(cli_startup.met(f) for f in figures.values())


def _scaling() -> tuple[str, bool]:
    if reason := postgres.unavailable_reason():  # its target is about PostgreSQL only
        return f"scaling: SKIPPED, {reason}", True
    figures = scaling.run()
    return scaling.report(figures), scaling.met(figures)


def _failover() -> tuple[str, bool]:
    if reason := postgres.unavailable_reason():
        return f"failover: SKIPPED, {reason}", True
    figures = failover.run()
    return failover.report(figures), failover.met(figures)


BENCHMARKS: dict[str, tuple[Callable[[], tuple[str, bool]], str]] = {
    "transitions": (
        _transitions,
        "durable transitions/s against the replay of convflow's own statements",
    ),
    "smtp": (_smtp, "emails/s accepted by a local aiosmtpd, against smtplib"),
    "lateness": (_lateness, "p95 lateness of 1 000 reminders due at once, against APScheduler"),
    "memory": (_memory, "the service's memory with 1 000 and 100 000 conventions"),
    "http": (_http, "page and API latency over loopback, 100 000 conventions"),
    "pastterm": (_past_term, "the list of 10 000 conventions, 23 % past their term, against none"),
    "spreadsheet": (_spreadsheet, "a 10 000-row import, against one process per convention"),
    "cli": (_cli, "a convflow command from the shell, start to finish"),
    "scaling": (_scaling, "the due pass shared by 1, 2 and 4 services (PostgreSQL)"),
    "failover": (_failover, "kill -9 of a service in the middle of delivery (PostgreSQL)"),
}


def parser() -> argparse.ArgumentParser:
    """`python -m bench --help`: what each benchmark measures, and what the exit code says."""
    listing = "\n".join(f"  {name:<12} {about}" for name, (_, about) in BENCHMARKS.items())
    return argparse.ArgumentParser(
        prog="python -m bench",
        description=textwrap.fill(
            "Run convflow's benchmarks, each beside a baseline measured in the same run, and "
            "print the ratios. Exit status: 0 when every target is met, 1 when one is missed, "
            "2 for an unknown name. Each runs alone too, with its own options: python -m "
            "bench.reminder_lateness --help, for instance.",
            width=79,
        ),
        epilog=f"benchmarks (all of them when none is named):\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all by default), print their figures, 1 if a target is missed."""
    command_line = parser()
    command_line.add_argument("names", nargs="*", metavar="BENCHMARK", help="benchmarks to run")
    names: list[str] = command_line.parse_args(argv).names
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        command_line.error(
            f"unknown benchmark(s): {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})"
        )
    missed = []
    for name in names or list(BENCHMARKS):
        text, met = BENCHMARKS[name][0]()
        print(text, end="\n\n")
        if not met:
            missed.append(name)
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
