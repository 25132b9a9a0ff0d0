"""What every `convflow` command shares: its context, its options and how it prints.

Exit codes: 0 success; 1 a refused command or invalid input (one line on stderr says why and
nothing changed); 2 a usage error.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from states.errors import ConvflowError
from states.inputs import parse_day, parse_instant
from workflow.bootstrap import App
from workflow.settings import Settings, load_settings

__all__ = [
    "DATE",
    "INSTANT",
    "CliContext",
    "ConvflowGroup",
    "default_actor",
    "emit",
    "json_option",
    "key_values",
    "pass_context",
]

F = TypeVar("F", bound=Callable[..., Any])


class ConvflowGroup(click.Group):
    """Turns convflow's own errors into a one-line message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConvflowError as error:
            raise click.ClickException(str(error)) from None


def json_option(function: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(function)


def emit(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def default_actor() -> str:
    return os.environ.get("CONVFLOW_ACTOR") or getpass.getuser()


class CliContext:
    """Settings read once; the app (and its database) opened only when a command needs it."""

    def __init__(self, config: Path | None) -> None:
        self.config = config
        self._settings: Settings | None = None
        self._app: App | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(file=self.config)
        return self._settings

    def app(self, *, check_schema: bool = True) -> App:
        if self._app is None:
            self._app = App.create(self.settings, check_schema=check_schema)
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.close()


pass_context = click.make_pass_decorator(CliContext)


class _Date(click.ParamType[date]):
    """A date (YYYY-MM-DD) or an ISO instant, converted to its civil date in Paris."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return parse_day(str(value), param.name if param and param.name else "date")
        except ConvflowError as error:
            self.fail(str(error), param, ctx)


class _Instant(click.ParamType[datetime]):
    """An ISO instant with its timezone (a bare date means 00:00 in Paris)."""

    name = "INSTANT"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(str(value), "now")
        except ConvflowError as error:
            self.fail(str(error), param, ctx)


DATE, INSTANT = _Date(), _Instant()


def key_values(values: Sequence[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.UsageError(f"'{item}' is not key=value (e.g. signatory=name@example.org)")
        if key in pairs:
            raise click.UsageError(f"{key} is given twice ({pairs[key]!r} and {value!r})")
        pairs[key] = value
    return pairs
