"""Work run in threads of its own, released together: how the race tests make two services or
two imports meet."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def at_once(*works: Callable[[], Any]) -> list[Any]:
    """Each work in a thread of its own, all released together; what each returned, or the
    error it raised (collected for the test to assert, as a service would log it)."""
    start = threading.Barrier(len(works))
    results: list[Any] = [RuntimeError("not run")] * len(works)

    def run(index: int) -> None:
        start.wait(timeout=10)
        try:
            results[index] = works[index]()
        except BaseException as error:  # collected and asserted by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
