"""The public names that have a label, by sort: what `make messages` puts in the catalogue
(`workflow.wording.extract`) and what a test checks has a French label.

Kept apart from `workflow.wording.labels`, which says the labels: listing the names imports
every module of the domain that declares some (the lifecycle, the amendments, the inputs...),
which a command saying one state's label (`convflow status`) has no need of (issue 15's 0.3 s).
"""

from __future__ import annotations

from states.amendments import (
    AMENDABLE,
    AMENDMENT_EVENTS,
    AMENDMENT_STATES,
    SERVICE_AMENDMENT_EVENTS,
)
from states.chain import ERASURE
from states.deadlines import DEADLINE_KINDS, DEADLINE_STATUSES, LETTER_BASES
from states.documents import DOCUMENT_KINDS
from states.errors import EXPECTED
from states.identifiers import FORMS
from states.inputs import AMENDMENT_INPUTS, INPUTS
from states.lifecycle import EVENTS, SIDE_RECORDS, STATES
from states.papers import ATTACH

_INPUTS = (
    *dict.fromkeys(key for specs in (INPUTS, AMENDMENT_INPUTS)
                   for spec in specs.values() for key in spec.accepted),
    # what the service's own events record (expire, terminate), and an erasure (rule 21)
    "end_date", "effective_end", "archives", "redacted",
    # what a renunciation records of a payment made in part: the balance given up (rule 25)
    "balance",
    # the terms a line records (states.terms), a paper's attachment (states.papers)
    "terms", "paper", "kind", "size", "name", "for_line", "for_amendment", "received_on",
)  # fmt: skip

LETTER_KINDS = ("dispute", "termination", "award", "amendment")
"""workflow.letters.render.KINDS (not imported here: it loads the letters' renderers)."""

EMAILS = (
    "signature_requested", "convention_in_force", "award_notified", "report_received",
    "payment_recorded", "financial_report_received", "dispute_opened", "dispute_settled",
    "litigation_opened", "litigation_closed", "amicable_window_closed", "notice_given",
    "convention_terminated", "convention_expired", "convention_cancelled",
    "amendment_submitted", "amendment_in_force", "delivery_failed", "processing_failed",
    "reminder_expiry", "reminder_termination", "reminder_dispute_window",
    "reminder_court_possible", "reminder_signature", "reminder_payment", "payment_overdue",
    "payment_forgone",
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
              ATTACH, *SERVICE_AMENDMENT_EVENTS),
    # as a person records them (`abandon`: an amendment's, which unknown_event may list)
    "action": (*EVENTS, *SIDE_RECORDS, "amend", "edit_draft", ERASURE, "abandon"),
    "amendment_state": AMENDMENT_STATES,
    "amendment_event": ("amend", *AMENDMENT_EVENTS, *SERVICE_AMENDMENT_EVENTS),
    "amendment_action": AMENDMENT_EVENTS,  # '{number}' is the amendment's number
    "input": _INPUTS,  # an event's input, as the history and emails name it
    "field": (*_INPUTS, "number", "on", "version", "changes", "file", "by",
              # the command line's options, as their refusals name them
              "output", "term", "until", "now", "received_on", "date", "files",
              "dossier", "toml",  # as a form asks it (toml: a file's syntax, no key on its line)
              # what `verify` holds against the history: the state, a party (by its key),
              # the instalments' total, what was paid and forgone (states.terms)
              "state", "party.{party}", "instalments", "paid_on", "paid_amount",
              "instalment.{number}.paid_amount", "instalment.{number}.forgone_on",
              "instalment.0.paid_amount", "instalment.0.forgone_on",
              # each part paid (by its rank), the latest day, what was forgone, the avenant
              # that left the balance
              "instalment.{number}.part.{part}.amount", "instalment.{number}.part.{part}.on",
              "instalment.{number}.paid_on", "instalment.{number}.forgone_amount",
              "instalment.{number}.balance_by", "instalment.0.part.{part}.amount",
              "instalment.0.part.{part}.on", "instalment.0.paid_on", "instalment.0.forgone_amount",
              "instalment.0.balance_by", "payments"),
    # what an amendment changes (a party's representatives, one instalment's amount)
    "term": (*AMENDABLE, "signatory.{party}", "instalment.{number}.amount"),
    "deadline": DEADLINE_KINDS,
    "deadline_status": DEADLINE_STATUSES,
    "reminder_status": ("planned", "sent", "coalesced", "skipped", "cancelled"),
    "reminder_reason": ("coalesced", "known_late", "moot", "deadline_passed",
                        "signature_target_passed", "information_passed"),  # states.due
    # what run-due and simulate do with a reminder or a deadline (their --json says the name)
    "due_outcome": ("send", "coalesced", "skipped", "cancelled", "passed", "announce", "expire",
                    "terminate", "held", "lapse"),
    "happening": ("reminder", "deadline passed", "announcement", "expire", "terminate",
                  "expiry held", "lapse"),  # simulate
    # why a passed one is not announced; why the expiry is held (states.due.ExpiryHeld)
    "deadline_reason": ("known_late", "with_court_reminder", "extension_in_signature"),
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
    "letter_kind": LETTER_KINDS,  # convflow letter's KIND, as its refusals name it
    "form": tuple(FORMS.values()),  # the form a name must take (states.identifiers)
    "expected": EXPECTED,  # the sort of value a field takes (invalid_value)
}  # fmt: skip
"""Every public name that has a label, by the gettext context of its sort."""
