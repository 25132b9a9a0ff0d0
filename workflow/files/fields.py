"""A convention file's fields by their dotted names, as a form or an extraction carries them.

`convflow extract --json` names each value it found by its place in the file
(`parties[1].signatories[0].email`, `clauses.dispute_window_days`); the dashboard's form uses
the same names for its inputs, so that a refusal naming a field (`parties[0].name`) lands beside
its input, and a document read by `extract` fills the form field for field. `nested` turns
such flat text fields into the mapping `convention_file.parse_mapping` checks; `flat` does the
inverse, to fill the form with a draft's terms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from states.inputs import is_digits

_PART = re.compile(r"([a-z_]+)(?:\[(\d{1,2})\])?")
WHOLE_NUMBERS = frozenset(
    {
        "clauses.dispute_window_days",
        "clauses.termination_notice_months",
        "clauses.payment_target_days",
        "clauses.signature_target_days",
    }
)
"""Fields the file holds as whole numbers (the form gives text)."""


def parts(name: str) -> list[str | int] | None:
    """A dotted name's path (`parties[0].name` -> ['parties', 0, 'name']); None if it is not
    one (a form's other inputs: csrf_token, action)."""
    path: list[str | int] = []
    for piece in name.split("."):
        found = _PART.fullmatch(piece)
        if found is None:
            return None
        path.append(found.group(1))
        if found.group(2) is not None:
            path.append(int(found.group(2)))
    return path


def _typed(name: str, text: str) -> Any:
    """A form's text as the file would write it: whole numbers as numbers (else left as the
    text, for the check to refuse by name)."""
    if name in WHOLE_NUMBERS and is_digits(text) and len(text) <= 6:
        return int(text)
    return text


def nested(fields: Mapping[str, str]) -> dict[str, Any]:
    """The file's mapping from flat text fields; blank fields are left out (their default
    applies), and list items are kept in their order, gaps closed (an empty party slot of a
    form is no party)."""
    tree: dict[str, Any] = {}
    for name, text in fields.items():
        path = parts(name)
        if path is None or not text.strip():
            continue
        _put(tree, path, _typed(name, text.strip()))
    data: dict[str, Any] = _lists(tree)
    return data


def _put(tree: dict[str, Any], path: list[str | int], value: Any) -> None:
    node: Any = tree
    for here in path[:-1]:
        node = node.setdefault(here, {})  # lists are dicts by index until `_lists`
    node[path[-1]] = value


def _lists(node: Any) -> Any:
    """Dicts keyed by indexes become lists, in index order."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(key, int) for key in node):
        return [_lists(node[key]) for key in sorted(node)]
    return {key: _lists(value) for key, value in node.items()}


def flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """The dotted text fields of a file's mapping (the inverse of `nested`)."""
    fields: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        fields.update(_flat_value(name, value))
    return fields


def _flat_value(name: str, value: Any) -> dict[str, str]:
    if isinstance(value, Mapping):
        return flat(value, name)
    if isinstance(value, list) and all(isinstance(item, Mapping) for item in value):
        found: dict[str, str] = {}
        for number, item in enumerate(value):
            found.update(flat(item, f"{name}[{number}]"))
        return found
    if isinstance(value, list):
        return {name: ", ".join(str(item) for item in value)}
    if isinstance(value, bool):
        return {name: "oui" if value else "non"}
    return {name: "" if value is None else str(value)}


def _order(path: list[str | int]) -> list[tuple[int, int, str]]:
    return [(0, part, "") if isinstance(part, int) else (1, 0, part) for part in path]


def _name(path: list[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def compacted(fields: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The filled fields with every list's items renumbered from 0 (a form's blank slots
    dropped), and how each renumbered item is named in `fields` (`parties[1]` ->
    `parties[2]` when the second slot was left blank), to put a refusal back on its input."""
    filled = [(path, text) for name, text in fields.items()
              if text.strip() and (path := parts(name)) is not None]  # fmt: skip
    filled.sort(key=lambda item: _order(item[0]))
    numbers: dict[tuple[str, int], int] = {}
    renamed: dict[str, str] = {}
    out: dict[str, str] = {}
    for path, text in filled:
        new: list[str | int] = []
        for depth, part in enumerate(path):
            if isinstance(part, int):
                parent = _name(new)
                count = sum(1 for key in numbers if key[0] == parent)
                part_new = numbers.setdefault((parent, part), count)
                new.append(part_new)
                renamed[_name(new)] = _name(path[: depth + 1])
            else:
                new.append(part)
        out[_name(new)] = text
    return out, renamed


def original(name: str, renamed: Mapping[str, str]) -> str:
    """A renumbered field's name as the form wrote it (see `compacted`)."""
    for new in sorted(renamed, key=len, reverse=True):
        if name == new or name.startswith((new + ".", new + "[")):
            old = renamed[new]
            return old + name[len(new) :]
    return name
