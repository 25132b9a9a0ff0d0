"""`convflow serve` refuses to start, in one clear line and a non-zero exit, when it could not
do its work: the dashboard's port taken, the database unreachable."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.notifications.helpers import free_port
from tests.processes.running import STARTED, Processes, convflow_environment
from workflow.bootstrap import App

pytestmark = pytest.mark.slow


def only_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_a_taken_port_stops_the_service_before_it_starts(sqlite_url, processes: Processes):
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        environment = convflow_environment(
            sqlite_url, free_port(), http_port=str(port), language="en"
        )
        service = processes.start(["serve"], environment)

        code = service.wait(20)
    finally:
        holder.close()

    assert code == 1
    line = only_line(service.stderr)
    assert line.startswith("Error: cannot listen on 127.0.0.1:") and "already in use" in line
    assert "CONVFLOW_HTTP_PORT" in line
    assert "convflow service started" not in service.stdout, "nothing started, nothing sent"


def test_a_host_that_is_not_this_machine_is_named_as_the_setting_to_change(
    sqlite_url, processes: Processes
):
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: binding to it sends nothing.
    environment = convflow_environment(
        sqlite_url, free_port(), http_host="192.0.2.1", http_port=str(free_port()), language="en"
    )
    service = processes.start(["serve"], environment)

    assert service.wait(20) == 1
    line = only_line(service.stderr)
    assert line.startswith("Error: cannot listen on 192.0.2.1:")
    assert "192.0.2.1 is neither a known name nor an address of this machine" in line
    assert "set CONVFLOW_HTTP_HOST" in line and "CONVFLOW_HTTP_PORT" not in line


def test_an_unreachable_database_stops_the_service_in_one_line(processes: Processes, tmp_path):
    url = f"postgresql+psycopg://convflow:s3cret@127.0.0.1:{free_port()}/convflow"
    environment = convflow_environment(url, free_port(), mail_dir=str(tmp_path), language="en")

    for command in (["serve"], ["list"], ["init"]):
        process = processes.start(command, environment)
        assert process.wait(30) == 1, process.output()
        line = only_line(process.stderr)
        assert line.startswith("Error: the database postgresql+psycopg://convflow:***@127.0.0.1:")
        assert "does not answer" in line and "s3cret" not in process.output()
        # in convflow's words, as `convflow doctor` says it, the driver's own only at the end
        assert line.endswith(
            "does not answer: connection refused, nothing listens on that port (Connection refused)"
        ), line
        assert "connection failed" not in line


@pytest.mark.parametrize(
    ("settings", "missing"),
    [
        ({}, "CONVFLOW_MAIL_FROM, CONVFLOW_SERVICE_CONTACT"),
        ({"mail_from": "Métropole AMP <conventions@example.org>"}, "CONVFLOW_SERVICE_CONTACT"),
    ],
)
def test_real_emails_do_not_leave_without_the_services_identity(
    sqlite_url, processes: Processes, settings: dict[str, str], missing: str
) -> None:
    environment = convflow_environment(sqlite_url, free_port())
    del environment["CONVFLOW_MAIL_FROM"], environment["CONVFLOW_SERVICE_CONTACT"]
    environment.update({f"CONVFLOW_{k.upper()}": v for k, v in settings.items()})

    for command in (["serve", "--no-http"], ["run-due"]):
        process = processes.start(command, environment)
        assert process.wait(30) == 1, process.output()
        line = only_line(process.stderr)
        assert "sans dire qui les envoie ni comment répondre" in line and missing in line


def _own_network() -> list[str] | None:
    """`unshare -rn`: a network of its own, where 0.0.0.0 is this process's loopback alone."""
    command = ["unshare", "--user", "--map-root-user", "--net"]
    if shutil.which("unshare") is None:
        return None
    try:
        tried = subprocess.run([*command, "true"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return command if tried.returncode == 0 else None


def test_a_dashboard_listening_beyond_loopback_is_warned_of_once_and_still_serves(
    sqlite_url: str, sqlite_app: App, processes: Processes, tmp_path: Path
) -> None:
    within = _own_network()
    if within is None:
        pytest.skip("no network namespace of its own (unshare -rn) to listen on 0.0.0.0 in")
    # In a network namespace of its own, 0.0.0.0 reaches no other machine: nothing is exposed.
    environment = convflow_environment(
        sqlite_url, free_port(), http_host="0.0.0.0", http_port=str(free_port()),
        smtp_host="", mail_dir=str(tmp_path / "mail"), language="en",
    )  # fmt: skip
    service = processes.start(["serve"], environment, within)

    service.wait_for_log("dashboard listening on http://0.0.0.0:")
    service.wait_for_log(STARTED)
    assert service.stop() == 0

    warnings = [line for line in service.stderr.splitlines() if "beyond this machine" in line]
    assert len(warnings) == 1, service.output()
    [warning] = warnings
    assert "WARNING convflow.service: 0.0.0.0:" in warning
    assert "/metrics answers loopback clients only (CONVFLOW_METRICS_TOKEN unset)" in warning
    assert "convflow service started" in service.stdout


def test_a_dashboard_on_loopback_is_not_warned_of(
    sqlite_url: str, sqlite_app: App, processes: Processes, tmp_path: Path
) -> None:
    environment = convflow_environment(
        sqlite_url, free_port(), http_port=str(free_port()), smtp_host="",
        mail_dir=str(tmp_path / "mail"), language="en",
    )  # fmt: skip
    service = processes.start(["serve"], environment)

    service.wait_for_log("dashboard listening on http://127.0.0.1:")
    service.wait_for_log(STARTED)
    assert service.stop() == 0

    assert "beyond this machine" not in service.output()


@pytest.mark.postgres
def test_several_inits_at_once_on_a_missing_postgresql_database_all_succeed_one_migrating(
    postgres_url: str, processes: Processes, tmp_path: Path
) -> None:
    # As several services started together, each unit's ExecStartPre=convflow init.
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"convflow_init_race_{os.getpid()}"
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(make_url(postgres_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    environment = convflow_environment(url, free_port(), mail_dir=str(tmp_path), language="en")
    try:
        inits = [processes.start(["init"], environment) for _ in range(3)]
        codes = [init.wait(60) for init in inits]

        outputs = [init.output() for init in inits]
        assert codes == [0, 0, 0], outputs
        said = "\n".join(init.stdout for init in inits)
        assert said.count("migrated from empty to revision") == 1, outputs
        assert said.count("is up to date (revision") == 2, outputs
        assert "does not answer" not in "".join(outputs)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_several_inits_at_once_on_a_new_sqlite_file_all_succeed_one_migrating(
    processes: Processes, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'convflow.db'}"
    environment = convflow_environment(url, free_port(), mail_dir=str(tmp_path), language="en")

    inits = [processes.start(["init"], environment) for _ in range(3)]
    codes = [init.wait(60) for init in inits]

    outputs = [init.output() for init in inits]
    assert codes == [0, 0, 0], outputs
    said = "\n".join(init.stdout for init in inits)
    assert said.count("migrated from empty to revision") == 1, outputs
    assert said.count("is up to date (revision") == 2, outputs


@pytest.mark.postgres
def test_a_migration_the_database_refuses_is_not_said_as_a_database_that_does_not_answer(
    postgres_url: str, processes: Processes, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"convflow_init_refused_{os.getpid()}"
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    admin = create_engine(make_url(postgres_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    squatter = create_engine(url)
    with squatter.begin() as connection:  # a table of the first migration's, already there
        connection.execute(text("CREATE TABLE convention (id integer)"))
    squatter.dispose()
    environment = convflow_environment(url, free_port(), mail_dir=str(tmp_path), language="en")
    try:
        init = processes.start(["init"], environment)

        assert init.wait(60) == 1
        line = only_line(init.stderr)
        assert line.startswith("Error: the database refused the operation: "), line
        assert "does not answer" not in line and 'relation "convention" already exists' in line
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
