"""The API's share of the bad-input corpus: each body refused with its status and code,
never a 500, nothing recorded (issue 14.4)."""

from __future__ import annotations

import httpx
import pytest

from tests.hostile.corpus import API_CASES, MISSPELT_BODY_KEYS
from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.http.test_intake_api import file_fields
from workflow.bootstrap import App
from workflow.usecases import views


@pytest.mark.parametrize("name", list(API_CASES))
def test_a_bad_event_body_is_refused_with_its_status_and_code(
    client: httpx.Client, tokens: Tokens, loaded: App, name: str
) -> None:
    body, status, codes = API_CASES[name]
    before = views.history(loaded, REFERENCE)

    answer = client.post(f"/api/v1/conventions/{REFERENCE}/events", content=body.encode(),
                         headers={**bearer(tokens.admin),
                                  "Content-Type": "application/json"})  # fmt: skip

    assert answer.status_code == status, answer.text[:300]
    problem = answer.json()
    assert problem["code"] in codes, problem
    assert views.history(loaded, REFERENCE) == before


@pytest.mark.parametrize("name", list(MISSPELT_BODY_KEYS))
def test_a_misspelt_field_of_a_new_convention_is_refused_suggesting_the_field_meant(
    client: httpx.Client, tokens: Tokens, app: App, name: str
) -> None:
    path, misspelt, closest = MISSPELT_BODY_KEYS[name]
    body = file_fields()
    *table, key = path
    parent = body
    for part in table:
        parent = parent[part]
    parent[misspelt] = parent.pop(key)

    answer = client.post("/api/v1/conventions", json=body, headers=bearer(tokens.admin))

    assert answer.status_code == 422, answer.text[:300]
    problem = answer.json()
    found = [problem, *problem["params"]["others"]]
    unknown = [p for p in found if p["code"] == "unknown_field"]
    assert unknown and unknown[0]["params"]["closest"] == closest, problem
    if closest is None:
        assert "vouliez-vous dire" not in problem["message"], problem
    else:
        assert f"\u00a0; vouliez-vous dire «\u00a0{closest}\u00a0»\u00a0?" in problem["message"], (
            problem
        )
    listed = client.get("/api/v1/conventions", headers=bearer(tokens.admin)).json()
    assert listed["items"] == []


@pytest.mark.parametrize(
    "path",
    ["/api/v1/conventions/A%00B", "/api/v1/conventions?q=%00", "/api/v1/conventions?party=a%00",
     "/conventions?q=%00", "/conventions/A%00B"],
)  # fmt: skip
def test_a_nul_in_an_address_is_answered_never_a_500(
    client: httpx.Client, tokens: Tokens, loaded: App, path: str
) -> None:
    answer = client.get(path, headers=bearer(tokens.admin))

    assert answer.status_code in (200, 401, 404, 422), answer.text[:300]
