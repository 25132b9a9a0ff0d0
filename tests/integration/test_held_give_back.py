"""An email whose recipients are all held, claimed all the same, is given back untried and
uncounted (workflow.usecases.dispatch `_all_held` then `_give_back`), looked at again after the
first retry's delay: it was given back due, claimed again at once, hundreds of times a second
(515 passes in 3 s on SQLite, 206 on PostgreSQL) for as long as the earlier email waited.

The claim's read (SQL) and the held read (Python, `addressed`) must agree on who is held: when
they do, the claim never takes an email held whole, and the give-back is never reached. They
disagree on an address whose ends are white space other than the space (a tab, a no-break
space): SQL's trim() keeps it, Python's strip() does not. Queued through the outbox repository
(the import's checks are not the subject), delivered to a real SMTP server (aiosmtpd), on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from states.convention import Convention
from storage.outbox import Email
from tests.conftest import FixedClock
from tests.integration.steps import at, load
from tests.integration.test_instalment_emails import NADIA
from tests.notifications.conftest import RunningServer
from workflow.bootstrap import App
from workflow.usecases import views
from workflow.usecases.dispatch import deliver

LEASE = timedelta(seconds=900)


def an_email(convention_id: int, key: str, *to: str) -> Email:
    context = {"kind": "reminder_publication", "reference": "X", "reminder_id": None}
    return Email(convention_id, "reminder_publication", f"<{key}@convflow.test>", key,
                 "convflow <convflow@localhost>", list(to), [], context)  # fmt: skip


def test_an_email_held_whole_claimed_all_the_same_is_given_back_once_and_deliver_returns(
    app: App, reference_convention: Convention, clock: FixedClock, smtp_server: RunningServer
) -> None:
    clock.now = now = at("2027-03-09T08:00:00Z")
    load(app, reference_convention)
    with app.uow() as uow:
        convention = uow.conventions.find_id(reference_convention.reference)
        assert convention is not None
        uow.outbox.queue(an_email(convention, "earlier", NADIA), now)
        [earlier] = uow.outbox.claim(now, 25, LEASE, "s")
        uow.outbox.retry(earlier.id, now + timedelta(minutes=1), "451", "s")  # deferred
        uow.outbox.queue(an_email(convention, "later", NADIA + "\t"), now)
        uow.commit()
    done, stop = threading.Event(), threading.Event()
    asked = []  # each time deliver() asks whether to stop: once a claimed batch at least

    def stopping() -> bool:
        asked.append(1)
        return stop.is_set()

    def run() -> None:
        try:
            deliver(app, smtp_server.sender(), now, stopping=stopping)
        finally:
            done.set()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    returned = done.wait(3)
    stop.set()  # ends deliver()'s loop if it still runs, whatever the outcome
    assert done.wait(30), "deliver() did not stop when asked"
    later = next(e for e in views.outbox(app) if e["message_id"] == "<later@convflow.test>")
    # Given back untried and uncounted, and nothing sent: true either way.
    assert (later["status"], later["attempts"]) == ("pending", 0)
    assert smtp_server.handler.accepted == []
    # One pass claims it once, gives it back, and ends: it is not due again before the
    # earlier email is sent.
    assert returned, f"deliver() still looping after 3 s: {len(asked)} passes, claim and give back"
