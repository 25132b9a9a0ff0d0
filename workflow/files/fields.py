"""A convention file's fields by their dotted names, as a form or an extraction carries them.

`convflow extract --json` names each value it found by its place in the file
(`parties[1].signatories[0].email`, `clauses.dispute_window_days`); the dashboard's form uses
the same names for its inputs, so that a refusal naming a field (`parties[0].name`) lands beside
its input, and a document read by `extract` fills the form field for field. `nested` turns
such flat text fields into the mapping `convention_file.parse_mapping` checks; `flat` does the
inverse, to fill the form with a draft's terms.

How each field is written as text, and read back, is decided here only (`text_of`,
`value_of`), by what the file's model holds there (`kind`): whole numbers in digits, yes or no
as « oui »/« non », a list of whole numbers as "90, 60, 30, 7"; the rest as its text. A form
that posts back a draft's own values thus gives the draft's terms unchanged.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from states.errors import InvalidInput
from states.inputs import is_digits, parse_flag
from workflow.files.convention_file import ConventionIn, model_in

_PART = re.compile(r"([a-z_]+)(?:\[(\d{1,2})\])?")
_ITEMS = re.compile(r"[,;\s]+")
Kind = Literal["text", "whole", "flag", "wholes"]
"""What a field holds: text (dates, amounts and shares too, as JSON carries them), a whole
number, yes or no, or a list of whole numbers (reminder offsets, in days)."""
YES, NO = "oui", "non"


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


def kind(name: str) -> Kind:
    """What the file holds at the dotted name `name`, read from the file's model (text for a
    name it does not know: it is refused by name when checked)."""
    path = parts(name) or []
    model: Any = ConventionIn
    annotation: Any = None
    for part in path:
        if isinstance(part, int):  # an entry of a list: its items' fields
            continue
        field = model.model_fields.get(part) if model is not None else None
        if field is None:
            return "text"
        annotation, model = field.annotation, model_in(field.annotation)
    return _kind_of(_bare(annotation))


def _kind_of(annotation: Any) -> Kind:
    if annotation is bool:
        return "flag"
    if annotation is int:
        return "whole"
    if get_origin(annotation) is list and [_bare(a) for a in get_args(annotation)] == [int]:
        return "wholes"
    return "text"


def _bare(annotation: Any) -> Any:
    """A field's type without its constraints (`Annotated`) and its `| None`."""
    if get_origin(annotation) is Annotated:
        return _bare(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        kept = [arg for arg in get_args(annotation) if arg is not type(None)]
        return _bare(kept[0]) if len(kept) == 1 else annotation
    return annotation


def text_of(value: Any) -> str:
    """A file's value as the form writes it in its input (the inverse of `value_of`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def value_of(name: str, text: str) -> Any:
    """A form's text as the file holds the field `name` (the inverse of `text_of`); text that
    is not what the field holds is left as it is, for the check to refuse by name."""
    text, held = text.strip(), kind(name)
    if held == "whole":
        return _whole(text)
    if held == "wholes":
        return [_whole(item) for item in _ITEMS.split(text) if item]
    if held == "flag":
        try:
            return parse_flag(text, name)
        except InvalidInput:
            return text
    return text


def _whole(text: str) -> int | str:
    return int(text) if is_digits(text) and len(text) <= 6 else text


def says(name: str, text: str) -> bool:
    """Whether a form's input says something: a blank one leaves its field to its default,
    except a list, where blank is the empty list (no reminder), as the page writes it."""
    return bool(text.strip()) or kind(name) == "wholes"


def nested(fields: Mapping[str, str]) -> dict[str, Any]:
    """The file's mapping from flat text fields, each read as its field holds it (`value_of`);
    blank fields are left out (their default applies, see `says`), and list items are kept in
    their order, gaps closed (an empty party slot of a form is no party)."""
    tree: dict[str, Any] = {}
    for name, text in fields.items():
        path = parts(name)
        if path is None or not says(name, text):
            continue
        _put(tree, path, value_of(name, text))
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
    entries = isinstance(value, list) and all(isinstance(item, Mapping) for item in value)
    if entries and kind(name) != "wholes":  # a table's entries (none: no field), by number
        found: dict[str, str] = {}
        for number, item in enumerate(value):
            found.update(flat(item, f"{name}[{number}]"))
        return found
    return {name: text_of(value)}


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
              if says(name, text) and (path := parts(name)) is not None]  # fmt: skip
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
