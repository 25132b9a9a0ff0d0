"""Every key a convention file or a spreadsheet may hold is said by its French label.

A spreadsheet refusal said « dispute_window_days : « 30 jours » n'est pas un nombre entier » and
« party2_signatory_email : ... »: the raw key, where the TOML file's said « Délai de règlement
amiable (jours) ». The keys are walked from the file's model and the spreadsheet's columns, so
that a key added later without a label fails here.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from workflow.files.convention_file import ConventionIn
from workflow.files.spreadsheet import COLUMNS
from workflow.wording.words import Words


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in typing.get_args(annotation):
        yield from _models(argument)


def _keys(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        yield prefix + name
        for inner in _models(field.annotation):
            yield from _keys(inner, f"{prefix}{name}.")


FILE_KEYS = tuple(dict.fromkeys(_keys(ConventionIn)))


def test_the_walk_reaches_the_nested_keys() -> None:
    assert {"parties.signatories.email", "clauses.dispute_window_days", "history.on"} <= set(
        FILE_KEYS
    )


@pytest.mark.parametrize("key", [*FILE_KEYS, *COLUMNS])
def test_every_file_key_and_spreadsheet_column_has_a_french_label(key: str) -> None:
    said = Words("fr").file_field(key)

    assert said != key and "_" not in said, said
    assert Words("fr", names=True).file_field(key).endswith(f" ({key})")


def test_a_spreadsheet_column_is_said_as_the_field_it_fills() -> None:
    french = Words("fr", names=True)

    assert french.file_field("dispute_window_days") == (
        "Délai de règlement amiable (jours) (dispute_window_days)"
    )
    assert french.file_field("party2_signatory_email").endswith("(party2_signatory_email)")
    assert french.file_field("party2_signatory_email").split(" (")[0] == (
        Words("fr").file_field("parties.signatories.email")
    )
