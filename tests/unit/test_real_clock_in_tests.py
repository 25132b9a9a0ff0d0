"""No test reads the real clock unless it says why: a test on the real clock passes or fails with
the day CI starts it (a weekly reminder on Christmas goes out on the 24th; at 23:30 UTC on
31 December it is already 1 January in Paris).

A test's "now" is a fixed clock: `clock` (tests/conftest.py, `FixedClock`) for the service layer,
`cli_clock` (tests/e2e/conftest.py) for the command line, `--now` for a command run as a process.
The few that must read the real clock (the service run as a real process, a server's real
timeouts, "is in the future") are listed below with their reason; a new one is refused until it is
listed. To try the suite at a risky instant, see README, "Tests at a fixed date".
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

REAL_CLOCK = {
    ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"), ("date", "today"),
    ("time", "time"), ("time", "localtime"), ("time", "gmtime"),
}  # fmt: skip
"""Calls that read the wall clock (time.monotonic measures durations and is not one)."""
REAL_CLOCK_FUNCTIONS = {"utc_now"}
"""convflow's own real clock (workflow.bootstrap, workflow.cli.context), called directly."""

ALLOWED: dict[str, tuple[int, str]] = {
    "processes/conventions.py": (4, "the service runs as a real process, on the real clock"),
    "processes/test_serve.py": (1, "a reminder due seconds from now, sent by the real service"),
    "processes/test_killed_partly_held.py": (
        1,
        "the service, killed and restarted, runs on the real clock",
    ),
    "processes/mail.py": (1, "when each email really reached the server"),
    "faults/test_hung_mail_server.py": (1, "a reminder due seconds from now, real timeouts"),
    "integration/test_outbox_claims.py": (2, "claims' leases are renewed in real time"),
    "e2e/test_simulate.py": (1, "reads the command line's clock, fixed by cli_clock"),
    "clock_at/sitecustomize.py": (1, "the moved clock itself: how far TESTS_CLOCK_AT is"),
    "e2e/test_first_minute.py": (1, "the shift of tests/clock_at its processes share"),
}
"""Test modules (from tests/) that read the real clock, how many times, and why."""


def _called_name(call: ast.Call) -> tuple[str, ...]:
    """`datetime.now(...)` → ("datetime", "now"); `utc_now()` → ("utc_now",);
    `cli_context.utc_now()` → ("cli_context", "utc_now")."""
    func = call.func
    if isinstance(func, ast.Name):
        return (func.id,)
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name):
            return (owner.id, func.attr)
        if isinstance(owner, ast.Attribute):  # datetime.datetime.now()
            return (owner.attr, func.attr)
    return ()


def real_clock_reads(source: str) -> list[int]:
    """The lines of `source` that call the real clock."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name[-2:] in REAL_CLOCK or (name and name[-1] in REAL_CLOCK_FUNCTIONS):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_finder_sees_each_way_a_test_reads_the_real_clock() -> None:
    source = (
        "import datetime as dt\nfrom datetime import date, datetime\nimport time\n"
        "a = datetime.now(UTC)\nb = date.today()\nc = dt.datetime.now()\nd = time.time()\n"
        "e = utc_now()\nf = cli_context.utc_now()\ng = time.monotonic()\nh = clock()\n"
        "i = datetime.fromisoformat('2026-12-31T23:30:00+00:00')\n"
    )
    assert real_clock_reads(source) == [4, 5, 6, 7, 8, 9]


def test_no_test_reads_the_real_clock_unless_it_is_listed_with_its_reason() -> None:
    found: Counter[str] = Counter()
    for path in sorted(TESTS.rglob("*.py")):
        name = path.relative_to(TESTS).as_posix()
        if path == Path(__file__):
            continue
        found[name] = len(real_clock_reads(path.read_text(encoding="utf-8")))
    unlisted = {name: n for name, n in found.items() if n and name not in ALLOWED}
    assert unlisted == {}, (
        "these tests read the real clock: give them the fixed clock (`clock`, `cli_clock`, "
        "--now), or list them in ALLOWED with the reason they must not"
    )
    changed = {name: (found[name], n) for name, (n, _) in ALLOWED.items() if found[name] != n}
    assert changed == {}, "(found, listed): a listed module reads the real clock more or less"
