"""Human-readable output for the command line, in its language: aligned columns, dates and
amounts as that language writes them, labels of states and statuses."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from states.calendar import civil_date
from states.lifecycle import ENDED_IN_FORCE
from states.visible import visible
from workflow.usecases.commands import DeadlineOpened
from workflow.wording import labels
from workflow.wording.catalogue import gettext_noop
from workflow.wording.labels import OVERRIDDEN_STATE
from workflow.wording.reading import (
    NOT_RECORDED,
    WITHOUT_EFFECT_NAME,
    WITHOUT_EFFECT_NOTE,
    read_status,
    reading_note,
    without_effect,
)
from workflow.wording.words import Words


def table(rows: Iterable[Iterable[str]], headers: Iterable[str]) -> str:
    """Rows as aligned columns under their headers; a cell's control and invisible characters
    written out (\\n, \\x1b: states.visible), so that what a file's name or an input holds
    neither breaks its row nor reaches the terminal as an escape sequence."""
    grid = [list(headers), *([visible(str(cell)) for cell in row] for row in rows)]
    widths = [max(len(row[i]) for row in grid) for i in range(len(grid[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in grid
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def day(words: Words, value: str | None) -> str:
    """A stored date (ISO text) with its weekday, or '—'."""
    return words.long_date(date.fromisoformat(value)) if value else "—"


def day_of(words: Words, value: str | None) -> str:
    """The civil day in Paris of a stored instant (ISO text), with its weekday, or '—': a paper
    added at 00:30 in Paris on 1 January was added on 1 January, though it is still 31 December
    in UTC."""
    if not value:
        return "—"
    return words.long_date(civil_date(datetime.fromisoformat(value.replace("Z", "+00:00"))))


def instant(words: Words, value: str | datetime | None) -> str:
    """A stored instant (ISO text), or '—'."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return words.instant(value)


def end(words: Words, value: str | datetime | None) -> str:
    """A stored instant a deadline ends at (ISO text), as the emails say it (midnight in
    Marseille is the last day « à 24 h »), or '—'."""
    if value is None:
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return words.end(value)


def money(words: Words, value: str | Decimal) -> str:
    """A stored amount (text)."""
    return words.amount(Decimal(value))


class _Block:
    """Lines under a heading, the headings' values aligned in one column."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.rows: list[tuple[str, str, list[str]]] = []

    def add(self, heading: str, value: str = "", details: Iterable[str] = ()) -> None:
        self.rows.append((heading, value, list(details)))

    def lines(self) -> list[str]:
        width = max(len(heading) for heading, _, _ in self.rows) + 2
        lines = []
        for heading, value, details in self.rows:
            lines.append(f"  {heading:<{width}}{value}".rstrip())
            lines += [f"    {line}" for line in details]
        return lines


def _dispute_after_end(dispute: Mapping[str, Any], words: Words) -> str:
    """The dispute an ended convention still has open (rule 24): its state no longer says it."""
    if dispute.get("in_court"):
        return words(
            "still open after the end (Code civil art. 1230, by analogy), opened on {opened}: "
            "the court is seized",
            opened=day(words, dispute["opened_on"]),
        )
    return words(
        "still open after the end (Code civil art. 1230, by analogy), opened on {opened}: "
        "amicable window until {window_end}, court possible from {court_from}",
        opened=day(words, dispute["opened_on"]),
        window_end=day(words, dispute["window_end"]),
        court_from=day(words, dispute["earliest_court_date"]),
    )


def status_text(view: Mapping[str, Any], words: Words) -> str:
    """A convention's status as administrators read it."""
    block = _Block(words)
    state = words.label("state", view["state"])
    allowed = words.listing(words.label("event", name) for name in view["allowed_events"])
    notes = [ended_unrecorded(words, view["end_unrecorded"])] if view.get("end_unrecorded") else []
    if notice_overridden(view):  # the term comes first: said as the emails say it (I9)
        state = words(OVERRIDDEN_STATE)
        notes.append(overridden_notice(words, view))
    if view.get("expiry_held"):  # the term come, an extension in signature (rule 27)
        notes.append(expiry_held(words, view["expiry_held"]))
    block.add(
        words("state"),
        words("{state}  (allowed events: {allowed})", state=state, allowed=allowed),
        notes,
    )
    amount = money(words, view["amount"])
    made = view.get("payments_made") or []
    if len(made) > 1 and view.get("instalments"):  # each one's day is on its instalment's line
        amount += words("  — paid {amount} in all, in {count} payments",
                        amount=money(words, view["paid_amount"]), count=len(made))  # fmt: skip
    elif len(made) > 1:  # a single payment, then the balance an amendment left: each its day
        first, *balances = made
        amount += words("  — paid {amount} on {day}", amount=money(words, first["amount"]),
                        day=day(words, first["on"]))  # fmt: skip
        for part in balances:
            amount += words(
                ", then the balance of {amount} on {day}",
                amount=money(words, part["amount"]),
                day=day(words, part["on"]),
            )
    elif view["paid_on"]:
        amount += words("  — paid {amount} on {day}", amount=money(words, view["paid_amount"]),
                        day=day(words, view["paid_on"]))  # fmt: skip
    if view.get("forgone_on") and view.get("balance_forgone"):  # its balance, given up
        amount += words("; the Métropole forwent the balance of {amount} on {day}",
                        amount=money(words, view["forgone_amount"]),
                        day=day(words, view["forgone_on"]))  # fmt: skip
    elif view.get("forgone_on"):  # the single payment, forgone (rule 25)
        amount += words("  — the Métropole forwent the payment on {day}",
                        day=day(words, view["forgone_on"]))  # fmt: skip
    if view.get("balance_due"):
        amount += words("; balance due after the amendment: {amount}",
                        amount=money(words, view["balance_due"]))  # fmt: skip
    if view.get("forgone_amount") and not view.get("forgone_on"):  # an instalment, a balance
        amount += words("  — the Métropole forwent {amount}",
                        amount=money(words, view["forgone_amount"]))  # fmt: skip
    block.add(words("amount"), amount)
    if view.get("instalments"):
        block.add(words("instalments"), details=_instalment_lines(view, words))
    block.add(words("term"), day(words, view["end_date"]))
    if view.get("remaining") and view["state"] in ENDED_IN_FORCE:
        block.add(words("still to pay"), words("earned during the term, due after it (rule 25)"),
                  _remaining_lines(view["remaining"], words))  # fmt: skip
    if view.get("dispute") and view["state"] in ENDED_IN_FORCE:
        block.add(words("dispute"), _dispute_after_end(view["dispute"], words))
    effective = view["effective_date"]
    block.add(
        words("in force"),
        words("since {day}", day=day(words, effective)) if effective else words("not yet"),
    )
    if view.get("evidence"):
        block.add(words("papers"), details=[
            f"{words('line')} {f['seq']}, {words.recorded_event(f['event'], f.get('inputs'))} — "
            f"{f['problem']}"
            f"\u00a0: {f['detail']}"
            for f in view["evidence"]
        ])  # fmt: skip
    if view.get("retention"):
        block.add(words("file kept until"), day(words, view["retention"]["kept_until"]),
                  view["retention"]["explanation"].splitlines())  # fmt: skip
    elif view.get("file_open"):  # ended, its file still open: the retention does not run yet
        block.add(words("file closure"), words("not yet"),
                  view["file_open"]["explanation"].splitlines())  # fmt: skip
    if view.get("award"):
        block.add(words("award decision"), view["award"]["explanation"])
    if view.get("financial_report"):
        block.add(words("financial report"), _financial_report(view["financial_report"], words))
    committee = view.get("committee")
    if committee and (committee["meetings"] or committee["cadence_months"] or committee["name"]):
        # A committee the convention names: the line says its name, under a generic label
        # (« comité de suivi : Comité de pilotage (article 5) »); the model's, as always.
        label = words("monitoring committee") if committee["name"] else words("steering committee")
        block.add(label, cadence_line(committee, words), meeting_lines(committee, words))
    block.add(words("parties"), details=[f"{p['key']:<12} {p['name']}" for p in view["parties"]])
    block.add(words("signatories"), details=_signatories(view, words))
    deadlines = _deadline_lines(view, words)
    block.add(words("deadlines"), "" if deadlines else words("none yet"), deadlines)
    _terms(view, words, block)
    _reminders(view.get("reminders", []), words, block, (view.get("committee") or {}).get("name"))
    _emails(view.get("outbox", []), words, block)
    return "\n".join([f"{view['reference']} — {view['title']}", *block.lines()])


def ended_unrecorded(words: Words, end: Mapping[str, Any]) -> str:
    """A convention's end come but not yet applied, said beside its stored state: « terme
    passé le mercredi 31 décembre 2025 à 24 h : son arrivée à terme n'est pas encore
    enregistrée ; le service l'enregistrera à son prochain passage »."""
    if end["event"] == "terminate":
        return words(
            "notice ended on {day} at 24 h: its termination is not recorded yet; the service "
            "records it at its next pass",
            day=day(words, end["on"]),
        )
    return words(
        "term passed on {day} at 24 h: its expiry is not recorded yet; the service records it "
        "at its next pass",
        day=day(words, end["on"]),
    )


def notice_overridden(view: Mapping[str, Any]) -> bool:
    """Whether a status (or a list's row with its `notice_overridden`) is in `termination`
    under a notice its term overrides (states.due.notice_overridden): the notice would end on
    the term's day or after it, so it will have no effect."""
    if "notice_overridden" in view:
        return bool(view["notice_overridden"])
    notice = view.get("notice")
    return (view["state"] == "termination" and notice is not None
            and notice["effective_end"] >= view["end_date"])  # fmt: skip


def overridden_notice(words: Words, view: Mapping[str, Any]) -> str:
    """The notice the term overrides, said beside the state as the emails say it: « la
    résiliation notifiée par … restera sans effet : son préavis courrait jusqu'au …, après le
    terme … »."""
    notice = view["notice"]
    names = {party["key"]: party["name"] for party in view.get("parties") or []}
    party = names.get(notice["party"], notice["party"])
    if notice["notice_end"] == view["end_date"]:
        return words(
            "the termination notified by {party} on {given} will have no effect: its notice "
            "would end on the term's day, {term}; the convention expires at its term",
            party=party, given=day(words, notice["given_on"]), term=day(words, view["end_date"]),
        )  # fmt: skip
    return words(
        "the termination notified by {party} on {given} will have no effect: its notice would "
        "run until {notice_end}, after the term of {term}; the convention expires at its term",
        party=party, given=day(words, notice["given_on"]),
        notice_end=day(words, notice["notice_end"]), term=day(words, view["end_date"]),
    )  # fmt: skip


def expiry_held(words: Words, held: Mapping[str, Any]) -> str:
    """The expiry the service holds while an extension is in signature (rule 27), said beside
    the state: « terme passé le mercredi 31 décembre 2025 à 24 h alors que l'avenant n° 1 …
    attend la signature de … »."""
    return words(
        "term passed on {day} at 24 h while amendment no. {number} (term {new_end}) awaits "
        "the signature of {missing}: a signature dated at the latest on {day} can be recorded "
        "until {last_day}, and brings it into force; after that the service records the "
        "expiry, dated {day}, and the amendment lapses",
        day=day(words, held["term"]),
        number=held["amendment"],
        new_end=day(words, held["new_end_date"]),
        missing=words.listing(held["missing"]),
        last_day=day(words, held["last_day"]),
    )


def _financial_report(report: Mapping[str, Any], words: Words) -> str:
    """« exercice 2025, à déposer au plus tard le … : en retard »."""
    received = day(words, report["received_on"])
    where = {
        "awaited": words("awaited"),
        "late": words("late: not received"),
        "received": words("received {day}", day=received),
        "received_late": words("received late, {day}", day=received),
    }[report["status"]]
    if report.get("passed_unrecorded"):
        where = words("late: not received") + " — " + words(NOT_RECORDED)
    return words("exercise {exercise}, due {day}: {status}", exercise=report["exercise"],
                 day=day(words, report["due_date"]), status=where)  # fmt: skip


def cadence_line(committee: Mapping[str, Any], words: Words) -> str:
    """The committee (its name, when the convention gives one, and article), its cadence and
    its next meeting, in one line."""
    name, article = committee.get("name"), committee["article"]
    article = f"{name} ({article})" if name else article
    if not committee["cadence_months"]:
        return words("{article}; no cadence set", article=article)
    if committee["next_due"] is None:  # the next one would fall at the end or after it
        return words("{article}; every {months} months, no meeting due before the convention's end",
                     article=article, months=committee["cadence_months"])  # fmt: skip
    return words("{article}; every {months} months, next meeting due {day}",
                 article=article, months=committee["cadence_months"],
                 day=day(words, committee["next_due"]))  # fmt: skip


def meeting_lines(committee: Mapping[str, Any], words: Words) -> list[str]:
    """Each meeting: its day and history line, who attended, what it decided, its papers."""
    lines = []
    for m in committee["meetings"]:
        lines.append(words("{day} (history line {line})", day=day(words, m["held_on"]),
                           line=m["event"] or "—"))  # fmt: skip
        lines.append("  " + words("attendees: {text}", text=m["attendees"]))
        lines.append("  " + words("decisions: {text}", text=m["decisions"]))
        if m["minutes"]:
            lines.append("  " + words("minutes: {count} characters", count=len(m["minutes"])))
        lines += ["  " + words("paper: {name} ({sha256})", name=p["name"], sha256=p["sha256"][:16])
                  for p in m["papers"]]  # fmt: skip
    return lines


def _signatories(view: Mapping[str, Any], words: Words) -> list[str]:
    lines = []
    for s in view["signatories"]:
        if s["signed_on"]:
            signed = words("signed {day}", day=day(words, s["signed_on"]))
        elif view["effective_date"]:
            signed = words("appointed by an amendment, after the convention was signed")
        else:
            signed = words("not signed")
        lines.append(f"{s['party']:<12} {s['name']} <{s['email']}> — {signed}")
    for s in view.get("former_signatories", []):
        signed = (
            words("signed {day}", day=day(words, s["signed_on"]))
            if s["signed_on"]
            else words("did not sign")
        )
        replaced = words("replaced by avenant n°{number}", number=s["replaced_by"])
        lines.append(f"{s['party']:<12} {s['name']} <{s['email']}> — {signed}; {replaced}")
    return lines


def _instalment_lines(view: Mapping[str, Any], words: Words) -> list[str]:
    """Each instalment: its number, amount, what makes it due, and what has happened."""
    lines = []
    for i in view["instalments"]:
        if i["trigger"] == "date":
            when = words("on {day}", day=day(words, i["on"]))
        elif i["trigger"] == "report":
            when = words("on receipt of “{report}”", report=i["report"])
        else:
            when = words("after the notification of the award")
        done = []
        if i["report_received_on"]:
            done.append(words("report received {day}", day=day(words, i["report_received_on"])))
        parts = i.get("parts") or []
        if len(parts) > 1:  # paid, then the balance an amendment left: each part on its day
            first, *balances = parts
            paid = words("paid {amount} on {day}", amount=money(words, first["amount"]),
                         day=day(words, first["on"]))  # fmt: skip
            for part in balances:
                paid += words(", then the balance of {amount} on {day}",
                              amount=money(words, part["amount"]),
                              day=day(words, part["on"]))  # fmt: skip
            done.append(paid)
        elif i["paid_on"]:
            done.append(words("paid {day}", day=day(words, i["paid_on"])))
        if i.get("balance_due"):
            done.append(words("balance due after the amendment: {amount}",
                              amount=money(words, i["balance_due"])))  # fmt: skip
        if i.get("forgone_on") and i.get("balance_forgone"):
            done.append(words("balance of {amount} forgone {day}",
                              amount=money(words, i["forgone_amount"]),
                              day=day(words, i["forgone_on"])))  # fmt: skip
        elif i.get("forgone_on"):
            done.append(words("forgone {day}", day=day(words, i["forgone_on"])))
        status = f"  — {', '.join(done)}" if done else ""
        lines.append(f"n°\u00a0{i['number']:<3} {money(words, i['amount']):>16}  {when}{status}")
    return lines


def _remaining_lines(remaining: list[Mapping[str, Any]], words: Words) -> list[str]:
    """Each instalment still to pay on an ended convention (rule 25): its number, what remains
    of it, and its condition (the report it waits for, received or not)."""
    lines = []
    for i in remaining:
        if i.get("balance"):  # what an amendment left on a payment made: its condition
            when = (words("balance set by avenant n°{number}", number=i["balance_by"])
                    if i.get("balance_by") else words("balance left by an amendment"))  # fmt: skip
        elif i["trigger"] == "report":
            when = words("on receipt of “{report}”", report=i["report"])
            if i["report_received_on"]:
                when += ", " + words(
                    "report received {day}", day=day(words, i["report_received_on"])
                )
            else:
                when += ", " + words("not received yet")
        elif i["trigger"] == "date":
            when = words("on {day}", day=day(words, i["on"]))
        else:
            when = words("after the notification of the award")
        number = f"n°\u00a0{i['number']:<3}" if i["number"] else words("payment")
        lines.append(f"{number} {money(words, i['amount']):>16}  {when}")
    return lines


def deadline_name(
    words: Words, kind: str, instalment: int | None = None, committee: str | None = None
) -> str:
    """A deadline as a person reads it: « compte rendu financier », « objectif de versement
    n°2 », the next meeting of the committee `committee` as its convention names it
    (« prochaine réunion de la Commission de suivi »); its kind (`committee`) stays in
    `--json`."""
    said = labels.for_committee("deadline", kind, committee, words.language)
    return said + (f" n°\u00a0{instalment}" if instalment else "")


def reminder_name(words: Words, label: str) -> str:
    """A reminder as a person reads it: « J-7 » as it is, the day the court may be seized
    (`court`) « saisine », a weekly reminder (`relance-2`) « relance n°2 »."""
    if label == "court":
        return words("court possible")
    if label.startswith("relance-"):
        return words("weekly n°{number}", number=label.removeprefix("relance-"))
    return label


def next_pass_text(words: Words, reminder: Mapping[str, Any]) -> str:
    """What the next pass will do with a reminder whose instant has passed (its JSON
    `on_next_pass`, decided by the pass's own rules): « sera envoyé au prochain passage »,
    « ne sera pas envoyé : son heure était passée quand l'échéance a été connue »…"""
    action, reason = reminder.get("on_next_pass"), reminder.get("on_next_pass_reason")
    if action == "send":
        return words("to be sent at the next pass")
    if action == "cancel":
        return words("to be cancelled at the next pass: the convention ends")
    if action in ("skip", "coalesce") and reason:
        return words("not to be sent: {reason}", reason=words.label("reminder_reason", reason))
    return words("waiting for the next pass")


def settled_note(words: Words, deadline: Mapping[str, Any]) -> str:
    """What followed a payment target passed unmet (the record keeps it passed): « atteint le
    … » once the payment came late, « renonciation de la Métropole le … » once it was given
    up; empty for any other deadline."""
    if deadline.get("met_on"):
        return words("met late, on {day}", day=day(words, deadline["met_on"]))
    if deadline.get("forgone_on"):
        return words("the Métropole forwent it on {day}", day=day(words, deadline["forgone_on"]))
    return ""


def _deadline_lines(view: Mapping[str, Any], words: Words) -> list[str]:
    lines = []
    committee = (view.get("committee") or {}).get("name")
    # A notice the term overrides is not said to take effect: it is without effect (rule 10).
    names = [words(WITHOUT_EFFECT_NAME) if without_effect(d)
             else deadline_name(words, d["kind"], d.get("instalment"), committee)
             for d in view["deadlines"]]  # fmt: skip
    # Passed at the instant of reading, still pending as stored: said passed, not to come;
    # closed by the end the next pass applies: said as that pass leaves it (cancelled).
    statuses = [words.label("deadline_status", read_status(d)) for d in view["deadlines"]]
    width, said_width = max(map(len, names), default=0), max(map(len, statuses), default=0)
    for d, kind, status in zip(view["deadlines"], names, statuses, strict=True):
        note = reading_note(d) or (WITHOUT_EFFECT_NOTE if without_effect(d) else None)
        said = words(note) if note else settled_note(words, d)
        lines.append(
            f"{kind:<{width}}  {status:<{said_width}}  "
            + words(
                "{day}, ends {instant}",
                day=day(words, d["due_date"]),
                instant=end(words, d["expires_at"]),
            )
            + (" — " + said if said else "")
        )
        lines += [f"    {line}" for line in d["explanation"].splitlines()]
    return lines


def _terms(view: Mapping[str, Any], words: Words, block: _Block) -> None:
    amendments = view.get("amendments") or []
    if not amendments:
        return
    amended = {key: term for key, term in view["terms"].items() if term["set_by"] != "convention"}
    # each term by its label, the name one types after it (« Montant du versement n° 2
    # (instalment.2.amount) »), as `amend` and `amendments` say it
    said = {key: words.field(f"change.{key}") for key in amended}
    width = max([28, *(len(text) for text in said.values())])
    lines = []
    for key, term in amended.items():
        value = term["value"]
        shown = (
            day(words, value)
            if key == "end_date"
            else (money(words, value) if key.endswith("amount") else value)
        )
        lines.append(
            f"{said[key]:<{width}} {shown}  — "
            + words(
                "set by {source} (since {day})",
                source=term["set_by"],
                day=day(words, term["since"]),
            )
        )
    block.add(words("terms"), words("(consolidated: the convention, then each amendment in force)"),
              lines)  # fmt: skip
    block.add(
        words("amendments"),
        details=[
            f"avenant n°\u00a0{a['number']:<3} {words.label('amendment_state', a['state'])}"
            + (
                " " + words("since {day}", day=day(words, a["effective_date"]))
                if a["effective_date"]
                else ""
            )
            for a in amendments
        ],
    )


REMINDER_COUNTS = {
    "sent": gettext_noop("{count} sent"),
    "coalesced": gettext_noop("{count} coalesced with a later reminder"),
    "skipped": gettext_noop("{count} not sent"),
    "cancelled": gettext_noop("{count} cancelled"),
    "awaiting": gettext_noop("{count} waiting for the next pass"),
}
"""The count of a convention's reminders in each status but `planned`, said after the planned
ones: a sentence each, so that French makes its adjective agree (« 2 annulé(s) »), as it does
in « 6 prévu(s) »."""


def _reminders(
    reminders: list[dict[str, Any]], words: Words, block: _Block, committee: str | None = None
) -> None:
    if not reminders:
        return
    planned = [r for r in reminders if r["status"] == "planned"]
    # A planned reminder whose instant has passed is not to come: the next pass decides it.
    counts = Counter(
        "awaiting" if r.get("awaiting_pass") else r["status"]
        for r in reminders
        if r["status"] != "planned" or r.get("awaiting_pass")
    )
    others = "".join(
        ", " + words(REMINDER_COUNTS[status], count=count)
        for status, count in sorted(counts.items())
    )
    shown = planned[:SHOWN_REMINDERS]
    names = [deadline_name(words, r["kind"], committee=committee) for r in shown]
    # 37 wide as always; wider for a committee's longer name, so the columns stay aligned.
    width = max([37, *map(len, names)])
    block.add(
        words("reminders"),
        words(
            "{count} planned{others} (convflow reminders REF)",
            count=len(planned) - counts["awaiting"],
            others=others,
        ),
        [
            f"{name:<{width}} {reminder_name(words, r['label']):<10} "
            f"{instant(words, r['planned_at'])}"
            + (" — " + next_pass_text(words, r) if r.get("awaiting_pass") else "")
            for r, name in zip(shown, names, strict=True)
        ]
        + (
            [words("… and {count} more", count=len(planned) - SHOWN_REMINDERS)]
            if len(planned) > SHOWN_REMINDERS
            else []
        ),
    )


SHOWN_REMINDERS = 5
"""The planned reminders `status` lists, the next first; `convflow reminders REF` lists all."""


NEVER_SENT = ("cancelled", "late", "withheld")
"""The outbox statuses of an email that will not leave: moot, or recorded after the fact (the
administrators are told instead)."""


def _emails(emails: list[dict[str, Any]], words: Words, block: _Block) -> None:
    if not emails:
        return
    failed = [e for e in emails if e["status"] == "failed"]
    sent = sum(e["status"] == "sent" for e in emails)
    never = sum(e["status"] in NEVER_SENT for e in emails)
    block.add(
        words("emails"),
        words(
            "{sent} sent, {waiting} waiting, {never} not to be sent, {failed} FAILED",
            sent=sent,
            waiting=len(emails) - sent - never - len(failed),
            never=never,
            failed=len(failed),
        ),
        [
            words(
                "FAILED {kind} to {recipients}: {error}",
                kind=e["kind"],
                recipients=", ".join(e["recipients"]),
                error=e["last_error"],
            )
            for e in failed
        ],
    )


def new_deadlines(
    words: Words, deadlines: Iterable[DeadlineOpened], committee: str | None = None
) -> list[str]:
    """The lines that say which deadlines an event opened: kind (the committee's as its
    convention names it), day, exact end. A notice
    whose termination would take effect after the term is without effect: the line says the
    term ends the convention, not a termination that will not be."""
    return ["  " + _new_deadline(words, d, committee) for d in deadlines]


def _new_deadline(words: Words, deadline: DeadlineOpened, committee: str | None) -> str:
    if deadline.ends_by == "expiry" and deadline.notice_end is not None:
        return words(
            "the termination would take effect on {notice_end}, after the term: without "
            "effect; the convention ends at its term, {day}, ends {instant}",
            notice_end=words.long_date(deadline.notice_end),
            day=words.long_date(deadline.due_date),
            instant=end(words, deadline.expires_at),
        )
    return words("new deadline {kind}: {day}, ends {instant}",
                 kind=deadline_name(words, deadline.kind, committee=committee),
                 day=words.long_date(deadline.due_date),
                 instant=end(words, deadline.expires_at))  # fmt: skip
