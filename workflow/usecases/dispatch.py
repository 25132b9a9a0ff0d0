"""The dispatcher: claims due emails from the outbox, renders them, sends them, records the answers.

Claiming is its own short transaction (on PostgreSQL with SKIP LOCKED, so several dispatchers
share the work), under a claim token; the SMTP conversation happens outside any transaction,
while a thread renews the claim; each email's answer is recorded in a transaction of its own
as soon as the server gives it, on the condition that the claim is still this dispatcher's.
A dispatcher killed at any moment leaves at most the email in flight unrecorded: it goes again
after the lease, under the same Message-ID. An email whose message went out with no answer is
never sent again on the spot: it waits as `uncertain` and is retried later, like a failure.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from notifications import (
    DeliveryOutcome,
    DeliveryResult,
    OutgoingEmail,
    Refusal,
    Renderer,
    Sender,
    to_bytes,
)
from states.relevance import GoneReason, reminder_gone
from storage.engine import lost_connection
from storage.outbox import WAITING, Reached, addressed, new_token
from storage.tables import AnyRow
from storage.uow import UnitOfWork
from workflow.bootstrap import App
from workflow.failures import SMTP_FIXES, connection_failure, database_problem, settings_refused
from workflow.usecases.claims import HeldClaim
from workflow.usecases.emails import convention_snapshot, rehydrate
from workflow.wording.catalogue import gettext_noop
from workflow.wording.refusals import say
from workflow.wording.words import Words

log = logging.getLogger(__name__)
_MAX_DELAY = timedelta(hours=1)
_PATIENCE = timedelta(minutes=5)
"""The least time a sender waits for the database to record what the mail server said (the
lease, when longer: 15 minutes by default). Giving up leaves the email claimed, unrecorded: it
is sent again once the claim lapses. A minute was the length of the fault scenario's silent
database (60 s) with its 2 s lease: one email in 2 250 was sent twice when the wait ended first."""
T = TypeVar("T")
ENGLISH = Words("en")


def _about(row: AnyRow) -> dict[str, Any]:
    """What a delivery line is about, for the log's `reference` and `event` fields: the
    email's convention (none for the administrators' summaries) and its kind (its template)."""
    return {"reference": row.context.get("reference"), "event": row.kind}


@dataclass
class DeliveryReport:
    """What one delivery pass did."""

    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    uncertain: list[str] = field(default_factory=list)  # sent with no answer: tried again later
    claim_lost: list[str] = field(default_factory=list)  # outcomes not recorded: claim taken
    cancelled: list[str] = field(default_factory=list)  # moot by delivery: never sent
    held: list[str] = field(default_factory=list)
    """Of the retried, those the mail server could not take because it refuses convflow's
    mail settings (a login it refuses or does not offer, TLS it does not match, a certificate
    not trusted): held, never failed for that nor counted as an attempt, until the settings
    are corrected."""
    held_because: str = ""
    """Why, in English, for the log (empty when none was held)."""
    held_fix: str = ""
    """What to correct (which setting), in English, for the log (empty when none is known)."""
    held_code: str = ""
    """Why, as its code (workflow.failures.SETTINGS_REFUSED; empty when none was held)."""
    settings_taken: bool = False
    """Whether the mail server took convflow's settings for an email of this pass: it was
    sent, or the server itself answered for it (refused, deferred)."""
    partly: list[str] = field(default_factory=list)
    """Emails the mail server took for some recipients and refused for others (at RCPT), or
    sent to some while the others were held by an earlier email to them (see
    OutboxRepository.claim), this pass: sent to them (and among `sent` if nobody is left to
    try), retried, failed or waiting for the others; never a batch deferred whole."""
    resumed: list[str] = field(default_factory=list)
    """Of the emails the server took, those a hold had held (as this process saw, or as their
    outbox line said): the hold is over for them."""


class Holds:
    """What this process said of emails held because the mail server refuses convflow's mail
    settings, so that a hold lasting hours is not a line a minute (its emails are looked at
    again every minute or so): the ERROR when the hold begins or its reason changes, then at
    most once an hour while it lasts; each email's WARNING as sparingly; one INFO when the
    server takes the settings again. The running service keeps one across its passes, in
    memory only (a restart says the hold once more); a pass given none (a command) says all.
    Used by one delivery at a time (the service's delivery lock).

    `kept`: whether it outlives the pass (the service's), so that its lines may promise to
    say the hold again only hourly."""

    def __init__(self, kept: bool = True) -> None:
        self.kept = kept
        self.code = ""  # the reason last said ("": no hold seen)
        self.since: datetime | None = None  # when the hold began, as this process saw it
        self.said_at: datetime | None = None  # when its ERROR was last said
        self.emails: dict[str, _Held] = {}  # by Message-ID: the emails it holds

    def email(self, row: AnyRow, code: str, at: datetime) -> bool:
        """Whether to say that this email is held (as a WARNING): not said yet, or not for
        this reason, or more than an hour ago."""
        before = self.emails.get(row.message_id)
        if before is not None and before.code == code and at - before.said_at < SAY_AGAIN:
            return False
        self.emails[row.message_id] = _Held(code, at, row.context.get("reference"), row.kind)
        return True

    def held(self, code: str, at: datetime) -> tuple[str, str] | None:
        """A pass held emails for `code`: how to say it, None to say nothing (said within
        the hour). ("began" | "changed" | "lasts", and the reason said before)."""
        before = self.code
        if not before:
            how = "began"
            self.since = at
        elif before != code:
            how = "changed"
        elif self.said_at is not None and at - self.said_at < SAY_AGAIN:
            return None
        else:
            how = "lasts"
        self.code, self.said_at = code, at
        return how, before

    def forget(self, message_ids: list[str]) -> None:
        """Emails no longer waiting (failed, cancelled): not held, nor to be resumed."""
        for message_id in message_ids:
            self.emails.pop(message_id, None)

    def over(self, resumed: list[str]) -> tuple[datetime | None, int]:
        """The server took the settings: when the hold began (None: before this process),
        and how many emails it held, now resumed; forgotten."""
        since, count = self.since, len(self.emails.keys() | set(resumed))
        self.code, self.since, self.said_at, self.emails = "", None, None, {}
        return since, count


@dataclass(frozen=True)
class _Held:
    """An email held: for what reason, when that was last said, what it is about."""

    code: str
    said_at: datetime
    reference: str | None
    kind: str


SAY_AGAIN = timedelta(hours=1)
"""How often, at most, a hold that lasts is said again: its ERROR, and each email's WARNING."""


def retry_delay(attempts: int, base_seconds: int) -> timedelta:
    """Exponential backoff: base, 2x base, 4x base... capped at one hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), _MAX_DELAY)


def _render(
    renderer: Renderer,
    row: AnyRow,
    convention: dict[str, Any] | None,
    held: frozenset[str] = frozenset(),
) -> OutgoingEmail:
    """The email as this attempt sends it: to all its To and Cc (its headers), its envelope
    limited to those it has still to reach, less the `held` (an earlier email to them is not
    sent yet: OutboxRepository.held)."""
    # The convention frozen when the email was decided; only emails queued before facts were
    # frozen (and the alerts, about no one convention's moment) take it as it stands now.
    facts = row.context.get("convention") or convention
    rendered = renderer.render(row.kind, rehydrate({**row.context, "convention": facts}))
    to, cc = tuple(row.recipients), tuple(row.cc)
    # Those the mail server took it for already are not offered it again; none left (which
    # no outcome records) would be an email to nobody: everyone, rather than no one.
    unreached = Reached.of(row).unreached(to + cc)
    if held:
        unreached = tuple(mailbox for mailbox in unreached if addressed(mailbox) not in held)
    return OutgoingEmail(
        message_id=row.message_id,
        idempotency_key=row.idempotency_key,
        sender=row.sender,
        to=to,
        cc=cc,
        envelope=unreached if 0 < len(unreached) < len(to + cc) else None,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        # Dated when it may leave: the end's email, queued at 24:00, goes at the reminder hour.
        created_at=row.not_before or row.created_at,
        reply_to=row.context.get("reply_to"),
    )


def messages(app: App, rows: list[AnyRow]) -> list[tuple[AnyRow, bytes]]:
    """Each email as it was (or will be) sent, rendered from its frozen facts: the dossier's
    copies, byte for byte what the dispatcher hands the mail server."""
    conventions = _conventions(app, rows)
    return [
        (row, to_bytes(_render(app.renderer, row, conventions.get(row.context.get("reference")))))
        for row in rows
    ]


def _conventions(app: App, rows: list[AnyRow]) -> dict[str, dict[str, Any]]:
    """The conventions of the emails whose facts were not frozen, as they stand now."""
    unfrozen = [row for row in rows if not row.context.get("convention")]
    references = sorted({row.context.get("reference") for row in unfrozen} - {None})
    if not references:
        return {}
    with app.uow(read_only=True) as uow:
        try:
            found = uow.conventions.get_each(references)
        except Exception:  # one that cannot be read must not hold back the others' emails
            found = []
            for reference in references:
                try:
                    found += uow.conventions.get_each([reference])
                except Exception:
                    log.exception("%s: cannot be read to render its emails", reference)
    return {convention.reference: convention_snapshot(convention) for convention in found}


def deliver(
    app: App,
    sender: Sender,
    now: datetime,
    batch: int = 25,
    stopping: Callable[[], bool] = lambda: False,
    holds: Holds | None = None,
) -> DeliveryReport:
    """Send every email due at `now`, claimed batch by claimed batch (one SMTP connection each),
    recording each email's outcome as soon as the server gives it.

    `holds`: what was said of emails held in earlier passes (the service keeps one); none, a
    pass of its own, that says a hold in full.

    The pass ends early when a whole batch was deferred (the server is not taking mail now:
    the next wake-up tries again), or when `stopping()` says so (the emails claimed and not
    tried are given back at once).
    """
    report = DeliveryReport()
    holds = holds if holds is not None else Holds(kept=False)
    lease = timedelta(seconds=app.settings.claim_lease_seconds)
    while not stopping():
        token = new_token()
        with app.uow() as uow:
            rows = uow.outbox.claim(max(now, app.clock()), batch, lease, token)
            held = uow.outbox.held(rows)
            uow.commit()
        if not rows:
            return _said_held(report, holds, now)
        _log_claimed(rows)
        with HeldClaim(app, token, lease) as claim:
            deferred = _deliver_batch(app, sender, rows, claim, now, report, stopping, holds,
                                      held)  # fmt: skip
        if deferred:
            if not report.held:  # a server refusing our settings is said below, once
                log.warning("the mail server deferred a whole batch: the next wake-up tries again")
            return _said_held(report, holds, now)
    return _said_held(report, holds, now)


def _said_held(report: DeliveryReport, holds: Holds, now: datetime) -> DeliveryReport:
    """Say, as an error an operator's alerting catches, that the mail server refuses
    convflow's mail settings (the emails wait for an operator, not for the server): when the
    hold begins or its reason changes, then at most once an hour (see Holds); and once, when
    the server takes the settings again, that it is over."""
    holds.forget(report.sent + report.failed + report.cancelled)  # over() counts resumed ones
    if report.held:
        said = holds.held(report.held_code, now)
        if said is None:
            log.debug("%d email(s) still held: the mail server refuses convflow's mail "
                      "settings (%s)", len(holds.emails), report.held_code)  # fmt: skip
            return report
        how, before = said
        fix = f"; to correct: {report.held_fix}" if report.held_fix else ""
        if how == "changed":
            fix += f" (the server refused them before for another reason: {before})"
        elif how == "lasts" and holds.since is not None:
            fix += f" (held since {holds.since.isoformat()})"
        if holds.kept:
            fix += "; said again at most once an hour while it lasts"
        log.error(
            "the mail server refuses convflow's mail settings: %s; %d email(s) held, not "
            "failed, until CONVFLOW_SMTP_* are corrected (run `convflow doctor`), then "
            "restart the service%s",
            report.held_because, len(holds.emails), fix, extra=_about_all(holds),
        )  # fmt: skip
    elif report.settings_taken and (holds.code or report.resumed):
        since, resumed = holds.over(report.resumed)
        began = f" (held since {since.isoformat()})" if since is not None else ""
        log.info(
            "the mail server takes convflow's mail settings again: the hold is over%s; %d "
            "held email(s) resumed",
            began, resumed,
        )  # fmt: skip
    return report


def _about_all(holds: Holds) -> dict[str, Any]:
    """What a hold's line is about: the `reference` and `event` (kind) of its emails, each
    when they all share it (one email, most often), else none."""
    references = {email.reference for email in holds.emails.values()}
    kinds = {email.kind for email in holds.emails.values()}
    return {
        "reference": next(iter(references)) if len(references) == 1 else None,
        "event": next(iter(kinds)) if len(kinds) == 1 else None,
    }


def _log_claimed(rows: list[AnyRow]) -> None:
    for row in rows:
        if row.status == "sending":
            log.warning(
                "taking back %s %s, claimed at %s by a dispatcher that never answered: "
                "sending it again under the same Message-ID",
                row.kind, row.message_id, row.claimed_at.isoformat(), extra=_about(row),
            )  # fmt: skip
        elif row.status == "uncertain":
            log.info(
                "trying %s %s again under the same Message-ID: its last attempt went out with "
                "no answer (the server may have it)",
                row.kind, row.message_id, extra=_about(row),
            )  # fmt: skip


def _deliver_batch(
    app: App,
    sender: Sender,
    rows: list[AnyRow],
    claim: HeldClaim,
    now: datetime,
    report: DeliveryReport,
    stopping: Callable[[], bool],
    holds: Holds,
    held: dict[int, frozenset[str]] | None = None,
) -> bool:
    """Send one claimed batch; True if every email tried was deferred. Its emails go one after
    the other, in the order they were queued, on one connection; each goes to those of its
    recipients it has still to reach that no earlier unsent email of its convention holds
    (`held`, read with the claim: OutboxRepository.held), so none can overtake another to
    the same person here either (the held ones get it once the earlier email is sent or
    given up)."""
    emails: list[tuple[AnyRow, OutgoingEmail]] = []
    held = held or {}
    rows = _without_moot(app, rows, claim, report)
    free = [row for row in rows if not _all_held(row, held.get(row.id))]
    if len(free) < len(rows):  # freed by none since the claim's read: given back, untried
        _give_back(app, claim, [row for row in rows if row not in free])
        rows = free
    conventions = _conventions(app, rows)
    for row in rows:
        try:
            convention = conventions.get(row.context.get("reference"))
            emails.append((row, _render(app.renderer, row, convention, held.get(row.id, _NONE))))
        except Exception as problem:  # a template that cannot render is a permanent failure
            _fail(app, claim, row, f"rendering failed: {problem}", None, now, report, False)
    if not emails:
        return False
    recorded: list[str] = []
    results = sender.send_each([email for _, email in emails])
    try:
        for number, (row, email) in enumerate(emails):
            if stopping() or not claim.held():
                _release(app, claim, [r for r, _ in emails[number:]], claim.held())
                break
            result = next(results)  # the next email goes now
            recorded.append(_record(app, claim, row, email, result, now, report, holds,
                                    held.get(row.id, _NONE)))  # fmt: skip
    finally:
        _close(results)
    return bool(recorded) and all(status in WAITING for status in recorded)


_NONE: frozenset[str] = frozenset()


def _all_held(row: AnyRow, held: frozenset[str] | None) -> bool:
    """Whether every recipient the email has still to reach is held (none to send it to now)."""
    if not held:
        return False
    unreached = Reached.of(row).unreached((*row.recipients, *row.cc))
    return bool(unreached) and all(addressed(mailbox) in held for mailbox in unreached)


def _give_back(app: App, claim: HeldClaim, rows: list[AnyRow]) -> None:
    """Give back, untried and uncounted, emails whose recipients are all held, looked at again
    after the delay a first retry waits: were the claim's read and `held` ever to disagree on
    who is held (an earlier email committed between the two, or an address whose ends are
    white space SQL's trim() keeps), a due email given back would be claimed again at once,
    for as long as the earlier email waits (hundreds of passes a second)."""
    later = app.clock() + retry_delay(1, app.settings.retry_base_seconds)

    def write(uow: UnitOfWork) -> None:
        for row in rows:
            status = row.status if row.status in WAITING else "pending"
            uow.outbox.release(row.id, claim.token, status, later)

    _commit(app, claim, write)


def _without_moot(
    app: App, rows: list[AnyRow], claim: HeldClaim, report: DeliveryReport
) -> list[AnyRow]:
    """The rows still worth sending; a reminder whose reason is gone (its deadline met, the
    convention ended...) is cancelled instead, with the reason, and never sent."""
    reminders = {row.id: row.context.get("reminder_id") for row in rows}
    wanted = [rid for rid in reminders.values() if isinstance(rid, int)]
    if not wanted:
        return rows
    with app.uow(read_only=True) as uow:
        reasons = uow.outbox.reminder_reasons(wanted)
    kept = []
    for row in rows:
        reminder_id = reminders[row.id]
        reason = reasons.get(reminder_id) if isinstance(reminder_id, int) else None
        gone = reason and reminder_gone(
            reason.deadline_kind,
            reason.deadline_status,
            reason.convention_state,
            reason.amendment_awaiting_signatures,
            reason.payment_made,
        )
        if not gone:
            kept.append(row)
            continue
        note = FRENCH(GONE_NOTES[gone])
        if _cancel(app, claim, row, note):
            report.cancelled.append(row.message_id)
            log.info("not sending %s %s: %s", row.kind, row.message_id, note,
                     extra=_about(row))  # fmt: skip
        else:
            _claim_lost(row, "cancelled", report)
    return kept


def _cancel(app: App, claim: HeldClaim, row: AnyRow, note: str) -> bool:
    def write(uow: UnitOfWork) -> bool:
        return uow.outbox.cancel(row.id, note, claim.token)

    return _commit(app, claim, write)


GONE_NOTES: dict[GoneReason, str] = {
    "convention_ended": gettext_noop("not sent: the convention ended before it could leave"),
    "deadline_resolved": gettext_noop(
        "not sent: what it reminded of was met or closed before it could leave"
    ),
    "signatures_complete": gettext_noop(
        "not sent: every signature was recorded before it could leave"
    ),
}
"""Why a reminder's email was cancelled at delivery, as the outbox shows it."""
FRENCH = Words("fr")


def _close(results: Iterator[DeliveryResult]) -> None:
    """End the sender's session (a generator: closing it runs its clean-up)."""
    close = getattr(results, "close", None)
    if close is not None:
        close()


def _record(
    app: App,
    claim: HeldClaim,
    row: AnyRow,
    email: OutgoingEmail,
    result: DeliveryResult,
    now: datetime,
    report: DeliveryReport,
    holds: Holds,
    held: frozenset[str] = frozenset(),
) -> str:
    """Record what became of one email; the status it now has ("sending": not recorded).
    `held`: those it did not go to, held by an earlier email (it waits for them)."""
    at = max(now, app.clock())
    subject = email.subject
    attempt = row.attempts + 1  # this attempt, counted as it is recorded
    if result.error is None:  # sent, or the server itself answered: it took our settings
        report.settings_taken = True
        if row.message_id in holds.emails or _was_held(row):
            report.resumed.append(row.message_id)
    if result.refusals:  # the server answered for each recipient, and refused some
        return _record_refusals(app, claim, row, email, result, attempt, now, report, held)
    if result.outcome == DeliveryOutcome.SENT and held:
        before = Reached.of(row)
        taken = Reached(before.delivered_to + email.envelope_recipients, before.refused_to)
        return _partly_held(app, claim, row, email, taken, held, report)
    if result.outcome == DeliveryOutcome.SENT:
        reached = _reached_all(row, email)

        def sent(uow: UnitOfWork) -> bool:
            return uow.outbox.sent(row.id, subject, at, claim.token, reached)

        if not _commit(app, claim, sent):
            return _claim_lost(row, "sent", report)
        report.sent.append(row.message_id)
        log.info("sent %s %s to %s (%s)", row.kind, row.message_id,
                 ", ".join(email.envelope_recipients), result.detail,
                 extra=_about(row))  # fmt: skip
        return "sent"
    # A server that refuses our settings says nothing against the email: it waits for an
    # operator however long that takes, never failed for a partner to never get it; and
    # nothing was tried, so no attempt is spent nor its backoff pushed.
    if _settings_refused(result):
        return _hold(app, claim, row, result, at, report, holds)
    retrying = result.outcome in (DeliveryOutcome.TEMPORARY, DeliveryOutcome.UNCERTAIN)
    if retrying and attempt < app.settings.max_attempts:
        return _retry(app, claim, row, result, attempt, at, report)
    reason = recorded_reason(result)
    if retrying:
        reason = FRENCH(gettext_noop("gave up after {attempts} attempts: {reason}"),
                        attempts=attempt, reason=reason)  # fmt: skip
    return _fail(app, claim, row, reason, subject, now, report)


PARTLY_SENT = "partly sent"
"""What `_record` says of an email the server took for some recipients and deferred for others,
or sent to some while the others were held: waiting (pending) for those, but the server takes
mail: its batch was not deferred whole."""


def _partly_held(
    app: App,
    claim: HeldClaim,
    row: AnyRow,
    email: OutgoingEmail,
    reached: Reached,
    held: frozenset[str],
    report: DeliveryReport,
    refused: _Refused | None = None,
    attempt: int = 0,
) -> str:
    """The server answered for everyone this attempt went to, while others were held: the
    email waits (pending) for the held ones alone, claimed again once the earlier email to
    them is sent, given up or cancelled; never `sent` (run-due says it partly sent), never a
    batch deferred whole, no attempt spent (OutboxRepository.partly)."""
    at = app.clock()

    def write(uow: UnitOfWork) -> bool:
        note = refused.note if refused is not None else None
        if not uow.outbox.partly(row.id, reached, email.subject, claim.token, note):
            return False
        if refused is not None:  # a part spends no attempt: its alert keyed by whom it reached
            part = f":part:{len(reached.delivered_to)}:{len(reached.refused_to)}"
            _alert_refused(app, uow, row, refused, attempt, at, part)
        return True

    if not _commit(app, claim, write):
        return _claim_lost(row, "partly sent", report)
    if row.message_id not in report.partly:
        report.partly.append(row.message_id)
    log.info("sent %s %s to %s; waiting for %s, to whom an earlier email of the convention "
             "is not sent yet", row.kind, row.message_id,
             ", ".join(email.envelope_recipients), ", ".join(sorted(held)),
             extra=_about(row))  # fmt: skip
    return PARTLY_SENT


def _reached_all(row: AnyRow, email: OutgoingEmail) -> Reached | None:
    """Whom an email reached once this attempt, taken by everyone it was offered to, is
    recorded: None (everyone) unless earlier attempts reached only some (then those, and this
    attempt's)."""
    before = Reached.of(row)
    if not before.delivered_to and not before.refused_to:
        return None
    return Reached(before.delivered_to + email.envelope_recipients, before.refused_to)


@dataclass(frozen=True)
class _Refused:
    """What an attempt the mail server refused for some recipients leaves."""

    reached: Reached
    """Whom the email has reached by now, and whom it was refused to for good."""
    lost: list[Refusal]
    """Those refused for good at this attempt (a 5xx), of whom the administrators are told."""
    note: str
    """This attempt's refusals on one line, as the outbox records them."""


def _record_refusals(
    app: App,
    claim: HeldClaim,
    row: AnyRow,
    email: OutgoingEmail,
    result: DeliveryResult,
    attempt: int,
    now: datetime,
    report: DeliveryReport,
    held: frozenset[str] = frozenset(),
) -> str:
    """Record an attempt the mail server refused for some recipients (RCPT), and maybe took for
    the others: those it took have the email, and are never offered it again; those it refused
    for good (a 5xx) are reported to the administrators at once, never tried again; for those
    it refused for now (a 4xx) the email waits, as any deferred one, and its next attempts go
    to them alone, under the same Message-ID. It is `sent` once nobody is left to try (the
    refused for good named in its note), `failed` when its attempts ran out with someone
    still deferred (those it reached named in the alert)."""
    at = max(now, app.clock())
    before = Reached.of(row)
    refused_now = {addressed(refusal.recipient) for refusal in result.refusals}
    took = result.outcome == DeliveryOutcome.SENT
    refused = _Refused(
        Reached(
            before.delivered_to + tuple(mailbox for mailbox in email.envelope_recipients
                                        if took and addressed(mailbox) not in refused_now),
            before.refused_to + tuple(r.recipient for r in result.refusals if r.permanent),
        ),
        [refusal for refusal in result.refusals if refusal.permanent],
        Refusal.said(result.refusals),
    )  # fmt: skip
    if took:  # the server took it for some: said so (run-due), and no deferral of the batch
        report.partly.append(row.message_id)
    deferred = any(not refusal.permanent for refusal in result.refusals)
    if held and not deferred:  # none deferred: it waits for the held alone
        return _partly_held(app, claim, row, email, refused.reached, held, report, refused,
                            attempt)  # fmt: skip
    if deferred and attempt < app.settings.max_attempts:
        subject = email.subject if took else None  # the one those it reached read
        waiting = _wait_for_the_rest(app, claim, row, refused, subject, attempt, at, report)
        return PARTLY_SENT if took and waiting != "sending" else waiting
    if deferred or not refused.reached.delivered_to:
        note = refused.note
        if deferred:
            note = FRENCH(gettext_noop("gave up after {attempts} attempts: {reason}"),
                          attempts=attempt, reason=note)  # fmt: skip
        return _fail(app, claim, row, note, email.subject, now, report, reached=refused.reached)

    def write(uow: UnitOfWork) -> bool:
        reached = refused.reached
        if not uow.outbox.sent(row.id, email.subject, at, claim.token, reached, refused.note):
            return False
        _alert_refused(app, uow, row, refused, attempt, at)
        return True

    if not _commit(app, claim, write):
        return _claim_lost(row, "sent", report)
    report.sent.append(row.message_id)
    log.warning("sent %s %s to %s; refused for good by the mail server: %s",
                row.kind, row.message_id, ", ".join(refused.reached.delivered_to), refused.note,
                extra=_about(row))  # fmt: skip
    return "sent"


def _wait_for_the_rest(
    app: App,
    claim: HeldClaim,
    row: AnyRow,
    refused: _Refused,
    subject: str | None,
    attempt: int,
    at: datetime,
    report: DeliveryReport,
) -> str:
    """An attempt the server deferred for some recipients: the email waits for them alone (its
    next attempt goes to whom `refused.reached` leaves), keeping `subject` (the one those it
    reached read, None when it reached nobody yet); the refused for good are told now."""
    later = at + retry_delay(attempt, app.settings.retry_base_seconds)

    def write(uow: UnitOfWork) -> bool:
        if not uow.outbox.retry(row.id, later, refused.note, claim.token, refused.reached,
                                subject):  # fmt: skip
            return False
        _alert_refused(app, uow, row, refused, attempt, at)
        return True

    if not _commit(app, claim, write):
        return _claim_lost(row, "refused for some recipients", report)
    report.retried.append(row.message_id)
    log.warning(
        "refused for now to some recipients, %s %s (attempt %d): %s; next try at %s",
        row.kind, row.message_id, attempt, refused.note, later.isoformat(), extra=_about(row),
    )  # fmt: skip
    return "pending"


def _alert_refused(
    app: App,
    uow: UnitOfWork,
    row: AnyRow,
    refused: _Refused,
    attempt: int,
    at: datetime,
    part: str = "",
) -> None:
    """Tell the administrators that the mail server refused an email for good to some of its
    recipients (`refused.lost`), the others having it or waiting for it: once per attempt that
    refused some, in the transaction that records it."""
    if not refused.lost:
        return
    app.mailer.queue_alert(uow, dict(row._mapping), Refusal.said(refused.lost), at,
                           recipients=[refusal.recipient for refusal in refused.lost],
                           delivered_to=list(refused.reached.delivered_to),
                           key=f"alert:{row.id}:refused:{attempt}{part}")  # fmt: skip


def recorded_reason(result: DeliveryResult) -> str:
    """Why an attempt failed, as the outbox records it (`convflow outbox`, the dashboard and
    the administrators' alert read it, in French like every note the service writes): the mail
    server's answer as it gave it; a server that could not be reached, or answered nothing,
    in convflow's words, with the library's own at the end. The log keeps the detail."""
    if result.error is None:
        return result.detail
    failure = say(connection_failure(result.error), FRENCH).message
    if result.outcome == DeliveryOutcome.UNCERTAIN:
        return FRENCH(
            gettext_noop("no answer once the message was sent: {failure}"), failure=failure
        )
    if _settings_refused(result):
        if fix := _fix(result.error):
            return FRENCH(
                gettext_noop("held until the mail settings are corrected: {failure}; {fix}"),
                failure=failure, fix=FRENCH(fix),
            )  # fmt: skip
        return FRENCH(_HELD, failure=failure)
    return FRENCH(gettext_noop("mail server not reached: {failure}"), failure=failure)


def _settings_refused(result: DeliveryResult) -> bool:
    """Whether the server could not take the email because it refuses convflow's own mail
    settings (workflow.failures.SETTINGS_REFUSED), not because it is down or the email is."""
    return (
        result.outcome == DeliveryOutcome.TEMPORARY
        and result.error is not None
        and settings_refused(result.error)
    )


def _retry(
    app: App,
    claim: HeldClaim,
    row: AnyRow,
    result: DeliveryResult,
    attempt: int,
    at: datetime,
    report: DeliveryReport,
) -> str:
    """An attempt deferred: try again later."""
    later = at + retry_delay(attempt, app.settings.retry_base_seconds)
    unanswered = result.outcome == DeliveryOutcome.UNCERTAIN
    reason = recorded_reason(result)

    def write(uow: UnitOfWork) -> bool:
        if unanswered:
            return uow.outbox.uncertain(row.id, later, reason, claim.token)
        return uow.outbox.retry(row.id, later, reason, claim.token)

    if not _commit(app, claim, write):
        return _claim_lost(row, str(result.outcome), report)
    (report.uncertain if unanswered else report.retried).append(row.message_id)
    what = "no answer (uncertain: the server may have it)" if unanswered else "temporary failure"
    log.warning(
        "%s for %s %s (attempt %d): %s; next try at %s",
        what, row.kind, row.message_id, attempt, result.detail, later.isoformat(),
        extra=_about(row),
    )  # fmt: skip
    return "uncertain" if unanswered else "pending"


def _hold(
    app: App,
    claim: HeldClaim,
    row: AnyRow,
    result: DeliveryResult,
    at: datetime,
    report: DeliveryReport,
    holds: Holds,
) -> str:
    """The mail server refuses convflow's settings: the email was not tried, so no attempt is
    counted; it keeps the status it waited in, and is looked at again after the delay its
    next attempt would wait (the same at every hold, never pushed further by them), so it
    goes soon once an operator corrected the settings."""
    assert result.error is not None
    later = at + retry_delay(row.attempts + 1, app.settings.retry_base_seconds)
    status = row.status if row.status in WAITING else "pending"
    reason = recorded_reason(result)
    failure = connection_failure(result.error)

    def write(uow: UnitOfWork) -> bool:
        return uow.outbox.hold(row.id, later, reason, failure.code, claim.token, status)

    if not _commit(app, claim, write):
        return _claim_lost(row, "held", report)
    report.retried.append(row.message_id)
    report.held.append(row.message_id)
    report.held_because = say(failure, ENGLISH).message
    report.held_code = failure.code
    fix = _fix(result.error)
    report.held_fix = ENGLISH(fix) if fix else ""
    # Said when the email's hold begins or its reason changes, then at most hourly: it is
    # looked at again every minute or so, for as long as the settings stay wrong.
    said = log.warning if holds.email(row, failure.code, at) else log.debug
    said(
        "held (the mail server refuses convflow's mail settings) %s %s, not counted as an "
        "attempt (%d so far): %s; next look at %s%s",
        row.kind, row.message_id, row.attempts, result.detail, later.isoformat(),
        " (said again at most once an hour)" if holds.kept else "", extra=_about(row),
    )  # fmt: skip
    return status


def _was_held(row: AnyRow) -> bool:
    """Whether the email's outbox line says it was held (by this process or one before it):
    its hold's code, kept until anything else becomes of it (never its note's wording)."""
    return row.held_code is not None


_HELD = gettext_noop("held until the mail settings are corrected: {failure}")


def _fix(error: BaseException | None) -> str:
    """What to correct for the mail server to take convflow's settings (a catalogue msgid),
    empty when there is nothing to say."""
    return SMTP_FIXES.get(connection_failure(error).code, "") if error is not None else ""


def _fail(
    app: App,
    claim: HeldClaim,
    row: AnyRow,
    error: str,
    subject: str | None,
    now: datetime,
    report: DeliveryReport,
    attempted: bool = True,
    reached: Reached | None = None,
) -> str:
    """Give an email up. `reached`: whom it reached all the same (by default, as its row says:
    an earlier attempt may have reached some); the alert names the others."""
    at = max(now, app.clock())
    if reached is None and row.delivered_to:
        reached = Reached.of(row)
    unreached: dict[str, Any] = {}
    if reached is not None:  # the alert names those who do not have it, and those who do
        have = {addressed(mailbox) for mailbox in reached.delivered_to}
        everyone = [*row.recipients, *row.cc]
        unreached = {"recipients": [m for m in everyone if addressed(m) not in have],
                     "delivered_to": list(reached.delivered_to)}  # fmt: skip

    def write(uow: UnitOfWork) -> tuple[bool, int | None]:
        if not uow.outbox.fail(row.id, error, subject, claim.token, attempted, reached):
            return False, None
        return True, app.mailer.queue_alert(uow, dict(row._mapping), error, at, **unreached)

    recorded, alert = _commit(app, claim, write)
    if not recorded:
        return _claim_lost(row, "failed", report)
    report.failed.append(row.message_id)
    unalerted = ""  # an alert is never alerted about
    if alert is None and row.kind != "delivery_failed" and not app.settings.admin_emails:
        unalerted = " (no administrator to alert: set CONVFLOW_ADMIN_EMAILS)"
    unreached_ones = unreached.get("recipients") or [*row.recipients, *row.cc]
    log.error("could not deliver %s %s to %s: %s%s", row.kind, row.message_id,
              ", ".join(unreached_ones), error, unalerted, extra=_about(row))  # fmt: skip
    return "failed"


def _release(app: App, claim: HeldClaim, rows: list[AnyRow], held: bool) -> None:
    """Give back emails claimed and not tried: stopping, or the claim may have been lost."""
    if held:
        log.info("stopping: %d claimed emails given back untried", len(rows))
    else:
        log.warning("the claim on %d emails could not be renewed in time: they are left to "
                    "whichever sender takes them back", len(rows))  # fmt: skip

    def write(uow: UnitOfWork) -> None:
        for row in rows:  # an email taken back from a dead sender waits as any other
            status = row.status if row.status in WAITING else "pending"
            uow.outbox.release(row.id, claim.token, status)

    _commit(app, claim, write)


def _claim_lost(row: AnyRow, outcome: str, report: DeliveryReport) -> str:
    report.claim_lost.append(row.message_id)
    log.warning(
        "%s %s: our claim on it was taken back by another sender (ours was not renewed in "
        "time); its outcome here (%s) is not recorded, the new holder's will be",
        row.kind, row.message_id, outcome, extra=_about(row),
    )  # fmt: skip
    return "sending"


class _Outage:
    """Whether recording outcomes is failing for want of the database, in this process: said
    once when it begins and once when it ends, however many emails and tries lie between
    (each try every 0.25-5 s was a line with the driver's text and SQLAlchemy's link)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None

    def began(self, problem: BaseException) -> None:
        with self._lock:
            if self._since is not None:
                return
            self._since = time.monotonic()
        log.warning(
            "cannot record delivery outcomes now: the database does not answer (%s); what the "
            "mail server said is kept and recorded when it answers, without saying so again",
            say(database_problem(problem), ENGLISH).message,
        )

    def ended(self) -> None:
        if self._since is None:  # the usual case: no lock taken for it
            return
        with self._lock:
            since, self._since = self._since, None
        if since is not None:
            log.warning("delivery outcomes are recorded again, after %.0f s without the "
                        "database", time.monotonic() - since)  # fmt: skip


_OUTAGE = _Outage()


def _commit(app: App, claim: HeldClaim, write: Callable[[UnitOfWork], T]) -> T:
    """Run `write` in a transaction of its own and commit it; while the database cannot be
    reached, wait and try again (what the mail server said must not be forgotten), up to
    the lease or five minutes, whichever is longer."""
    patience = max(timedelta(seconds=app.settings.claim_lease_seconds), _PATIENCE)
    give_up = time.monotonic() + patience.total_seconds()
    pause = 0.25
    while True:
        try:
            with app.uow() as uow:
                written = write(uow)
                uow.commit()
            _OUTAGE.ended()
            return written
        except Exception as problem:
            if not lost_connection(problem) or time.monotonic() + pause > give_up:
                raise
            _OUTAGE.began(problem)
            log.debug("cannot record an outcome (claim %s…) now: %s; trying again in %.2gs",
                      claim.token[:8], _first_line(problem), pause)  # fmt: skip
            time.sleep(pause)
            pause = min(2 * pause, 5.0)


def _first_line(problem: BaseException) -> str:
    return str(problem).splitlines()[0] if str(problem) else type(problem).__name__


__all__ = ["DeliveryReport", "Holds", "Renderer", "deliver", "recorded_reason", "retry_delay"]
