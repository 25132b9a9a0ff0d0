"""Amendment files: the changes of an avenant declared in TOML, as `convflow amend --file` reads.

[changes]
end_date = 2026-12-31
amount = "250000.00"
"reminders.expiry" = [90, 60, 30, 7]
"instalment.2.amount" = "21000.00"   # paid in instalments: an instalment's amount, not `amount`

[[representatives]]          # the party's representatives after the avenant
party = "metropole"
name = "Jeanne Martin"
title = "Vice-Présidente déléguée"
email = "jeanne.martin@example.org"

The representatives declared for a party replace its whole list (the avenant designates the
party's representatives): declare one [[representatives]] entry for every person who is to
represent it afterwards, those who stay included; a representative not declared again no
longer signs for it nor receives its emails.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from states.errors import InvalidInput
from states.spelling import closest
from workflow.files.convention_file import AS_WRITTEN, ConventionFileError, locate, toml_refusal
from workflow.files.toml_text import TomlSyntaxError, read_toml, without_bom
from workflow.files.typed_numbers import as_typed
from workflow.files.utf8 import read_utf8

_REPRESENTATIVE = ("party", "name", "title", "email")
TABLES = ("[changes]", "[[representatives]]")
_TABLE_NAMES = ("changes", "representatives")


def read_amendment_file(path: Path) -> dict[str, str]:
    """The changes an amendment file declares, as `field=value` text for the domain to check."""
    text = read_utf8(path)
    try:
        data = read_toml(text, as_written=AS_WRITTEN)
    except TomlSyntaxError as error:
        raise toml_refusal(str(path), error) from None
    return _changes(data, text, str(path))


def _changes(data: dict[str, Any], text: str, source: str) -> dict[str, str]:
    for key in data:
        if key not in _TABLE_NAMES:
            raise ConventionFileError(
                source, locate(text, (key,)), key, "unknown_table", tables=TABLES,
                closest=closest(key, _TABLE_NAMES),
            )  # fmt: skip
    declared, representatives = data.get("changes", {}), data.get("representatives", [])
    if not isinstance(declared, dict):
        raise ConventionFileError(source, locate(text, ("changes",)), "changes", "not_a_table")
    if not isinstance(representatives, list) or not all(
        isinstance(person, dict) for person in representatives
    ):
        raise ConventionFileError(source, locate(text, ("representatives",)), "representatives",
                                  "not_a_table")  # fmt: skip
    changes = {key: _text(value, key, text, source) for key, value in _flat(declared).items()}
    people: dict[str, list[str]] = {}
    for index, person in enumerate(representatives):
        where = ("representatives", index)
        for field in _REPRESENTATIVE:
            if not str(person.get(field, "")).strip():
                raise ConventionFileError(
                    source, locate(text, where), f"representatives[{index}].{field}",
                    "required_field",
                )  # fmt: skip
        for field in _REPRESENTATIVE[1:]:
            value = str(person[field]).strip()
            problem = _representative_problem(field, value)
            if problem:
                raise ConventionFileError(
                    source, locate(text, (*where, field)), f"representatives[{index}].{field}",
                    problem, value=value,
                )  # fmt: skip
        people.setdefault(str(person["party"]).strip(), []).append(
            "|".join(str(person[field]).strip() for field in _REPRESENTATIVE[1:])
        )
    changes.update({f"signatory.{party}": ";".join(items) for party, items in people.items()})
    if not changes:
        raise ConventionFileError(source, None, "changes", "no_change_declared")
    return changes


def _flat(declared: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The changes with TOML's dotted keys read as the term they name: `instalment.2.amount =`
    (a table `instalment`, in TOML) is the term `instalment.2.amount`, as quoted."""
    flat: dict[str, Any] = {}
    for key, value in declared.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _representative_problem(field: str, value: str) -> str | None:
    """The code of what is wrong with a representative's field, if anything."""
    if "|" in value or ";" in value:
        return "forbidden_characters"
    if field == "email" and "@" not in value:
        return "not_an_email"
    return None


def refused_change(path: Path, refused: InvalidInput) -> ConventionFileError:
    """A change the file declares, refused by the rules: the file, line and entry that say it."""
    field, code, params = refused.field, refused.code, refused.own_params
    text = without_bom(path.read_text(encoding="utf-8"))
    if field.startswith("signatory."):
        party = field.removeprefix("signatory.")
        for index, person in enumerate(read_toml(text).get("representatives", [])):
            if person.get("party") == party:
                where = ("representatives", index, "party")
                return ConventionFileError(
                    str(path), locate(text, where), f"representatives[{index}]", code, **params
                )
    return ConventionFileError(
        str(path), locate(text, ("changes", field)), f"changes.{field}", code, **params
    )


def _text(value: Any, key: str, text: str, source: str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        raise ConventionFileError(
            source, locate(text, ("changes", key)), f"changes.{key}", "float_value",
            value=as_typed(value),
        )  # fmt: skip
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
