"""Waiting for what a benchmark's processes do, with a bound."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(
    condition: Callable[[], object], timeout: float, what: str, every: float = 0.05
) -> None:
    """Return once `condition()` holds, checked every `every` seconds; raise naming `what`
    after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)
