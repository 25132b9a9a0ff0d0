"""French spacing in what the command line prints, read as a person reads it: `convflow` run
in its own process, and every line it prints held to the emails' rule (no plain space before
« : », « ; », « ? », « ! », « » », nor after « « », where French puts a no-break space).

The catalogue's French is checked entry by entry (tests/unit/test_french_spacing.py); these
lines also say what convflow's code writes itself: a deadline's explanation (states/), the
settings' descriptions, the papers' flags, the catalogue's words put together."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from notifications.typography import french_text
from tests.e2e.conftest import EXAMPLE, REF, ROOT, Convflow

LIFE = (
    ("submit", "--on", "2025-03-03"),
    ("sign", "signatory=martial.alvarez@example.org", "--on", "2025-03-05"),
    ("sign", "signatory=mustapha.berra@example.org", "--on", "2025-03-10"),
    ("notify", "--on", "2025-03-20"),
    ("pay", "amount=200000.00", "--on", "2025-04-01"),
    ("open_dispute", "party=crpv", "received=2025-06-02"),
)
"""The reference convention's life to its dispute (README): each of its deadlines explained."""
COMMANDS = (
    ("list",),
    ("status", REF),
    ("history", REF),
    ("config",),
    ("deadline", "dispute", "--received", "2025-04-30"),
    ("--help",),
    ("status", "--help"),
)


def printed(env: dict[str, str], *args: str) -> str:
    """What `convflow ARGS` prints on its standard output, run in a new process."""
    done = subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True,
        timeout=120,
    )  # fmt: skip
    return done.stdout


def loose_lines(text: str) -> list[str]:
    """The lines of `text` where French would tie a sign with a no-break space (shown by
    pytest with their no-break spaces as « \\xa0 », the plain ones as spaces)."""
    return [line for line in text.splitlines() if french_text(line) != line]


@pytest.fixture
def in_dispute(settings_env: dict[str, str]) -> dict[str, str]:
    """The environment of a database holding the reference convention in dispute, its open
    data due (a subsidy above 23 000 €): every kind of line `status` prints."""
    env = {**settings_env, "CONVFLOW_ACTOR": "alice", "CONVFLOW_OPEN_DATA_THRESHOLD": "23000"}
    convflow = Convflow(env)
    convflow.ok("import", "--without-history", str(EXAMPLE))
    for event in LIFE:
        convflow.ok("event", REF, *event)
    return env


def test_what_the_command_line_prints_ties_its_french_signs(in_dispute: dict[str, str]) -> None:
    shown = {" ".join(args): printed(in_dispute, *args) for args in COMMANDS}
    loose = {command: lines for command, text in shown.items() if (lines := loose_lines(text))}

    assert loose == {}
    # What the check read: the words each command prints about it, tied.
    assert "publication des données essentielles\u00a0: échéance" in shown["list"]
    assert (
        "Réglages\u00a0: prorogation des actes au jour ouvrable suivant\u00a0: oui"
        in (shown[f"status {REF}"])
    )
    assert "sans pièce\u00a0: la convention signée n'est pas jointe" in shown[f"status {REF}"]
    assert "prorogation des préavis\u00a0: non" in shown["config"]
    assert shown["--help"].startswith("Utilisation\u00a0: convflow ")
    assert shown["status --help"].startswith("Utilisation\u00a0: convflow status ")


def test_a_loose_line_is_found_and_a_tied_one_or_a_time_is_not() -> None:
    # Guards the test above: a plain space before a sign is found, a tied one and a time not.
    assert loose_lines("Calcul : 2 juin\nCalcul\u00a0: 14:05 UTC\n« x »\n") == [
        "Calcul : 2 juin",
        "« x »",
    ]
