"""What a fault scenario did to the emails: lost ones and extra copies, against what was expected.

*Lost*: an expected email of which the server kept no copy (and which it did not refuse for
good). *Extra copies*: every copy beyond the first of a Message-ID, plus the copies of an email
decided twice. *Uncertain*: emails whose DATA went out with no answer at some attempt (the
outbox's `unanswered` count, once convflow records it).
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from tests.faults.fleet import EmailKey
from tests.processes.conventions import outbox
from workflow.bootstrap import App

REPORT_FILE = os.environ.get("CONVFLOW_FAULTS_REPORT")
"""Where `make faults` asks for the figures as JSON (none: only printed)."""


@dataclass
class Figures:
    """One scenario's figures, as the README's table shows them."""

    scenario: str
    backend: str
    conventions: int
    emails: int
    kept: int = 0  # copies the server kept, all Message-IDs together
    lost: int = 0
    extra: int = 0
    uncertain: int = 0
    refused: int = 0  # emails refused for good by the server (550), recorded failed
    kills: int = 0
    faults: int = 0  # faults the mail server or the proxy injected
    deadline_delay: float | None = None  # seconds an expiry waited past its instant
    seconds: float = 0.0
    bound: int = 0  # extra copies allowed
    finished: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        """Whether the scenario met its targets: nothing lost, extra copies within the bound."""
        return self.finished and self.lost == 0 and self.extra <= self.bound

    def line(self) -> str:
        """One line of the printed table."""
        delay = "" if self.deadline_delay is None else f"{self.deadline_delay:6.1f}s"
        verdict = "ok" if self.met else "MISSED"
        return (
            f"{self.scenario:<58} {self.backend:<10} {self.emails:>6} {self.lost:>5} "
            f"{self.extra:>6} {self.bound:>5} {self.uncertain:>5} {self.kills:>5} "
            f"{self.faults:>6} {delay:>7} {self.seconds:>6.0f}s  {verdict}"
            + (f"  ({'; '.join(self.notes)})" if self.notes else "")
        )


HEADER = (
    f"{'scenario':<58} {'backend':<10} {'emails':>6} {'lost':>5} {'extra':>6} {'bound':>5} "
    f"{'uncrt':>5} {'kills':>5} {'faults':>6} {'delay':>7} {'time':>7}"
)
RESULTS: list[Figures] = []
"""Every scenario's figures in this test session, printed at its end."""


def record(figures: Figures) -> Figures:
    """Keep a scenario's figures for the session's table (and the JSON report)."""
    RESULTS.append(figures)
    if REPORT_FILE:
        with open(REPORT_FILE, "w", encoding="utf-8") as file:
            rows = [{**asdict(f), "met": f.met} for f in RESULTS]
            json.dump(rows, file, indent=2)
    return figures


def count(
    app: App,
    expected: Counter[EmailKey],
    kept: Counter[str],
    refused: Counter[str] | None = None,
) -> dict[str, Any]:
    """Lost emails and extra copies, from the outbox and the copies the server kept."""
    refused = refused or Counter()
    rows = outbox(app)
    by_key: dict[EmailKey, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_key[(row["reference"], row["kind"])].append(row)
    known = {row["message_id"] for row in rows}
    lost = extra = 0
    for key in expected.keys() | by_key.keys():
        decided = by_key.get(key, [])
        copies = [kept[row["message_id"]] for row in decided]
        refusals = sum(1 for row in decided if refused[row["message_id"]])
        delivered = sum(1 for c in copies if c)
        wanted = expected.get(key, 0)
        lost += max(0, wanted - refusals - delivered)
        extra += sum(max(0, c - 1) for c in copies) + max(0, delivered - wanted)
    extra += sum(n for mid, n in kept.items() if mid not in known)  # never decided at all
    uncertain = sum(1 for row in rows if row.get("unanswered") or row["status"] == "uncertain")
    return {
        "kept": sum(kept.values()),
        "lost": lost,
        "extra": extra,
        "uncertain": uncertain,
        "refused": sum(1 for row in rows if refused[row["message_id"]]),
    }
