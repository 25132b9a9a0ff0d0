"""The dashboard's pages: one strict Jinja2 environment, French filters, HTML responses.

Templates are `*.html` (autoescaped), undefined names are errors (StrictUndefined), and
nothing a user typed is ever marked safe: a title such as `<script>` is shown as text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from notifications.formatting import number_fr
from states.committee import CommitteeWords, committee_words
from states.convention import Articles
from workflow.http.addresses import in_address
from workflow.http.dates import Form, when
from workflow.http.diagram import state_diagram, ways_by_state, ways_out
from workflow.http.presenting import (
    SORT_LABELS,
    STATE_GROUPS,
    page_numbers,
    query_with,
    record_items,
    signatory_named,
    term_rows,
)
from workflow.wording import dashboard as labels
from workflow.wording.hidden_rows import hidden_rows_warning
from workflow.wording.past_terms import past_term_rows, past_terms_warning
from workflow.wording.reading import WITHOUT_EFFECT, without_effect

TEMPLATES = Path(__file__).with_name("templates")


def _day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def money(value: str | Decimal | None) -> str:
    """'200 000,00 €' as Babel writes it in French (narrow no-break spaces), or a dash.

    Written out rather than asking Babel: a list of fifty amounts spent more time in
    `format_currency` than in its database queries.
    """
    if value is None or value == "":
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"))
    units, cents = f"{abs(amount):.2f}".split(".")
    groups = f"{int(units):,}".replace(",", "\u202f")
    return f"{'-' if amount < 0 else ''}{groups},{cents}\xa0€"


def days_between(start: date, value: date | str | None) -> int | None:
    """Whole days from `start` to a date (negative when it has passed)."""
    day = _day(value)
    return (day - start).days if day else None


def in_days(count: int | None) -> str:
    """'aujourd'hui', 'demain', 'dans 12 jours', 'il y a 3 jours'."""
    if count is None:
        return ""
    if count == 0:
        return "aujourd'hui"
    if count == 1:
        return "demain"
    if count > 1:
        return f"dans {count} jours"
    return "hier" if count == -1 else f"il y a {-count} jours"


_DAY = "\ue000"
"""Where the day goes in a sentence from the catalogue, until its `<time>` element replaces
it (a private-use character no sentence holds)."""


def without_effect_line(deadline: Mapping[str, Any], form: Form = "long") -> Markup:
    """The line of a notice's deadline the term overrides (rule 10), where its kind's label
    would announce a termination that will not be: « Résiliation sans effet : la convention
    expire à son terme le 31 décembre 2027 », the day the term's (its own)."""
    said = labels.FRENCH(WITHOUT_EFFECT, day=_DAY)
    line = escape(said[:1].upper() + said[1:])
    return Markup(line.replace(_DAY, when(deadline["due_date"], form)))


def named_committee(view: Mapping[str, Any] | None) -> CommitteeWords:
    """How the page names a convention's committee, from its view (`status`'s `committee`):
    its own name and article, or the model's Comité technique."""
    found = view or {}
    return committee_words(found.get("name"), found.get("article") or Articles.committee)


FILTERS: dict[str, Callable[..., Any]] = {
    "when": when,
    "in_address": in_address,
    "money": money,
    "in_days": in_days,
    "state_label": labels.state,
    "event_label": labels.event,
    "action_label": labels.action,
    "actor_label": labels.actor,
    "reading_note": labels.reading_note,
    "read_status": labels.read_status,
    "deadline_label": labels.deadline,
    "deadline_heading": labels.deadline_heading,
    "without_effect": without_effect,
    "without_effect_line": without_effect_line,
    "deadline_status_label": labels.deadline_status,
    "reminder_status_label": labels.reminder_status,
    "reminder_reason_label": labels.reminder_reason,
    "outbox_status_label": labels.outbox_status,
    "input_label": labels.input_label,
    "input_value": labels.input_value,
    "history_states": labels.history_states,
    "history_inputs": labels.history_inputs,
    "dated_before": labels.dated_before,
    "role_label": labels.role,
    "amendment_state_label": labels.amendment_state,
    "email_label": labels.email,
    "reminder_when": labels.reminder_when,
    "reminder_goes": labels.reminder_goes,
    "document_kind_label": labels.document_kind,
    "file_size": labels.file_size,
    "count": number_fr,
    "signatory_named": signatory_named,
}


def environment(directory: Path = TEMPLATES) -> Environment:
    """The dashboard's Jinja2 environment."""
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    env.globals.update(
        state_diagram=state_diagram,
        committee_words=named_committee,
        ways_out=ways_out,
        ways_by_state=ways_by_state,
        field_label=labels.amendment_field,
        days_between=days_between,
        query_with=query_with,
        page_numbers=page_numbers,
        record_items=record_items,
        term_rows=term_rows,
        sort_labels=SORT_LABELS,
        state_groups=STATE_GROUPS,
        past_term_rows=past_term_rows,
        past_terms_warning=partial(past_terms_warning, labels.FRENCH),
        hidden_rows_warning=partial(hidden_rows_warning, labels.FRENCH),
    )
    return env


class Pages:
    """Renders the dashboard's templates into HTML responses."""

    def __init__(self, directory: Path = TEMPLATES) -> None:
        self.env = environment(directory)

    def render(self, name: str, context: dict[str, Any]) -> str:
        """One template rendered with `context`."""
        return self.env.get_template(name).render(context)

    def response(self, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        """One template as an HTML response that no cache keeps."""
        return HTMLResponse(
            self.render(name, context), status_code=status, headers={"Cache-Control": "no-store"}
        )
