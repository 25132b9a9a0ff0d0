"""A newcomer's first minute, as README and `make run` give it: the two examples loaded, the
reference with its 2025 life and no email, the second one walked live from README's lines.

Each process runs on a clock moved to a fixed instant (tests/clock_at, README « Tests at a fixed
date »), never today's: on the real clock this test began to fail on 1 January 2028, the second
example's term (31 December 2027) past and README's walk refused, with no code changed. The
instants are the year it was written and the day that bit, whose newcomer gets a first minute
that works as well (`make run` imports the example with --term-ahead, which
tests/unit/test_term_ahead.py checks for any day)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLOCK_AT = ROOT / "tests" / "clock_at"
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _section_commands(title: str) -> list[list[str]]:
    """The `convflow` lines of the first sh block under a README heading, comments cut."""
    section = README.split(f"## {title}\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = (line.split("#", 1)[0].strip() for line in block.splitlines())
    return [shlex.split(line) for line in lines if line.startswith("convflow ")]


def _make_run_imports() -> list[list[str]]:
    """The imports `make run` does, as its recipe writes them."""
    variables = dict(re.findall(r"(?m)^(\w+)\s*:=\s*(\S+)$", MAKEFILE))
    recipe = MAKEFILE.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    found = re.findall(r"\$\(BIN\)/convflow (import .+)", recipe)
    return [shlex.split(re.sub(r"\$\((\w+)\)", lambda m: variables[m[1]], line))
            for line in found]  # fmt: skip


def _at(instant: str, env: dict[str, str]) -> dict[str, str]:
    """`env` for processes whose clock read `instant` when this was called and runs on from it
    (tests/clock_at): one shift for them all, as the processes a shimmed test starts inherit
    it. Each given TESTS_CLOCK_AT instead would start at `instant` again, and `run-due` could
    read an instant before the email `submit` had just queued."""
    moved = {k: v for k, v in env.items() if k not in ("TESTS_CLOCK_AT", "TESTS_CLOCK_SHIFT")}
    paths = [str(CLOCK_AT), str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    shift = datetime.fromisoformat(instant).timestamp() - time.time()
    return {**moved, "PYTHONPATH": os.pathsep.join(paths), "TESTS_CLOCK_SHIFT": str(shift)}


@pytest.mark.parametrize(
    ("instant", "term", "moved"),
    [
        ("2026-12-07T10:00:00Z", "vendredi 31 décembre 2027", False),  # the file's own term
        ("2028-01-01T10:00:00Z", "dimanche 31 décembre 2028", True),  # the day it bit
    ],
)
def test_the_first_minute_of_the_readme_works_and_emails_only_the_live_convention(
    tmp_path: Path, instant: str, term: str, moved: bool
) -> None:
    env = {**os.environ, "CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'convflow.db'}",
           "CONVFLOW_MAIL_DIR": str(tmp_path / "mail"), "CONVFLOW_LANGUAGE": "fr"}  # fmt: skip
    for name in ("CONVFLOW_LATE_RECORD_DAYS", "CONVFLOW_SMTP_HOST"):
        env.pop(name, None)  # the embedded defaults, as `make run` has them
    env = _at(instant, env)
    convflow = str(Path(sys.executable).parent / "convflow")

    def run(args: list[str]) -> str:
        done = subprocess.run([convflow, *(args[1:] if args[0] == "convflow" else args)],
                              cwd=ROOT, env=env, capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        return done.stdout

    run(["init"])
    imports = _make_run_imports()
    assert len(imports) == 2
    said = [run(args) for args in imports]
    assert ("reporté au" in said[1]) is moved, said[1]
    if moved:
        assert f"son terme, le vendredi 31 décembre 2027 dans son fichier, reporté au {term}" in (
            said[1].replace("\xa0", " ")
        ), said[1]
    outputs = [run(args) for args in _section_commands("The first minute")]
    run(["run-due"])  # what the running service does within a minute

    assert "AMP-EXEMPLE-2027" in outputs[0] and "AMP-CRPV-PACA-2025" in outputs[0]
    status = outputs[3].replace("\xa0", " ")
    assert "en signature" in status and re.search(rf"\n  terme +{term}\n", status), status
    mail = sorted((tmp_path / "mail").glob("*.eml"))
    written = [path.read_text(encoding="utf-8", errors="replace") for path in mail]
    assert written and all("AMP-EXEMPLE-2027" in text for text in written)
    assert not any("Rappel" in text and "terme" in text for text in written), "an expiry reminder"
    assert not any("AMP-CRPV-PACA-2025" in text for text in written)
    assert "arrivée à son terme" in run(["status", "AMP-CRPV-PACA-2025"])


def test_the_walkthrough_runs_as_written(tmp_path: Path) -> None:
    env = _at("2026-12-07T10:00:00Z", {**os.environ, "CONVFLOW_LANGUAGE": "fr"})
    env.pop("CONVFLOW_DATABASE_URL", None)
    commands = README.split("## A walk through the reference convention\n", 1)[1]
    block = commands.split("```sh\n", 1)[1].split("```", 1)[0]
    exports = dict(re.findall(r"(CONVFLOW_\w+)=(\S+)", block.split("\n", 1)[0]))
    env.update(exports)
    convflow = str(Path(sys.executable).parent / "convflow")
    example = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
    last = ""
    for line in block.splitlines()[1:]:
        line = line.split("#", 1)[0].strip()
        if not line.startswith("convflow "):
            continue
        args = [str(example) if a.startswith("examples/") else a for a in shlex.split(line)[1:]]
        done = subprocess.run([convflow, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True)  # fmt: skip
        assert done.returncode == 0, (line, done.stderr)
        last = done.stdout
    assert "fin de la période de règlement amiable" in last and "CPC art. 641" in last
    assert (tmp_path / "walkthrough.db").exists()
