"""The deadlines' API export asked for the obligations overdue (`overdue=true`, finance tester's
M3): a value that is no yes or no is refused, 422 `invalid_request` naming the parameter, never a
500 nor an export that silently leaves them out; the dashboard's export takes no such value."""

from __future__ import annotations

import httpx
import pytest

from tests.http import conftest as dashboard
from tests.http.conftest import Tokens, bearer
from tests.http.test_exports import rows
from workflow.bootstrap import App

client, base_url, web, tokens = (
    dashboard.client,
    dashboard.base_url,
    dashboard.web,
    dashboard.tokens,
)
admin_browser, loaded = dashboard.admin_browser, dashboard.loaded


@pytest.mark.parametrize(
    "value", ["maybe", "oui", "2", "-1", "tru", "true;false", "<script>", "\u0661", "yes\u202e"]
)
def test_an_overdue_flag_that_is_no_yes_or_no_is_refused(
    client: httpx.Client, tokens: Tokens, loaded: App, value: str
) -> None:
    answer = client.get("/api/v1/deadlines.csv", params={"overdue": value},
                        headers=bearer(tokens.viewer))  # fmt: skip

    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "invalid_request"
    assert "overdue" in answer.text


@pytest.mark.parametrize("value", ["true", "1", "yes", "false", "0", "no"])
def test_a_yes_or_no_is_read(client: httpx.Client, tokens: Tokens, loaded: App, value: str) -> None:
    answer = client.get("/api/v1/deadlines.csv", params={"overdue": value},
                        headers=bearer(tokens.viewer))  # fmt: skip

    assert answer.status_code == 200 and rows(answer)[0][-3:] == [
        "en retard", "versement n°", "montant dû (€)"
    ]  # fmt: skip


def test_the_dashboard_s_export_ignores_a_parameter_it_does_not_take(
    admin_browser: httpx.Client, loaded: App
) -> None:
    answer = admin_browser.get("/echeances.csv", params={"overdue": "<script>", "jours": "abc"})

    assert answer.status_code == 200 and rows(answer)[0][9] == "en retard"
