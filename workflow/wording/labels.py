"""Labels of the public names (states, events, inputs, deadline kinds...), defined once.

A public name (`execution`, `give_notice`, `end_date`) is said through the message catalogue,
under the gettext context of its sort (`state`, `event`...): French gives its label, English
keeps the name itself. `GLOSSARY` lists every name that has a label, by sort; `make messages`
puts each in the catalogue and a test fails when one has no French label.
"""

from __future__ import annotations

from states.amendments import AMENDABLE, AMENDMENT_EVENTS, AMENDMENT_STATES, REPRESENTATIVES
from states.chain import ERASURE
from states.deadlines import DEADLINE_KINDS, DEADLINE_STATUSES, LETTER_BASES
from states.documents import DOCUMENT_KINDS
from states.errors import EXPECTED
from states.identifiers import FORMS
from states.inputs import AMENDMENT_INPUTS, INPUTS
from states.lifecycle import EVENTS, SIDE_RECORDS, STATES
from states.papers import ATTACH
from workflow.wording.catalogue import DEFAULT_LANGUAGE, Language, translations

_INPUTS = (
    *dict.fromkeys(key for specs in (INPUTS, AMENDMENT_INPUTS)
                   for spec in specs.values() for key in spec.accepted),
    # what the service's own events record (expire, terminate), and an erasure (rule 21)
    "end_date", "effective_end", "archives", "redacted",
    # the terms a line records (states.terms), a paper's attachment (states.papers)
    "terms", "paper", "kind", "size", "name", "for_line", "for_amendment", "received_on",
)  # fmt: skip

EMAILS = (
    "signature_requested", "convention_in_force", "award_notified", "report_received",
    "payment_recorded", "financial_report_received", "dispute_opened", "dispute_settled",
    "litigation_opened", "litigation_closed", "amicable_window_closed", "notice_given",
    "convention_terminated", "convention_expired", "convention_cancelled",
    "amendment_submitted", "amendment_in_force", "delivery_failed", "processing_failed",
    "reminder_expiry", "reminder_termination", "reminder_dispute_window",
    "reminder_court_possible", "reminder_signature", "reminder_payment", "payment_overdue",
    "reminder_publication", "publication_missed", "reminder_financial_report",
    "financial_report_missed", "reminder_committee",
    "reminder_amendment_signature", "late_records", "chain_heads",
)  # fmt: skip
"""Every kind of email convflow sends, in the order of a convention's life."""

FILE_FIELDS = (
    "reference", "title", "object", "amount", "end_date", "place", "amount_basis",
    "takes_effect", "parties.name", "parties.key", "parties.signatories.name",
    "parties.signatories.title", "parties.signatories.email", "payment.instalments.amount",
    "payment.instalments.share", "payment.instalments.trigger", "payment.instalments.on",
    "payment.instalments.report", "clauses.dispute_window_days",
    "clauses.dispute_window_day_kind", "clauses.dispute_window_from",
    "clauses.termination_notice_months", "clauses.termination_notice_from",
    "clauses.extension_by_amendment", "clauses.payment_target_days",
    "clauses.signature_target_days", "clauses.articles.payment", "clauses.articles.term",
    "clauses.articles.amendment", "clauses.articles.dispute", "clauses.articles.termination",
    "clauses.articles.committee", "committee.name", "committee.article",
    # the tables, and the keys the dashboard's form does not ask (a file may hold them)
    "parties", "parties.signatories", "parties.siret", "parties.rna", "clauses",
    "clauses.articles", "reminders", "reminders.expiry", "reminders.termination",
    "reminders.dispute_window", "reminders.court_possible", "reminders.signature_every_days",
    "reminders.payment", "reminders.publication", "reminders.financial_report", "payment",
    "payment.instalments", "committee", "open_data", "open_data.object", "financial_report",
    "financial_report.basis", "financial_report.private_beneficiary",
    "financial_report.earmarked", "financial_report.year", "financial_report.year_end",
    "history", "history.event", "history.on", "history.inputs",
)  # fmt: skip
"""The convention file's fields and tables, indexes left out (`parties.signatories.email`), as
the dashboard's form and its reading of a document name them; a spreadsheet's columns
(`party2_signatory_email`, `dispute_window_days`) are said as the field they fill."""

GLOSSARY: dict[str, tuple[str, ...]] = {
    "state": STATES,
    "state_short": STATES,  # a state in a box of the lifecycle diagram: 'Exécution'
    # as the history names them
    "event": ("import", "edit_draft", *EVENTS, *SIDE_RECORDS, "amend", "abandon", ERASURE,
              ATTACH),
    "action": (*EVENTS, *SIDE_RECORDS, "amend", "edit_draft", ERASURE),  # as a person records them
    "amendment_state": AMENDMENT_STATES,
    "amendment_event": ("amend", *AMENDMENT_EVENTS),
    "amendment_action": AMENDMENT_EVENTS,  # '{number}' is the amendment's number
    "input": _INPUTS,  # an event's input, as the history and emails name it
    "field": (*_INPUTS, "number", "on", "version", "changes", "file", "by",
              # the command line's options, as their refusals name them
              "output", "term", "until", "now", "received_on", "date", "files",
              "dossier", "toml"),  # as a form asks it (toml: a file's syntax, no key on its line)
    "term": (*AMENDABLE, "signatory.{party}"),  # what an amendment changes
    "deadline": DEADLINE_KINDS,
    "deadline_status": DEADLINE_STATUSES,
    "reminder_status": ("planned", "sent", "coalesced", "skipped", "cancelled"),
    "reminder_reason": ("coalesced", "known_late", "moot", "deadline_passed"),  # states.due
    # what run-due and simulate do with a reminder or a deadline (their --json says the name)
    "due_outcome": ("send", "coalesced", "skipped", "cancelled", "passed", "announce", "expire",
                    "terminate"),
    "happening": ("reminder", "deadline passed", "announcement", "expire", "terminate"),  # simulate
    "deadline_reason": ("known_late", "with_court_reminder"),  # why a passed one is not announced
    "outbox_status": (
        "pending", "claimed", "sending", "uncertain", "sent", "failed", "cancelled", "late",
        "withheld",
    ),
    "email": EMAILS,
    "email_when": EMAILS,  # when and to whom each email goes: the gallery's line under its title
    "chain_breach": ("altered", "removed", "unchained"),  # states.chain, as verify says it
    "role": ("admin", "viewer"),
    "basis": LETTER_BASES,
    "file_field": FILE_FIELDS,
    "document_kind": DOCUMENT_KINDS,
    "form": tuple(FORMS.values()),  # the form a name must take (states.identifiers)
    "expected": EXPECTED,  # the sort of value a field takes (invalid_value)
}  # fmt: skip
"""Every public name that has a label, by the gettext context of its sort."""


def label(sort: str, name: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """The label of a public name of this sort; the name itself when it has none."""
    said = str(translations(language).pgettext(sort, name))
    return said


def state(name: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """A convention's state: 'en exécution'."""
    return label("state", name, language)


def event(name: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """A convention's event as the history names it: 'Versement'."""
    return label("event", name, language)


def amendment_event(name: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """An amendment's event as the history names it: 'Signature de l'avenant'."""
    return label("amendment_event", name, language)


def input_name(key: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """An event's input as the history names it: 'Lettre reçue le'."""
    return label("input", key, language)


def deadline(kind: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """A deadline kind: 'terme de la convention'."""
    return label("deadline", kind, language)


def email(kind: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """What an email is about: 'Demande de signature'."""
    return label("email", kind, language)


def reminder_reason(reason: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """Why a due reminder did not go out (a reason of `states.due`): 'regroupé avec un rappel
    plus récent'."""
    return label("reminder_reason", reason, language)


def deadline_reason(reason: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """Why a passed deadline is not announced by its own email (a reason of `states.due`)."""
    return label("deadline_reason", reason, language)


def term(key: str, language: Language = DEFAULT_LANGUAGE) -> str:
    """What an amendment changes, in lower case: 'terme de la convention', 'représentants de
    la partie crpv'."""
    if key.startswith("signatory.") and key != REPRESENTATIVES:
        party = key.removeprefix("signatory.")
        return label("term", "signatory.{party}", language).format(party=party)
    return label("term", key, language)


__all__ = [
    "GLOSSARY",
    "amendment_event",
    "deadline",
    "deadline_reason",
    "email",
    "event",
    "input_name",
    "label",
    "reminder_reason",
    "state",
    "term",
]
