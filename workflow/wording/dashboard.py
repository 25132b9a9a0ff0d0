"""The dashboard's words: labels of public names as its pages and forms show them, in French.

Every label comes from the catalogue (`workflow.wording.labels`), shared with the emails and
the command line; this module picks the right one for each place of a page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from notifications import days_fr
from states import recording_order
from states.calendar import civil_date
from states.convention import Convention
from states.inputs import PROSE_INPUTS
from states.lifecycle import END_STATES
from states.terms import TERMS
from states.visible import visible
from workflow.wording import labels
from workflow.wording import reading as read
from workflow.wording import values as wording
from workflow.wording.catalogue import gettext_noop
from workflow.wording.words import Words

FRENCH = Words("fr")
"""The dashboard speaks French."""


def state(name: str) -> str:
    """A state as administrators read it: 'en exécution'."""
    return labels.state(name)


def reading_note(deadline: Mapping[str, Any], short: bool = False) -> str:
    """What the next pass does with a deadline the instant of reading sees passed, or closed
    by the convention's end, before the service recorded it; empty when nothing is to say."""
    note = read.reading_note(deadline, short)
    return FRENCH(note) if note else ""


def read_status(deadline: Mapping[str, Any]) -> str:
    """A deadline's status at the instant of reading (a `deadline_status` code)."""
    return read.read_status(deadline)


CHANGED_SINCE = gettext_noop(
    "It is now {state}; the last event recorded: {event} on {on}, by {actor}."
)
"""What a refusal for a change made meanwhile adds on a convention's page: what changed."""


def changed_since(state_name: str, last: Mapping[str, Any] | None, committee: str | None) -> str:
    """What a convention is now and the last event recorded on it (a history row), for the
    person whose form was refused because someone else changed it meanwhile."""
    if last is None:
        return ""
    said = event(last["event"], last.get("amendment"), last.get("inputs"), committee)
    return FRENCH(
        CHANGED_SINCE, state=f"«\u00a0{state(state_name)}\u00a0»", event=f"«\u00a0{said}\u00a0»",
        on=date.fromisoformat(str(last["date"])[:10]), actor=actor(last["actor"]),
    )  # fmt: skip


def short_state(name: str) -> str:
    """A state as a box of the lifecycle diagram names it: 'Exécution'."""
    return labels.label("state_short", name)


def event(
    name: str,
    amendment: int | None = None,
    inputs: Mapping[str, Any] | None = None,
    committee: str | None = None,
) -> str:
    """A history event as administrators read it: 'Signature', or 'Signature de l'avenant'
    for an event of amendment n°`amendment`; given its inputs, the financial report received
    (`report_received report=financial`) as such, not as an instalment's document; the
    committee's meeting named as its convention names it (`committee`, labels.for_committee)."""
    if amendment:
        return labels.amendment_event(name)
    if name == "report_received":
        return labels.recorded_event(name, inputs)
    return labels.for_committee("event", name, committee)


FINANCIAL_REPORT_ACTION = gettext_noop("record the receipt of the financial report")
"""Recording a report after the end: the only one still received is the financial report."""


def action(
    name: str, state: str | None = None, committee: str | None = None,
    instalment_report: bool = False,
) -> str:  # fmt: skip
    """What recording an event is called on its button; in `state`, when given: on an ended
    convention, a report received is the financial report, and its button says so, unless an
    instalment still unpaid at the end awaits its document (`instalment_report`, rule 25). The
    committee is named as its convention names it."""
    if name == "report_received" and state in END_STATES and not instalment_report:
        return FRENCH(FINANCIAL_REPORT_ACTION)
    return labels.for_committee("action", name, committee)


def deadline_heading(kind: str, committee: str | None = None) -> str:
    """A deadline kind as a convention's page heads it: the catalogue's label with a capital
    and the rest in lower case, as the page always wrote it ('Terme de la convention'); the
    next meeting of a committee its convention names otherwise than the model's, with that
    name as written ('Prochaine réunion du comité « COPIL »', not « copil »)."""
    said = labels.for_committee("deadline", kind, committee)
    if said == labels.deadline(kind):
        return said.capitalize()
    return said[:1].upper() + said[1:]


def amendment_action(name: str, number: int) -> str:
    """What recording an amendment's event is called on its button."""
    return FRENCH.amendment_action(name, number)


def amendment_state(name: str) -> str:
    """An amendment's state: 'en signature'."""
    return labels.label("amendment_state", name)


def amendment_field(key: str) -> str:
    """What an amendment may change: 'Terme de la convention', 'Représentants de la partie
    crpv'."""
    term = labels.term(key)
    return term[:1].upper() + term[1:]


def actor(name: str) -> str:
    """Who recorded an event, or is signed in: 'alice (jeton d'accès)', not 'alice (token)'."""
    return FRENCH.actor(name)


def deadline(kind: str) -> str:
    """A deadline kind: 'terme de la convention'."""
    return labels.deadline(kind)


def deadline_status(status: str) -> str:
    """A deadline status: 'à venir'."""
    return labels.label("deadline_status", status)


def reminder_status(status: str) -> str:
    """A reminder status: 'prévu'."""
    return labels.label("reminder_status", status)


def reminder_reason(reason: str) -> str:
    """Why a due reminder does not go out (a reason of `states.due`): 'regroupé avec un rappel
    plus récent'."""
    return labels.label("reminder_reason", reason)


def outbox_status(status: str) -> str:
    """An email's delivery status: 'en échec'."""
    return labels.label("outbox_status", status)


def email(kind: str) -> str:
    """What an email is about, when its subject is not written yet."""
    return labels.email(kind)


def reminder_when(days_before: int | None) -> str:
    """When a reminder goes, from its deadline: '7 jours avant', 'le jour même'."""
    if days_before is None:
        return ""
    if days_before == 0:
        return "le jour même"
    return f"{days_fr(abs(days_before))} {'avant' if days_before > 0 else 'après'}"


def reminder_goes(reminder: Mapping[str, Any]) -> str:
    """When a reminder truly goes, from its deadline: its offset ('7 jours avant', 'le jour
    même') unless the day it is planned for was moved to a working day, then the true one
    ('la veille (jour ouvré)' for a deadline on a Saturday reminded the Friday)."""
    days_before = reminder.get("days_before")
    due, planned = reminder.get("due_date"), reminder.get("planned_at")
    if days_before is None or not due or not planned:
        return reminder_when(days_before)
    moment = datetime.fromisoformat(str(planned).replace("Z", "+00:00"))
    true = (date.fromisoformat(str(due)) - civil_date(moment)).days
    if true == days_before:
        return reminder_when(days_before)
    said = "la veille" if true == 1 else reminder_when(true)
    return f"{said} (jour ouvré)"


FORGONE_AMOUNT = gettext_noop("Amount forgone")
"""The amount a `forgo_payment` line records: the instalment's, which is not paid. The
`amount` input's label is `pay`'s (« Montant versé »): said of a payment forgone, it would say
the opposite."""


def input_label(key: str, amendment: int | None = None, event: str | None = None) -> str:
    """What an event's input asks for; for an amendment (or a form's `change.` field), the
    term it changes; of the history line of `event`, what it records there (the amount of a
    payment forgone is not an amount paid)."""
    name = key.removeprefix("change.")
    if amendment and name in labels.GLOSSARY["term"]:
        return FRENCH.field(f"change.{name}")
    if event == "forgo_payment" and key == "amount":
        return FRENCH(FORGONE_AMOUNT)
    if key in _ASKED:
        said = labels.label("input", key)
        return said[:1].upper() + said[1:]
    return FRENCH.field(key)


_ASKED = frozenset({"report", "instalment", "months"})
"""Inputs whose form label is a question with its help ('Quel compte rendu : financial (…) ou
instalment (…)'): the history names them shortly, as emails do ('Compte rendu', 'Versement
n°')."""


def input_value(
    key: str, value: object, amendment: int | None = None, convention: Convention | None = None
) -> str:
    """An input of the history as people read it; for an amendment, the term it sets; given the
    convention, a party or a signatory by name."""
    if key == TERMS:
        return wording.terms_text(value)
    if amendment and (
        key in labels.GLOSSARY["term"] or key.startswith(("signatory.", "instalment."))
    ):
        return wording.term_text(key, str(value))
    return wording.input_text(key, str(value), convention)


def history_states(row: Mapping[str, Any]) -> str:
    """A history line's states: 'en signature → signée, à notifier'; an amendment's line says
    the amendment's states ('en signature → en vigueur')."""
    said = amendment_state if row.get("amendment") else state
    before = row.get("from_state")
    return (said(before) + " → " if before else "") + said(row["to_state"])


FILE_RECORDS = recording_order.FILE_RECORDS
"""History lines that record the file, dated the day they were made (states.recording_order)."""


def dated_before(history: Sequence[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """The lines of a history (in recording order, which the hash chain proves) dated before a
    line recorded earlier, by their `seq`: each with the latest-dated line recorded before it
    (FILE_RECORDS left out). A letter logged late (received on 2 June, recorded after an
    avenant's signature dated 10 June) is shown where it was recorded, and said to be dated
    before that line. The rule is states.recording_order's, shared with the command line, the
    dossier and historique.csv."""
    return recording_order.dated_before(history)


def history_inputs(
    row: Mapping[str, Any], convention: Convention | None = None
) -> list[tuple[str, str]]:
    """A history line's inputs, each as (label, value) in French, by key: 'Montant versé, en
    euros', '200 000,00 €'; given the convention, a party or a signatory by name. A value's
    control and invisible characters are written out (\\n, \\x1b: states.visible): a file's
    name recorded before names were stored written out; but prose (a note, minutes:
    PROSE_INPUTS) keeps its line breaks, which a page or a dossier's PDF folds or shows."""
    amendment, event = row.get("amendment"), row.get("event")
    return [
        (input_label(key, amendment, event),
         _shown(key, input_value(key, value, amendment, convention)))
        for key, value in sorted(row["inputs"].items())
    ]  # fmt: skip


def _shown(key: str, value: str) -> str:
    if key not in PROSE_INPUTS:
        return visible(value)
    return "\n".join(visible(line) for line in value.replace("\r\n", "\n").split("\n"))


def role(name: str) -> str:
    """A token's role."""
    return labels.label("role", name)


def document_kind(name: str) -> str:
    """What a paper is: 'avis de réception'."""
    return labels.label("document_kind", name)


def file_size(size: int) -> str:
    """A file's size as French writes it: '850 octets', '12,4 ko', '1,5 Mo'."""
    if size < 1024:
        return f"{size} octets"
    for unit, scale in (("ko", 1024), ("Mo", 1024 * 1024)):
        if size < scale * 1024 or unit == "Mo":
            return f"{size / scale:.1f}".replace(".", ",") + f"\u00a0{unit}"
    raise AssertionError("unreachable")  # pragma: no cover
