"""Whether a failure in the middle of a pass is the database's, gone, or one piece of work's.

A pass works convention by convention so that one that cannot be processed does not hold back
the others. A database gone is no convention's failure: going on would wait for it once per
convention (10 to 15 s each when it says nothing, storage.link), and log each; the pass ends
instead, and the service says the outage once and tries again.
"""

from __future__ import annotations

from storage.engine import link_lost
from storage.link import answer_within
from workflow.bootstrap import App

PING_SECONDS = 5.0
"""How long the database is given to answer the question "are you there?" (a new connection
included), once its link is lost under a piece of work."""


def database_gone(app: App, error: BaseException) -> bool:
    """True when `error` lost the link to the database and the database does not answer a new
    one either; False when it answers (the link was lost to this work alone: a session the
    server ended for it, say) or `error` is no lost link."""
    if not link_lost(error):
        return False
    try:
        with answer_within(PING_SECONDS), app.uow(read_only=True) as uow:
            uow.listing.ping()
    except Exception:  # whatever keeps it from answering: it is gone for this pass
        return True
    return False
