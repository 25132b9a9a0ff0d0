"""Deadlines as an iCalendar feed (RFC 5545) that Outlook and Thunderbird can subscribe to.

Each deadline is an all-day event on its due date: the deadline expires at 24:00 (Paris) that
day, which is what an all-day event means in any time zone. Lines end in CRLF and are folded
at 75 octets without splitting a UTF-8 character; the UID is stable (reference, kind and the
event that opened the deadline), so a refreshed feed updates events instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from workflow.wording import dashboard as labels

PRODID = "-//Métropole Aix-Marseille-Provence//convflow//FR"
_STATUS_PREFIX = {"met": "[respectée] ", "passed": "[échue] ", "applied": "[appliquée] "}


def escape_text(value: str) -> str:
    """A TEXT value escaped (RFC 5545, 3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545, 3.1), never inside a UTF-8 character."""
    parts: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, 74  # a continuation line starts with a space
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _uid(item: Mapping[str, Any]) -> str:
    reference = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in item["reference"])
    return f"{reference}-{item['kind']}-{item['opened_by_seq']}@convflow"


def _event(item: Mapping[str, Any], link: str | None) -> list[str]:
    due: date = item["due_date"]
    changed: datetime = item["resolved_at"] or item["created_at"]
    summary = (
        f"{_STATUS_PREFIX.get(item['status'], '')}{item['reference']} : "
        f"{labels.deadline(item['kind'])}"
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_uid(item)}",
        f"DTSTAMP:{_stamp(changed)}",
        f"LAST-MODIFIED:{_stamp(changed)}",
        f"DTSTART;VALUE=DATE:{_day(due)}",
        f"DTEND;VALUE=DATE:{_day(due + timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(item['title'] + chr(10) + chr(10) + item['explanation'])}",
        "TRANSP:TRANSPARENT",
        "STATUS:CONFIRMED",
        f"CATEGORIES:{escape_text(labels.deadline(item['kind']))}",
    ]
    if link:
        lines.append(f"URL:{link}")
    lines.append("END:VEVENT")
    return lines


def calendar(items: Iterable[Mapping[str, Any]], name: str, link: str | None = None) -> str:
    """A VCALENDAR of deadlines; `link` (the dashboard's address) is put on each event."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Paris",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    for item in items:
        url = f"{link.rstrip('/')}/conventions/{item['reference']}" if link else None
        lines += _event(item, url)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
