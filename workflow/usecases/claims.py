"""A sender's claim on outbox emails: held while it works on them, renewed in the background.

The claim's rows carry its token and the instant of the claim; a thread renews that instant
every third of the lease while the sender works, however long the mail server takes, so no
other sender takes the emails back while their holder is alive. If renewals fail (the
database is unreachable) for long enough that another sender may have taken them back, the
holder stops sending from this claim; what it records is fenced by the token anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from types import TracebackType

from storage.engine import lost_connection
from workflow.bootstrap import App
from workflow.failures import database_problem
from workflow.wording.refusals import say
from workflow.wording.words import Words

log = logging.getLogger(__name__)
_SAFE_SHARE = 2 / 3  # of the lease: beyond, another sender may be about to take the rows back


class HeldClaim:
    """The claim `token` on some outbox emails, renewed until the `with` block ends."""

    def __init__(self, app: App, token: str, lease: timedelta) -> None:
        self.app, self.token = app, token
        self._lease = lease.total_seconds()
        self._renewed = time.monotonic()  # the claim was just written
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name="convflow-claim", daemon=True)

    def held(self) -> bool:
        """Whether the claim is surely still ours: renewed recently enough."""
        return time.monotonic() - self._renewed < self._lease * _SAFE_SHARE

    def __enter__(self) -> HeldClaim:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _renew(self) -> None:
        failing = False
        while not self._stop.wait(max(self._lease / 3, 0.1)):
            try:
                with self.app.uow() as uow:
                    uow.outbox.renew(self.token, self.app.clock())
                    uow.commit()
            except Exception as problem:  # the database is away: keep trying while we work
                if not failing:  # in convflow's words, as the outage is said elsewhere
                    log.warning("cannot renew the claim on the emails being sent: %s",
                                _reason(problem))  # fmt: skip
                failing = True
                continue
            self._renewed = time.monotonic()
            if failing:
                log.info("the claim on the emails being sent is renewed again")
            failing = False


def _reason(problem: BaseException) -> str:
    """Why a renewal failed: the database's absence as convflow says it (not the driver's
    chain of messages, nor SQLAlchemy's link), anything else as it is."""
    if not lost_connection(problem):
        return str(problem)
    return (
        "the database does not answer (" + say(database_problem(problem), Words("en")).message + ")"
    )
