"""What was recorded after the fact: never told to the partners, summed up for the service.

An event dated more than the late-record horizon before it is recorded (or a deadline that had
already fallen when it was computed) decides its email as usual, but the email waits as `late`
instead of leaving: the partners would read as news what happened days or months before. Each
due pass gathers the late ones into one summary to the administrators, and they stay in the
outbox as `withheld`, with why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from notifications.committee import committee_of
from storage.outbox import Email
from storage.tables import AnyRow
from workflow.bootstrap import App
from workflow.usecases.emails import message_id
from workflow.usecases.listing import OverdueItem, overdue_of
from workflow.wording import labels
from workflow.wording.catalogue import gettext_noop
from workflow.wording.words import Words

__all__ = ["report_late_records"]

OVERDUE_SHOWN = 20
"""How many obligations overdue the summary names, the oldest; it counts the others."""
WITHHELD = gettext_noop("not sent: recorded after the fact; told to the administrators")
WITHHELD_UNTOLD = gettext_noop("not sent: recorded after the fact; no administrator to tell")


def _item(row: AnyRow) -> dict[str, Any]:
    """One withheld email as the summary lists it: the convention, what, and when. A reminder
    skipped because its hour had passed when its deadline became known says which one (J-7)
    and the day it was planned for; an announcement, the day its deadline fell."""
    context = row.context
    event, deadline = context.get("event"), context.get("deadline")
    planned = context.get("planned")
    # A committee's reminder named as its facts froze the committee (« Commission de suivi »).
    committee = committee_of(context.get("convention") or {})["name"]
    what = labels.for_committee("email", row.kind, committee)
    if event and event.get("label") and event["label"] != what:
        what = f"{what} — {event['label']}"
    if planned and str(planned.get("label", "")).startswith("J"):
        what = f"{what}, {planned['label']}"
    on = (
        (planned or {}).get("on")
        or (event or {}).get("occurred_on")
        or (deadline or {}).get("due_date")
    )
    return {"reference": context.get("reference") or "", "what": what, "on": on}


def _items(rows: list[AnyRow]) -> list[dict[str, Any]]:
    """The withheld emails as the summary lists them, grouped by convention (the template
    groups them under its reference), each convention's by date."""
    return sorted((_item(row) for row in rows), key=lambda i: (i["reference"], str(i["on"] or "")))


def _overdue(item: OverdueItem) -> dict[str, Any]:
    """An obligation overdue as the summary lists it: the convention, what, due when."""
    what = labels.deadline(item["kind"])
    if item["instalment"]:
        what = f"{what} n°\u00a0{item['instalment']}"
    return {"reference": item["reference"], "what": what, "due_date": item["due_date"]}


def _overdue_shown(items: list[OverdueItem]) -> dict[str, Any]:
    """The summary's obligations overdue: the OVERDUE_SHOWN oldest (`overdue`), and how many
    more there are (`overdue_more`), which `convflow list` shows."""
    return {"overdue": [_overdue(item) for item in items[:OVERDUE_SHOWN]],
            "overdue_more": max(len(items) - OVERDUE_SHOWN, 0)}  # fmt: skip


def report_late_records(app: App, now: datetime) -> int:
    """Withhold the emails recorded late since the last pass and tell the administrators, in
    one summary; how many were withheld."""
    settings, words = app.settings, Words("fr")
    with app.uow() as uow:
        rows = uow.outbox.late()
        if not rows:
            return 0
        admins = list(settings.admin_emails)
        if admins:
            key = f"late:{rows[0].id}-{rows[-1].id}"
            context = {
                "kind": "late_records", "audience": "service", "reply_to": None,
                "reference": None, "convention": None, "deadline": None, "event": None,
                "amendment": None, "failure": None, "links": app.mailer.links(None),
                "late": _items(rows),
                # what is still owed, whether or not an email was withheld about it
                **_overdue_shown(overdue_of(uow, None, None, settings.extension_grace_days)),
                "horizon": int(settings.late_record_days),
            }  # fmt: skip
            identity = message_id(key, settings.mail_from, app.mailer.salt)
            summary = Email(None, "late_records", identity, key, settings.mail_from, admins, [],
                            context)  # fmt: skip
            if uow.outbox.queue_once(summary, now) is None:
                return 0  # another service reported these very emails at the same moment
        note = words(WITHHELD if admins else WITHHELD_UNTOLD)
        uow.outbox.withhold([row.id for row in rows], note)
        uow.commit()
    return len(rows)
