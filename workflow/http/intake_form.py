"""The form that creates (or edits) a draft convention: the convention file's fields, in French.

Each input is named by the file's dotted field name (`parties[0].signatories[1].email`), the
name `convflow extract` gives what it reads and `convention_file` gives what it refuses: a
document read fills the form field for field, with its quote beside each value, and a refusal
lands beside its input. The form has slots (three parties of three signatories, six
instalments); blank slots are no party, no signatory, no instalment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from states.payments import INSTALMENT_TRIGGERS
from workflow.files import fields as file_fields
from workflow.files.convention_file import ConventionIn
from workflow.wording import labels

PARTIES, SIGNATORIES, INSTALMENTS = 3, 3, 6
TOP_LEVEL = frozenset(ConventionIn.model_fields) - {"history"}
LONG = frozenset({"title", "object"})
HINTS = {
    "reference": "Lettres, chiffres et . _ / -\u00a0; par exemple AMP-CRPV-PACA-2025.",
    "amount": "Montant TTC en euros, par exemple 200 000,00.",
    "end_date": "Le dernier jour où la convention est en vigueur (article sur la durée).",
    "parties.key": "Facultatif\u00a0: un code court (minuscules, chiffres, - ou _)\u00a0; laissé "
    "vide, "
    "il est tiré du nom.",
    "parties.signatories.email": "L'adresse où la convention envoie les demandes de signature "
    "et les rappels.",
    "payment.instalments.amount": "Un montant (120 000,00) ou une part du total (60 %)\u00a0; "
    "les versements doivent faire le total au centime près.",
    "payment.instalments.on": "Pour un versement à date fixe.",
    "payment.instalments.report": "Pour un versement à la réception d'un document\u00a0: son nom "
    "(rapport d'activité...).",
    "clauses.dispute_window_days": "Délai de règlement amiable d'un différend, en jours "
    "calendaires (30 si vide).",
    "clauses.termination_notice_months": "Préavis de résiliation, en mois (6 si vide).",
    "clauses.payment_target_days": "Objectif interne de versement après son déclencheur, en "
    "jours (réglage du service si vide).",
    "clauses.signature_target_days": "Objectif interne pour toutes les signatures après la "
    "soumission, en jours (réglage du service si vide).",
}
PERSON = ("name", "title", "email")
CLAUSES = (
    "clauses.dispute_window_days",
    "clauses.termination_notice_months",
    "clauses.payment_target_days",
    "clauses.signature_target_days",
)
"""The clauses the form shows (the others, articles included, are carried in hidden inputs)."""
INSTALMENT = ("amount", "trigger", "on", "report")
TRIGGER_LABELS = {
    "notification": "à la notification de l'attribution",
    "date": "à une date fixée",
    "report": "à la réception d'un document",
}


@dataclass(frozen=True)
class Input:
    """One input of the form: its dotted name, label, widget, value, and what is said beside
    it (the quote it was read from, the refusal it got)."""

    name: str
    label: str
    widget: str = "text"  # text, textarea, date, number, select
    value: str = ""
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()
    quote: str = ""
    problem: str = ""

    @property
    def id(self) -> str:
        """An HTML id for the input (`parties-0-signatories-1-email`)."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


@dataclass(frozen=True)
class Group:
    """A fieldset of the form: its legend and inputs, and the refusal about it as a whole."""

    legend: str
    inputs: tuple[Input, ...]
    name: str = ""
    problem: str = ""
    groups: tuple[Group, ...] = field(default_factory=tuple)
    also: str = ""  # a second name its refusal may carry (a party's `signatories`)


def generic(name: str) -> str:
    """A dotted name without its indexes: `parties[0].name` -> `parties.name`."""
    return re.sub(r"\[\d+\]", "", name)


def label(name: str) -> str:
    """A field's French label, from the catalogue."""
    return labels.label("file_field", generic(name))


_SLOT = re.compile(r"^(parties|payment\.instalments)\[(\d+)\](?:\.signatories\[(\d+)\])?")


def place_label(name: str) -> str:
    """A field's label with the slot it is in: 'Partie 2, signataire 1 : Adresse
    électronique du signataire'."""
    found = _SLOT.match(name)
    if found is None:
        return label(name)
    kind, number, person = found.groups()
    where = f"Partie {int(number) + 1}" if kind == "parties" else f"Versement {int(number) + 1}"
    if person is not None:
        where += f", signataire {int(person) + 1}"
    rest = name[found.end() :]
    return f"{where}\u00a0: {label(name)}" if rest else where


def _input(name: str, given: Mapping[str, str], said: Said) -> Input:
    kind, value = generic(name), given.get(name, "")
    # A text input drops line breaks: a value written on several lines keeps them in a textarea.
    widget = "textarea" if kind in LONG or "\n" in value else "text"
    if kind.endswith(("end_date", ".on")):
        widget = "date"
    options: tuple[tuple[str, str], ...] = ()
    if kind == "payment.instalments.trigger":
        widget, options = "select", tuple((t, TRIGGER_LABELS[t]) for t in INSTALMENT_TRIGGERS)
    return Input(
        name, label(name), widget, value, HINTS.get(kind, ""), options,
        said.quotes.get(name, ""), said.problems.get(name, ""),
    )  # fmt: skip


@dataclass(frozen=True)
class Said:
    """What is said beside the inputs: quotes of a document read, refusals by field."""

    quotes: Mapping[str, str] = field(default_factory=dict)
    problems: Mapping[str, str] = field(default_factory=dict)


def groups(given: Mapping[str, str], said: Said | None = None) -> list[Group]:
    """The form's fieldsets, filled with `given` (dotted name -> text)."""
    said = said or Said()

    def inputs(*names: str) -> tuple[Input, ...]:
        return tuple(_input(name, given, said) for name in names)

    def problem(name: str) -> str:
        return said.problems.get(name, "")

    convention = Group(
        "La convention", inputs("reference", "title", "object", "amount", "end_date", "place")
    )
    parties = [
        Group(
            f"Partie {p + 1}" + (" (facultative)" if p >= 2 else ""),
            inputs(f"parties[{p}].name", f"parties[{p}].key"),
            f"parties[{p}]",
            problem(f"parties[{p}]") or problem(f"parties[{p}].signatories"),
            tuple(
                Group(
                    f"Signataire {s + 1}" + (" (facultatif)" if s else ""),
                    inputs(*(f"parties[{p}].signatories[{s}].{key}" for key in PERSON)),
                    f"parties[{p}].signatories[{s}]",
                    problem(f"parties[{p}].signatories[{s}]"),
                )
                for s in range(SIGNATORIES)
            ),
            f"parties[{p}].signatories",
        )
        for p in range(PARTIES)
    ]
    instalments = [
        Group(
            f"Versement {n + 1}",
            inputs(*(f"payment.instalments[{n}].{key}" for key in INSTALMENT)),
            f"payment.instalments[{n}]",
            problem(f"payment.instalments[{n}]"),
        )
        for n in range(INSTALMENTS)
    ]
    clauses = Group("Clauses", inputs(*CLAUSES))
    return [
        convention,
        Group("Parties et signataires", (), "parties", problem("parties"), tuple(parties)),
        Group(
            "Versements",
            (),
            "payment.instalments",
            problem("payment.instalments"),
            tuple(instalments),
        ),
        clauses,
    ]


@dataclass(frozen=True)
class Problem:
    """One line of the summary of a refused form: what it is about, what is wrong, and the
    id of the input or fieldset it links to ("" when the form shows no input for it)."""

    where: str
    text: str
    anchor: str = ""


def group_id(name: str) -> str:
    """A fieldset's HTML id from its dotted name (`parties-0-signatories-1`)."""
    return name.replace("[", "-").replace("]", "").replace(".", "-")


def summary(form: Sequence[Group], said: Said | None) -> list[Problem]:
    """Every problem of a refused form, in the form's order, each linked to its input or
    fieldset; those about nothing the form shows come last, unlinked."""
    if said is None or not said.problems:
        return []
    found: list[Problem] = []

    def walk(group: Group, where: str) -> None:
        if group.problem:
            found.append(Problem(where, group.problem, group_id(group.name)))
        for item in group.inputs:
            if item.problem:
                found.append(Problem(place_label(item.name), item.problem, item.id))
        for inner in group.groups:
            walk(inner, place_label(inner.name) if inner.name else inner.legend)

    for group in form:
        walk(group, group.legend)
    names = shown(form)
    found += [Problem(label(name) if name else "", text)
              for name, text in said.problems.items() if name not in names]  # fmt: skip
    return found


def shown(form: Sequence[Group]) -> set[str]:
    """Every input's and fieldset's name in the form."""
    names: set[str] = set()
    for group in form:
        names.update(item.name for item in group.inputs)
        names.update(name for name in (group.name, group.also) if name)
        names.update(shown(group.groups))
    return names


def file_fields_of(form: Mapping[str, str]) -> dict[str, str]:
    """The convention file's fields in a submitted form (its other inputs left out), their
    line breaks as the file writes them (a browser sends each as CR LF)."""
    return {
        name: text.replace("\r\n", "\n").replace("\r", "\n")
        for name, text in form.items()
        if (path := file_fields.parts(name)) is not None and path[0] in TOP_LEVEL
    }


def to_file(form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A submitted form as the file's mapping, and how renumbered slots are named in the form
    (`file_fields.compacted`). A trigger alone makes no instalment (its select always has a
    value); a share is written "60 %"; a party without a code gets one from its name. The
    parties are always given (none filled: an empty list), so that too few of them are said
    as the API says it ("indiquez-en au moins 2"), not as a missing field."""
    fields = {name: text for name, text in file_fields_of(form).items()
              if file_fields.says(name, text)}  # fmt: skip
    for name in [n for n in fields if n.endswith(".trigger")]:
        row = name.removesuffix(".trigger")
        if not any(fields.get(f"{row}.{key}") for key in ("amount", "on", "report")):
            del fields[name]
    compact, renamed = file_fields.compacted(fields)
    data = file_fields.nested(compact)
    for part in (data.get("payment") or {}).get("instalments") or []:
        if "%" in str(part.get("amount", "")):
            part["share"] = part.pop("amount")
    for party in data.get("parties") or []:
        if isinstance(party, dict) and "key" not in party and party.get("name"):
            party["key"] = party_key(str(party["name"]), data["parties"])
    data.setdefault("parties", [])
    return data, renamed


def party_key(name: str, parties: Sequence[Any]) -> str:
    """A party's short code from its name: 'Métropole Aix-Marseille-Provence' ->
    'metropole-aix-marseille'; made unique among `parties`."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain)
    key = "-".join(words[:3])[:40].strip("-") or "partie"
    taken = {p.get("key") for p in parties if isinstance(p, dict)}
    candidate, number = key, 2
    while candidate in taken:
        candidate, number = f"{key}-{number}", number + 1
    return candidate
