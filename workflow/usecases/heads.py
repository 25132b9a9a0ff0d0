"""The administrators' daily summary of the history's chain heads (states.chain).

Once a day, at the first pass from the reminder hour (Paris), the administrators get each
convention's last history hash. Kept in their mailboxes, out of the database's reach, those
values let `convflow verify` catch even a rewrite that recomputed every hash.
"""

from __future__ import annotations

from datetime import datetime

from states.calendar import PARIS, civil_date
from storage.outbox import Email
from workflow.bootstrap import App
from workflow.usecases.emails import message_id
from workflow.usecases.verification import chain_heads

__all__ = ["send_chain_heads"]


def send_chain_heads(app: App, now: datetime) -> bool:
    """Queue today's summary of chain heads if it is due and not queued yet (by this service or
    another); True if queued."""
    settings = app.settings
    admins = list(settings.admin_emails)
    day = civil_date(now)
    if not (admins and settings.chain_heads_daily):
        return False
    if now.astimezone(PARIS).hour < int(settings.reminder_hour):
        return False
    key = f"chain_heads:{day.isoformat()}"
    heads = chain_heads(app)
    if not heads:
        return False
    with app.uow() as uow:
        context = {
            "kind": "chain_heads", "audience": "service", "reply_to": None, "reference": None,
            "convention": None, "deadline": None, "event": None, "amendment": None,
            "failure": None, "links": app.mailer.links(None), "day": day.isoformat(),
            "heads": [{"reference": ref, "hash": value} for ref, value in sorted(heads.items())],
        }  # fmt: skip
        identity = message_id(key, settings.mail_from, app.mailer.salt)
        summary = Email(None, "chain_heads", identity, key, settings.mail_from, admins, [],
                        context)  # fmt: skip
        # Once a day whatever the number of services: another may queue it at this very moment.
        if uow.outbox.queue_once(summary, now) is None:
            return False
        uow.commit()
    return True
