"""Human-readable output for the command line: French dates and amounts, aligned columns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from workflow.wording.values import euros, long_date, paris_time


def table(rows: Iterable[Iterable[str]], headers: Iterable[str]) -> str:
    """Rows as aligned columns under their headers."""
    grid = [list(headers), *([str(cell) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in grid) for i in range(len(grid[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in grid
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def status_text(view: Mapping[str, Any]) -> str:
    """A convention's status as administrators read it."""
    allowed = ", ".join(view["allowed_events"]) or "none"
    effective = view["effective_date"]
    in_force = f"since {long_date(effective)}" if effective else "not yet"
    lines = [
        f"{view['reference']} — {view['title']}",
        f"  state        {view['state']}  (allowed events: {allowed})",
        f"  amount       {euros(view['amount'])}"
        + (
            f"  — paid {euros(view['paid_amount'])} on {long_date(view['paid_on'])}"
            if view["paid_on"]
            else ""
        ),
        f"  term         {long_date(view['end_date'])}",
        f"  in force     {in_force}",
        "  parties",
    ]
    lines += [f"    {p['key']:<12} {p['name']}" for p in view["parties"]]
    lines.append("  signatories")
    for s in view["signatories"]:
        signed = f"signed {long_date(s['signed_on'])}" if s["signed_on"] else "not signed"
        if not s["signed_on"] and view["effective_date"]:
            signed = "appointed by an amendment, after the convention was signed"
        lines.append(f"    {s['party']:<12} {s['name']} <{s['email']}> — {signed}")
    for s in view.get("former_signatories", []):
        signed = f"signed {long_date(s['signed_on'])}" if s["signed_on"] else "did not sign"
        lines.append(
            f"    {s['party']:<12} {s['name']} <{s['email']}> — {signed}; "
            f"replaced by avenant n°{s['replaced_by']}"
        )
    lines.append("  deadlines" if view["deadlines"] else "  deadlines    none yet")
    for d in view["deadlines"]:
        lines.append(
            f"    {d['kind']:<19} {d['status']:<10} {long_date(d['due_date'])}, "
            f"ends {paris_time(d['expires_at'])}"
        )
        lines += [f"        {line}" for line in d["explanation"].splitlines()]
    lines += _terms_lines(view)
    lines += _reminder_lines(view.get("reminders", []))
    lines += _email_lines(view.get("outbox", []))
    return "\n".join(lines)


def _terms_lines(view: Mapping[str, Any]) -> list[str]:
    amendments = view.get("amendments") or []
    if not amendments:
        return []
    lines = ["  terms        (consolidated: the convention, then each amendment in force)"]
    for key, term in view["terms"].items():
        if term["set_by"] != "convention":
            value = term["value"]
            shown = (
                long_date(value)
                if key == "end_date"
                else (euros(value) if key == "amount" else value)
            )
            lines.append(
                f"    {key:<28} {shown}  — set by {term['set_by']} "
                f"(since {long_date(term['since'])})"
            )
    lines.append("  amendments")
    lines += [
        f"    avenant n°{a['number']:<3} {a['state']}"
        + (f" since {long_date(a['effective_date'])}" if a["effective_date"] else "")
        for a in amendments
    ]
    return lines


def _reminder_lines(reminders: list[dict[str, Any]]) -> list[str]:
    planned = [r for r in reminders if r["status"] == "planned"]
    if not reminders:
        return []
    counts = Counter(r["status"] for r in reminders if r["status"] != "planned")
    others = "".join(f", {count} {status}" for status, count in sorted(counts.items()))
    lines = [f"  reminders    {len(planned)} planned{others} (convflow reminders REF)"]
    lines += [
        f"    {r['kind']:<19} {r['label']:<10} {paris_time(r['planned_at'])}" for r in planned[:5]
    ]
    return lines


def _email_lines(emails: list[dict[str, Any]]) -> list[str]:
    if not emails:
        return []
    failed = [e for e in emails if e["status"] == "failed"]
    sent = sum(e["status"] == "sent" for e in emails)
    lines = [
        f"  emails       {sent} sent, {len(emails) - sent - len(failed)} waiting, "
        f"{len(failed)} FAILED"
    ]
    lines += [
        f"    FAILED {e['kind']} to {', '.join(e['recipients'])}: {e['last_error']}" for e in failed
    ]
    return lines
