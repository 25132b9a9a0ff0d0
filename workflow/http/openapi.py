"""/openapi.json declares every refusal the API gives, with convflow's refusal body (`Problem`).

FastAPI writes what each route declares; the refusals every route shares come from what it
is: each needs a token (401, 429 when too many were refused from the address) and the database
(503); a write needs an admin's token and a calendar feed refuses one in its address (403); an
address with a parameter may name nothing stored (404); a body is read up to a limit (413); a
parameter or a body may be malformed (422, with convflow's body, not FastAPI's). What a route
declares itself (its 404's or 409's description) is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from workflow.http.schemas import Problem

PROBLEM = "#/components/schemas/Problem"
WRITES = ("post", "patch", "put", "delete")
SHARED = {
    "401": "no token, or not a valid one",
    "403": "the token's role does not allow this (an admin's token in a calendar's address)",
    "404": "no such convention, amendment or document",
    "413": "the body is larger than the limit",
    "422": "an input is missing or malformed",
    "429": "too many tokens refused from this address (a valid token is still accepted)",
    "503": "the database does not answer: try again after Retry-After",
}
"""The refusals routes share, and what each means."""


def refusals_of(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    """The statuses of the refusals an API operation may give, from what it is."""
    statuses = ["401", "429", "503"]
    parameters = operation.get("parameters", [])
    if method in WRITES or path.endswith(".ics"):
        statuses.append("403")
    if any(parameter.get("in") == "path" for parameter in parameters):
        statuses.append("404")
    if "requestBody" in operation:
        statuses.append("413")
    if parameters or "requestBody" in operation:
        statuses.append("422")
    return statuses


def _problem(description: str) -> dict[str, Any]:
    body = {"application/json": {"schema": {"$ref": PROBLEM}}}
    return {"description": description, "content": body}


def declare_refusals(schema: dict[str, Any]) -> None:
    """Add to each API operation of `schema` the refusals it may give, with the Problem body."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Problem", Problem.model_json_schema(ref_template=PROBLEM))
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            for status in refusals_of(path, method, operation):
                declared = answers.get(status, {})
                answers[status] = _problem(declared.get("description") or SHARED[status])
                if status == "422" and declared.get("description") == "Validation Error":
                    answers[status]["description"] = SHARED[status]  # FastAPI's own, replaced


REFERENCE = (
    "the convention's reference; a slash in it is written %2F (API-1%2Fhistory is the "
    "convention API-1/history, API-1/history the history of API-1)"
)
"""What a route's `reference` is (workflow.http.addresses)."""


def describe_references(schema: dict[str, Any]) -> None:
    """Say of every `reference` in an address how its slashes are written."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name") == "reference":
                    parameter.setdefault("description", REFERENCE)


def with_refusals(web: FastAPI) -> Callable[[], dict[str, Any]]:
    """`web.openapi` that declares the shared refusals, once, in the schema FastAPI writes,
    and how a reference is written in an address."""
    written = web.openapi

    def openapi() -> dict[str, Any]:
        if web.openapi_schema is None:
            schema = written()
            declare_refusals(schema)
            describe_references(schema)
        assert web.openapi_schema is not None
        return web.openapi_schema

    return openapi
