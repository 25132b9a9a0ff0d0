"""A TOML text read for a convention or an amendment file, its syntax errors in convflow's words.

tomllib says what is wrong in its own English and puts the position in the message
(`Invalid date or datetime (at line 13, column 12)`). `read_toml` reads the text (a byte order
mark, as Windows Notepad saves UTF-8, left out) and turns a syntax error into a
`TomlSyntaxError`: the line, the key written on it when there is one (`end_date`, the table
it is in prefixed), and one of convflow's codes for the common mistakes (an impossible date,
a missing closing quote, a table declared twice...), each with its column. A message convflow
does not know is `toml_syntax`, its French sentence first and tomllib's words at the end.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = ["BOM", "TomlSyntaxError", "quoted_integers", "read_toml", "without_bom"]

BOM = "\ufeff"
"""The byte order mark Windows Notepad writes at the start of a UTF-8 file."""

_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_TWICE = re.compile(r"^Cannot declare \((.*)\) twice$")
_KEY_LINE = re.compile(r"""^\s*([A-Za-z0-9_."'-]+?)\s*=""")
_TABLE_LINE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?")
_LOOKS_DATED = re.compile(r"^(\s*[A-Za-z0-9_.\"'-]+\s*=\s*)([0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2})\b")
_DATED_TIME = re.compile(
    r"^(\s*[A-Za-z0-9_.\"'-]+\s*=\s*)([0-9]{4}-[0-9]{2}-[0-9]{2})([Tt]|\s+(?=[0-9]))([^\s,\]}#]+)"
)
"""A day and a time after it (`2025-12-31T24:00:00`, `2025-12-31 10:00`): the day, the
separator, the time as written."""
_DATE_TOKEN = re.compile(r"[0-9][0-9:.+\-TtZz ]*[0-9Zz]|[0-9]")

# tomllib's messages (Python 3.11 to 3.14), first match wins: a prefix, and convflow's code.
_SAYS: tuple[tuple[str, str], ...] = (
    ("Invalid date or datetime", "toml_not_a_date"),
    ("Illegal character '\\n'", "toml_unterminated_string"),
    ("Unterminated string", "toml_unterminated_string"),
    ("Expected \"'", "toml_unterminated_string"),  # a literal string's closing ' or '''
    ('Expected \'"""\'', "toml_unterminated_string"),
    ("Illegal character", "toml_control_character"),
    ("Found invalid character", "toml_control_character"),
    ("Cannot declare", "toml_table_twice"),
    ("Cannot overwrite a value", "toml_value_twice"),
    ("Duplicate inline table key", "toml_value_twice"),
    ("Cannot mutate immutable namespace", "toml_value_twice"),
    ("Cannot redefine namespace", "toml_value_twice"),
    ("Expected '=' after a key", "toml_equals_expected"),
    ("Invalid statement", "toml_invalid_statement"),
    ("Invalid initial character for a key part", "toml_invalid_statement"),
    ("Expected newline or end of document", "toml_line_goes_on"),
    ("Expected ']]' at the end", "toml_unclosed"),
    ("Expected ']' at the end", "toml_unclosed"),
    ("Unclosed array", "toml_unclosed"),
    ("Unclosed inline table", "toml_unclosed"),
    ("Unescaped '\\' in a string", "toml_bad_escape"),
    ("Invalid hex value", "toml_bad_escape"),
    ("Escaped character is not a Unicode scalar value", "toml_bad_escape"),
    ("Invalid value", "toml_invalid_value"),
)
REPEATED_TABLES = ("parties", "parties.signatories", "payment.instalments", "history",
                   "representatives")  # fmt: skip
"""The tables a convention or an amendment file repeats, each written [[name]]."""
_CLOSING = {"Expected ']]'": "]]", "Expected ']'": "]", "Unclosed array": "]"}


@dataclass
class TomlSyntaxError(Exception):
    """A TOML text that does not parse: where (line, the key written there) and why (a code
    of `states.errors.CODES` and its parameters: the column, the value, tomllib's words)."""

    line: int | None
    key: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def without_bom(text: str) -> str:
    """The text without the byte order mark some editors put first."""
    return text.removeprefix(BOM)


def read_toml(text: str, as_written: Collection[str] = ()) -> dict[str, Any]:
    """The table a TOML text holds (a byte order mark first is left out); raise
    `TomlSyntaxError` in convflow's words.

    A whole number assigned to a key of `as_written` is read as the text it is written with
    (`amount = 200000` as "200000"): TOML reads `0x10`, `0b1010`, `+1000` and `1_000` as the
    numbers 16, 10, 1000 and 1000, where an amount is meant to be written as a person reads
    it; as text, such a value is checked, and refused, as the same value in quotes would be."""
    text = without_bom(text)
    try:
        return tomllib.loads(quoted_integers(text, as_written) if as_written else text)
    except tomllib.TOMLDecodeError:
        raise _error_of(text) from None
    except RecursionError:  # arrays or tables nested thousands deep: no convention is
        raise TomlSyntaxError(None, "toml", "toml_too_deep") from None
    except ValueError:  # a number of more than 4300 digits (Python's limit): none is meant
        raise _too_many_digits(text) from None


def _error_of(text: str) -> TomlSyntaxError:
    """The syntax error of `text` as it was written (not as `quoted_integers` made it: the
    columns of a line it changed would be off)."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return syntax_error(error, text)
    except ValueError:
        return _too_many_digits(text)
    raise AssertionError("a text that reads once reads twice")  # pragma: no cover


def _too_many_digits(text: str) -> TomlSyntaxError:
    """The line of a number too long to be one (thousands of digits), as an unreadable value."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        found = _LONG_NUMBER.search(line)
        if found:
            return TomlSyntaxError(number, _key_at(lines, number), "toml_invalid_value",
                                   {"column": found.start() + 1})  # fmt: skip
    return TomlSyntaxError(None, "toml", "toml_invalid_value", {"column": None})


_LONG_NUMBER = re.compile(r"[0-9][0-9_]{999,}")
_INTEGER = re.compile(r"[+-]?[0-9][0-9_]*|0[xob][0-9A-Fa-f_]+")
"""A bare value TOML reads as a whole number (a date or a float has other characters)."""


def quoted_integers(text: str, keys: Collection[str]) -> str:
    """`text` with every whole number assigned to one of `keys` (its last part: `amount` of
    `[[payment.instalments]]` too, and in an inline table) put between quotes, as written.

    Only values change, each on its own line: the lines and the values before it on that line
    keep their places, so that a field is still located where it is written."""
    if not _MAY_ASSIGN_NUMBER.search(text):
        return text  # the usual file: every amount in quotes already
    pieces, done = [], 0
    for key, (start, end) in _bare_values(text):
        if key in keys and _INTEGER.fullmatch(text, start, end):
            pieces += [text[done:start], '"', text[start:end], '"']
            done = end
    return "".join([*pieces, text[done:]])


_MAY_ASSIGN_NUMBER = re.compile(r"=[ \t]*[+\-0-9]")
_TOKEN = re.compile(
    r"(?P<apart>[\s,\[\]{}]+)|(?P<comment>#[^\n]*)"
    r'|(?P<string>"""[^\\"]*(?:(?:\\[\s\S]|"(?!""))[^\\"]*)*"{3,5}|'
    r"'''[\s\S]*?'{3,5}"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"?|'
    r"'[^'\n]*'?)"
    r"|(?P<equals>=)|(?P<bare>[A-Za-z0-9_+\-.:]+)|(?P<other>.)"
)
"""TOML's tokens as far as finding a key's value needs: what separates (spaces, commas,
brackets), a comment, a string (multi-line ones first), `=`, a bare key or value."""


def _bare_values(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Each value written without quotes after `key =`: the key (its last part) and where the
    value is in `text`. Comments and strings are tokens of their own, so that « title =
    "amount = 0x10" » assigns no amount."""
    found: list[tuple[str, tuple[int, int]]] = []
    key: str | None = None
    wanted = False  # a value comes next (after `=`)
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "equals":
            wanted = True
        elif kind == "bare" and wanted:
            found.append((key or "", token.span()))
            key, wanted = None, False
        elif kind in ("bare", "string"):
            key = None if wanted else _key_part(token.group())
            wanted = False
        elif kind == "apart" and any(mark in token.group() for mark in ",[]{}"):
            key, wanted = None, False
    return found


def _key_part(written: str) -> str:
    """A key as written, its last part (`payment.amount`: `amount`), without its quotes."""
    quote = written[:1]
    if quote in "\"'":
        return written.strip(quote)
    return written.rsplit(".", 1)[-1]


def syntax_error(error: tomllib.TOMLDecodeError, text: str) -> TomlSyntaxError:
    """tomllib's error on `text` as convflow's: the line, the key, the code, the column."""
    message, line, column = _position(error, text)
    code = next((code for prefix, code in _SAYS if message.startswith(prefix)), "toml_syntax")
    params: dict[str, Any] = {"column": column}
    lines = text.splitlines()
    written = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
    timed = _DATED_TIME.match(written) if code == "toml_line_goes_on" else None
    if (
        timed
        and column
        and column > timed.end(2)
        and _date_code(timed.group(2)) != ("toml_not_a_date")
    ):  # 2025-12-31T24:00:00: tomllib reads the day, then stumbles on a time it cannot read
        said = {
            "value": timed.group(2) + timed.group(3) + timed.group(4),
            "time": timed.group(4),
            "day": timed.group(2),
            "column": timed.start(2) + 1,
        }
        return TomlSyntaxError(line, _key_at(lines, line), "toml_time_not_read", said)
    if code in ("toml_line_goes_on", "toml_invalid_value") and (
        dated := _LOOKS_DATED.match(written)
    ):  # 2025-13-01, 2025-2-3: tomllib reads a number, then stumbles on the rest
        code, value = _date_code(dated.group(2)), dated.group(2)
        said = (
            {"value": value}
            if code == "file_not_a_date"
            else {"value": value, "column": dated.start(2) + 1}
        )
        return TomlSyntaxError(line, _key_at(lines, line), code, said)
    if code == "toml_not_a_date":
        token = _DATE_TOKEN.match(written[max(column - 1, 0) :]) if column else None
        params["value"] = token.group().strip() if token else written.strip()
    elif code == "toml_table_twice":
        found = _TWICE.match(message)
        names = re.findall(r"'([^']*)'", found.group(1)) if found else []
        params["table"] = ".".join(names) or written.strip().strip("[]")
        if params["table"] in REPEATED_TABLES:
            code = "toml_table_not_repeated"
    elif code == "toml_unclosed":
        closing = next((c for p, c in _CLOSING.items() if message.startswith(p)), "}")
        params["closing"] = closing
    elif code == "toml_syntax":
        params["detail"] = message
    key = "toml" if code.startswith("toml_table_") else _key_at(lines, line)
    return TomlSyntaxError(line, key, code, params)


def _date_code(value: str) -> str:
    """Why a date-like value is no TOML date: not in the calendar (2025-13-01), or a real day
    not written 2025-12-31 (2025-2-3)."""
    try:
        date(*(int(part) for part in value.split("-")))
    except ValueError:
        return "toml_not_a_date"
    return "file_not_a_date"


def _position(error: tomllib.TOMLDecodeError, text: str) -> tuple[str, int | None, int | None]:
    """tomllib's message without its position, and the position (line, column): Python 3.14
    gives it as attributes, earlier versions only in the message."""
    message = str(getattr(error, "msg", "") or str(error))
    found = _AT.search(message)
    if found:
        message = message[: found.start()]
    line, column = getattr(error, "lineno", None), getattr(error, "colno", None)
    if line is None and found and found.group(1):
        line, column = int(found.group(1)), int(found.group(2))
    if line is None:  # at the end of the document
        last = text.split("\n")
        line, column = len(last), len(last[-1]) + 1
    return message, line, column


def _key_at(lines: list[str], line: int | None) -> str:
    """The key written on `line` (1-based), with the table it is in ('parties.signatories.
    email'); 'toml' when the line assigns no key (a table's header, a stray word)."""
    if line is None or not 0 < line <= len(lines):
        return "toml"
    assigned = _KEY_LINE.match(lines[line - 1])
    if not assigned:
        return "toml"
    key = assigned.group(1).replace('"', "").replace("'", "")
    for above in reversed(lines[: line - 1]):
        if table := _TABLE_LINE.match(above):
            return f"{table.group(1)}.{key}"
    return key
