"""The API's JSON bodies, read strictly: a key given twice in one object is refused.

`json.loads` keeps the last value of a key given twice: `{"amount": "1000.00", "amount":
"5.00"}` was a convention of 5,00 €, a client's slip turned into a silent choice. The TOML
import refuses the same slip (`toml_value_twice`); the API refuses it as `json_key_twice`, at
any depth, naming the key's path (`parties[1].signatories[0].email`), before anything is done.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from states.errors import InvalidInput
from workflow.files.typed_numbers import TypedFloat

KEY_SHOWN = 64
"""How much of a key the path of a refusal repeats (a body may hold a key of a megabyte)."""


class KeyGivenTwice(InvalidInput):
    """An object of a JSON body gives a key twice (422): `field` is the key's path as written
    (`parties[1].signatories[0].email`), which the sentence says itself; no form's label for it,
    as the same key means different things in different bodies (a convention's `amount`, an
    event's)."""

    FRAME: ClassVar[tuple[str, ...]] = ()

    def __init__(self, path: str) -> None:
        super().__init__(path, "json_key_twice")


class _KeyTwice(Exception):
    """An object of the body gives a key twice (raised while parsing: no path known yet)."""


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Called by the parser for every object: a dict as json.loads makes it, unless a key is
    # given twice (the lengths then differ: cheap enough for every request).
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _KeyTwice
    return found


class _Pairs(list[tuple[str, Any]]):
    """An object as written, its pairs in order (to find where a key is given twice)."""


def _shown(key: str) -> str:
    return key if len(key) <= KEY_SHOWN else key[:KEY_SHOWN] + "…"


def _step(path: str, key: str) -> str:
    return f"{path}.{_shown(key)}" if path else _shown(key)


def _children(value: Any, path: str) -> list[tuple[Any, str]]:
    if isinstance(value, _Pairs):
        return [(item, _step(path, key)) for key, item in value]
    if isinstance(value, list):
        return [(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return []


def _twice_in(pairs: _Pairs, path: str) -> str | None:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return _step(path, key)
        seen.add(key)
    return None


def key_twice(text: str | bytes) -> str | None:
    """The path of the first key given twice in a JSON document (objects read outermost first,
    in order), or None. Without recursion: a body may be nested as deep as the parser allows."""
    waiting: list[tuple[Any, str]] = [(json.loads(text, object_pairs_hook=_Pairs), "")]
    while waiting:
        value, path = waiting.pop()
        if isinstance(value, _Pairs) and (found := _twice_in(value, path)) is not None:
            return found
        waiting.extend(reversed(_children(value, path)))
    return None


def strict_loads(text: str | bytes) -> Any:
    """A JSON document as `json.loads` reads it; refused (`json_key_twice`) when an object
    gives a key twice. A number with a decimal point or an exponent keeps its text as typed
    (TypedFloat): its refusal (`float_value`) repeats `1e5`, not `100000.0`."""
    try:
        return json.loads(text, object_pairs_hook=_unique, parse_float=TypedFloat)
    except _KeyTwice:
        path = key_twice(text) or ""
    raise KeyGivenTwice(path)


class StrictJsonRequest(Request):
    """A request whose JSON body is read by `strict_loads`."""

    async def json(self) -> Any:
        """The body, parsed once; refused when an object gives a key twice."""
        if not hasattr(self, "_json"):
            self._json = strict_loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """A route of the API: its JSON body refuses a key given twice, with a 422 of its own."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, given a `StrictJsonRequest`."""
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            try:
                return await handler(StrictJsonRequest(request.scope, request.receive))
            except HTTPException as error:
                # FastAPI answers 400 to any error while it parses a body, the refusal as its
                # cause: the refusal is what the client is told (422 json_key_twice).
                if isinstance(error.__cause__, KeyGivenTwice):
                    raise error.__cause__ from None
                raise

        return strict
