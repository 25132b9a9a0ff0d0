"""How much a request may send: a JSON body past 1 MiB is a 413 before it is read whole, an
upload keeps the documents' 20 MB, and a 422 repeats a short prefix of what it refuses."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.http.conftest import REFERENCE, Tokens, bearer, sign_in
from tests.integration import steps
from workflow.bootstrap import App
from workflow.http.factory import ECHO_MOST
from workflow.http.limits import FORM_MARGIN, MAX_BODY

EVENTS = f"/api/v1/conventions/{REFERENCE}/events"
PAPERS = f"/api/v1/conventions/{REFERENCE}/documents"
MB = 1024 * 1024


@pytest.fixture
def api(client: httpx.Client, tokens: Tokens) -> httpx.Client:
    """The client with alice's admin token and French words."""
    client.headers.update({**bearer(tokens.admin), "Accept-Language": "fr"})
    client.timeout = httpx.Timeout(60)
    return client


def event_with_a_note(size: int) -> bytes:
    """A JSON event whose note alone is `size` bytes."""
    return json.dumps({"event": "submit", "inputs": {"note": "x" * size}}).encode()


def in_chunks(body: bytes, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """The body sent chunked (no Content-Length), as a stream."""
    for start in range(0, len(body), chunk):
        yield body[start : start + chunk]


def assert_too_large(answer: httpx.Response, most: int) -> None:
    assert answer.status_code == 413
    said = answer.json()
    assert said["code"] == "body_too_large"
    assert said["params"] == {"most": most}
    assert said["message"].startswith("la requête est trop volumineuse")
    assert len(answer.content) < 1000  # nothing of the body comes back


@pytest.mark.parametrize("size", [30 * MB, 200 * MB])
def test_a_huge_json_body_is_413_from_its_content_length_and_changes_nothing(
    api: httpx.Client, loaded: App, size: int
):
    answer = api.post(EVENTS, content=event_with_a_note(size),
                      headers={"Content-Type": "application/json"})  # fmt: skip

    assert_too_large(answer, MAX_BODY)
    assert steps.state(loaded) == "draft"


def test_a_chunked_json_body_is_413_once_it_passes_the_limit(api: httpx.Client, loaded: App):
    body = event_with_a_note(30 * MB)

    answer = api.post(EVENTS, content=in_chunks(body), headers={"Content-Type": "application/json"})

    assert "content-length" not in answer.request.headers
    assert_too_large(answer, MAX_BODY)
    assert steps.state(loaded) == "draft"


def test_a_json_body_just_under_the_limit_is_read_and_its_422_echoes_a_prefix(
    api: httpx.Client, loaded: App
):
    body = json.dumps({"event": "submit", "on": "x" * (MAX_BODY - 100)}).encode()
    assert len(body) <= MAX_BODY

    answer = api.post(EVENTS, content=body, headers={"Content-Type": "application/json"})

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"
    echoed = answer.json()["detail"][0]["input"]
    assert echoed.startswith('"xxxx') and echoed.endswith("…")
    assert len(echoed) == ECHO_MOST + 1
    assert len(answer.content) < 2000
    assert steps.state(loaded) == "draft"


def test_a_small_refused_input_is_still_echoed_as_it_was(api: httpx.Client, loaded: App):
    answer = api.post(EVENTS, json={"event": "submit", "expected_version": "one"})

    assert answer.status_code == 422
    assert answer.json()["detail"][0]["input"] == "one"


def test_an_upload_keeps_the_documents_limit_not_the_json_one(
    api: httpx.Client, loaded: App
):  # fmt: skip
    two_mb = b"%PDF-1.4\n" + b"0" * (2 * MB)

    accepted = api.post(PAPERS, files={"file": ("scan.pdf", two_mb, "application/pdf")})

    assert accepted.status_code == 201


def test_an_upload_past_the_documents_limit_is_413(api: httpx.Client, loaded: App):
    most = loaded.settings.document_max_bytes + FORM_MARGIN
    huge = b"%PDF-1.4\n" + b"0" * (30 * MB)

    answer = api.post(PAPERS, files={"file": ("scan.pdf", huge, "application/pdf")})

    assert_too_large(answer, most)
    assert api.get(PAPERS).json() == []


def test_a_dashboard_form_past_the_limit_is_a_413_page_in_french(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    assert sign_in(client, tokens.admin).status_code == 303

    answer = client.post(f"/conventions/{REFERENCE}/evenements",
                         data={"event": "submit", "note": "x" * (2 * MB)})  # fmt: skip

    assert answer.status_code == 413
    assert "la requête est trop volumineuse" in answer.text.lower()
    assert steps.state(loaded) == "draft"
