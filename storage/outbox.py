"""The outbox repository: emails queued in the transaction that decides them, then delivered.

A sender claims emails (marking them `sending` with its claim's token and the instant), renews
its claim while it works, and records each outcome on the condition that the claim is still
its own: a sender that was too slow, and whose emails another took back after the lease, can
no longer overwrite what the new holder records (fencing, as River, procrastinate and Oban do).
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    Text,
    and_,
    cast,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from states.payments import SINGLE_PAYMENT, Instalment, outstanding, progress_of
from storage import reads
from storage.fastpath import Prepared, column_kinds
from storage.mapping import instalment_from_json, payments_from_stored
from storage.tables import (
    OUTBOX_SENDING,
    OUTBOX_UNSENT,
    OUTBOX_WAITING,
    AnyRow,
    amendment_table,
    convention_table,
    deadline_table,
    outbox_table,
    reminder_table,
)
from storage.vocabulary import EMAIL_WAITING

o = outbox_table.c
_COLUMNS = [
    "convention_id", "kind", "message_id", "idempotency_key", "sender", "recipients", "cc",
    "context", "status", "attempts", "unanswered", "next_attempt_at", "created_at", "not_before",
]  # fmt: skip
WAITING = EMAIL_WAITING
"""The statuses of an email waiting for its next attempt."""
_QUEUE = Prepared(
    insert(outbox_table).returning(o.id), column_kinds(outbox_table), column_keys=_COLUMNS
)
_QUEUE_MANY = Prepared(insert(outbox_table), column_kinds(outbox_table), column_keys=_COLUMNS)


@dataclass(frozen=True)
class ReminderReason:
    """Why a reminder's email was decided, as it stands at delivery."""

    deadline_kind: str
    deadline_status: str
    convention_state: str
    amendment_awaiting_signatures: bool
    payment_made: bool = False
    """For a payment reminder: its instalment (or the single payment) is recorded as paid."""


def _paid(row: AnyRow) -> bool:
    """Whether the payment a reminder's deadline is about is recorded: the single payment
    (instalment 0) once the convention is paid, and paid in full (the balance an amendment
    raising its amount added is still due); an instalment once its own entry is, and paid in
    full (the balance an amendment raising it added is still due). One the Métropole forgoes
    (rule 25) is owed no more: its reminders are moot as a paid one's."""
    if row.kind != "payment":
        return False
    progress = progress_of(payments_from_stored(row.payments), row.instalment)
    if progress.forgone_on is not None:
        return True
    if row.instalment == SINGLE_PAYMENT:
        if progress.paid_on is None:  # recorded before revision 0011, or not paid
            return row.paid_on is not None
        return not outstanding(Instalment(SINGLE_PAYMENT, Decimal(row.amount)), progress)
    instalment = _declared(row.clauses, row.instalment)
    if instalment is None or progress.paid_on is None:
        return progress.paid_on is not None
    return not outstanding(instalment, progress)


def _declared(clauses: str | dict[str, Any] | None, number: int) -> Instalment | None:
    """Instalment `number` of the stored clauses (JSON text or an object), as amended."""
    data = json.loads(clauses) if isinstance(clauses, str) else (clauses or {})
    found = [item for item in data.get("instalments") or [] if int(item["number"]) == number]
    return instalment_from_json(found[0]) if found else None


def addressed(mailbox: str) -> str:
    """A recipient as the outbox compares them (its order rule, `delivered_to`): as To or Cc
    name it, trimmed and in lower case."""
    return mailbox.strip().lower()


@dataclass(frozen=True)
class Reached:
    """Whom an email reached so far: the recipients the mail server took it for, and those it
    refused for good (never tried again); each as its To or Cc names it (compared as
    `addressed` writes it)."""

    delivered_to: tuple[str, ...] = ()
    refused_to: tuple[str, ...] = ()

    @classmethod
    def of(cls, row: AnyRow) -> Reached:
        """What an outbox row says of it."""
        return cls(tuple(row.delivered_to or ()), tuple(row.refused_to or ()))

    def unreached(self, mailboxes: tuple[str, ...]) -> tuple[str, ...]:
        """Those of `mailboxes` (its To and Cc) it has still to be delivered to."""
        done = {addressed(mailbox) for mailbox in (*self.delivered_to, *self.refused_to)}
        return tuple(mailbox for mailbox in mailboxes if addressed(mailbox) not in done)

    def values(self) -> dict[str, Any]:
        """Its outbox columns: lists, empty for nobody (never None, which SQLAlchemy's JSON
        would write as JSON's null, a list to no backend's JSON functions)."""
        return {"delivered_to": list(self.delivered_to), "refused_to": list(self.refused_to)}


@dataclass(frozen=True)
class Email:
    """An email to queue: to whom, about what, under which key and Message-ID."""

    convention_id: int | None
    kind: str
    message_id: str
    idempotency_key: str
    sender: str
    recipients: list[str]
    cc: list[str]
    context: dict[str, Any]
    status: str = "pending"
    """`pending` to be sent; `late` when its event was recorded after the fact: it is never
    sent, and the administrators hear of it in their next summary."""
    not_before: datetime | None = None
    """When it may go at the earliest (None: at once): the end of a convention, applied at
    24:00, is told at the reminder hour of the next morning. Its row is due then and dated
    then (its Date header): the email is written for that morning, from the facts of now; it
    says it was created now, when it was queued, with the change that decided it."""

    def row(self, now: datetime) -> dict[str, Any]:
        """Its outbox row, queued now, due now (or at its `not_before`, if later)."""
        later = self.not_before if self.not_before is not None and self.not_before > now else None
        due = later or now
        # Not dataclasses.asdict: it deep-copies the context, a third of a batch's time.
        return {
            "convention_id": self.convention_id,
            "kind": self.kind,
            "message_id": self.message_id,
            "idempotency_key": self.idempotency_key,
            "sender": self.sender,
            "recipients": self.recipients,
            "cc": self.cc,
            "context": self.context,
            "status": self.status,
            "attempts": 0,
            "unanswered": 0,
            "next_attempt_at": due,
            "created_at": now,
            "not_before": later,
        }


class OutboxRepository:
    """Every email convflow decided to send, and what became of it."""

    def __init__(self, connection: Connection, lock_rows: bool) -> None:
        self._connection = connection
        self._lock_rows = lock_rows

    def queue(self, email: Email, now: datetime) -> int:
        """Queue an email for delivery; return its id."""
        cursor = _QUEUE.execute(self._connection, email.row(now))
        outbox_id = int(cursor.fetchone()[0])
        cursor.close()
        return outbox_id

    def queue_many(self, emails: list[Email], now: datetime) -> None:
        """Queue several emails in one statement."""
        if emails:
            _QUEUE_MANY.executemany(self._connection, [email.row(now) for email in emails])

    def queue_once(self, email: Email, now: datetime) -> int | None:
        """Queue an email unless one with its idempotency key was ever queued: its id, or None
        when the key was already there. One statement (INSERT ... ON CONFLICT DO NOTHING):
        two services deciding the same email at the same moment queue it once, and the second
        neither fails nor waits for more than the first's commit (a look before the insert
        let both look, then failed the second's whole transaction on the unique key)."""
        once = [o.idempotency_key]
        statement = (
            postgresql_insert(outbox_table).on_conflict_do_nothing(index_elements=once)
            if self._connection.dialect.name == "postgresql"
            else sqlite_insert(outbox_table).on_conflict_do_nothing(index_elements=once)
        )
        queued = self._connection.execute(statement.values(email.row(now)).returning(o.id)).first()
        return None if queued is None else int(queued[0])

    def claim(
        self, now: datetime, limit: int, lease: timedelta, token: str | None = None
    ) -> list[AnyRow]:
        """Take up to `limit` emails to send now, under the claim `token` (a new one if None),
        stamped `now`: waiting and due, or claimed by a sender that has not renewed its claim
        within `lease` (it died: the message goes again, under the same Message-ID). On
        PostgreSQL, rows another sender is claiming are skipped. Oldest queued first (by id):
        emails due together leave in the order they were decided.

        Each recipient reads one convention's emails in the order they were queued, whatever
        the mail server refused for a while and however many services share the outbox: a
        recipient is *held* for an email while an earlier email of its convention, not sent
        yet (waiting for a retry, uncertain, or being sent by any sender), has that recipient
        still to reach. An email is taken when at least one of those it has still to reach is
        not held (`held` says which are, for the envelope of this attempt: the others alone,
        the email then waiting for the held ones as a partly delivered one does); one whose
        recipients are all held waits, and is taken again once the earlier email is sent,
        given up (failed) or cancelled. The rows are returned as they were before the claim
        (their former status says if one was taken back)."""
        query = claim_query(self._connection.dialect.name, now, limit, lease, self._lock_rows)
        rows = list(self._connection.execute(query).all())
        if rows:
            self._connection.execute(
                update(outbox_table)
                .where(o.id.in_([row.id for row in rows]))
                .values(status="sending", claimed_at=now, claim_token=token or new_token())
            )
        return rows

    def held(self, rows: list[AnyRow]) -> dict[int, frozenset[str]]:
        """For each claimed email (its id), the recipients it has still to reach that an
        earlier email of its convention, not sent yet, has still to reach too (as `addressed`
        writes them): held, this attempt goes to the others alone. One read for the batch,
        from ix_outbox_unsent_by_convention; emails of no convention, or holding nobody, are
        left out. Read in the claim's transaction: an earlier email of the same batch holds
        the later one's shared recipients (it is unsent until recorded)."""
        ours = [row for row in rows if row.convention_id is not None]
        if not ours:
            return {}
        earlier = self._connection.execute(
            select(o.id, o.convention_id, o.recipients, o.cc, o.delivered_to, o.refused_to)
            .where(
                o.convention_id.in_({row.convention_id for row in ours}),
                OUTBOX_UNSENT,
                o.id < max(row.id for row in ours),
            )
            .order_by(o.id)
        ).all()
        still: dict[int, list[tuple[int, set[str]]]] = {}  # by convention, in id order
        for other in earlier:
            still.setdefault(other.convention_id, []).append((other.id, _unreached(other)))
        found: dict[int, frozenset[str]] = {}
        for row in ours:
            mine = _unreached(row)
            held: set[str] = set()
            for other_id, theirs in still.get(row.convention_id, ()):
                if other_id >= row.id:
                    break
                held |= theirs & mine
            if held:
                found[row.id] = frozenset(held)
        return found

    def renew(self, token: str, now: datetime) -> int:
        """Renew every claim `token` still holds, as of `now`; how many it still holds."""
        result = self._connection.execute(
            update(outbox_table)
            .where(OUTBOX_SENDING & (o.claim_token == token))
            .values(claimed_at=now)
        )
        return result.rowcount

    def sent(
        self,
        outbox_id: int,
        subject: str,
        now: datetime,
        token: str | None = None,
        reached: Reached | None = None,
        note: str | None = None,
    ) -> bool:
        """The server accepted the email (an attempt made); False if the claim was lost.
        `reached`: whom it reached, when the server refused it for good to some (`note`
        says their refusals); None: everyone it was to go to."""
        extra = reached.values() if reached is not None else {}
        return self._outcome(outbox_id, token, status="sent", subject=subject, sent_at=now,
                             last_error=note, **extra)  # fmt: skip

    def retry(
        self,
        outbox_id: int,
        at: datetime,
        error: str,
        token: str | None = None,
        reached: Reached | None = None,
        subject: str | None = None,
    ) -> bool:
        """A temporary failure (an attempt made): try again at `at`; False if the claim was
        lost. `reached`: whom it reached by now, when the server took it for some recipients
        (the next attempt goes to the others alone); `subject`: what those read, as sent."""
        extra = reached.values() if reached is not None else {}
        if subject is not None:
            extra["subject"] = subject
        return self._outcome(outbox_id, token, status="pending", next_attempt_at=at,
                             last_error=error, **extra)  # fmt: skip

    def partly(
        self,
        outbox_id: int,
        reached: Reached,
        subject: str,
        token: str,
        note: str | None = None,
    ) -> bool:
        """The server took the email for those this attempt went to, while others were held
        (an earlier email to them is not sent yet: see `claim`): it stays `pending`, due as it
        was, its `delivered_to` (and `refused_to`) as `reached` says, `subject` what those read;
        taken again once its held recipients are freed. Not counted in `attempts` (the failures'
        budget): an email never runs out of attempts by being held. False if the claim was lost."""
        values: dict[str, Any] = {**reached.values(), "subject": subject}
        if note is not None:
            values["last_error"] = note
        return self._outcome(outbox_id, token, counted=False, status="pending", **values)

    def hold(
        self,
        outbox_id: int,
        at: datetime,
        error: str,
        code: str,
        token: str,
        status: str = "pending",
    ) -> bool:
        """The mail server refuses convflow's own settings (a login, TLS), for the reason
        `code` (kept as the email's `held_code`): nothing was tried, so no attempt is counted;
        the email waits in `status` (the one it had) and is looked at again at `at`. False if
        the claim was lost."""
        return self._outcome(outbox_id, token, counted=False, status=status,
                             next_attempt_at=at, last_error=error, held_code=code)  # fmt: skip

    def uncertain(self, outbox_id: int, at: datetime, error: str, token: str) -> bool:
        """The message went out and no answer came (an attempt made, unanswered): the server
        may have it; try again at `at`, under the same Message-ID. False if the claim was lost."""
        return self._outcome(outbox_id, token, status="uncertain", next_attempt_at=at,
                             last_error=error, unanswered=o.unanswered + 1)  # fmt: skip

    def fail(
        self,
        outbox_id: int,
        error: str,
        subject: str | None = None,
        token: str | None = None,
        attempted: bool = True,
        reached: Reached | None = None,
    ) -> bool:
        """A permanent failure (or retries exhausted): never sent, shown to administrators.
        `attempted`: False when it failed before any attempt (it could not be rendered).
        `reached`: whom it reached all the same (the others never got it). False if the claim
        was lost."""
        values: dict[str, Any] = {"status": "failed", "last_error": error}
        if reached is not None:
            values.update(reached.values())
        if subject is not None:
            values["subject"] = subject
        return self._outcome(outbox_id, token, counted=attempted, **values)

    def late(self) -> list[AnyRow]:
        """Emails withheld because their event was recorded after the fact, not yet reported
        to the administrators, oldest first."""
        query = select(outbox_table).where(o.status == "late").order_by(o.id)
        return list(self._connection.execute(query).all())

    def withhold(self, outbox_ids: list[int], note: str) -> None:
        """Those late emails were reported to the administrators: never to be sent."""
        if outbox_ids:
            self._connection.execute(
                update(outbox_table)
                .where(o.id.in_(outbox_ids), o.status == "late")
                .values(status="withheld", last_error=note, held_code=None)
            )

    def cancel(self, outbox_id: int, reason: str, token: str) -> bool:
        """Not sent: what it was about is gone (a deadline met, a convention ended); no
        attempt counted. False if the claim was lost."""
        return self._outcome(outbox_id, token, counted=False, status="cancelled",
                             last_error=reason)  # fmt: skip

    def get(self, outbox_id: int) -> AnyRow | None:
        """One email by its id; None when there is none."""
        return self._connection.execute(select(outbox_table).where(o.id == outbox_id)).first()

    def cancel_waiting(self, outbox_id: int, note: str) -> bool:
        """An administrator cancels an email waiting for its next attempt (pending, uncertain,
        held: `WAITING`): it is never tried again (`cancelled`, `note` saying who, when and
        why), and holds back none of the later emails to its recipients. Those the mail server
        took it for keep it (`delivered_to`); only the rest is cancelled. No attempt counted.
        False when it is not waiting (any more): a sender claimed it meanwhile, or it was sent,
        given up or cancelled."""
        result = self._connection.execute(
            update(outbox_table)
            .where(o.id == outbox_id, OUTBOX_WAITING)
            .values(status="cancelled", last_error=note, held_code=None)
        )
        return result.rowcount == 1

    def reminder_reasons(self, reminder_ids: list[int]) -> dict[int, ReminderReason]:
        """For each reminder, what its email is about as it stands now: its deadline's kind and
        status, the convention's state and whether an amendment awaits signatures."""
        if not reminder_ids:
            return {}
        r, d, c = reminder_table.c, deadline_table.c, convention_table.c
        awaiting = (
            select(amendment_table.c.id)
            .where(amendment_table.c.convention_id == c.id, amendment_table.c.state == "signature")
            .exists()
        )
        query = (
            select(
                r.id,
                d.kind,
                d.status,
                d.instalment,
                c.state,
                c.paid_on,
                c.payments,
                c.amount,
                c.clauses,
                awaiting.label("amendment_awaiting"),
            )
            .join(deadline_table, d.id == r.deadline_id)
            .join(convention_table, c.id == r.convention_id)
            .where(r.id.in_(reminder_ids))
        )
        return {
            row.id: ReminderReason(
                row.kind, row.status, row.state, bool(row.amendment_awaiting), _paid(row)
            )
            for row in self._connection.execute(query)
        }

    def release(
        self, outbox_id: int, token: str, status: str, later: datetime | None = None
    ) -> bool:
        """Give back an email claimed but not tried (the sender is stopping): it waits again
        in `status`, no attempt counted; looked at again at `later` when given, else as due
        as it was."""
        values: dict[str, Any] = {"status": status}
        if later is not None:
            values["next_attempt_at"] = later
        return self._outcome(outbox_id, token, counted=False, **values)

    def _outcome(
        self, outbox_id: int, token: str | None, counted: bool = True, **values: Any
    ) -> bool:
        """Write an outcome and end the claim, only if the claim `token` still holds the row.
        An outcome with a note of its own ends a hold (only `hold` gives the note a code); one
        without (a release: the email was not tried) leaves the hold as it was."""
        if "last_error" in values:
            values.setdefault("held_code", None)
        query = update(outbox_table).where(o.id == outbox_id)
        if token is not None:
            query = query.where((o.claim_token == token) & (o.status == "sending"))
        if counted:
            values["attempts"] = o.attempts + 1
        values.update(claimed_at=None, claim_token=None)
        return self._connection.execute(query.values(**values)).rowcount == 1

    def for_convention(self, convention_id: int) -> list[AnyRow]:
        """Every email of a convention, oldest first."""
        return list(self._connection.execute(reads.EMAILS, {"convention_id": convention_id}))

    def listing(self, status: str | None, limit: int, refused_too: bool = False) -> list[AnyRow]:
        """Emails (of one status, or all), newest first; `refused_too`: with those the mail
        server refused for good to some of their recipients (`refused_to`), whatever their
        status (sent to the others, or waiting for them)."""
        query = select(outbox_table).order_by(o.id.desc()).limit(limit)
        if status:
            refused = o.refused_to.is_not(None) & cast(o.refused_to, Text).not_in(["[]", "null"])
            query = query.where(or_(o.status == status, refused) if refused_too else
                                o.status == status)  # fmt: skip
        return list(self._connection.execute(query).all())

    def counts(self) -> Counter[str]:
        """How many emails are in each status; `unanswered`: how many had an attempt left
        with no answer (they may have reached their recipients twice)."""
        found = self._connection.execute(select(o.status, func.count()).group_by(o.status)).all()
        unanswered = self._connection.execute(
            select(func.count()).select_from(outbox_table).where(o.unanswered > 0)
        ).scalar_one()
        counts = Counter({status: number for status, number in found})
        counts["unanswered"] = unanswered
        return counts

    def next_attempt(self, lease: timedelta) -> datetime | None:
        """The earliest instant an email is due (or a stale claim may be taken back). An email
        whose recipients still to reach are all held by earlier ones (see `claim`) is due when
        one of those is sent or given up, not at its own instant: the earlier one's is counted
        instead; one only partly held is due at its own instant (it goes to the others)."""
        pending = self._connection.execute(
            select(o.next_attempt_at)
            .where(OUTBOX_WAITING, ~_held_whole(self._connection.dialect.name))
            .order_by(o.next_attempt_at)
            .limit(1)
        ).scalar()
        claimed = self._connection.execute(
            select(func.min(o.claimed_at)).where(OUTBOX_SENDING)
        ).scalar()
        candidates = [t for t in (pending, claimed + lease if claimed else None) if t]
        return min(candidates, default=None)


def claim_query(
    dialect: str, now: datetime, limit: int, lease: timedelta, lock_rows: bool
) -> Select[Any]:
    """The claim's read (OutboxRepository.claim), in `dialect` ("sqlite", "postgresql"): the
    emails to take now, oldest queued first, none whose recipients still to reach are all held
    by earlier unsent ones (`_held_whole`); locked, skipping those another sender is claiming,
    when `lock_rows`."""
    query = (
        select(outbox_table)
        .where(
            # Read from ix_outbox_unsent in id order, stopping at `limit`: the few emails
            # not sent yet, never the many sent before (SQLite read every row for the
            # order, 7 ms a claim at 200 000 emails).
            OUTBOX_UNSENT,
            or_(
                OUTBOX_WAITING & (o.next_attempt_at <= now),
                OUTBOX_SENDING & (o.claimed_at <= now - lease),
            ),
            ~_held_whole(dialect),
        )
        # In the order the emails were queued, not by when each fell due: one
        # convention's emails due together leave in the order of its events (the
        # document's email before the payment recorded after it), whatever the clock
        # said when each command read it (two commands, two processes, two hosts).
        .order_by(o.id)
        .limit(limit)
    )
    if lock_rows:
        query = query.with_for_update(skip_locked=True)
    return query


_EARLIER = outbox_table.alias("earlier")
_EARLIER_UNSENT = text("earlier.status IN ('pending', 'uncertain', 'sending')")
"""OUTBOX_UNSENT of the earlier email, written as the partial index ix_outbox_unsent_by_convention
says it (SQLite uses a partial index only for a condition it can match literally)."""
_ADDRESSES = {
    "sqlite": "SELECT lower(trim(value)) AS address FROM json_each({0}.recipients) "
              "UNION ALL SELECT lower(trim(value)) FROM json_each({0}.cc) "
              "EXCEPT SELECT lower(trim(value)) FROM json_each({0}.delivered_to) "
              "EXCEPT SELECT lower(trim(value)) FROM json_each({0}.refused_to)",
    "postgresql": "SELECT lower(btrim(address)) AS address "
                  "FROM json_array_elements_text({0}.recipients) AS address "
                  "UNION ALL SELECT lower(btrim(address)) "
                  "FROM json_array_elements_text({0}.cc) AS address "
                  "EXCEPT SELECT lower(btrim(done)) "
                  "FROM json_array_elements_text({0}.delivered_to) AS done "
                  "EXCEPT SELECT lower(btrim(done)) "
                  "FROM json_array_elements_text({0}.refused_to) AS done",
}  # fmt: skip
"""The addresses an email has still to reach (its To and Cc, but those the mail server took
it for or refused for good: `Reached`), as the erasure compares them (trimmed, in lower case),
in each backend's words for a JSON list."""


def _behind_an_earlier(dialect: str) -> ColumnElement[bool]:
    """Whether an email of the outbox has an earlier email (a smaller id: queued before it) of
    the same convention, not sent yet (OUTBOX_UNSENT), to one of its recipients at least
    (those each has still to reach: a partner who has the earlier one waits for nothing):
    those shared recipients are held (they wait), the others not (`_held_whole`).
    Read from ix_outbox_unsent_by_convention: the convention's few unsent emails, never those
    sent before. An email of no convention (the administrators' summaries) waits behind none."""
    addresses = _ADDRESSES[dialect]
    shared = text(
        f"EXISTS (SELECT 1 FROM ({addresses.format('earlier')}) AS theirs "
        f"JOIN ({addresses.format('outbox')}) AS mine ON mine.address = theirs.address)"
    )
    e = _EARLIER.c
    return (
        select(e.id)
        .where(e.convention_id == o.convention_id, e.id < o.id, _EARLIER_UNSENT, shared)
        .exists()
    )


_ALL_HELD = {
    dialect: text(
        # `mailbox`, never `address`: PostgreSQL would read the earlier's `address` (its
        # function's alias, whose column is `value`) as this outer column.
        f"NOT EXISTS (SELECT 1 FROM (SELECT address AS mailbox FROM ({addresses.format('outbox')}) "
        "AS unreached) AS mine WHERE NOT EXISTS ("
        "SELECT 1 FROM outbox AS earlier WHERE earlier.convention_id = outbox.convention_id "
        "AND earlier.id < outbox.id AND earlier.status IN ('pending', 'uncertain', 'sending') "
        f"AND mine.mailbox IN ({addresses.format('earlier')})))"
    )
    for dialect, addresses in _ADDRESSES.items()
}
"""Whether an email has no recipient still to reach that no earlier unsent email of its
convention has still to reach, i.e. all are held (read, as `_behind_an_earlier`, from
ix_outbox_unsent_by_convention, whose partial condition it writes literally)."""


def _held_whole(dialect: str) -> ColumnElement[bool]:
    """Whether every recipient an email has still to reach is held by an earlier unsent email
    of its convention (`_behind_an_earlier` for one of them, and none free): it waits whole.
    An email only partly held is not: it goes now to those not held (OutboxRepository.held)."""
    return and_(_behind_an_earlier(dialect), _ALL_HELD[dialect])


def _unreached(row: AnyRow) -> set[str]:
    """The recipients an outbox row has still to reach, as `addressed` writes them."""
    return {addressed(m) for m in Reached.of(row).unreached((*row.recipients, *row.cc))}


def new_token() -> str:
    """A claim's token: random, so no two claims ever share one."""
    return secrets.token_hex(16)
