"""Deadlines as an iCalendar feed (RFC 5545) that Outlook and Thunderbird can subscribe to,
written with the `icalendar` library; the steering committees' meetings held are in it too.

Each deadline is an all-day event on its due date: the deadline expires at 24:00 (Paris) that
day, which is what an all-day event means in any time zone. Its UID is stable (reference, kind
and the event that opened the deadline), so a refreshed feed updates events instead of
duplicating them; its URL leads back to the convention's page; its VALARM rings when the
convention's first reminder of that deadline goes out (at the reminder hour, Paris, on the
working day before a day off: states.reminders).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from icalendar import Alarm, Calendar, Event

from workflow.http.addresses import in_address
from workflow.wording import dashboard as labels
from workflow.wording.dashboard import FRENCH
from workflow.wording.reading import WITHOUT_EFFECT, WITHOUT_EFFECT_NAME

PRODID = "-//Métropole Aix-Marseille-Provence//convflow//FR"
_PREFIXED = ("met", "passed", "applied")
"""The statuses an event's summary starts with (« [date passée] »): a deadline resolved; one
still to come, cancelled or superseded says nothing there."""


def _uid(item: Mapping[str, Any]) -> str:
    reference = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in item["reference"])
    return f"{reference}-{item['kind']}-{item['opened_by_seq']}@convflow"


def _alarm(item: Mapping[str, Any], reminder_hour: int) -> Alarm | None:
    """A display alarm when the first reminder of this deadline goes out, if it has one and
    the deadline is still to come."""
    days = item.get("first_reminder_days")
    # a notice the term overrides has no reminder of its own: the term's say it (rule 10)
    if days is None or item["status"] != "pending" or item.get("without_effect"):
        return None
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Rappel\u00a0: {item['reference']}\u00a0: {_label(item)}")
    # From the start of the all-day event (00:00 of the due day) to the reminder's instant.
    alarm.add("trigger", timedelta(days=-days, hours=reminder_hour))
    return alarm


def _label(item: Mapping[str, Any]) -> str:
    """What an event of the feed is called: its own label (a committee named as its
    convention names it), else its kind's; a meeting held is an event, not a deadline; a
    notice the term overrides, without effect: « résiliation sans effet : la convention expire
    à son terme le 31 décembre 2027 », not a termination that will not be."""
    if item.get("without_effect"):
        return FRENCH(WITHOUT_EFFECT, day=FRENCH.date(item["due_date"]))
    if item.get("label"):
        return str(item["label"])
    if item["kind"] == "committee_meeting":
        return labels.event(item["kind"])
    return labels.deadline(item["kind"])


def _event(item: Mapping[str, Any], link: str | None, reminder_hour: int) -> Event:
    due = item["due_date"]
    changed = item["resolved_at"] or item["created_at"]
    label = _label(item)
    event = Event()
    event.add("uid", _uid(item))
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    status = item["status"]
    prefix = f"[{labels.deadline_status(status)}] " if status in _PREFIXED else ""
    event.add("summary", f"{prefix}{item['reference']}\u00a0: {label}")
    event.add("description", f"{item['title']}\n\n{item['explanation']}")
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    # a category names a kind of event, not one day
    event.add("categories", [FRENCH(WITHOUT_EFFECT_NAME) if item.get("without_effect") else label])
    if link:
        event.add("url", link)
    alarm = _alarm(item, reminder_hour)
    if alarm is not None:
        event.add_component(alarm)
    return event


def calendar(
    items: Iterable[Mapping[str, Any]], name: str, link: str | None = None,
    reminder_hour: int = 9,
) -> str:  # fmt: skip
    """A VCALENDAR of deadlines; `link` (the dashboard's address) leads each event back to its
    convention's page."""
    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    feed.add("x-wr-timezone", "Europe/Paris")
    feed.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", "PT1H")
    for item in items:
        url = f"{link.rstrip('/')}/conventions/{in_address(item['reference'])}" if link else None
        feed.add_component(_event(item, url, reminder_hour))
    return str(feed.to_ical().decode("utf-8"))
