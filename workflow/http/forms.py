"""The forms administrators fill to record an event or an amendment, built from the domain.

A convention event's fields come from `states.inputs.INPUTS` (the keys the command line takes
as key=value); an amendment's from `states.amendments.FIELDS` (what `convflow amend` may
change). Choices come from the convention itself (who has not signed, which parties). A
submitted form is read back into exactly those inputs, and the domain validates them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from states.amendments import FIELDS, instalment_key
from states.errors import InvalidInput
from states.inputs import INPUTS, PROSE_INPUTS
from states.lifecycle import AWARD_STATES, IN_FORCE
from workflow.files.spreadsheet import french_date, is_french_date
from workflow.http.rendering import money
from workflow.http.schemas import MAX_INPUT, MAX_MINUTES, PLAIN
from workflow.wording import dashboard as labels
from workflow.wording import values as wording

PREFIX, CHANGE = "in_", "ch_"
DATES = ("received", "dispatched", "presented", "adopted", "published", "notified", "transmitted")
FLAGS = ("uncollected", "electronic")
LONG_TEXT = PROSE_INPUTS
LONG_FIELDS = {"minutes": MAX_MINUTES}
"""The fields that may be longer than MAX_INPUT: a committee's minutes as text."""
HINTS = {
    "received": "Date de l'avis de réception. Le délai court à partir du lendemain.",
    "presented": "Si la lettre n'a pas été retirée\u00a0: date de la première présentation.",
    "party": "La partie qui envoie la lettre recommandée avec avis de réception.",
    "signatory": "Parmi les signataires qui n'ont pas encore signé.",
    "decision": "Sa référence, par exemple DEL-BUR-2025-042. L'enregistrer à nouveau, avec "
    "toutes les dates connues, la complète.",
    "transmitted": "Date de l'accusé de réception de la préfecture (@ctes).",
    "attendees": "Les membres présents, par exemple «\u00a0Métropole (DPV)\u00a0; GIP CRPV "
    "PACA\u00a0».",
    "minutes": "Le texte du compte rendu. Le compte rendu signé se joint ensuite à la ligne de "
    "la réunion dans l'historique (Pièces).",
}
OPEN_AMENDMENT = ("draft", "signature")
FINANCIAL_REPORT = "Le compte rendu financier (loi 2000-321, art. 10)"
PAYING_STATES = ("payment", "execution", "termination")
"""Where an instalment's report may be received (`states.convention.PAYING_STATES`)."""
OWING_AFTER_END = ("expired", "terminated")
"""And after the end, while it is unpaid (`states.convention.OWING_AFTER_END`, rule 25)."""
DATE_TERMS = ("end_date",)
"""The terms an amendment sets to a date: a date field, which also reads JJ/MM/AAAA typed."""
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FORM_LABELS = {"report": "Document reçu"}
"""A form's own words for an input whose label tells command-line users what to type."""


@dataclass(frozen=True)
class FormField:
    """One input of a form."""

    key: str
    label: str
    widget: str  # select, date, checkbox, text, textarea
    required: bool
    options: tuple[tuple[str, str], ...] = ()
    value: str = ""
    hint: str = ""
    prefix: str = PREFIX

    @property
    def name(self) -> str:
        """The form field's name (`in_signatory`, `ch_end_date`)."""
        return self.prefix + self.key


@dataclass(frozen=True)
class EventForm:
    """The form that records one event: where it posts, and the id that reopens it."""

    event: str
    label: str
    fields: tuple[FormField, ...]
    target: str = "evenements"
    form_id: str = ""

    @property
    def id(self) -> str:
        """What names this form in the page (and reopens it after a refusal)."""
        return self.form_id or self.event


Signed = frozenset[str] | None
"""Who already signed (lower-case emails); None: the convention's own signatures."""


def _signed(view: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(s["email"].lower() for s in view["signatories"] if s["signed_on"])


def _options(
    key: str, view: Mapping[str, Any], signed: Signed = None
) -> tuple[tuple[str, str], ...]:
    parties = {party["key"]: party["name"] for party in view["parties"]}
    if key == "signatory":
        done = _signed(view) if signed is None else signed
        return tuple(
            (s["email"], f"{s['name']} — {parties.get(s['party'], s['party'])}")
            for s in view["signatories"]
            if s["email"].lower() not in done
        )
    if key == "party":
        return tuple(parties.items())
    if key == "report":
        return _receivable(view)
    return ()


def _receivable(view: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The reports `report_received` may record now, as its select offers them: the financial
    report while owed and not received (once signed), the report an instalment waits for
    while payments are made."""
    reports: list[tuple[str, str]] = []
    financial = view.get("financial_report")
    if financial and not financial["received_on"] and view.get("effective_date"):
        reports.append(("financial", FINANCIAL_REPORT))
    part = _awaiting_report(view)
    if part is not None:
        said = f"Le document «\u00a0{part['report']}\u00a0» (versement n°\u00a0{part['number']})"
        reports.append(("instalment", said))
    return tuple(reports)


def _awaiting_report(view: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The first unpaid instalment whose report may be received now, if any."""
    if view["state"] not in PAYING_STATES and view["state"] not in OWING_AFTER_END:
        return None
    schedule: list[Mapping[str, Any]] = view.get("instalments") or []
    awaiting = [part for part in schedule if not part["paid_on"] and part["trigger"] == "report"
                and not part["report_received_on"] and not part.get("forgone_on")]  # fmt: skip
    return awaiting[0] if awaiting else None


def _due(view: Mapping[str, Any]) -> tuple[str, str]:
    """The amount the payment form expects, as typed and as its hint says it: the first unpaid
    instalment's (what `pay` takes without `instalment=`), else the single payment's (its balance
    once an amendment raised the amount of a payment already made)."""
    schedule = view.get("instalments") or []
    unpaid = [part for part in schedule if not part["paid_on"] and not part.get("forgone_on")]
    raised = [part for part in schedule if part.get("balance_due")]
    if raised and (not unpaid or raised[0]["number"] < unpaid[0]["number"]):
        part, due = raised[0], raised[0]["balance_due"]  # what `pay` takes first, as it does
        return due, (f"Exactement le solde dû après l'avenant\u00a0: {money(due)} (versement "
                     f"n°\u00a0{part['number']} sur {len(schedule)}).")  # fmt: skip
    balance = view.get("balance_due")
    if not unpaid and balance:
        return balance, f"Exactement le solde dû après l'avenant\u00a0: {money(balance)}."
    if not unpaid:
        return view["amount"], f"Exactement le montant dû\u00a0: {money(view['amount'])}."
    part = unpaid[0]
    said = f"versement n°\u00a0{part['number']} sur {len(schedule)}"
    return part["amount"], f"Exactement le montant dû\u00a0: {money(part['amount'])} ({said})."


def _widget(key: str, options: tuple[tuple[str, str], ...]) -> str:
    if options:
        return "select"
    if key in DATES:
        return "date"
    if key in FLAGS:
        return "checkbox"
    return "textarea" if key in LONG_TEXT else "text"


def _field(
    key: str, required: bool, view: Mapping[str, Any], given: Mapping[str, str],
    signed: Signed = None,
) -> FormField:  # fmt: skip
    options = _options(key, view, signed)
    default, hint = _due(view) if key == "amount" else ("", HINTS.get(key, ""))
    if key == "report" and len(options) == 1:  # the only report receivable now
        default = options[0][0]
    return FormField(
        key=key,
        label=FORM_LABELS.get(key) or labels.input_label(key),
        widget=_widget(key, options),
        required=required,
        options=options,
        value=given.get(PREFIX + key, default),
        hint=hint,
    )


def event_forms(view: Mapping[str, Any], given: Mapping[str, str] | None = None) -> list[EventForm]:
    """A form for each event a person may record now; `given` refills a refused one."""
    given = given or {}
    forms = []
    for event in view["allowed_events"]:
        spec = INPUTS[event]
        fields = [_field(key, True, view, given) for key in spec.required]
        fields += [_field(key, False, view, given) for key in spec.optional
                   if not _pointless(event, key, view)]  # fmt: skip
        label = labels.action(event, view["state"],
                              instalment_report=_awaiting_report(view) is not None)  # fmt: skip
        forms.append(EventForm(event, label, tuple(fields)))
    return forms


def _pointless(event: str, key: str, view: Mapping[str, Any]) -> bool:
    """Whether an optional input can only be refused: an instalment's number when recording a
    report while no instalment's report may be received."""
    return event == "report_received" and key == "instalment" and _awaiting_report(view) is None


def award_form(view: Mapping[str, Any], given: Mapping[str, str] | None = None) -> EventForm | None:
    """The form that records (or completes) the award decision, from the draft until the
    convention is executed; refilled with the decision already recorded."""
    if view["state"] not in AWARD_STATES:
        return None
    recorded = view.get("award") or {}
    current = {
        PREFIX + key: recorded.get(name) or ""
        for key, name in (("decision", "reference"), ("adopted", "adopted_on"),
                          ("published", "published_on"), ("notified", "notified_on"),
                          ("transmitted", "received_by_prefect_on"))
    }  # fmt: skip
    spec = INPUTS["record_award"]
    filled = given if given is not None else current
    fields = [_field(key, True, view, filled) for key in spec.required]
    fields += [_field(key, False, view, filled) for key in spec.optional]
    label = labels.action("record_award")
    return EventForm("record_award", label, tuple(fields), "attribution", "record_award")


def committee_form(
    view: Mapping[str, Any], given: Mapping[str, str] | None = None
) -> EventForm | None:
    """The form that records a meeting of the steering committee (article 3), while the
    convention is in force; its date is the event's (the day the committee met)."""
    if view["state"] not in IN_FORCE:
        return None
    spec = INPUTS["committee_meeting"]
    filled = given or {}
    fields = [_field(key, True, view, filled) for key in spec.required]
    fields += [_field(key, False, view, filled) for key in spec.optional]
    label = labels.action("committee_meeting", committee=(view.get("committee") or {}).get("name"))
    return EventForm("committee_meeting", label, tuple(fields), "comite", "committee_meeting")


def _open(view: Mapping[str, Any]) -> dict[str, Any] | None:
    found = [a for a in view.get("amendments") or [] if a["state"] in OPEN_AMENDMENT]
    return found[0] if found else None


def draft_form(view: Mapping[str, Any], given: Mapping[str, str] | None = None) -> EventForm | None:
    """The form proposing an amendment: only while in force, one amendment at a time."""
    if view["state"] not in IN_FORCE or _open(view) is not None:
        return None
    given, terms = given or {}, view.get("terms") or {}
    fields = tuple(
        FormField(
            key=key,
            label=labels.amendment_field(key),
            widget="date" if key in DATE_TERMS else "text",
            required=False,
            value=given.get(CHANGE + key, ""),
            hint=_term_hint(key, terms),
            prefix=CHANGE,
        )
        for key in amendable(view)
    )
    return EventForm("amend", "Proposer un avenant", fields, "avenants", "amend")


def _term_hint(key: str, terms: Mapping[str, Any]) -> str:
    """What a term's field says beside it: its current value; for a date, the format a date
    typed by hand takes (where the browser offers no calendar)."""
    now = (
        f"Actuellement\u00a0: {wording.term_text(key, terms[key]['value'])}."
        if key in terms
        else ""
    )
    if key not in DATE_TERMS:
        return now.removesuffix(".")
    return f"{now} Date au format JJ/MM/AAAA.".strip()


def read_dates(changes: Mapping[str, str]) -> dict[str, str]:
    """The changes of a submitted amendment form, its date terms as AAAA-MM-JJ: a date picked
    in the calendar comes so, one typed by hand JJ/MM/AAAA (30/06/2028) is read as the
    spreadsheet import reads it; anything else is refused naming the format expected."""
    read = dict(changes)
    for key in DATE_TERMS:
        text = read.get(key, "").strip()
        if not text or _ISO_DAY.match(text):
            continue  # the domain checks the day (2028-02-30) and its bounds
        day = french_date(text)
        if day is not None:
            read[key] = day.isoformat()
        elif is_french_date(text):
            raise InvalidInput(key, "sheet_not_a_calendar_date", value=text)
        else:
            raise InvalidInput(key, "form_not_a_date", value=text)
    return read


def amendable(view: Mapping[str, Any]) -> list[str]:
    """The terms the amendment form proposes: FIELDS; for a convention paid in instalments,
    each instalment's amount in place of the total (its sum, which an avenant cannot set)."""
    schedule = view.get("instalments") or []
    if not schedule:
        return list(FIELDS)
    at = FIELDS.index("amount")
    return [*FIELDS[:at], *(instalment_key(part["number"]) for part in schedule),
            *FIELDS[at + 1 :]]  # fmt: skip


def amendment_forms(
    view: Mapping[str, Any], given: Mapping[str, str] | None = None
) -> list[EventForm]:
    """The forms of the amendment being drafted or signed: submit, sign, abandon."""
    amendment = _open(view)
    if amendment is None:
        return []
    given = given or {}
    signed = frozenset(email.lower() for email in amendment.get("signatures", {}))
    inputs = {"submit": ("note",), "sign": ("signatory",), "abandon": ("reason",)}
    number = amendment["number"]
    return [
        EventForm(
            event,
            labels.amendment_action(event, number),
            tuple(_field(key, key == "signatory", view, given, signed) for key in inputs[event]),
            f"avenants/{number}/evenements",
            f"amendment-{number}-{event}",
        )
        for event in amendment["allowed_events"]
        if event in inputs
    ]


_PLAIN = re.compile(PLAIN)


def submitted(form: Mapping[str, str], prefix: str = PREFIX) -> dict[str, str]:
    """The filled fields of a submitted form that carry `prefix`, without it; refused as the
    API refuses them when too long or holding control characters."""
    fields = {
        key[len(prefix) :]: value
        for key, value in form.items()
        if key.startswith(prefix) and value.strip()
    }
    for key, value in fields.items():
        most = LONG_FIELDS.get(key, MAX_INPUT)
        if len(value) > most:
            raise InvalidInput(key, "text_too_long", most=most, given=len(value))
        if not _PLAIN.match(value):
            raise InvalidInput(key, "control_characters")
    return fields


def submitted_inputs(form: Mapping[str, str]) -> dict[str, str]:
    """An event's inputs from a submitted form: filled fields only, as key=value."""
    return submitted(form, PREFIX)
