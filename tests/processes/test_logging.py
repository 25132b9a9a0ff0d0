"""What a running service writes to its log and its terminal, as an operator's collector reads
it: no secret in an address, JSON only in JSON mode, a wake-up said when it changes."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from states.convention import Convention
from tests.notifications.helpers import free_port
from tests.processes.conventions import days, load, submit
from tests.processes.running import STARTED, Processes, convflow_environment
from workflow.bootstrap import App

pytestmark = pytest.mark.slow
TOKEN = "4mCvQz7TokenValue"


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_the_access_log_masks_every_token_of_an_address(
    sqlite_url: str, sqlite_app: App, processes: Processes, tmp_path: Path
) -> None:
    port = free_port()
    environment = convflow_environment(
        sqlite_url, free_port(), http_port=str(port), smtp_host="", mail_dir=str(tmp_path / "mail")
    )
    service = processes.start(["serve"], environment)
    service.wait_for_log("dashboard listening on")

    _get(f"http://127.0.0.1:{port}/?access_token={TOKEN}&token={TOKEN}&api_key={TOKEN}&days=3")
    service.wait_for_log(r'"GET /\?access_token=')
    assert service.stop() == 0

    [line] = [line for line in service.stderr.splitlines() if '"GET /?access_token=' in line]
    assert TOKEN not in service.stderr, line
    assert "access_token=***&token=***&api_key=***&days=3" in line


def test_the_next_wake_up_is_logged_when_it_changes_not_at_every_safety_wake_up(
    sqlite_url: str, sqlite_app: App, reference_convention: Convention, processes: Processes,
    tmp_path: Path,
) -> None:  # fmt: skip
    load(sqlite_app, reference_convention, "WAKE-1", days(400))
    submit(sqlite_app, "WAKE-1")  # its signature reminders are planned, days ahead
    # A safety wake-up every second; at the debug level each says the wake-up is unchanged.
    environment = convflow_environment(sqlite_url, free_port(), wake_interval="1",
                                       log_level="debug", smtp_host="",
                                       mail_dir=str(tmp_path / "mail"))  # fmt: skip
    service = processes.start(["serve", "--no-http"], environment)

    service.wait_for_log(STARTED, count=5)  # the first pass and four safety wake-ups
    assert service.stop() == 0

    assert service.count(r"INFO convflow\.service: next wake-up at") == 1, service.stderr


def _json_lines(text: str) -> list[dict[str, object]]:
    """Every line of `text`, each a JSON object (fails on a line of plain text)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_in_json_mode_the_banner_is_one_json_line_and_nothing_is_plain_text(
    sqlite_url: str, sqlite_app: App, processes: Processes, tmp_path: Path
) -> None:
    port = free_port()
    environment = convflow_environment(
        sqlite_url, free_port(), http_port=str(port), smtp_host="", log_format="json",
        mail_dir=str(tmp_path / "mail"), admin_emails="politique.ville@example.org",
        not_a_setting="x",  # CONVFLOW_NOT_A_SETTING: said as a warning, in JSON too
    )  # fmt: skip
    service = processes.start(["serve"], environment)
    service.wait_for_log("dashboard listening on")
    service.wait_for_log(STARTED)
    assert service.stop() == 0

    assert service.stdout == ""  # no banner of text beside the JSON log
    lines = _json_lines(service.stderr)
    [banner] = [line for line in lines if line["message"] == "convflow service started"]
    assert banner["level"] == "INFO" and banner["logger"] == "convflow.service"
    assert banner["database"] == sqlite_url
    assert banner["mail_to"] == str((tmp_path / "mail").resolve())
    assert banner["admin_emails"] == ["politique.ville@example.org"]
    assert banner["dashboard"] == f"http://127.0.0.1:{port}/"
    assert f"http://127.0.0.1:{port}/metrics" in banner["probes"]  # type: ignore[operator]
    [warning] = [line for line in lines if line["level"] == "WARNING" and "setting" in line]
    assert warning["setting"] == "CONVFLOW_NOT_A_SETTING"


def test_in_json_mode_a_refusal_to_start_is_one_json_line_with_its_code(
    sqlite_url: str, processes: Processes, tmp_path: Path
) -> None:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        environment = convflow_environment(
            sqlite_url, free_port(), http_port=str(holder.getsockname()[1]), smtp_host="",
            log_format="json", mail_dir=str(tmp_path / "mail"),
        )  # fmt: skip
        service = processes.start(["serve"], environment)
        assert service.wait(30) == 1
    finally:
        holder.close()

    assert service.stdout == ""
    [refusal] = _json_lines(service.stderr)
    assert refusal["level"] == "ERROR" and refusal["code"] == "port_in_use"
    assert "CONVFLOW_HTTP_PORT" in str(refusal["message"])
