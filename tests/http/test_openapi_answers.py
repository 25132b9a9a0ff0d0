"""/openapi.json declares every answer the API really gives, and every refusal's body has the
same keys: a client generated from the description must expect each of them.

The app's routes are walked: each is asked without a token (401), with a token of the wrong
role (403), on an unknown reference (404) where its address has one; what it answers must be
declared, and so must 413 where a body is read, 422 with convflow's refusal body, 429 (too many
tokens refused) and 503 (the database away) everywhere.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.http.conftest import Tokens, bearer
from workflow.bootstrap import App
from workflow.http.factory import ROUTERS

UNKNOWN = {"reference": "AMP-INCONNUE-2099", "number": "1", "sha256": "0" * 64}
"""A value for each path parameter, that names nothing stored."""
WRITES = {"POST", "PATCH", "PUT", "DELETE"}
PROBLEM = "#/components/schemas/Problem"


def api_operations() -> list[tuple[str, str, APIRoute]]:
    """(method, path as /openapi.json writes it, route) of every API operation of the app's
    routers (FastAPI keeps an included router whole: its routes carry their prefix)."""
    operations = [
        (method, route.path_format, route)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and route.path.startswith("/api/")
        and route.include_in_schema
        for method in sorted(route.methods)
    ]  # fmt: skip
    assert len(operations) >= 20
    return operations


def address(path: str) -> str:
    """The path with each parameter naming nothing stored."""
    for name, value in UNKNOWN.items():
        path = path.replace("{" + name + "}", value)
    return path


def declared(schema: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return dict(schema["paths"][path][method.lower()]["responses"])


def ask(client: httpx.Client, method: str, path: str, **headers: str) -> int:
    """The status of an empty request: a JSON body `{}` where one is sent."""
    body = {"content": b"{}", "headers": {"Content-Type": "application/json", **headers}}
    if method not in WRITES:
        body = {"headers": headers}
    return client.request(method, address(path), **body).status_code  # type: ignore[arg-type]


@pytest.fixture
def schema(client: httpx.Client) -> dict[str, Any]:
    return client.get("/openapi.json").json()  # type: ignore[no-any-return]


def test_every_answer_observed_is_declared(
    web: FastAPI, client: httpx.Client, tokens: Tokens, app: App, schema: dict[str, Any]
) -> None:
    missing = []
    for method, path, _ in api_operations():
        observed = {
            ask(client, method, path),
            ask(client, method, path, **bearer(tokens.viewer)),
        }
        if method == "GET":
            observed.add(ask(client, method, path, **bearer(tokens.admin)))
        if path.endswith(".ics"):  # an admin's token in a calendar's address
            observed.add(client.get(address(path), params={"token": tokens.admin}).status_code)
        undeclared = {str(status) for status in observed if status >= 400} - set(
            declared(schema, method, path)
        )
        if undeclared:
            missing.append((method, path, sorted(undeclared)))
    assert missing == []


def test_every_operation_declares_the_refusals_it_may_give(
    web: FastAPI, schema: dict[str, Any]
) -> None:
    missing = []
    for method, path, route in api_operations():
        wanted = {"401", "429", "503"}
        if route.dependant.path_params:
            wanted.add("404")
        if route.body_field is not None:
            wanted |= {"413", "422"}
        if method in WRITES:
            wanted.add("403")
        answers = declared(schema, method, path)
        if method not in WRITES and not path.endswith(".ics"):
            assert "403" not in answers, (method, path)  # any valid token reads
        lacking = wanted - set(answers)
        if lacking:
            missing.append((method, path, sorted(lacking)))
        for status, answer in answers.items():
            if status.startswith(("4", "5")):
                ref = answer.get("content", {}).get("application/json", {}).get("schema", {})
                assert ref.get("$ref") == PROBLEM, (method, path, status, answer)
    assert missing == []


def test_the_list_s_summaries_declare_their_obligations_overdue(schema: dict[str, Any]) -> None:
    """`overdue` (the obligations overdue of each convention, oldest first) is in every
    summary the list gives: a generated client must know it, and its items' keys."""
    listed = schema["paths"]["/api/v1/conventions"]["get"]["responses"]["200"]
    page = _resolved(schema, listed["content"]["application/json"]["schema"])
    summary = _resolved(schema, page["properties"]["items"]["items"])
    assert "overdue" in summary["properties"] and "overdue" in summary["required"]
    overdue = _resolved(schema, summary["properties"]["overdue"]["items"])
    keys = {"kind", "instalment", "due_date", "passed_unrecorded"}
    assert set(overdue["properties"]) == set(overdue["required"]) == keys
    assert "end_unrecorded" in summary["properties"] and "end_unrecorded" in summary["required"]


def test_a_convention_s_status_declares_each_payment_made(schema: dict[str, Any]) -> None:
    """`payments_made` (each payment on its own day: a single payment and the balance an
    amendment left, or each instalment) is in every status: a generated client must know it."""
    answer = schema["paths"]["/api/v1/conventions/{reference}"]["get"]["responses"]["200"]
    status = _resolved(schema, answer["content"]["application/json"]["schema"])
    assert "payments_made" in status["properties"] and "payments_made" in status["required"]
    made = _resolved(schema, status["properties"]["payments_made"]["items"])
    assert set(made["required"]) == {"on", "amount", "instalment", "balance"}


def _resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A schema object, its `$ref` followed."""
    reference = node.get("$ref")
    if reference is None:
        return node
    return dict(schema["components"]["schemas"][reference.rsplit("/", 1)[-1]])


def test_every_reference_in_an_address_says_how_its_slash_is_written(
    schema: dict[str, Any],
) -> None:
    """A generated client must know that `API-1/history` is written `API-1%2Fhistory`: written
    as is, it is the history of API-1 (workflow.http.addresses)."""
    described = [
        (path, parameter.get("description", ""))
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path" and parameter["name"] == "reference"
    ]
    assert len(described) >= 15
    assert all("%2F" in description for _, description in described), described
