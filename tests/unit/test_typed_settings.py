"""Settings typed for the type checker, secrets never shown, a mistyped variable named."""

from __future__ import annotations

import types
import typing
from datetime import date

import pytest

from states.errors import InvalidInput
from storage.engine import url_password
from workflow.ops.logs import redact
from workflow.settings import NOT_SETTINGS, SPECS, Settings, load_settings, masked_url
from workflow.wording.refusals import say
from workflow.wording.words import Words


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
     ("sqlite:////srv/a:b@c/convflow.db", "sqlite:////srv/a:b@c/convflow.db"),
     ("postgresql://u@h/db", "postgresql://u@h/db"),
     # libpq takes the password as a parameter too: masked as the log masks it
     ("postgresql+psycopg://u@h:1/x?password=s3cret", "postgresql+psycopg://u@h:1/x?password=***"),
     ("postgresql://u@h/db?sslmode=require&sslpassword=s3cret&application_name=cf",
      "postgresql://u@h/db?sslmode=require&sslpassword=***&application_name=cf"),
     ("postgresql://u:s3cret@h/db?PassWord=s3cret?x", "postgresql://u:***@h/db?PassWord=***")],
)  # fmt: skip
def test_the_database_password_is_never_shown(url: str, shown: str) -> None:
    assert masked_url(url) == shown
    settings = load_settings({"CONVFLOW_DATABASE_URL": url})
    row = next(text for spec, text, _ in settings.shown() if spec.name == "database_url")
    assert row == shown and ("s3cret" not in row)
    assert "s3cret" not in redact(url, [url_password(url) or ""]), "nor on a line of the log"


def test_a_mistyped_variable_is_named_with_the_closest_setting() -> None:
    settings = load_settings({"CONVFLOW_SMTP_PASSWRD": "x", "CONVFLOW_COLOUR": "blue",
                              "CONVFLOW_ACTOR": "alice", "OTHER": "1"})  # fmt: skip
    assert settings.unknown == (
        ("CONVFLOW_COLOUR", None), ("CONVFLOW_SMTP_PASSWRD", "CONVFLOW_SMTP_PASSWORD"),
    )  # fmt: skip
    assert "CONVFLOW_ACTOR" in NOT_SETTINGS


@pytest.mark.parametrize(
    ("url", "characters"),
    [("postgresql+psycopg://convflow:alpha@bravo@127.0.0.1:5432/convflow", "@ → %40"),
     ("postgresql+psycopg://convflow:alpha/bravo@127.0.0.1:5432/convflow", "/ → %2F"),
     ("postgresql+psycopg://convflow:alpha?bravo@127.0.0.1/convflow", "? → %3F"),
     ("postgresql+psycopg://convflow:alpha#bravo@127.0.0.1/convflow", "# → %23"),
     ("postgresql://convflow:alpha@bravo/charlie@127.0.0.1/convflow", "@ → %40, / → %2F")],
)  # fmt: skip
def test_a_password_with_an_unescaped_character_is_refused_without_a_piece_of_it(
    url: str, characters: str
) -> None:
    # SQLAlchemy cuts a password at its first @ and takes the rest for the host, which the
    # driver's refusal then quoted ("failed to resolve host 'bravo@127.0.0.1'"); libpq cuts it
    # at a /: the command then said something else on each path.
    with pytest.raises(InvalidInput) as refused:
        load_settings({"CONVFLOW_DATABASE_URL": url})

    assert refused.value.code == "database_url_unescaped"
    assert "alpha" not in masked_url(url) and "bravo" not in masked_url(url)
    assert refused.value.params["characters"] == characters
    for language in ("fr", "en"):
        sentence = say(refused.value, Words(language)).sentence
        assert "alpha" not in sentence and "bravo" not in sentence, sentence
        assert "convflow:***@127.0.0.1" in sentence and "%25" in sentence


@pytest.mark.parametrize(
    ("url", "port"),
    [("postgresql+psycopg://convflow:alpha@127.0.0.1:notaport/convflow", "notaport"),
     ("postgresql+psycopg://convflow:alpha@127.0.0.1:99999/convflow", "99999"),
     ("postgresql+psycopg://convflow:alpha@127.0.0.1:0/convflow", "0"),
     ("postgresql+psycopg://convflow:alpha@127.0.0.1:/convflow", ""),
     ("postgresql+psycopg://convflow:alpha@127.0.0.1:-1/convflow", "-1"),
     ("postgresql+psycopg://convflow:alpha@[::1]:5_432/convflow", "5_432"),
     ("postgresql+psycopg://convflow:alpha@/convflow?port=abc", "abc")],
)  # fmt: skip
def test_a_port_that_is_not_a_number_from_1_to_65535_is_refused_naming_it(
    url: str, port: str
) -> None:
    # SQLAlchemy raised ValueError on a word (a traceback on every command), libpq refused
    # 99999 only when it connected, and port 0 silently meant 5432.
    with pytest.raises(InvalidInput) as refused:
        load_settings({"CONVFLOW_DATABASE_URL": url})

    assert refused.value.code == "database_url_bad_port"
    assert refused.value.params["port"] == port
    for language in ("fr", "en"):
        sentence = say(refused.value, Words(language)).sentence
        assert "alpha" not in sentence, sentence
        assert f"{port}" in sentence and "65535" in sentence and "convflow:***@" in sentence


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://convflow:alpha@[::1/convflow",
     "postgresql+psycopg://convflow:alpha@[::1]5432/convflow"],
)  # fmt: skip
def test_an_ipv6_host_without_its_closing_bracket_is_not_a_database_address(url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        load_settings({"CONVFLOW_DATABASE_URL": url})

    assert refused.value.code == "not_a_database_url"
    assert "alpha" not in say(refused.value, Words("fr")).sentence


@pytest.mark.parametrize(
    "url",
    ["postgresql+psycopg://convflow:alpha@127.0.0.1:1/convflow",
     "postgresql+psycopg://convflow:alpha@127.0.0.1:65535/convflow",
     "postgresql+psycopg://convflow:alpha@[::1]:5432/convflow",
     "postgresql+psycopg://convflow:alpha@[::1]/convflow",
     "postgresql+psycopg://convflow@/convflow?host=/run/postgresql&port=5432",
     "sqlite:///convflow:notaport.db"],
)  # fmt: skip
def test_a_port_from_1_to_65535_or_none_is_accepted(url: str) -> None:
    assert load_settings({"CONVFLOW_DATABASE_URL": url}).database_url == url


def test_the_same_password_escaped_is_accepted_and_decoded_by_the_driver() -> None:
    url = "postgresql+psycopg://convflow:alpha%40bravo%2Fcharlie@127.0.0.1:5432/convflow"

    settings = load_settings({"CONVFLOW_DATABASE_URL": url})

    assert settings.database_url == url
    assert masked_url(url) == "postgresql+psycopg://convflow:***@127.0.0.1:5432/convflow"
