"""Settings typed for the type checker, secrets never shown, a mistyped variable named."""

from __future__ import annotations

import types
import typing
from datetime import date

import pytest

from workflow.settings import NOT_SETTINGS, SPECS, Settings, load_settings, masked_url


def _accepts(hint: object, value: object) -> bool:
    """Whether `value` is of the declared type (the few shapes settings take)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(arg, value) for arg in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, tuple) and all(isinstance(v, item) for v in value)
    if hint is type(None):
        return value is None
    return isinstance(value, typing.cast(type, hint))


def test_every_setting_is_declared_with_the_type_it_is_parsed_to() -> None:
    declared = typing.get_type_hints(Settings).items()
    hints = {name: typing.get_args(hint)[0] for name, hint in declared
             if typing.get_origin(hint) is typing.ClassVar}  # fmt: skip
    assert set(hints) == {spec.name for spec in SPECS}
    defaults = load_settings({})
    given = load_settings({"CONVFLOW_SMTP_HOST": "127.0.0.1", "CONVFLOW_HOLIDAY_SUBDIVISION": "57",
                           "CONVFLOW_EXTRA_HOLIDAYS": "2026-12-26",
                           "CONVFLOW_ADMIN_EMAILS": "a@example.org",
                           "CONVFLOW_MAIL_FROM": "AMP, DPV <dpv@example.org>",
                           "CONVFLOW_SERVICE_CONTACT": "dpv@example.org"})  # fmt: skip
    for settings in (defaults, given):
        for spec in SPECS:
            value = settings.values[spec.name]
            assert _accepts(hints[spec.name], value), (spec.name, value)
    assert given.extra_holidays == (date(2026, 12, 26),)


@pytest.mark.parametrize(
    ("url", "shown"),
    [("postgresql+psycopg://u:s3cret@h/db", "postgresql+psycopg://u:***@h/db"),
     ("postgresql://u:p%40ss:w@127.0.0.1:5432/db", "postgresql://u:***@127.0.0.1:5432/db"),
     ("sqlite:///convflow.db", "sqlite:///convflow.db"),
     ("postgresql://u@h/db", "postgresql://u@h/db")],
)  # fmt: skip
def test_the_database_password_is_never_shown(url: str, shown: str) -> None:
    assert masked_url(url) == shown
    settings = load_settings({"CONVFLOW_DATABASE_URL": url})
    row = next(text for spec, text, _ in settings.shown() if spec.name == "database_url")
    assert row == shown and ("s3cret" not in row)


def test_a_mistyped_variable_is_named_with_the_closest_setting() -> None:
    settings = load_settings({"CONVFLOW_SMTP_PASSWRD": "x", "CONVFLOW_COLOUR": "blue",
                              "CONVFLOW_ACTOR": "alice", "OTHER": "1"})  # fmt: skip
    assert settings.unknown == (
        ("CONVFLOW_COLOUR", None), ("CONVFLOW_SMTP_PASSWRD", "CONVFLOW_SMTP_PASSWORD"),
    )  # fmt: skip
    assert "CONVFLOW_ACTOR" in NOT_SETTINGS
