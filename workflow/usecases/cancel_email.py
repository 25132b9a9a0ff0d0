"""An administrator cancels an email waiting in the outbox (`convflow cancel-email ID`).

An email the mail server keeps deferring (a 4xx: greylisting, a mailbox gone that answers
« try again later ») is tried again for up to `CONVFLOW_MAX_ATTEMPTS` attempts, about 18 hours
with the default 24; meanwhile, by the outbox's order rule, every later email of its convention
to one of the recipients it has still to reach waits behind it for those recipients (its
others have it at once). When the address is known to be wrong (an avenant corrected it), an
administrator cancels it: it is never tried again, and the later emails are offered to those
recipients at the service's next pass. Only an email waiting for its next attempt
(pending, uncertain, held) can be: one a sender is sending, sent, given up (failed), cancelled
already or never to be sent is refused, naming its status. Those the mail server already took
it for keep it: only the rest is cancelled (`delivered_to` names them).

The email shows as `cancelled` in `convflow outbox` and the convention's dossier, its note
saying who cancelled it, when and why. It is no event of the convention: its history, the
chained record of the convention's legal life, is not written to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from states.errors import ConvflowError, InvalidInput
from states.inputs import MAX_INPUT, check_actor, check_text, shows_something
from storage.outbox import WAITING, Reached
from storage.tables import AnyRow
from workflow.bootstrap import App
from workflow.usecases.views import OutboxView, outbox_view
from workflow.wording.catalogue import gettext_noop
from workflow.wording.words import Words

log = logging.getLogger(__name__)
FRENCH = Words("fr")
LARGEST_ID = 2**31 - 1
"""The largest id an outbox row can have (a 4-byte integer on PostgreSQL): a larger one names
no email."""


class UnknownEmail(ConvflowError, LookupError):
    """No email of the outbox has this id."""

    def __init__(self, outbox_id: int) -> None:
        super().__init__("unknown_email", email=outbox_id)


class EmailNotWaiting(ConvflowError):
    """The email is not waiting for an attempt: being sent, sent, given up, cancelled already
    or never to be sent (its code says which)."""


def not_waiting(row: AnyRow) -> EmailNotWaiting:
    """Why an email that is not waiting cannot be cancelled: its status, as a refusal."""
    if row.status == "sending":
        return EmailNotWaiting("email_being_sent", email=row.id, since=row.claimed_at)
    if row.status == "sent":
        return EmailNotWaiting("email_already_sent", email=row.id, sent_at=row.sent_at)
    if row.status == "failed":
        return EmailNotWaiting("email_failed", email=row.id)
    if row.status == "cancelled":
        return EmailNotWaiting("email_already_cancelled", email=row.id)
    return EmailNotWaiting("email_never_sent", email=row.id)  # late, withheld


@dataclass(frozen=True)
class CancelEmail:
    """Cancel email `outbox_id` of the outbox, for `reason`, as `actor`."""

    outbox_id: int
    reason: str
    actor: str


CANCELLED = gettext_noop("cancelled by {actor} on {instant}: {reason}")
CANCELLED_FOR = gettext_noop("cancelled for {who} by {actor} on {instant}: {reason}")
BEFORE = gettext_noop("{note} (last attempt: {error})")
"""The note an email an administrator cancelled keeps (its `last_error`), in French as the
outbox's other notes: who, when, why; for whom, when the mail server took it for others; what
the mail server said at its last attempt."""


def cancelled_note(row: AnyRow, command: CancelEmail, now: datetime) -> str:
    """What the outbox keeps of the cancellation: who, when, why, for whom and the last error."""
    values = {"actor": command.actor, "instant": FRENCH.instant(now), "reason": command.reason}
    reached = Reached.of(row)
    rest = reached.unreached((*row.recipients, *row.cc))
    if reached.delivered_to:
        note = FRENCH(CANCELLED_FOR, who=", ".join(rest), **values)
    else:
        note = FRENCH(CANCELLED, **values)
    return FRENCH(BEFORE, note=note, error=row.last_error) if row.last_error else note


def checked_reason(reason: str) -> str:
    """Why the email is cancelled, as the administrator wrote it: required, not blank, at most
    MAX_INPUT characters, no control character."""
    reason = reason.strip()
    check_text(reason, "reason", MAX_INPUT)
    if not shows_something(reason):
        raise InvalidInput("reason", "empty_text")
    return reason


def cancel_email(app: App, command: CancelEmail, now: datetime) -> OutboxView:
    """Cancel a waiting email, in one unit of work; the email as the outbox now lists it. Refused
    (nothing changed) for an unknown id or an email not waiting; a sender claiming it at the
    same moment wins, and the refusal says it is being sent."""
    reason = checked_reason(command.reason)
    actor = check_actor(command.actor)
    command = CancelEmail(command.outbox_id, reason, actor)
    if not 1 <= command.outbox_id <= LARGEST_ID:
        raise UnknownEmail(command.outbox_id)
    with app.uow() as uow:
        row = uow.outbox.get(command.outbox_id)
        if row is None:
            raise UnknownEmail(command.outbox_id)
        if row.status not in WAITING:
            raise not_waiting(row)
        if not uow.outbox.cancel_waiting(row.id, cancelled_note(row, command, now)):
            now_row = uow.outbox.get(row.id)  # a sender claimed it meanwhile
            raise not_waiting(now_row if now_row is not None else row)
        cancelled = uow.outbox.get(row.id)
        uow.commit()
    assert cancelled is not None
    log.info("email %s (%s %s) cancelled by %s: %s; reached before: %s", row.id, row.kind,
             row.message_id, actor, reason, ", ".join(row.delivered_to or []) or "nobody",
             extra={"reference": row.context.get("reference"), "event": row.kind})  # fmt: skip
    return outbox_view(cancelled)
