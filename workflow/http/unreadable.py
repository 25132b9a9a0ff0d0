"""Why the API could not read a request, as data: `invalid_request`'s `reasons`.

FastAPI's `detail` (pydantic's English, for the curious) says the position of malformed JSON
as a character's offset (`body.16`) and the one bound a number passed; a script's author needs
the line and column, both bounds of `per_page`, which sort of value a field takes. Each
problem becomes one reason (`workflow.wording.requests` says it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from inspect import isclass
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request

from states.visible import visible
from workflow.http.schemas import PLAIN

SHOWN = 60
"""How much of a value given (a Content-Type) a reason repeats."""
_TYPES = {
    "string_type": "text_expected",
    "int_type": "whole_number_expected",
    "int_parsing": "whole_number_expected",
    "int_from_float": "whole_number_expected",
    "dict_type": "object_expected",
    "model_type": "object_expected",
    "model_attributes_type": "object_expected",
    "list_type": "list_expected",
    "bool_type": "boolean_expected",
    "bool_parsing": "boolean_expected",
    "missing": "missing",
    "extra_forbidden": "unknown_key",
    "string_too_long": "too_long",
    "too_long": "too_many",
}
_BOUNDS = ("greater_than", "greater_than_equal", "less_than", "less_than_equal")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _field(loc: Sequence[Any]) -> str:
    # a key may hold a direction override: written out, as `fields` writes it
    return visible(".".join(str(part) for part in loc))


def _position(error: BaseException | None, body: Any, offset: Any) -> dict[str, int]:
    """The line and column (from 1) of malformed JSON."""
    if isinstance(error, json.JSONDecodeError):
        return {"line": error.lineno, "column": error.colno}
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    at = offset if isinstance(offset, int) else 0
    line = text.count("\n", 0, at) + 1
    return {"line": line, "column": at - (text.rfind("\n", 0, at) + 1) + 1}


def _declared_bounds(request: Request, loc: Sequence[Any]) -> tuple[Any, Any]:
    """The bounds the route declares for the field at `loc` (a query's, or a body's top
    level key), as (least, most); (None, None) when not found."""
    dependant = getattr(request.scope.get("route"), "dependant", None)
    if dependant is None or not loc:
        return None, None
    name = str(loc[-1])
    for param in (*dependant.query_params, *dependant.path_params, *dependant.body_params):
        info = param.field_info
        metadata = info.metadata if param.alias == name else None
        annotation = info.annotation
        if metadata is None and isclass(annotation) and issubclass(annotation, BaseModel):
            found = annotation.model_fields.get(name)
            metadata = found.metadata if found is not None else None
        if metadata is not None:
            return _least_most(metadata)
    return None, None


def _least_most(metadata: Sequence[Any]) -> tuple[Any, Any]:
    least = most = None
    for item in metadata:
        if getattr(item, "ge", None) is not None:
            least = item.ge
        if getattr(item, "gt", None) is not None:
            least = item.gt + 1
        if getattr(item, "le", None) is not None:
            most = item.le
        if getattr(item, "lt", None) is not None:
            most = item.lt - 1
    return least, most


def _range(request: Request, problem: dict[str, Any]) -> dict[str, Any]:
    ctx = problem.get("ctx") or {}
    least, most = _declared_bounds(request, problem.get("loc") or ())
    if least is None:
        least = ctx.get("ge", ctx["gt"] + 1 if isinstance(ctx.get("gt"), int) else None)
    if most is None:
        most = ctx.get("le", ctx["lt"] - 1 if isinstance(ctx.get("lt"), int) else None)
    return {"reason": "out_of_range", "least": least, "most": most}


def _json_sent(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return not kind or kind == "application/json" or kind.endswith("+json")


def reason(request: Request, problem: dict[str, Any], body: Any, cause: Any) -> dict[str, Any]:
    """One problem pydantic or FastAPI found, as a reason: {field, reason, ...}."""
    kind, loc = str(problem.get("type")), tuple(problem.get("loc") or ())
    field = {"field": _field(loc)}
    if kind == "json_invalid":
        offset = loc[1] if len(loc) > 1 else 0
        return {**field, "reason": "json_malformed", **_position(cause, body, offset)}
    if loc == ("body",) and kind in _TYPES and kind != "missing" and not _json_sent(request):
        given = visible(request.headers.get("content-type", "")[:SHOWN])
        return {**field, "reason": "json_expected", "content_type": given}
    if kind in _BOUNDS:
        return {**field, **_range(request, problem)}
    if kind == "literal_error" or kind == "enum":
        choices = _QUOTED.findall(str((problem.get("ctx") or {}).get("expected", "")))
        return {**field, "reason": "not_one_of", "choices": choices}
    if kind in ("string_too_long", "too_long"):
        most = (problem.get("ctx") or {}).get("max_length")
        return {**field, "reason": _TYPES[kind], "most": most}
    if kind == "string_pattern_mismatch":
        pattern = (problem.get("ctx") or {}).get("pattern")
        return {**field, "reason": "control_characters" if pattern == PLAIN else "key_form"}
    if kind == "string_type" and len(loc) == 3 and loc[:2] == ("body", "inputs"):
        return {**field, "reason": "input_expected"}
    return {**field, "reason": _TYPES.get(kind, "value_refused")}
