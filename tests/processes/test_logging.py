"""What a running service writes to its log and its terminal, as an operator's collector reads
it: no secret in an address, JSON only in JSON mode, a wake-up said when it changes."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from states.convention import Convention
from storage.migrate import head_revision
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


def head_revision_of(url: str) -> str | None:
    """The schema revision the code expects, which `init` migrates `url` to."""
    engine = create_engine(url)
    try:
        return head_revision(engine)
    finally:
        engine.dispose()


def test_in_json_mode_init_says_what_it_did_as_one_json_line_of_the_log(
    processes: Processes, tmp_path: Path
) -> None:
    # As the unit's ExecStartPre and the container's command run it, just before `serve`.
    url = f"sqlite:///{tmp_path / 'new' / 'convflow.db'}"
    environment = convflow_environment(url, free_port(), log_format="json", not_a_setting="x")

    first = processes.start(["init"], environment)
    assert first.wait(60) == 0, first.output()
    again = processes.start(["init"], environment)
    assert again.wait(60) == 0, again.output()

    for init in (first, again):
        assert init.stdout == "", "nothing beside the log"
        [warning, said] = _json_lines(init.stderr)
        assert warning["level"] == "WARNING" and warning["setting"] == "CONVFLOW_NOT_A_SETTING"
        assert said["level"] == "INFO" and said["logger"] == "convflow.init"
        assert said["database"] == url and said["revision"] == head_revision_of(url)
    head = head_revision_of(url)
    migrated, up_to_date = _json_lines(first.stderr)[1], _json_lines(again.stderr)[1]
    assert migrated["from_revision"] is None
    assert migrated["message"] == f"database {url} migrated from empty to revision {head}"
    assert up_to_date["from_revision"] == head
    assert up_to_date["message"] == f"database {url} is up to date (revision {head})"


def test_in_json_mode_inits_refusal_is_one_json_line_with_its_code(
    processes: Processes, tmp_path: Path
) -> None:
    url = f"postgresql+psycopg://convflow:s3cret@127.0.0.1:{free_port()}/convflow"
    environment = convflow_environment(url, free_port(), log_format="json", language="en")

    init = processes.start(["init"], environment)

    assert init.wait(30) == 1
    assert init.stdout == ""
    [refusal] = _json_lines(init.stderr)
    assert refusal["level"] == "ERROR" and refusal["logger"] == "convflow.init"
    assert refusal["code"] == "database_unreachable" and "s3cret" not in init.stderr


def test_init_for_scripts_and_in_text_mode_is_as_it_was(
    processes: Processes, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'convflow.db'}"
    scripted = processes.start(
        ["init", "--json"], convflow_environment(url, free_port(), log_format="json")
    )
    assert scripted.wait(60) == 0
    assert json.loads(scripted.stdout)["revision"] == head_revision_of(url)

    by_hand = processes.start(["init"], convflow_environment(url, free_port(), language="en"))
    assert by_hand.wait(60) == 0
    head = head_revision_of(url)
    assert by_hand.stdout == f"database {url} is up to date (revision {head})\n"
