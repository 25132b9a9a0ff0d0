"""A refusal in words: its code and parameters said in a language, where it is shown.

The catalogue holds, under the context `error`, each code's own sentence ('the amount must be
positive'); under `frame`, what says what the refusal is about (the field, the event refused,
the file and line); under `hint`, what the command line adds (which command to run). Each
parameter is said according to its kind, declared with its code in `states.errors.CODES`:
a date as '3 juillet 2025', an event by its label, a list of inputs by their labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import reduce
from typing import Any

from states.errors import (
    CODES,
    FRAME_KINDS,
    NOT_FILES,
    ConvflowError,
    InvalidInput,
    InvalidTerm,
    Kind,
)
from states.identifiers import FORMS
from states.visible import visible
from workflow.failures import said_failure
from workflow.wording.catalogue import gettext_noop
from workflow.wording.labels import OVERRIDDEN_STATE
from workflow.wording.requests import said_reasons
from workflow.wording.values import term_text
from workflow.wording.words import UNKNOWN, Words

FRAMES: dict[str, tuple[str, ...]] = {
    "refused": ("reference", "event", "reason"),
    "refused_amendment": ("reference", "amendment", "event", "reason"),
    "refused_letter": ("reference", "letter", "reason"),
    "also_below": ("message",),
    "next_other": ("said", "other"),
    "invalid_input": ("field", "problem"),
    "in_file": ("file", "field", "problem"),
    "in_file_line": ("file", "line", "field", "problem"),
    "also": ("message", "others"),
    "other": ("field", "problem"),
    "other_line": ("field", "problem", "line"),
    "with_hint": ("message", "hint"),
    "more": ("count",),
    "more_not_kept": ("count", "kept"),
    "closest": ("closest",),
}
"""The frames of the catalogue (context `frame`) and the values each one is given."""

HINTS = (
    "automatic_event",
    "dated_after_end",
    "letter_after_event",
    "termination_recorded_late",
    "unknown_amendment",
    "unknown_token",
    "unknown_email",  # `convflow outbox` lists the emails by number
    "database_missing",
    "schema_missing",
    "schema_behind",
    "now_in_future",
    "port_in_use",
    "port_unavailable",
    "http_host_not_local",
    # the setting a refusal follows, named for the operator (the dashboard and the API say
    # « les réglages du service »)
    "dispute_not_notified",
    "dispute_letter_not_collected",
    "letter_date_missing",
    "document_too_big",
    "duplicate_reference",
    "database_folder_is_a_file",
    "database_folder_not_created",
    "document_not_an_import_file",  # `convflow extract` reads a document
    "amendment_pending",  # the commands that abandon the open amendment, or carry it through
)
"""The codes the command line follows with a hint (context `hint`): the command that helps."""


@dataclass(frozen=True)
class Said:
    """A refusal as shown: its code and parameters (data) and its words in one language."""

    code: str
    params: dict[str, Any]
    message: str
    """The whole sentence: what it is about, and why ('Montant : « 0 » n'est pas...')."""
    problem: str
    """The code's own sentence, to show beside the field it is about."""
    field: str | None = None
    """The field (a form's input, a file's key) an invalid input is about."""

    @property
    def sentence(self) -> str:
        """The message as a sentence of its own, for a page: a capital first (unless it opens
        with a field, said as it is named), a full stop at the end."""
        return sentence(self.message, capital=self.field is None)

    def as_json(self) -> dict[str, Any]:
        """The refusal for a script: {code, params, message}."""
        return {"code": self.code, "params": self.params, "message": self.message}


def _parse_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _parse_instant(value: Any) -> datetime:
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


LINE_UNKNOWN = gettext_noop(
    "the last event recorded ({on}); if the date given is the right one, tell convflow's "
    "administrators: the event cannot be recorded after that line; do not give another date, the "
    "deadlines would run from it"
)
LINE_OWN = gettext_noop(
    "the convention's last event, « {event} » of {on}, already recorded: a convention's events "
    "are recorded in the order of their dates; if the date given is the right one, tell "
    "convflow's administrators: the event cannot be recorded after that line; do not give "
    "another date, the deadlines would run from it"
)
LINE_IN_FORCE = gettext_noop(
    "the signature of amendment no. {amendment} ({on}), already recorded, which brought the "
    "amendment into force: the convention's terms changed on that date, and the event would be "
    "checked against the new ones; if the date given is the right one, tell convflow's "
    "administrators: the event cannot be recorded after that line; do not give another date, "
    "the deadlines would run from it"
)
LINE_BEFORE_END = gettext_noop(
    "the convention's last event before its end, « {event} » of {on}, already recorded: a payment "
    "made before the end and recorded after it is dated on or after that line; if the date given "
    "is the right one, tell convflow's administrators: the event cannot be recorded after that "
    "line; do not give another date, the deadlines would run from it"
)
"""How a refusal names the line an event may not be dated before (kind `line`): one whose
event is not known, the convention's own last event (its last before its automatic end, for a
payment dated before that end and recorded after it), an amendment's entry into force; with
what to do (an event's date starts its legal deadlines: never a false one)."""


def _line(words: Words, value: Any, params: Mapping[str, Any]) -> str:
    """The line an event may not be dated before, its date, and what to do."""
    on = words.date(_parse_day(params["last_event_on"]))
    if value is None:
        return words(LINE_UNKNOWN, on=on)
    if params.get("terms_changed"):
        return words(LINE_IN_FORCE, on=on, amendment=params.get("last_amendment"))
    # an amendment's line that changed nothing is only named by a refusal ordered after
    # every line (a notice, a draft), which does not know it apart: LINE_UNKNOWN
    said = LINE_BEFORE_END if params.get("before_end") else LINE_OWN
    return words(said, on=on, event=words.recorded_event(str(value), None))


def _state(words: Words, state: str, params: Mapping[str, Any]) -> str:
    """A convention's state; `termination` under a notice its term overrides (the refusal's
    `notice_overridden`) as the pages and the command line say it, not « en cours de
    résiliation »: the convention runs to its term. English quotes the state's name
    ('termination'), as the API's `detail` always did."""
    if state == "termination" and params.get("notice_overridden") and words.language != "en":
        return words(OVERRIDDEN_STATE)
    return words.label("state", state)


def _term_value(words: Words, key: str, value: str) -> str:
    """A term's value as the emails say it in French (workflow.wording.values.term_text);
    as the command typed it in English."""
    return term_text(key, value) if words.language == "fr" else value


def _names(sort: str) -> Callable[[Words, Any, Mapping[str, Any]], str]:
    return lambda words, value, _: words.listing(words.label(sort, str(v)) for v in value)


KIND_SAYERS: dict[Kind, Callable[[Words, Any, Mapping[str, Any]], str]] = {
    "text": lambda words, value, _: str(value),
    "path": lambda words, value, _: str(value),
    "number": lambda words, value, _: str(value),
    "count": lambda words, value, _: words.count(int(value)),
    "bytes": lambda words, value, _: words.size(int(value)),
    "date": lambda words, value, _: words.date(_parse_day(value)),
    "instant": lambda words, value, _: words.instant(_parse_instant(value)),
    "amount": lambda words, value, _: words.amount(Decimal(str(value))),
    "list": lambda words, value, _: words.listing(str(item) for item in value),
    "event": lambda words, value, _: words.label("event", value),
    "action": lambda words, value, params: (
        words.amendment_action(value, params["amendment"])
        if params.get("amendment") is not None
        else words.label("action", value)
    ),
    "events": _names("event"),
    "actions": _names("action"),
    "amendment_action": lambda words, value, params: words.amendment_action(
        value, params.get("amendment")
    ),
    "amendment_actions": lambda words, value, params: words.listing(
        words.amendment_action(v, params.get("amendment")) for v in value
    ),
    "state": lambda words, value, params: _state(words, str(value), params),
    "amendment_state": lambda words, value, _: words.label("amendment_state", value),
    # the field of a file's refusal (it names the file) as the file's form names it
    "input": lambda words, value, params: (
        words.file_field(value) if params.get("file") else words.field(value)
    ),
    "inputs": lambda words, value, _: words.listing(words.field(str(v)) for v in value),
    "terms": _names("term"),
    "basis": lambda words, value, _: words.label("basis", value),
    "letter_kind": lambda words, value, _: words.label("letter_kind", value),
    "problems": lambda words, value, params: _others(
        words, value, int(params.get("problems_not_shown") or 0)
    ),
    "form": lambda words, value, _: words.label("form", FORMS.get(value, value)),
    "expected": lambda words, value, _: words.label("expected", value),
    "suggestion": lambda words, value, _: words.entry("frame", "closest", closest=str(value)),
    "line": _line,
    "flag": lambda words, value, _: "",  # read by the sentence of its `line`
    "connection": lambda words, value, _: say(said_failure(str(value)), words).message,
    "request_reasons": lambda words, value, _: said_reasons(words, value),
    "term_value": lambda words, value, params: _term_value(words, str(params["field"]), str(value)),
}
"""How each kind of parameter is said."""


def _said(words: Words, kind: Kind, value: Any, params: Mapping[str, Any]) -> str:
    """One parameter in words; as written when it cannot be read (a date like 2025-02-30)."""
    if value is None:
        if kind == "line":  # a line whose event is not known: said as the last one recorded
            return visible(KIND_SAYERS[kind](words, value, params))
        return "" if kind == "suggestion" else words(UNKNOWN)  # no name is close: nothing said
    try:
        said = KIND_SAYERS[kind](words, value, params)
    except (ValueError, ArithmeticError, TypeError, KeyError):
        said = str(value)
    return visible(said)


def _values(words: Words, code: str, params: Mapping[str, Any]) -> dict[str, str]:
    kinds = {**FRAME_KINDS, **CODES.get(code, {})}
    # A suggestion not given (a refusal made before there were any) is none.
    unsaid = {name: "" for name, kind in kinds.items() if kind == "suggestion"}
    return unsaid | {
        name: _said(words, kinds.get(name, "text"), value, params) for name, value in params.items()
    }


def problem_text(words: Words, code: str, params: Mapping[str, Any]) -> str:
    """A code's own sentence, its parameters said; the code itself if the catalogue has none."""
    return words.entry("error", code, **_values(words, code, params))


SHOWN_PROBLEMS = 20
"""A file's further problems said in full; past them, only how many more (--json has all)."""


def _others(
    words: Words, problems: Sequence[Mapping[str, Any]], not_kept: int = 0, lines: bool = False
) -> str:
    """A file's further problems: the first SHOWN_PROBLEMS said in full, then how many more,
    those the refusal did not keep (`not_kept`, past MAX_PROBLEMS) among them; one after the
    other as the language separates them (« ; » in French), or with `lines` each on a line of
    its own, indented."""
    each = [_other(words, item) for item in problems[:SHOWN_PROBLEMS]]
    more = max(len(problems) - SHOWN_PROBLEMS, 0) + not_kept
    tail = ""
    if not_kept:  # --json has the first ones only
        kept = words.count(len(problems) + 1)  # the refusal's own problem is the first
        tail = words.entry("frame", "more_not_kept", count=words.count(more), kept=kept)
    elif more:
        tail = words.entry("frame", "more", count=words.count(more))
    if lines:
        return "".join(f"\n  - {item}" for item in each) + (f"\n  {tail}" if tail else "")
    said = reduce(lambda said, other: words.entry("frame", "next_other", said=said, other=other),
                  each[1:], each[0] if each else "")  # fmt: skip
    return f"{said} {tail}" if tail else said


def say_by_line(error: ConvflowError, words: Words) -> str:
    """A refusal as the command line's text says it: a file's further problems each on a line
    of its own (one sentence elsewhere: --json's message, the dashboard)."""
    others = error.params.get("others")
    if "file" not in error.FRAME or not others:
        return say(error, words).message
    values = _values(words, error.code, error.params)
    problem = problem_text(words, error.code, error.params)
    first = words.entry("frame", _file_frame(error), problem=problem, **values)
    not_kept = int(error.params.get("problems_not_shown") or 0)
    return words.entry("frame", "also_below", message=first) + _others(
        words, others, not_kept, lines=True
    )


def _other(words: Words, problem: Mapping[str, Any]) -> str:
    """One further problem of a file: its field, what is wrong, its line."""
    values = {
        "field": words.file_field(str(problem.get("field", ""))),
        "problem": problem_text(words, str(problem["code"]), problem.get("params") or {}),
    }
    if problem.get("line"):
        return words.entry("frame", "other_line", line=str(problem["line"]), **values)
    return words.entry("frame", "other", **values)


def _file_frame(error: ConvflowError) -> str:
    """The frame of a file's refusal: its file and line; only its field when the fields came
    from no file (the API's body, the dashboard's form)."""
    if error.params.get("file") in NOT_FILES:
        return "invalid_input"
    return "in_file_line" if error.params.get("line") else "in_file"


def _frame(error: ConvflowError, words: Words, problem: str) -> str:
    """The whole sentence: the problem said with what it is about."""
    values = _values(words, error.code, error.params)
    if "file" in error.FRAME:
        message = words.entry("frame", _file_frame(error), problem=problem, **values)
        if error.params.get("others"):
            message = words.entry("frame", "also", message=message, others=values["others"])
        return message
    if "field" in error.FRAME:
        if isinstance(error, InvalidTerm):  # the key as typed in JSON, the term in words
            values["field"] = visible(words.field(f"change.{error.field}"))
        return words.entry("frame", "invalid_input", problem=problem, **values)
    if "event" in error.FRAME:
        if error.params.get("event") == "letter":  # the letter by its label, not `letter`
            kind = str(error.params.get("kind") or "amendment")  # a draft's refusals: no kind
            letter = visible(words.named("letter_kind", kind))
            return words.entry("frame", "refused_letter", reason=problem, letter=letter,
                               reference=values["reference"])  # fmt: skip
        frame = "refused" if error.params.get("amendment") is None else "refused_amendment"
        return words.entry("frame", frame, reason=problem, **values)
    return problem


def say(error: ConvflowError, words: Words) -> Said:
    """A refusal in the words of `words`."""
    problem = problem_text(words, error.code, error.params)
    field = error.field if isinstance(error, InvalidInput) else None
    return Said(error.code, error.params, _frame(error, words, problem), problem, field)


def hint(error: ConvflowError, words: Words) -> str | None:
    """What the command line adds to this refusal (the command that helps), if anything; its
    values as a person types them (a date in ISO)."""
    if not words.has("hint", error.code):
        return None
    return words.entry("hint", error.code, **{k: str(v) for k, v in error.params.items()})


def sentence(text: str, capital: bool = True) -> str:
    """A refusal as a sentence of its own: a capital first, a full stop at the end."""
    if capital:
        text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


__all__ = [
    "FRAMES", "HINTS", "KIND_SAYERS", "Said", "hint", "problem_text", "say", "say_by_line",
    "sentence",
]  # fmt: skip


def failure_text(error: BaseException, words: Words | None = None) -> str:
    """Why some work failed, for the people told of it (the administrators' alert, `run-due`):
    a refusal in words (French by default), anything else as the error says it."""
    if isinstance(error, ConvflowError):
        return say(error, words or Words()).message
    return str(error) or type(error).__name__
