"""Property-based checks of the API against its own OpenAPI description: never a 5xx.

Schemathesis reads /openapi.json from the live server on loopback and sends generated
requests to every operation, with an admin token (so writes are tried too): requests the
schema allows (on a made-up reference, then on the reference convention) and requests it
forbids. Bounded: 25 examples per operation and kind, well under a minute in all.

Its Python API is driven from one test here: its pytest plugin does not run on pytest 9.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.integration import steps
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
EXAMPLES = 25
KINDS: list[tuple[GenerationMode, dict[str, str] | None]] = [
    (GenerationMode.POSITIVE, None),
    (GenerationMode.POSITIVE, {"reference": REFERENCE}),
    (GenerationMode.NEGATIVE, None),
]


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """SQLite only: this looks for crashes of the HTTP layer, not of a backend."""
    return sqlite_url


def check_operation(operation: Any, kind: GenerationMode, path: dict[str, str] | None,
                    token: str) -> None:  # fmt: skip
    """Send generated requests to one operation; fail on the first 5xx."""
    strategy = operation.as_strategy(generation_mode=kind, path_parameters=path)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def no_server_error(case: Any) -> None:
        response = case.call(headers=bearer(token), timeout=10)
        case.validate_response(response, checks=[not_a_server_error])

    no_server_error()


def test_no_request_makes_the_server_fail(base_url: str, loaded: App, tokens: Tokens):
    steps.bring_into_force(loaded)
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        for kind, path in KINDS:
            if path and "{reference}" not in operation.path:
                continue
            check_operation(operation, kind, path, tokens.admin)
