"""What an API client reads in a refusal is convflow's own French: no English words of the
library that checks the JSON, no TOML (the command line's file format), no « API : » as if the
body were a file called so, no setting's name.

Every POST and PATCH route is sent the hostile corpus' bodies and hand-made ones (null, wrong
types, nested wrong types, extra keys, empty strings) with `Accept-Language: fr`, through a
real server; each refusal's `message` is searched for those words.
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.hostile.corpus import API_CASES
from tests.http.conftest import REFERENCE, Tokens, bearer
from workflow.bootstrap import App

LEAKS = re.compile(
    r"Input should|Field required|\bvalid\b|Extra inputs|should be|\bTOML\b|\bAPI :"
    r"|CONVFLOW_|réglage [a-z]+_[a-z_]+"
)
"""English words of pydantic, the file format's name, a file prefix, a setting's name."""

HAND_MADE = (
    "null", "[]", "5", '"x"', "{}", '{"title": null}', '{"title": 5}', '{"title": ""}',
    '{"title": ["a"]}', '{"title": {"a": 1}}', '{"colour": "red"}', '{"parties": 5}',
    '{"parties": [null]}', '{"parties": [{"name": 5}]}', '{"clauses": 5}',
    '{"clauses": {"articles": {"term": null}}}', '{"amount": 5.5}', '{"amount": null}',
    '{"end_date": "demain"}', '{"end_date": 5}', '{"end_date": null}', '{"reference": null}',
    '{"payment": 5}', '{"payment": {"instalments": [5]}}', '{"reminders": {"expiry": "90"}}',
    '{"history": 5}', '{"history": [{"event": null}]}', '{"expected_version": "x"}',
    '{"event": null}', '{"event": 5}', '{"inputs": null}', '{"inputs": {"a": null}}',
    '{"on": null}', '{"on": 5}', '{"changes": null}', '{"changes": {"x": 5}}', '{"kind": null}',
    '{"decision": null}', '{"decision": ""}', '{"date": null}', '{"attendees": ""}',
    '{"date": "demain", "attendees": "a", "decisions": "b"}',
)  # fmt: skip
BODIES = tuple(body for body, _, _ in API_CASES.values() if len(body) < 10_000) + HAND_MADE
"""The corpus' bodies (those the size limit does not refuse first) and the hand-made ones."""

WRITES = (
    ("POST", "/api/v1/conventions"),
    ("PATCH", f"/api/v1/conventions/{REFERENCE}"),
    ("POST", f"/api/v1/conventions/{REFERENCE}/events"),
    ("POST", f"/api/v1/conventions/{REFERENCE}/award"),
    ("POST", f"/api/v1/conventions/{REFERENCE}/committee"),
    ("POST", f"/api/v1/conventions/{REFERENCE}/letters"),
    ("POST", f"/api/v1/conventions/{REFERENCE}/amendments"),
    ("POST", f"/api/v1/conventions/{REFERENCE}/amendments/1/events"),
)


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_every_refusal_of_a_write_is_said_in_convflow_s_french(
    client: httpx.Client, tokens: Tokens, loaded: App, method: str, path: str
) -> None:
    headers = {**bearer(tokens.admin), "Content-Type": "application/json",
               "Accept-Language": "fr"}  # fmt: skip
    leaked = []
    for body in BODIES:
        answer = client.request(method, path, content=body.encode(), headers=headers)
        assert answer.status_code < 500, (body[:80], answer.text[:300])
        if answer.status_code < 400:
            continue
        message = answer.json()["message"]
        if LEAKS.search(message):
            leaked.append((body[:80], message))
    assert leaked == []


def test_a_null_title_is_refused_in_french_naming_the_field(
    client: httpx.Client, tokens: Tokens, loaded: App
) -> None:
    headers = {**bearer(tokens.admin), "Accept-Language": "fr"}
    refused = client.patch(f"/api/v1/conventions/{REFERENCE}", json={"title": None},
                           headers=headers)  # fmt: skip

    assert refused.status_code == 422
    problem = refused.json()
    assert (problem["code"], problem["params"]["field"]) == ("invalid_value", "title")
    assert (
        problem["message"]
        == "Intitulé\u00a0: valeur invalide\u00a0: un texte est attendu, entre guillemets"
    )


def test_a_decimal_amount_and_a_bad_date_are_refused_without_the_file_format_s_name(
    client: httpx.Client, tokens: Tokens, loaded: App
) -> None:
    # « 5.5 est un nombre décimal TOML », « écrivez-la 2025-12-31 (date TOML) »: TOML is the
    # command line's file format, nothing an API client writes.
    headers = {**bearer(tokens.admin), "Accept-Language": "fr"}
    amount = client.patch(f"/api/v1/conventions/{REFERENCE}", json={"amount": 5.5},
                          headers=headers).json()  # fmt: skip
    day = client.patch(f"/api/v1/conventions/{REFERENCE}", json={"end_date": "demain"},
                       headers=headers).json()  # fmt: skip

    assert (amount["code"], day["code"]) == ("float_value", "file_not_a_date")
    assert amount["message"] == (
        "Montant (€ TTC)\u00a0: «\u00a05.5\u00a0» est un nombre décimal, qui ne resterait pas "
        "exact\u00a0: "
        "écrivez-le "
        'entre guillemets, par exemple "200000.00"'
    )
    assert day["message"] == (
        "Terme (date de fin)\u00a0: «\u00a0demain\u00a0» n'est pas une date\u00a0: écrivez-la sous "
        "la forme 2025-12-31"
    )
