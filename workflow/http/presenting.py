"""Small helpers the templates call: addresses with a query, page numbers, generic records."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date

from states.lifecycle import END_STATES, IN_FORCE
from workflow.wording import dashboard as labels

STATE_GROUPS = (
    ("Avant l'entrée en vigueur", ("draft", "signature")),
    ("En vigueur", IN_FORCE),
    ("Terminées", END_STATES),
)
SORT_LABELS = {
    "reference": "référence",
    "title": "intitulé",
    "state": "état",
    "end_date": "terme",
    "amount": "montant",
    "next_deadline": "prochaine échéance",
}
_DEFAULTS = {"sort": "reference", "order": "asc", "page": 1, "per_page": 50}
_ORIGINAL = ("convention", "", None)


def query_with(params: Mapping[str, Any], **changes: Any) -> str:
    """`?key=value&...` from `params` with `changes`; empty and default values left out."""
    merged = {**params, **changes}
    kept = {
        key: value
        for key, value in merged.items()
        if value not in (None, "") and _DEFAULTS.get(key) != value
    }
    return "?" + urlencode(kept) if kept else ""


def signatory_named(email: str, view: Mapping[str, Any]) -> str:
    """The signatory of `email` among those of the convention `view` shows, named as the
    emails name one (« Martial Alvarez, Vice-Président délégué (Métropole Aix-Marseille-
    Provence) »); by `email` only when no signatory with a name has it."""
    found = next(
        (s for s in view.get("signatories") or []
         if str(s.get("email", "")).lower() == email.lower() and s.get("name")),
        None,
    )  # fmt: skip
    if found is None:
        return email
    parties = {p.get("key"): p.get("name") for p in view.get("parties") or []}
    party = parties.get(found.get("party")) or found.get("party")
    title = f", {found['title']}" if found.get("title") else ""
    return f"{found['name']}{title}" + (f" ({party})" if party else "")


def page_numbers(current: int, last: int) -> list[int | None]:
    """The page links to show: first, last, and two around the current; None for a gap."""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    shown: list[int | None] = []
    for number in numbers:
        if shown and shown[-1] is not None and number - shown[-1] > 1:
            shown.append(None)
        shown.append(number)
    return shown


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "—" if value is None else str(value)


def record_items(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A record of unknown shape as (key, text) pairs, for a definition list."""
    return [(str(key), _text(value)) for key, value in record.items()]


def term_rows(terms: Any) -> list[dict[str, str]]:
    """Consolidated terms as rows (name, value, what set it), whichever shape they come in."""
    if isinstance(terms, Mapping):
        items = [
            {"name": key, **(value if isinstance(value, Mapping) else {"value": value})}
            for key, value in terms.items()
        ]
    else:
        items = [dict(item) for item in terms if isinstance(item, Mapping)]
    rows = []
    for item in items:
        name = str(item.get("name") or item.get("term") or item.get("key") or "")
        source = item.get("set_by") or item.get("amendment") or item.get("source")
        value = {"yes": "oui", "no": "non"}.get(str(item.get("value")), _text(item.get("value")))
        rows.append(
            {
                "key": name,
                "name": labels.amendment_field(name),
                "value": value,
                "source": "convention initiale" if source in _ORIGINAL else _text(source),
            }
        )
    return rows


def by_month(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Deadlines (sorted by date) grouped under their month: 'juillet 2025'."""
    months: list[dict[str, Any]] = []
    for item in items:
        first = date.fromisoformat(item["due_date"]).replace(day=1)
        if not months or months[-1]["first"] != first:
            label = format_date(first, "LLLL y", locale="fr_FR")
            months.append({"first": first, "label": label, "items": []})
        months[-1]["items"].append(item)
    return months
