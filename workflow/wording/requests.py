"""Why the API could not read a request (`invalid_request`'s `reasons`), in words.

Each reason is data for a script (`{"field": "query.per_page", "reason": "out_of_range",
"least": 1, "most": 200}`), said here as what is wrong and how to write it right: the line and
column of malformed JSON, the bounds of a number, the sort of value a field takes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from workflow.wording.catalogue import gettext_noop
from workflow.wording.words import Words

REASONS: dict[str, str] = {
    "json_malformed": gettext_noop(
        "the JSON is malformed at line {line}, column {column}: check the quotes, commas and "
        "braces there"
    ),
    "json_expected": gettext_noop(
        "a JSON object is expected, sent with Content-Type: application/json (the request "
        "says {content_type})"
    ),
    "missing": gettext_noop("required, missing"),
    "unknown_key": gettext_noop("this key is not taken here: remove it"),
    "object_expected": gettext_noop("an object is expected, between braces {{ }}"),
    "text_expected": gettext_noop("a text is expected, between quotes"),
    "input_expected": gettext_noop("a text or a whole number is expected"),
    "whole_number_expected": gettext_noop("a whole number is expected"),
    "list_expected": gettext_noop("a list is expected, between brackets [ ]"),
    "boolean_expected": gettext_noop("true or false is expected"),
    "between": gettext_noop("a whole number from {least} to {most} is expected"),
    "at_least": gettext_noop("a number of at least {least} is expected"),
    "at_most": gettext_noop("a number of at most {most} is expected"),
    "too_long": gettext_noop("too long: {most} characters at most"),
    "too_many": gettext_noop("too many entries: {most} at most"),
    "not_one_of": gettext_noop("one of these values is expected: {choices}"),
    "control_characters": gettext_noop("control characters are not taken"),
    "key_form": gettext_noop("a key is written in lower case letters a to z and _"),
    "too_deep": gettext_noop("the JSON is nested too deeply"),
    "value_refused": gettext_noop("this value is not taken here"),
}
"""Each reason's sentence; `out_of_range` is said by `between`, `at_least` or `at_most`."""

ON_FIELD = gettext_noop("{field}: {reason}")
REASONS_APART = gettext_noop("; ")


def _sentence(reason: Mapping[str, Any]) -> str:
    name = str(reason.get("reason"))
    if name == "out_of_range":
        least, most = reason.get("least"), reason.get("most")
        if least is not None and most is not None:
            return "between"
        return "at_least" if least is not None else "at_most"
    return name if name in REASONS else "value_refused"


def _values(words: Words, reason: Mapping[str, Any]) -> dict[str, str]:
    said: dict[str, str] = {}
    for key, value in reason.items():
        if key in ("least", "most") and isinstance(value, int):
            said[key] = words.count(value)
        elif key == "choices" and isinstance(value, list):
            said[key] = words.listing(str(item) for item in value)
        else:
            said[key] = str(value)
    return said


def said_reason(words: Words, reason: Mapping[str, Any]) -> str:
    """One reason in words, after the field it is about (none for the whole body's JSON)."""
    values = _values(words, reason)
    text = str(words.catalogue.gettext(REASONS[_sentence(reason)])).format(**values)
    field = reason.get("field")
    if not field or reason.get("reason") in ("json_malformed", "json_expected"):
        return text
    return str(words.catalogue.gettext(ON_FIELD)).format(field=field, reason=text)


def said_reasons(words: Words, reasons: Sequence[Mapping[str, Any]]) -> str:
    """Every reason in words, one after the other."""
    apart = str(words.catalogue.gettext(REASONS_APART))
    return apart.join(said_reason(words, reason) for reason in reasons)
