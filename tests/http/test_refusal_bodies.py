"""Every refusal's body has the same keys, whoever refuses: the API's use cases, or the web
layer itself (a body it cannot read, an address it does not know)."""

from __future__ import annotations

import httpx

from tests.http.conftest import Tokens, bearer
from workflow.bootstrap import App


def test_a_request_that_cannot_be_read_says_error_like_every_other_refusal(
    client: httpx.Client, tokens: Tokens, app: App
) -> None:
    # `invalid_request` had no `error` key while every other refusal body had one.
    headers = {**bearer(tokens.admin), "Content-Type": "application/json"}
    unreadable = client.post("/api/v1/conventions/X/events", content=b"{", headers=headers)
    unknown = client.get("/api/v1/nowhere", headers=bearer(tokens.admin))
    refused = client.get("/api/v1/conventions/AMP-INCONNUE-2099", headers=bearer(tokens.admin))

    bodies = [unreadable.json(), unknown.json(), refused.json()]
    assert [body["code"] for body in bodies] == ["invalid_request", "not_found",
                                                 "unknown_convention"]  # fmt: skip
    for body in bodies:
        assert {"detail", "error", "code", "params", "message"} <= set(body), body
    assert unreadable.json()["error"] == "HttpRefused"
