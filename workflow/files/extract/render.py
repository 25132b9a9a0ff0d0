"""An extraction written out: as a convention file (TOML, each value under the sentence it was
read from) or as JSON for the API and the dashboard's form."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

from .model import Extraction, Field, Say, Value, english, gettext_noop, say_field

# The order a convention file lists its keys in, table by table.
_ORDER = {
    (): ["reference", "title", "object", "amount", "amount_basis", "takes_effect", "end_date",
         "place"],
    ("clauses",): ["dispute_window_days", "dispute_window_day_kind", "dispute_window_from",
                   "termination_notice_months", "termination_notice_days",
                   "termination_notice_from", "extension_by_amendment"],
    ("clauses", "articles"): ["payment", "term", "amendment", "dispute", "termination",
                              "committee"],
    ("payment", "instalments"): ["amount", "share", "trigger", "on", "report"],
    ("committee",): ["name", "article"],
    ("parties",): ["key", "name"],
    ("parties", "signatories"): ["name", "title", "email"],
}  # fmt: skip
# Tables in the order of the reference convention file; parties last.
_TABLES = ["clauses", "articles", "payment", "instalments", "committee", "parties", "signatories"]
_DATES = {"end_date", "takes_effect", "on"}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TO_FILL = re.compile(r"^reference$|\.key$|\.email$")
_PART = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
# What the file says around the values, in the catalogue (said in the user's language).
# The document's path on a line of its own, whole: a path wrapped at its spaces and hyphens
# (« …/convention-partenariat- » / « # specialisee.pdf ») could not be copied back.
_DRAFTED = gettext_noop("Convention file drafted by `convflow extract` from:")
_CHECK = gettext_noop(
    'Each value is preceded by the sentence it was read from: check them, fill in the empty "" '
    "values, then load it with `convflow import`."
)
_WARNINGS = gettext_noop("Warnings:")
_NOT_FOUND = gettext_noop("Not found in the text:")
_SEE_WARNINGS = gettext_noop("see the warnings")
_TO_FILL_SAID = gettext_noop("TO FILL: {reason}")
_SAME = gettext_noop("(same sentence, {article})")
_QUOTED = gettext_noop("{place}: « {quote} »")
_PLACES = {
    "title": gettext_noop("heading"),
    "parties": gettext_noop("parties block"),
    "signatures": gettext_noop("signature block"),
}
_ORIGIN = re.compile(
    r"^(?:(?P<kind>line|page|paragraph) (?P<n>\d+)"
    r"|table (?P<t>\d+), row (?P<r>\d+), cell (?P<c>\d+))$"
)
_ORIGINS = {
    "line": gettext_noop("line {number}"),
    "page": gettext_noop("page {number}"),
    "paragraph": gettext_noop("paragraph {number}"),
}
_CELL = gettext_noop("table {table}, row {row}, cell {cell}")


def to_json(extraction: Extraction, say: Say = english) -> dict[str, Any]:
    """`{"fields": {NAME: {"value", "article", "quote"}}, "missing": [...], "warnings": [...]}`:
    the names are the convention file's, the warnings sentences as `say` speaks them."""
    return {
        "fields": {
            name: {"value": f.value, "article": f.article, "quote": f.quote}
            for name, f in extraction.fields.items()
        },
        "missing": extraction.missing,
        "warnings": extraction.warnings_said(say),
    }


def to_toml(extraction: Extraction, say: Say = english) -> str:
    """A convention file for `convflow import`: each value under the sentence it comes from,
    empty strings where only a person can fill it in, and what was not found, with why; its
    comments as `say` speaks them (keys and values are the file's, in any language)."""
    tree: dict[str, Any] = {}
    for name, found in extraction.fields.items():
        _place(tree, name, found)
    for gap in extraction.gaps:
        if _TO_FILL.search(gap.field):
            _place(tree, gap.field, Field("", _TO_FILL_SAID, gap.said(say)))
    source = _CONTROL.sub(" ", extraction.source).strip()
    lines = [f"# {say(_DRAFTED, {})}", f"#   {source}", *_comment([say(_CHECK, {})], "# ")]
    warnings = extraction.warnings_said(say)
    if warnings:
        lines += ["#", f"# {say(_WARNINGS, {})}"]
        lines += _comment(warnings, "#   - ")
    lines.append("")
    lines += _table(tree, (), say)
    others = [say_field(g.field, g.said(say), say) for g in extraction.gaps
              if not _TO_FILL.search(g.field)]  # fmt: skip
    see = say(_SEE_WARNINGS, {})
    others += [say_field(d.field, see, say) for d in extraction.doubts if d.left_out]
    if others:
        lines += ["", f"# {say(_NOT_FOUND, {})}"]
        lines += _comment(others, "#   - ")
    return "\n".join(lines).rstrip() + "\n"


def _place(tree: dict[str, Any], name: str, found: Field) -> None:
    node: dict[str, Any] = tree
    parts = name.split(".")
    for part in parts[:-1]:
        match = _PART.fullmatch(part)
        if match is None:
            return
        key, index = match.group(1), match.group(2)
        if index is None:
            node = node.setdefault(key, {})
            continue
        items: list[dict[str, Any]] = node.setdefault(key, [])
        while len(items) <= int(index):
            items.append({})
        node = items[int(index)]
    node[parts[-1]] = found


def _table(node: dict[str, Any], path: tuple[str, ...], say: Say) -> list[str]:
    lines: list[str] = []
    values = [k for k, v in node.items() if isinstance(v, Field)]
    order = _ORDER.get(path, [])
    previous = ""
    for key in sorted(values, key=lambda k: (order.index(k) if k in order else len(order), k)):
        found: Field = node[key]
        lines += _value(key, found, say, same=found.quote == previous)
        previous = found.quote
    children = [k for k, v in node.items() if not isinstance(v, Field)]
    for key in sorted(children, key=lambda k: _TABLES.index(k) if k in _TABLES else len(_TABLES)):
        child, sub = node[key], (*path, key)
        if isinstance(child, dict):
            body = _table(child, sub, say)
            has_values = any(isinstance(v, Field) for v in child.values())
            lines += (["", f"[{'.'.join(sub)}]"] if has_values else []) + body
        else:
            for item in child:
                lines += ["", f"[[{'.'.join(sub)}]]", *_table(item, sub, say)]
    return lines


def _value(key: str, found: Field, say: Say, *, same: bool) -> list[str]:
    if found.article == _TO_FILL_SAID:  # a value only a person gives: why, then ""
        return [*_comment([say(_TO_FILL_SAID, {"reason": found.quote})], "# "), f'{key} = ""']
    article = say(_PLACES[found.article], {}) if found.article in _PLACES else found.article
    if same:
        comment = [f"# {say(_SAME, {'article': article})}"]
    else:
        where = article + (f", {_origin(found.origin, say)}" if found.origin else "")
        comment = _comment([say(_QUOTED, {"place": where, "quote": found.quote})], "# ")
    return [*comment, f"{key} = {_literal(key, found.value)}"]


def _origin(origin: str, say: Say) -> str:
    """ "line 93", "table 1, row 1, cell 2" as `say` speaks them."""
    found = _ORIGIN.match(origin)
    if found is None:
        return origin
    if found.group("kind"):
        return say(_ORIGINS[found.group("kind")], {"number": found.group("n")})
    return say(
        _CELL, {"table": found.group("t"), "row": found.group("r"), "cell": found.group("c")}
    )


def _literal(key: str, value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if key in _DATES and _ISO.match(value):
        return value  # a TOML date, as `end_date = 2025-12-31` in the reference file
    # A JSON string is a TOML basic string: the same escapes (\u and four hex digits for a
    # control character).
    return json.dumps(value, ensure_ascii=False)


def _comment(texts: list[str], first: str) -> list[str]:
    lines: list[str] = []
    rest = "#" + " " * (len(first) - 1)
    for text in texts:
        wrapped = textwrap.wrap(text, width=98 - len(first), break_long_words=False) or [""]
        lines += [first + wrapped[0], *(rest + part for part in wrapped[1:])]
    return lines
