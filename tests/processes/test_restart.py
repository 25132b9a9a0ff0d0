"""A service that was stopped while deadlines and reminders fell due: at its next start
everything happens once, missed reminders coalesce, the delay is logged; then nothing more."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from states.convention import Convention
from tests.notifications.conftest import RunningServer
from tests.processes.conventions import (
    as_it_happened,
    bring_into_force,
    days,
    load,
    outbox,
    record,
    sent_kinds,
)
from tests.processes.mail import message_ids
from tests.processes.running import STARTED, Processes, convflow_environment, wait_until
from tests.processes.test_killed_partly_held import copies
from workflow.bootstrap import App
from workflow.usecases import views

pytestmark = pytest.mark.slow
EXPIRED, COALESCED, DISPUTE, NOTICE = "DOWN-EXPIRY", "DOWN-REMINDERS", "DOWN-DISPUTE", "DOWN-NOTICE"
LATE = r"\d+d \d+h \d+min late"


def _downtime(app: App, template: Convention) -> None:
    """What was recorded before the service's downtime, each event on its day (what it planned
    was known before it fell due: a reminder planned before its deadline was known would be
    skipped, not sent), dated so that it has all fallen due since."""
    load(app, template, EXPIRED, days(-3))  # its term passed three days ago
    bring_into_force(app, EXPIRED, days(-40), on_the_day=True)
    load(app, template, COALESCED, days(5))  # expiry reminders J-90, J-60, J-30, J-7 all past
    bring_into_force(app, COALESCED, days(-100), on_the_day=True)
    load(app, template, DISPUTE, days(200))
    bring_into_force(app, DISPUTE, days(-60), on_the_day=True)
    # its amicable window (30 days) closed about two weeks ago, the court is possible
    received = days(-45)
    record(app, DISPUTE, "open_dispute", party="crpv", received=received.isoformat(),
           recorded_at=as_it_happened(received))  # fmt: skip
    load(app, template, NOTICE, days(300))
    bring_into_force(app, NOTICE, days(-230), on_the_day=True)
    # notice of termination received 200 days ago: it took effect about 17 days ago
    received = days(-200)
    record(app, NOTICE, "give_notice", party="crpv", received=received.isoformat(),
           recorded_at=as_it_happened(received))  # fmt: skip


def _reminders(app: App, reference: str, kind: str) -> dict[str, str]:
    """What became of each reminder of one deadline kind, by label."""
    return {r["label"]: r["status"] for r in views.reminders(app, reference) if r["kind"] == kind}


def test_a_restart_across_deadlines_does_everything_once_at_start(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention,
    smtp_server: RunningServer, processes: Processes,
) -> None:  # fmt: skip
    _downtime(sqlite_app, reference_convention)
    queued_before = len(outbox(sqlite_app))
    # At the debug level, each safety wake-up says it found the next wake-up unchanged.
    environment = convflow_environment(sqlite_url, smtp_server.port, wake_interval="1",
                                       log_level="debug")  # fmt: skip

    first = processes.serve(environment)  # returns once its first due pass is done
    # Delivery runs beside the due pass (a slow mail server never holds back a deadline):
    # everything that pass queued goes out at start, well before the next wake-up.
    # (An email may reach the server in parts, each to some of its recipients: those an
    # earlier email of its convention, sent first, still had to reach waited for it.)
    wait_until(lambda: len(set(message_ids(smtp_server.handler.accepted))) == 16
               and {e["status"] for e in outbox(sqlite_app)} == {"sent"}, 10,
               "the emails at start")  # fmt: skip
    first.wait_for_log(STARTED, count=2)  # and a safety wake-up after it
    assert first.stop() == 0

    app = sqlite_app
    # Everything that fell due happened in the first pass, once.
    emails = outbox(app)
    sent_ids = message_ids(smtp_server.handler.accepted)
    assert len(sent_ids) == len(emails) == queued_before + 6 == 16
    assert {e["status"] for e in emails} == {"sent"}
    assert set(sent_ids) == {e["message_id"] for e in emails}
    # Each recipient got each email once.
    assert set(copies(smtp_server.handler).values()) == {1}
    expected: Counter[tuple[str | None, str]] = Counter()
    for reference in (EXPIRED, COALESCED, DISPUTE, NOTICE):  # the events recorded
        expected.update([(reference, "signature_requested"), (reference, "convention_in_force")])
    expected.update([(DISPUTE, "dispute_opened"), (NOTICE, "notice_given")])
    expected.update([  # and what fell due during the downtime
        (EXPIRED, "convention_expired"),
        (NOTICE, "convention_terminated"),
        (DISPUTE, "reminder_court_possible"),  # also says the window closed: one email
        (COALESCED, "reminder_expiry"),  # J-7 only: the ones missed before it coalesced
        # in force for more than three months, their open data never published (rule 19)
        (COALESCED, "publication_missed"),
        (NOTICE, "publication_missed"),
    ])  # fmt: skip
    assert sent_kinds(app, Counter(set(sent_ids))) == expected  # each email once, in parts or not
    assert [views.status(app, ref)["state"] for ref in (EXPIRED, COALESCED, DISPUTE, NOTICE)] == [
        "expired", "notification", "dispute", "terminated",
    ]  # fmt: skip
    assert _reminders(app, COALESCED, "expiry") == {
        "J-90": "coalesced", "J-60": "coalesced", "J-30": "coalesced", "J-7": "sent",
    }  # fmt: skip
    dispute = _reminders(app, DISPUTE, "dispute_window")
    assert dispute == {"J-7": "skipped", "J-1": "skipped", "court": "sent"}
    # The term, and the notice's end, passed: expired and terminated, their reminders moot.
    assert set(_reminders(app, EXPIRED, "expiry").values()) == {"cancelled"}
    assert set(_reminders(app, NOTICE, "termination").values()) == {"cancelled"}
    assert set(_reminders(app, NOTICE, "expiry").values()) == {"cancelled"}
    # ... with the delay logged.
    log = first.stderr
    assert re.search(rf"{EXPIRED}: expiry due \S+ → expire, {LATE}", log)
    assert re.search(rf"{NOTICE}: termination due \S+ → terminate, {LATE}", log)
    assert re.search(rf"{DISPUTE}: dispute_window due \S+ → passed, {LATE}", log)
    assert re.search(rf"{COALESCED}: reminder expiry J-7 planned \S+ → send, {LATE}", log)
    assert len(re.findall(rf"{COALESCED}: reminder expiry J-\d+ planned \S+ → coalesced, {LATE}",
                          log)) == 3  # fmt: skip

    second = processes.serve(environment)
    second.wait_for_log(STARTED, count=3)  # its first pass and two safety wake-ups
    assert second.stop() == 0
    assert message_ids(smtp_server.handler.accepted) == sent_ids  # nothing after the restart
    assert len(emails) == len(outbox(app))
    assert not re.search(r"→|sent |temporary failure|could not", second.stderr), second.stderr
