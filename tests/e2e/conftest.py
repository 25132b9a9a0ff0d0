"""The command line's fixtures: convflow run in-process against the test database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from workflow.cli import cli
from workflow.cli import context as cli_context

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
REF = "AMP-CRPV-PACA-2025"
METROPOLE = "martial.alvarez@example.org"
CRPV = "mustapha.berra@example.org"


class CliClock:
    """The command line's clock, fixed; moved by hand (`now`)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def cli_clock(monkeypatch: pytest.MonkeyPatch) -> CliClock:
    """Every command of the test reads this instant (workflow.cli.context.utc_now), 6 December
    2026 until the test moves it. Every `convflow` has it: on the real clock, a test passed or
    failed with the day it ran (a weekly reminder on Christmas went out on the 24th; from
    1 January 2027 in Paris, `simulate --until 2026-12-31` is refused)."""
    fixed = CliClock(datetime(2026, 12, 6, 10, 0, tzinfo=UTC))
    monkeypatch.setattr(cli_context, "utc_now", fixed)
    return fixed


class Convflow:
    """Runs convflow commands in-process against one database."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        return self.runner.invoke(cli, list(args), env=self.env, catch_exceptions=False)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.exit_code == 0, (args, result.output, result.stderr)
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))

    def refusal(self, *args: str, exit_code: int = 1) -> Any:
        """The refusal `--json` prints on stdout, {code, params, message}, with its exit code."""
        result = self(*args, "--json")
        assert result.exit_code == exit_code, (args, result.output, result.stderr)
        return json.loads(result.stdout)["error"]

    def english(self, *args: str) -> Result:
        """The command run with CONVFLOW_LANGUAGE=en."""
        env = {**self.env, "CONVFLOW_LANGUAGE": "en"}
        return self.runner.invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def convflow(
    settings_env: dict[str, str], database_url: str, cli_clock: CliClock
) -> Iterator[Convflow]:
    yield Convflow({**settings_env, "CONVFLOW_ACTOR": "alice"})


@pytest.fixture
def loaded(convflow: Convflow) -> Convflow:
    convflow.ok("import", "--without-history", str(EXAMPLE))
    return convflow


def notified_on_20_march(convflow: Convflow, cli_clock: CliClock) -> Convflow:
    """The reference convention imported, signed and its award notified on 20 March 2025,
    recorded that day (10:00 UTC): its payment target is Saturday 19 April, known long before
    it passed."""
    cli_clock.now = datetime(2025, 3, 20, 10, 0, tzinfo=UTC)
    convflow.ok("import", "--without-history", str(EXAMPLE))
    for args in (["submit", "--on", "2025-03-03"],
                 ["sign", f"signatory={METROPOLE}", "--on", "2025-03-05"],
                 ["sign", f"signatory={CRPV}", "--on", "2025-03-10"],
                 ["notify", "--on", "2025-03-20"]):  # fmt: skip
        convflow.ok("event", REF, *args)
    return convflow
