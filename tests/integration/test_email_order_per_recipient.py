"""Each partner reads one convention's emails in the order they were recorded, even when the mail
server deferred one of them for a while, and even when two services share the outbox.

AMP-EXEMPLE-2027 (examples/): Martial Alvarez signs for the Métropole, Nadia Benali for the
association. An email the mail server defers (a 4xx, a line cut once the message went out) is
tried again later; meanwhile the convention's later emails to the same person wait for it, and
go once it is sent or given up. An email to someone else is not held back: the association's
email left while the Métropole's waited. Delivered to a real SMTP server (aiosmtpd), on SQLite
and PostgreSQL.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from notifications import DeliveryResult, OutgoingEmail, SmtpSender
from states.convention import Convention
from storage.engine import make_engine
from storage.migrate import run as run_migrations
from storage.migrate import upgrade
from storage.outbox import Email, claim_query
from storage.revision import HEAD
from storage.tables import metadata
from tests.conftest import POSTGRES_ADMIN_URL, FixedClock
from tests.integration.mail import Mail, accepted, delivered, due_pass, parsed
from tests.integration.steps import at, load
from tests.integration.test_instalment_emails import EXAMPLE, EXAMPLE_FILE, MARTIAL, NADIA
from tests.integration.test_instalment_emails import record as record_on
from tests.integration.test_instalment_emails import signed_and_notified as signed_and_notified
from tests.notifications.conftest import RunningServer, SmtpServers
from tests.notifications.helpers import ScriptedHandler
from workflow.bootstrap import App
from workflow.files.convention_file import read_convention_file
from workflow.settings import load_settings
from workflow.usecases import views
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event
from workflow.usecases.dispatch import deliver

ADMIN = "politique.ville@example.org"
LEASE = timedelta(seconds=900)  # CONVFLOW_CLAIM_LEASE_SECONDS by default
PUBLISH_SOON = "Rappel : données essentielles à publier au plus tard le 8 avril 2027"
PAID = "Versement de 27 000,00 € enregistré (versement n° 1 sur 2)"
FORGONE = "Renonciation de la Métropole au versement n° 2 sur 2 (18 000,00 €)"


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """The open data's threshold at its default (23 000 €): the Métropole's signatory alone is
    reminded to publish the example's essential data (45 000 €) by 8 April 2027. Three attempts
    at most for an email the mail server defers."""
    return {**settings_env, "CONVFLOW_OPEN_DATA_THRESHOLD": "23000",
            "CONVFLOW_MAX_ATTEMPTS": "3"}  # fmt: skip


def recorded(app: App, instant: str, event: str, **inputs: str) -> None:
    """`event` recorded on the example convention at `instant` (ISO text), dated that day."""
    clock = app.clock
    assert isinstance(clock, FixedClock)
    clock.now = at(instant)
    day = clock.now.date()
    record_event(app, RecordEvent(EXAMPLE, event, "alice", day, inputs), clock.now)


def subjects(mails: list[Mail]) -> list[str]:
    return [m.subject_plain.removeprefix(f"[{EXAMPLE}] ") for m in mails]


def read_by(who: str, mails: list[Mail]) -> list[str]:
    """The subjects `who` received, in the order the mail server took them."""
    return subjects([m for m in mails if who in m.envelope])


def test_a_greylisted_signatory_reads_the_reminder_before_the_payment_recorded_after_it(
    signed_and_notified: App, smtp_servers: SmtpServers
) -> None:
    app = signed_and_notified
    server = smtp_servers.start(ScriptedHandler())
    due_pass(app, server, at("2027-03-08T08:00:00Z"))  # every email until then delivered
    # Tuesday 9 March, 09:00 in Paris: the J-30 reminder to publish goes to the Métropole's
    # signatory alone, whose mail server greylists it: try again later (after 60 s).
    server.handler.rcpt_answers[MARTIAL] = "451 4.7.1 Greylisted, please try again later"
    assert due_pass(app, server, at("2027-03-09T08:00:00Z")) == []
    del server.handler.rcpt_answers[MARTIAL]  # it takes the next attempt
    # 20 s later the Métropole forgoes instalment n° 2: the association hears of it at once,
    # the Métropole's reminder holds back none of its emails.
    recorded(app, "2027-03-09T08:00:20Z", "forgo_payment", instalment="2", reason="réduite")
    forgone = delivered(app, server, app.clock())
    assert [(m.envelope, s) for m, s in zip(forgone, subjects(forgone), strict=True)] == [
        ((NADIA,), FORGONE)]  # fmt: skip

    # 20 s later instalment n° 1 is paid: its email to both goes to Nadia at once (nothing
    # earlier is unsent to her); Martial's copy waits for the reminder's retry, which the
    # service is woken for (not at once for the copy waiting behind it).
    recorded(app, "2027-03-09T08:00:40Z", "pay", amount="27000,00")
    paid_now = delivered(app, server, app.clock())
    assert [(m.envelope, m.to, s) for m, s in zip(paid_now, subjects(paid_now), strict=True)] == [
        ((NADIA,), (MARTIAL, NADIA), PAID)]  # fmt: skip
    with app.uow(read_only=True) as uow:
        assert uow.outbox.next_attempt(LEASE) == at("2027-03-09T08:01:00Z")
    [payment] = [e for e in views.outbox(app) if e["kind"] == "payment_recorded"]
    # Partly sent, not an attempt spent: it waits for Martial alone.
    assert (payment["status"], payment["attempts"], payment["delivered_to"]) == (
        "pending", 0, [NADIA])  # fmt: skip

    retried = delivered(app, server, at("2027-03-09T08:01:00Z"))
    assert [(m.envelope, s) for m, s in zip(retried, subjects(retried), strict=True)] == [
        ((MARTIAL,), PUBLISH_SOON), ((MARTIAL,), PAID)]  # fmt: skip
    since_the_reminder = accepted(server)[-4:]
    assert read_by(MARTIAL, since_the_reminder) == [PUBLISH_SOON, PAID]
    assert read_by(NADIA, since_the_reminder) == [FORGONE, PAID]
    # One email (one key), one copy per recipient: none lost, none twice.
    assert [m.key for m in paid_now] == [retried[1].key]
    [payment] = [e for e in views.outbox(app) if e["kind"] == "payment_recorded"]
    assert (payment["status"], payment["delivered_to"]) == ("sent", [NADIA, MARTIAL])


def test_a_message_left_unanswered_goes_again_before_the_emails_recorded_after_it(
    signed_and_notified: App, smtp_servers: SmtpServers
) -> None:
    # The line is cut once the request to sign went out, before the server's answer: it may
    # have it, so it waits as uncertain; the convention's later emails to both wait with it.
    app = signed_and_notified
    server = smtp_servers.start(ScriptedHandler(hang_up_at=[0]))
    assert delivered(app, server, app.clock()) == []
    waiting = {e["kind"]: (e["status"], e["attempts"]) for e in views.outbox(app)}
    assert waiting == {"signature_requested": ("uncertain", 1), "convention_in_force": (
        "pending", 0), "award_notified": ("pending", 0)}  # fmt: skip

    again = delivered(app, server, app.clock() + timedelta(seconds=60))
    assert subjects(again) == [
        "Convention transmise pour signature",
        "La convention est signée et est entrée en vigueur le 8 janvier 2027",
        "Attribution notifiée : participation de 45 000,00 € TTC à verser par la Métropole",
    ]


@dataclass
class Deferring(ScriptedHandler):
    """A mail server that defers (451) every message carrying one of `deferred` (Message-IDs)."""

    deferred: set[str] = field(default_factory=set)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        if any(f"Message-ID: {m}".encode() in content for m in self.deferred):
            return "451 4.2.2 Mailbox busy, try again later"
        return await super().handle_DATA(server, session, envelope)


def test_an_email_whose_attempts_run_out_holds_the_later_ones_back_until_it_is_given_up(
    signed_and_notified: App, smtp_servers: SmtpServers
) -> None:
    app = signed_and_notified
    [request] = [e for e in views.outbox(app) if e["kind"] == "signature_requested"]
    server = smtp_servers.start(Deferring(deferred={str(request["message_id"])}))
    now = app.clock()
    assert delivered(app, server, now) == []  # attempt 1
    assert delivered(app, server, now + timedelta(seconds=60)) == []  # attempt 2
    # Attempt 3, the last (CONVFLOW_MAX_ATTEMPTS): given up, and the later ones go at once.
    given_up = delivered(app, server, now + timedelta(seconds=180))
    assert subjects(given_up) == [
        "La convention est signée et est entrée en vigueur le 8 janvier 2027",
        "Attribution notifiée : participation de 45 000,00 € TTC à verser par la Métropole",
    ]
    [failed] = views.outbox(app, "failed")
    assert failed["last_error"] == (
        "abandon après 3 tentatives\u00a0: 451 4.2.2 Mailbox busy, try again later"
    )


class HeldUp:
    """A sender whose mail server keeps its first batch waiting until the test lets it go (a
    slow server), then delivers through the real one."""

    def __init__(self, inner: SmtpSender) -> None:
        self.inner = inner
        self.waiting = threading.Event()
        self.go = threading.Event()

    def send(self, emails: Sequence[OutgoingEmail]) -> list[DeliveryResult]:
        return list(self.send_each(emails))

    def send_each(self, emails: Sequence[OutgoingEmail]) -> Iterator[DeliveryResult]:
        self.waiting.set()
        assert self.go.wait(30), "the test never let the slow server go"
        yield from self.inner.send_each(emails)

    def describe(self) -> str:
        return "a slow mail server"


@pytest.fixture
def two_services(settings_env: dict[str, str], clock: FixedClock) -> Iterator[tuple[App, App]]:
    """Two services on one PostgreSQL database, with an administrator who gets the service's
    copy of every email."""
    if not settings_env["CONVFLOW_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("SQLite: one service per file (a second one is refused)")
    environment = load_settings({**settings_env, "CONVFLOW_ADMIN_EMAILS": ADMIN})
    first, second = App.create(environment), App.create(environment)
    first.clock = second.clock = clock
    yield first, second
    first.close()
    second.close()


def test_two_services_send_each_recipient_the_emails_in_the_order_they_were_recorded(
    two_services: tuple[App, App], smtp_server: RunningServer, clock: FixedClock
) -> None:
    one, other = two_services
    clock.now = at("2027-01-04T09:00:00Z")
    load(one, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    record_on(one, "submit", "2027-01-04")
    record_on(one, "sign", "2027-01-06", signatory=NADIA)
    record_on(one, "sign", "2027-01-08", signatory=MARTIAL)
    record_on(one, "notify", "2027-01-15")
    record_on(one, "pay", "2027-02-01", amount="27000,00")
    queued = sorted(views.outbox(one), key=lambda e: int(e["id"]))  # 5 to both, 5 copies
    now = clock.now

    # Each service claims one email at a time, so the convention's emails are split across
    # them; the first one's mail server is slow with its first email.
    slow = HeldUp(smtp_server.sender())
    first = threading.Thread(target=deliver, args=(one, slow, now), kwargs={"batch": 1})
    first.start()
    try:
        assert slow.waiting.wait(10), "the first service claimed an email"
        deliver(other, smtp_server.sender(), now, batch=1)
    finally:
        slow.go.set()
        first.join(30)
    assert not first.is_alive()

    received = [str(parsed(item)["Message-ID"]) for item in smtp_server.handler.accepted]
    envelopes = [item.rcpt_tos for item in smtp_server.handler.accepted]
    for who in (MARTIAL, NADIA, ADMIN):
        recorded_order = [e["message_id"] for e in queued if who in e["recipients"]]
        read = [m for m, to in zip(received, envelopes, strict=True) if who in to]
        assert read == recorded_order, who
    assert sorted(received) == sorted(str(e["message_id"]) for e in queued)  # each once


def _email(convention_id: int | None, key: str, *to: str, status: str = "pending") -> Email:
    """An email about `convention_id` (None: the administrators' summaries) to `to`."""
    context = {"kind": "reminder_publication", "reference": EXAMPLE, "reminder_id": None}
    return Email(convention_id, "reminder_publication", f"<{key}@convflow.test>", key,
                 "convflow <convflow@localhost>", list(to), [], context, status)  # fmt: skip


def test_only_an_email_still_to_be_sent_holds_back_the_later_ones_to_its_recipients(
    app: App, reference_convention: Convention, clock: FixedClock
) -> None:
    clock.now = now = at("2027-03-09T08:00:00Z")
    load(app, read_convention_file(EXAMPLE_FILE, payment_target_days=30,
                                   signature_target_days=7))  # fmt: skip
    load(app, reference_convention)
    with app.uow() as uow:
        example = uow.conventions.find_id(EXAMPLE)
        other = uow.conventions.find_id(reference_convention.reference)
        # Martial's earlier emails: two recorded late (one of them reported to the
        # administrators, withheld), three to be sent.
        late = uow.outbox.queue(_email(example, "late", MARTIAL, status="late"), now)
        withheld = uow.outbox.queue(_email(example, "withheld", MARTIAL, status="late"), now)
        uow.outbox.withhold([withheld], "signalé aux administrateurs")
        uow.outbox.queue_many([_email(example, key, MARTIAL)
                               for key in ("cancelled", "failed", "sent")], now)  # fmt: skip
        uow.commit()
    for key in ("cancelled", "failed", "sent"):  # one at a time: each waits for the one before
        with app.uow() as uow:
            [row] = uow.outbox.claim(now, 25, LEASE, "s")
            assert row.idempotency_key == key
            if key == "cancelled":
                uow.outbox.cancel(row.id, "sans objet", "s")
            elif key == "failed":
                uow.outbox.fail(row.id, "550 5.1.1 unknown", None, "s")
            else:
                uow.outbox.sent(row.id, "Objet", now, "s")
            uow.commit()
    # Nadia's email deferred (451), the administrator's left with no answer, and one to
    # someone else still being sent by another service.
    with app.uow() as uow:
        for email in (_email(example, "deferred", NADIA), _email(example, "unanswered", ADMIN),
                      _email(example, "in-flight", "autre@example.org")):  # fmt: skip
            uow.outbox.queue(email, now)
        by_key = {row.idempotency_key: row for row in uow.outbox.claim(now, 25, LEASE, "s")}
        assert set(by_key) == {"deferred", "unanswered", "in-flight"}
        uow.outbox.retry(by_key["deferred"].id, now + timedelta(minutes=1), "451", "s")
        uow.outbox.uncertain(by_key["unanswered"].id, now + timedelta(minutes=1), "?", "s")
        uow.commit()

    with app.uow() as uow:
        for email in (
            _email(example, "to-martial", MARTIAL),
            _email(example, "to-nadia-written-otherwise", " Nadia.Benali@Example.ORG"),
            _email(example, "to-both", MARTIAL, NADIA),  # behind Nadia's: so Martial's next too
            _email(example, "to-martial-next", MARTIAL),
            _email(example, "to-the-administrator", ADMIN),
            _email(example, "to-someone-else", "autre@example.org"),
            _email(other, "to-nadia-of-another-convention", NADIA),
            _email(None, "summary-to-the-administrator", ADMIN),
        ):
            uow.outbox.queue(email, now)
        uow.commit()
    with app.uow() as uow:  # not committed: the claim is left as it was
        claimed = [row.idempotency_key for row in uow.outbox.claim(now, 25, LEASE, "next")]
    assert claimed == [
        "to-martial",  # behind emails withheld, late, cancelled, failed or sent: none waiting
        "to-nadia-of-another-convention",
        "summary-to-the-administrator",  # about no convention: waits behind none
    ]
    with app.uow(read_only=True) as uow:
        statuses = {row.id: row.status for row in uow.outbox.listing(None, 50)}
    assert (statuses[late], statuses[withheld]) == ("late", "withheld")  # never to be sent


NUMBERS = {
    "sqlite": "(WITH RECURSIVE numbers(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM numbers "
              "WHERE i < {count}) SELECT i FROM numbers) AS n",
    "postgresql": "generate_series(1, {count}) AS n(i)",
}  # fmt: skip


def _copies(app: App, table: str, row_id: int, count: int, changed: dict[str, str]) -> None:
    """`count` copies of one row of `table`, each column as it is but those `changed` says (SQL
    on the copied row `t` and its number `n.i`), in one statement."""
    with app.engine.begin() as connection:
        names = [column.name for column in metadata.tables[table].columns if column.name != "id"]
        numbers = NUMBERS[connection.dialect.name].format(count=count)
        values = ", ".join(changed.get(name, f"t.{name}") for name in names)
        connection.execute(text(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {values} FROM {table} AS t, "
            f"{numbers} WHERE t.id = {row_id}"
        ))  # fmt: skip
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"ANALYZE {table}")  # as autovacuum does


def _as_administrator(statement: str) -> None:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


@pytest.fixture
def apart(settings_env: dict[str, str], clock: FixedClock) -> Iterator[App]:
    """An app on a database of its own: on PostgreSQL a throw-away one, so that the statistics
    its 200 000 emails leave mislead no other test's plans (the session's database is only
    emptied between tests); on SQLite the test's own file."""
    url = settings_env["CONVFLOW_DATABASE_URL"]
    own = f"convflow_large_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    postgres = url.startswith("postgresql")
    if postgres:
        _as_administrator(f'CREATE DATABASE "{own}"')
        url = make_url(url).set(database=own).render_as_string(hide_password=False)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    application = App.create(load_settings({**settings_env, "CONVFLOW_DATABASE_URL": url}))
    application.clock = clock
    try:
        yield application
    finally:
        application.close()
        if postgres:
            _as_administrator(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


def test_the_claim_reads_only_the_emails_not_sent_of_a_large_outbox(
    apart: App, reference_convention: Convention, clock: FixedClock
) -> None:
    """200 000 emails of 2 000 conventions, the last 200 not sent yet: the claim walks those in
    id order (the partial index ix_outbox_unsent) and looks for an earlier unsent email of the
    same convention among them (ix_outbox_unsent_by_convention), never reading the 199 800
    emails sent before."""
    app = apart
    clock.now = now = at("2027-03-09T08:00:00Z")
    load(app, reference_convention)
    with app.uow() as uow:
        convention = uow.conventions.find_id(reference_convention.reference)
        assert convention is not None
        email = uow.outbox.queue(_email(convention, "template", MARTIAL, NADIA), now)
        uow.commit()
    first = convention + 1
    _copies(app, "convention", convention, 1999, {"reference": "t.reference || '-' || n.i"})
    _copies(app, "outbox", email, 199_999, {
        "convention_id": f"CASE WHEN n.i % 2000 = 0 THEN t.convention_id "
                         f"ELSE {first - 1} + n.i % 2000 END",
        "message_id": "t.message_id || n.i", "idempotency_key": "t.idempotency_key || n.i",
        "status": "CASE WHEN n.i < 199800 THEN 'sent' ELSE 'pending' END",
    })  # fmt: skip
    with app.uow() as uow:  # not committed
        claimed = uow.outbox.claim(now, 25, LEASE, "sender")
    assert len(claimed) == 25 and [row.status for row in claimed] == ["pending"] * 25

    with app.engine.connect() as connection:
        dialect = connection.dialect.name
        query = claim_query(dialect, now, 25, LEASE, lock_rows=dialect == "postgresql")
        sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        if dialect == "sqlite":
            plan = [str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
            assert "SCAN outbox USING INDEX ix_outbox_unsent" in plan, plan
            earlier = "SEARCH earlier USING INDEX ix_outbox_unsent_by_convention (convention_id=?"
            assert any(step.startswith(earlier) for step in plan), plan
            assert not [step for step in plan if step in ("SCAN outbox", "SCAN earlier")], plan
        else:
            plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}")]
            # The emails not sent yet, in id order (ix_outbox_unsent) or gathered from the
            # partial indexes then sorted, as the statistics tip it: never the whole table.
            assert not [step for step in plan if "Seq Scan" in step or "pk_outbox" in step], plan
            candidates = [
                step for step in plan if "ix_outbox_unsent" in step and "earlier" not in step
            ]
            assert candidates, plan
            assert any("ix_outbox_unsent_by_convention on outbox earlier" in step
                       for step in plan), plan  # fmt: skip


def test_the_indexes_of_the_emails_not_sent_go_down_to_0024_and_up_again(
    signed_and_notified: App, settings_env: dict[str, str], clock: FixedClock
) -> None:
    """Down to 0024 (the two partial indexes go, the emails stay), then up: they are built again
    from the emails as they are, and the claim takes the first email of the two partners."""
    emails = views.outbox(signed_and_notified)
    signed_and_notified.close()
    engine = make_engine(settings_env["CONVFLOW_DATABASE_URL"])
    try:
        run_migrations(engine, "downgrade", "0024")
        down = {index["name"] for index in inspect(engine).get_indexes("outbox")}
    finally:  # back up whatever happened: the PostgreSQL database serves the whole session
        upgraded = upgrade(engine)
        up = {index["name"] for index in inspect(engine).get_indexes("outbox")}
        engine.dispose()
    unsent = {"ix_outbox_unsent", "ix_outbox_unsent_by_convention"}
    assert not unsent & down and unsent <= up and "ix_outbox_waiting" in down
    assert upgraded == ("0024", HEAD)
    again = App.create(load_settings(settings_env))
    try:
        assert views.outbox(again) == emails
        with again.uow() as uow:  # not committed
            claimed = uow.outbox.claim(clock.now, 25, LEASE, "sender")
        assert [row.kind for row in claimed] == ["signature_requested"]
    finally:
        again.close()
