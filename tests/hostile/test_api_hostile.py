"""Hostile requests to the HTTP API and the dashboard, as the tester sent them, on SQLite and
PostgreSQL through a real server.

A reference may hold a slash, and a convention's address goes on with its parts: the tester
created `API-1` and `API-1/history`, and `GET /api/v1/conventions/API-1%2Fhistory` answered
the history of API-1 (servers decode `%2F` before routing). A slash written `%2F` now stays in
the reference, a literal one keeps the meaning it had, and the dashboard writes every
reference's slashes `%2F`. A JSON body giving a key twice (`"amount": "1000.00", "amount":
"5.00"`) was taken with its last value; it is refused, naming the key's path, as the TOML
import refuses a value given twice.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote, unquote

import httpx
import pytest

from states.errors import briefed
from tests.http.conftest import (
    REFERENCE,
    Tokens,
    admin_browser,
    base_url,
    bearer,
    client,
    form_value,
    loaded,
    tokens,
    web,
)
from tests.http.test_intake_api import file_fields
from tests.integration import steps
from workflow.bootstrap import App
from workflow.http.addresses import ReferenceConvertor, routed_path
from workflow.http.factory import ROUTERS
from workflow.usecases import views

__all__ = [
    "admin_browser",
    "base_url",
    "client",
    "loaded",
    "tokens",
    "web",
]  # fixtures of tests/http

PAPER = "Avis de réception : distribué le 5 mai 2025.\n".encode()


def _create(client: httpx.Client, tokens: Tokens, *references: str) -> None:
    """Draft conventions through the API, each titled after its reference."""
    for reference in references:
        body = file_fields(reference=reference, title=f"Convention {reference}")
        answer = client.post("/api/v1/conventions", json=body, headers=bearer(tokens.admin))
        assert answer.status_code == 201, answer.text[:300]


def _encoded(reference: str) -> str:
    return quote(reference, safe="")


def _events(client: httpx.Client, tokens: Tokens, path: str) -> list[str]:
    answer = client.get(path, headers=bearer(tokens.viewer))
    assert answer.status_code == 200, answer.text[:300]
    return [line["event"] for line in answer.json()]


# -- A reference holding a slash, on the API ------------------------------------------------

NAMESAKES = ("history", "history.csv", "calendar.ics", "committee", "amendments",
             "amendments/1", "documents", "events", "award", "letters")  # fmt: skip
"""What follows `API-1/` in the references the tester made: each the name of a part of a
convention's address (`/api/v1/conventions/REF/history`...)."""


def test_a_reference_ending_like_a_part_of_an_address_is_read_whole_with_its_slash_as_2f(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    references = ["API-1", *(f"API-1/{name}" for name in NAMESAKES)]
    _create(client, tokens, *references)

    for reference in references:
        answer = client.get(f"/api/v1/conventions/{_encoded(reference)}",
                            headers=bearer(tokens.viewer))  # fmt: skip

        assert answer.status_code == 200, (reference, answer.text[:200])
        assert answer.headers["content-type"] == "application/json", reference
        status = answer.json()
        assert (status["reference"], status["title"]) == (reference, f"Convention {reference}")


def test_each_of_two_namesakes_has_its_own_history_events_amendments_and_papers(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    app.clock.now = steps.at("2025-06-02T10:00:00Z")  # type: ignore[attr-defined]
    _create(client, tokens, "API-1", "API-1/history", "API-1/amendments", "API-1/amendments/1",
            "API-1/documents")  # fmt: skip
    admin = bearer(tokens.admin)
    submit = {"event": "submit", "on": "2025-03-03"}
    submitted = client.post("/api/v1/conventions/API-1/events", json=submit, headers=admin)
    assert submitted.status_code == 201, submitted.text[:300]

    # history: the address a client already used keeps its meaning, the one written %2F its own
    assert _events(client, tokens, "/api/v1/conventions/API-1/history")[-1] == "submit"
    for path in ("/api/v1/conventions/API-1%2Fhistory/history",
                 "/api/v1/conventions/API-1/history/history"):  # fmt: skip
        assert "submit" not in _events(client, tokens, path), path

    # an event recorded on `API-1/amendments/1`, not on API-1's amendment n° 1
    recorded = client.post("/api/v1/conventions/API-1%2Famendments%2F1/events", json=submit,
                           headers=admin)  # fmt: skip
    assert recorded.status_code == 201, recorded.text[:300]
    assert recorded.json()["reference"] == "API-1/amendments/1"
    assert views.status(app, "API-1/amendments/1")["state"] == "signature"
    assert _events(client, tokens, "/api/v1/conventions/API-1/history")[-1] == "submit"

    # amendments: one drafted on `API-1/amendments` (in force), none on API-1
    for on, event, inputs in (("2025-03-03", "submit", {}),
                              ("2025-03-05", "sign", {"signatory": steps.METROPOLE}),
                              ("2025-03-10", "sign", {"signatory": steps.CRPV})):  # fmt: skip
        body = {"event": event, "on": on, "inputs": inputs}
        done = client.post("/api/v1/conventions/API-1%2Famendments/events", json=body,
                           headers=admin)  # fmt: skip
        assert done.status_code == 201, done.text[:300]
    amended = client.post("/api/v1/conventions/API-1%2Famendments/amendments",
                          json={"changes": {"end_date": "2026-06-30"}, "on": "2025-06-02"},
                          headers=admin)  # fmt: skip
    assert amended.status_code == 201, amended.text[:300]
    viewer = bearer(tokens.viewer)
    assert client.get("/api/v1/conventions/API-1/amendments", headers=viewer).json() == []
    theirs = client.get("/api/v1/conventions/API-1%2Famendments/amendments", headers=viewer)
    assert [a["number"] for a in theirs.json()] == [1]

    # papers: attached to `API-1/documents`, listed there only
    attached = client.post("/api/v1/conventions/API-1%2Fdocuments/documents", headers=admin,
                           files={"file": ("avis.txt", PAPER, "text/plain")})  # fmt: skip
    assert attached.status_code == 201, attached.text[:300]
    assert client.get("/api/v1/conventions/API-1/documents", headers=viewer).json() == []
    papers = client.get("/api/v1/conventions/API-1%2Fdocuments/documents", headers=viewer)
    assert [paper["name"] for paper in papers.json()] == ["avis.txt"]
    status = client.get("/api/v1/conventions/API-1%2Fdocuments", headers=viewer).json()
    assert status["reference"] == "API-1/documents"


def test_a_2f_typed_as_252f_names_no_convention(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    _create(client, tokens, "API-1", "API-1/history")

    answer = client.get("/api/v1/conventions/API-1%252Fhistory", headers=bearer(tokens.viewer))

    assert answer.status_code == 404, answer.text[:300]
    problem = answer.json()
    assert (problem["code"], problem["params"]["reference"]) == (
        "unknown_convention", "API-1%2Fhistory",
    )  # fmt: skip


def test_a_draft_whose_reference_ends_like_a_part_of_an_address_is_changed_whole(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    _create(client, tokens, "API-1", "API-1/history")

    changed = client.patch("/api/v1/conventions/API-1%2Fhistory", json={"place": "Aubagne"},
                           headers=bearer(tokens.admin))  # fmt: skip

    assert changed.status_code == 200, changed.text[:300]
    assert views.status(app, "API-1/history")["place"] == "Aubagne"
    assert views.status(app, "API-1")["place"] != "Aubagne"


# -- A reference holding a slash, on the dashboard ------------------------------------------

PAGE_NAMESAKES = ("comite", "historique.csv", "modifier", "evenements", "avenants",
                  "attribution", "pieces", "lettres")  # fmt: skip
"""What follows `API-1/` in references named like the parts of a dashboard's address."""


def test_the_dashboard_links_each_namesake_to_its_own_page(
    app: App, client: httpx.Client, tokens: Tokens, admin_browser: httpx.Client
) -> None:
    references = ["API-1", *(f"API-1/{name}" for name in PAGE_NAMESAKES)]
    _create(client, tokens, *references)

    listing = admin_browser.get("/conventions", params={"per_page": 50}).text
    links = re.findall(r'<a href="(/conventions/[^"?]+)">([^<]+)</a>', listing)
    assert sorted(text for _, text in links) == sorted(references)
    for link, reference in links:
        assert link == f"/conventions/{_encoded(reference)}"
        page = admin_browser.get(link)

        assert page.status_code == 200, (link, page.status_code)
        assert f"<h1>Convention {reference}</h1>" in page.text
        assert f'<li aria-current="page">{reference}</li>' in page.text
        actions = re.findall(r'(?:action|href)="(/conventions/[^"#?]+)"', page.text)
        assert actions and all(unquote(a).startswith(f"/conventions/{reference}") for a in actions)
        assert all(a.startswith(link) for a in actions), actions


def test_a_namesake_s_form_records_on_it_and_comes_back_to_its_page(
    app: App, client: httpx.Client, tokens: Tokens, admin_browser: httpx.Client
) -> None:
    app.clock.now = steps.at("2025-06-02T10:00:00Z")  # type: ignore[attr-defined]
    _create(client, tokens, "API-1", "API-1/evenements")
    page = admin_browser.get("/conventions/API-1%2Fevenements").text

    answer = admin_browser.post(
        "/conventions/API-1%2Fevenements/evenements",
        data={"csrf_token": form_value(page, "csrf_token"), "event": "submit",
              "version": form_value(page, "version"), "on": "2025-03-03"},
    )  # fmt: skip

    assert answer.status_code == 303, answer.text[:300]
    assert answer.headers["location"] == (
        "/conventions/API-1%2Fevenements?enregistre=submit#historique"
    )
    back = admin_browser.get(answer.headers["location"])
    assert back.status_code == 200 and "<h1>Convention API-1/evenements</h1>" in back.text
    assert "c&#39;est enregistré" in back.text
    assert views.status(app, "API-1/evenements")["state"] == "signature"
    assert views.status(app, "API-1")["state"] == "draft"


def test_an_address_written_before_keeps_its_meaning_on_the_dashboard(
    app: App, client: httpx.Client, tokens: Tokens, admin_browser: httpx.Client
) -> None:
    _create(client, tokens, "API-1", "API-1/comite", "MAMP/2025/001")

    reloaded = admin_browser.get("/conventions/API-1/comite")
    assert (reloaded.status_code, reloaded.headers["location"]) == (
        303,
        "/conventions/API-1#comite",
    )
    page = admin_browser.get("/conventions/MAMP/2025/001")
    assert page.status_code == 200 and "<h1>Convention MAMP/2025/001</h1>" in page.text


def test_signing_in_comes_back_to_the_namesake_s_page(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    _create(client, tokens, "API-1", "API-1/comite")

    asked = client.get("/conventions/API-1%2Fcomite")
    assert asked.status_code == 401
    assert form_value(asked.text, "suite") == "/conventions/API-1%2Fcomite"
    signed = client.post("/connexion", data={"token": tokens.viewer,
                                             "nonce": form_value(asked.text, "nonce"),
                                             "suite": "/conventions/API-1%2Fcomite"})  # fmt: skip
    assert signed.headers["location"] == "/conventions/API-1%2Fcomite"
    assert "<h1>Convention API-1/comite</h1>" in client.get(signed.headers["location"]).text


def test_emails_and_calendar_feeds_link_to_the_namesake_s_own_page(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    from workflow.settings import Settings
    from workflow.usecases.emails import Mailer

    base = "https://convflow.example.org"
    mailer = Mailer(Settings({**app.settings.values, "dashboard_url": base}))
    assert mailer.links("API-1/comite")["dashboard_url"] == f"{base}/conventions/API-1%2Fcomite"

    from workflow.http import ical

    item = {"reference": "API-1/comite", "kind": "signature", "opened_by_seq": 2,
            "due_date": steps.at("2025-06-03T00:00:00Z").date(), "resolved_at": None,
            "created_at": steps.at("2025-06-02T10:00:00Z"), "status": "pending",
            "title": "Convention API-1/comite", "explanation": "…"}  # fmt: skip
    feed = ical.calendar([item], "Échéances", base)
    assert f"URL:{base}/conventions/API-1%2Fcomite" in feed.replace("\r\n ", "")


def test_every_route_reads_a_reference_with_its_encoded_slashes() -> None:
    declared = [route.path for router in ROUTERS for route in router.routes
                if "{reference" in getattr(route, "path", "")]  # fmt: skip

    assert len(declared) >= 30
    assert all("{reference:reference}" in path for path in declared), declared


@pytest.mark.parametrize(
    ("sent", "path", "routed"),
    [
        (b"/api/v1/conventions/API-1%2Fhistory", "/api/v1/conventions/API-1/history",
         "/api/v1/conventions/API-1%2Fhistory"),
        (b"/conventions/A%2fB/comite", "/conventions/A/B/comite", "/conventions/A%2FB/comite"),
        (b"/conventions/%C3%A9t%C3%A9%2F1", "/conventions/été/1", "/conventions/été%2F1"),
        (b"/conventions/A%252F", "/conventions/A%2F", "/conventions/A%252F"),
        (b"/conventions/A%20B", "/conventions/A B", None),  # nothing kept: routed as it was
        (b"/conventions/A/B", "/conventions/A/B", None),
        (b"/conventions/A%2FB", "/elsewhere", None),  # a server's own path: not second-guessed
    ],
)  # fmt: skip
def test_the_path_routed_keeps_only_encoded_slashes_and_percent_signs(
    sent: bytes, path: str, routed: str | None
) -> None:
    assert routed_path({"type": "http", "raw_path": sent, "path": path}) == routed


@pytest.mark.parametrize(
    ("routed", "reference"),
    [("API-1%2Fhistory", "API-1/history"), ("A/B%2FC", "A/B/C"), ("A%252F", "A%2F")],
)
def test_a_reference_routed_is_the_one_the_address_names(routed: str, reference: str) -> None:
    convertor = ReferenceConvertor()
    assert convertor.convert(routed) == reference
    assert convertor.convert(convertor.to_string(reference)) == reference


# -- A JSON body giving a key twice ----------------------------------------------------------


# -- A JSON body giving a key twice ----------------------------------------------------------

TWICE = "\x00twice"
"""Appended to a key of a body built as a dict, it gives that key a second time once the body
is written as JSON (a dict cannot hold a key twice)."""


def _written_twice(body: dict[str, Any]) -> str:
    """The body as JSON text, every key marked TWICE written a second time as itself."""
    return json.dumps(body).replace(json.dumps(TWICE)[1:-1] + '"', '"')


def _convention_with(*path: str | int, second: Any, **first: Any) -> str:
    """The reference convention's fields (some `first` changed), the key at `path` given again
    with `second`."""
    body = file_fields(**first)
    parent: Any = body
    for step in path[:-1]:
        parent = parent[step]
    parent[f"{path[-1]}{TWICE}"] = second
    return _written_twice(body)


def _json_admin(tokens: Tokens) -> dict[str, str]:
    """The headers of an administrator's JSON body."""
    return {**bearer(tokens.admin), "Content-Type": "application/json"}


CONVENTION_BODIES = {
    "amount-1000-then-5": (
        lambda: _convention_with("amount", second="5.00", amount="1000.00"),
        "amount",
    ),
    "signatory-email-twice": (
        lambda: _convention_with(
            "parties", 1, "signatories", 0, "email", second="autre@example.org"
        ),
        "parties[1].signatories[0].email",
    ),
    "clause-twice": (
        lambda: _convention_with("clauses", "dispute_window_days", second=30),
        "clauses.dispute_window_days",
    ),
    "reference-twice": (lambda: _convention_with("reference", second="API-2"), "reference"),
}
"""Bodies of `POST /api/v1/conventions` giving a key twice, and the path refused."""


@pytest.mark.parametrize("name", list(CONVENTION_BODIES))
def test_a_new_convention_giving_a_key_twice_is_refused_naming_its_path(
    app: App, client: httpx.Client, tokens: Tokens, name: str
) -> None:
    written, path = CONVENTION_BODIES[name]

    answer = client.post(
        "/api/v1/conventions", content=written().encode(), headers=_json_admin(tokens)
    )

    assert answer.status_code == 422, answer.text[:300]
    problem = answer.json()
    assert (problem["code"], problem["params"], problem["error"]) == (
        "json_key_twice", {"field": path}, "KeyGivenTwice",
    )  # fmt: skip
    assert problem["message"] == (
        f"la clé «\xa0{path}\xa0» est donnée deux fois dans le même objet JSON\xa0: chaque clé "
        "ne s'écrit qu'une fois"
    )
    listed = client.get("/api/v1/conventions", headers=bearer(tokens.viewer)).json()
    assert listed["items"] == []


def test_the_same_convention_with_each_key_once_is_created(
    app: App, client: httpx.Client, tokens: Tokens
) -> None:
    # The bodies above but for the key given twice: what refused them is that key alone.
    body = json.dumps(file_fields()).encode()
    answer = client.post("/api/v1/conventions", content=body, headers=_json_admin(tokens))
    assert answer.status_code == 201, answer.text[:300]


BODIES = {
    # (method, address, body as JSON text, the path refused)
    "event-twice": ("POST", "events", '{"event": "submit", "event": "cancel"}', "event"),
    "input-twice": (
        "POST", "events",
        '{"event": "cancel", "inputs": {"reason": "a", "reason": "b"}}', "inputs.reason",
    ),
    "version-twice": (
        "POST", "events", '{"event": "submit", "expected_version": 1, "expected_version": 2}',
        "expected_version",
    ),
    "place-twice": ("PATCH", "", '{"place": "Aix", "place": "Arles"}', "place"),
    "parties-signatory-twice": (
        "PATCH", "",
        '{"parties": [{"key": "a", "signatories": [{"name": "N", "name": "M"}]}]}',
        "parties[0].signatories[0].name",
    ),
    "change-twice": (
        "POST", "amendments",
        '{"changes": {"end_date": "2026-06-30", "end_date": "2027-06-30"}}', "changes.end_date",
    ),
    "amendment-event-twice": (
        "POST", "amendments/1/events", '{"event": "sign", "event": "abandon"}', "event",
    ),
    "award-twice": (
        "POST", "award", '{"decision": "D-1", "decision": "D-2", "adopted": "2025-02-01"}',
        "decision",
    ),
    "committee-twice": (
        "POST", "committee",
        '{"date": "2025-03-03", "attendees": "A", "decisions": "B", "attendees": "C"}',
        "attendees",
    ),
    "letter-twice": ("POST", "letters", '{"kind": "dispute", "kind": "award"}', "kind"),
    "deep-and-late": (
        "POST", "events",
        '{"event": "submit", "on": "2025-03-03", "x": ' + "[" * 50 + '{"k": 1, "k": 2}'
        + "]" * 50 + "}", "x" + "[0]" * 50 + ".k",
    ),
}  # fmt: skip
"""Bodies of the reference convention's routes giving a key twice: each refused (422
`json_key_twice`) naming the key's path, before the route does anything."""


@pytest.mark.parametrize("name", list(BODIES))
def test_a_body_giving_a_key_twice_is_refused_before_anything_is_done(
    client: httpx.Client, tokens: Tokens, loaded: App, name: str
) -> None:
    method, part, body, path = BODIES[name]
    before = (views.status(loaded, REFERENCE), views.history(loaded, REFERENCE))
    address = f"/api/v1/conventions/{REFERENCE}" + (f"/{part}" if part else "")

    answer = client.request(method, address, content=body.encode(),
                            headers={**bearer(tokens.admin), "Accept-Language": "en",
                                     "Content-Type": "application/json"})  # fmt: skip

    assert answer.status_code == 422, answer.text[:300]
    problem = answer.json()
    # a path past ECHO_MOST characters is said by its start and « … », as any value echoed
    said = briefed("json_key_twice", {"field": path})["field"]
    assert (problem["code"], problem["params"]) == ("json_key_twice", {"field": said})
    assert problem["message"] == (
        f"the key '{said}' is given twice in the same JSON object: each key is written once"
    )
    after = (views.status(loaded, REFERENCE), views.history(loaded, REFERENCE))
    assert after == before


def test_a_key_given_twice_is_refused_whoever_sends_it_before_its_token_is_looked_at(
    client: httpx.Client, tokens: Tokens, loaded: App
) -> None:
    # FastAPI reads the body before the route's dependencies (the token): as a body that is no
    # JSON, a key given twice is refused first; nothing is done either way.
    answer = client.post(f"/api/v1/conventions/{REFERENCE}/events",
                         content=b'{"event": "submit", "event": "cancel"}',
                         headers={"Content-Type": "application/json"})  # fmt: skip

    assert answer.status_code == 422, answer.text[:300]
    assert answer.json()["code"] == "json_key_twice"
    assert steps.state(loaded) == "draft"


def test_every_route_of_the_api_reads_its_body_strictly() -> None:
    from workflow.http.json_body import StrictJsonRoute

    api = [route for router in ROUTERS for route in router.routes
           if getattr(route, "path", "").startswith("/api/")]  # fmt: skip
    assert len(api) >= 20
    assert all(isinstance(route, StrictJsonRoute) for route in api), [
        route.path for route in api if not isinstance(route, StrictJsonRoute)
    ]
