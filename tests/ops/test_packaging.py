"""The systemd unit and the container file shipped in examples/deploy/, checked as an operator
would install them: verified by systemd where it exists, built where a container engine runs."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.notifications.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "examples" / "deploy"
UNIT = DEPLOY / "convflow.service"
CONTAINERFILE = DEPLOY / "Containerfile"
CONVFLOW = Path(sys.executable).with_name("convflow")


def directives(text: str) -> dict[str, list[str]]:
    """Every `Key=value` of a unit file, each key with all its values in order."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_the_unit_runs_hardened_as_its_own_user_writing_only_its_state():
    unit = directives(UNIT.read_text(encoding="utf-8"))

    assert unit["User"] == ["convflow"] and unit["Group"] == ["convflow"]
    assert unit["ProtectSystem"] == ["strict"]
    assert unit["ReadWritePaths"] == ["/var/lib/convflow"]
    assert unit["StateDirectory"] == ["convflow"]
    assert unit["NoNewPrivileges"] == ["yes"] and unit["CapabilityBoundingSet"] == [""]
    assert unit["ExecStart"] == ["/opt/convflow/bin/convflow serve"]
    assert unit["ExecStartPre"] == ["/opt/convflow/bin/convflow init"]
    assert unit["KillSignal"] == ["SIGTERM"], "SIGTERM lets the pass in flight finish"


def _install_steps(text: str) -> list[str]:
    """The commands of a file's header comment, as an operator pastes them (`#   ...`)."""
    return [line[1:].strip() for line in text.splitlines()
            if line.startswith("#   ") and not line.startswith("#     ")]  # fmt: skip


def test_each_install_step_of_the_unit_is_one_line_an_operator_can_paste():
    steps = _install_steps(UNIT.read_text(encoding="utf-8"))
    for step in steps:
        assert shlex.split(step, comments=True), step  # every quote closed on its own line
    [compile_step] = [step for step in steps if "translations" in step]
    words = shlex.split(compile_step)
    assert words[:3] == ["/opt/convflow/bin/python", "-I", "-c"]
    # Its code, as the shell hands it over, runs (on this tree's package: -I would read the
    # installed one, which is not this tree's).
    result = subprocess.run([sys.executable, "-c", words[3]], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)  # fmt: skip

    assert result.returncode == 0, result.stderr


def test_the_units_documentation_is_an_address_it_answers_on():
    unit = directives(UNIT.read_text(encoding="utf-8"))

    for address in unit["Documentation"]:
        assert not address.startswith("https://127.0.0.1"), "the dashboard speaks plain HTTP"
        assert address.startswith(("http://", "https://", "file:", "man:")), address


def _setting(path: Path, name: str) -> str:
    [value] = [line.split("=", 1)[1] for line in path.read_text(encoding="utf-8").splitlines()
               if line.startswith(f"{name}=")]  # fmt: skip
    return value


def test_the_container_has_its_own_settings_whose_database_is_not_the_container_itself():
    header = CONTAINERFILE.read_text(encoding="utf-8").split("\nFROM", 1)[0]
    container_env = DEPLOY / "convflow.container.env"

    run = header[header.index("docker run") :].split("\n\n", 1)[0]
    assert "--env-file examples/deploy/convflow.container.env" in run
    assert "--restart unless-stopped" in run
    assert "--add-host=host.containers.internal:host-gateway" in run
    host = make_url(_setting(container_env, "CONVFLOW_DATABASE_URL")).host
    assert host not in ("127.0.0.1", "localhost", "::1"), "inside, that is the container"
    assert host == "host.containers.internal"
    # the unit's settings keep the server's own loopback, and say which file is for which
    [unit_url] = shlex.split(_setting(DEPLOY / "convflow.env", "CONVFLOW_DATABASE_URL"))
    assert make_url(unit_url).host == "127.0.0.1"  # its values are quoted, as a shell reads them
    assert "convflow.container.env" in (DEPLOY / "convflow.env").read_text(encoding="utf-8")


def test_systemd_verifies_the_unit_without_a_warning(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    # The unit names /opt/convflow, where an operator installs it; here, the test's own venv.
    text = UNIT.read_text(encoding="utf-8").replace("/opt/convflow/bin/convflow", str(CONVFLOW))
    copy = tmp_path / "convflow.service"
    copy.write_text(text, encoding="utf-8")

    result = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == "", "an unknown or misspelt directive is ignored"


def test_the_container_is_built_in_two_stages_and_runs_unprivileged_with_a_health_check():
    text = CONTAINERFILE.read_text(encoding="utf-8")
    instructions = [line.split()[0] for line in text.splitlines() if line and line[0].isupper()]

    assert instructions.count("FROM") == 2 and "COPY --from=build" in text
    assert "USER convflow" in text and "--uid 10001" in text
    assert "HEALTHCHECK" in instructions and "/readyz" in text
    assert 'CMD ["sh", "-c", "convflow init && exec convflow serve"]' in text
    for folder in ("states", "storage", "notifications", "workflow"):
        assert f"COPY {folder} ./{folder}" in text, f"the image needs {folder}/"


def test_the_image_compiles_its_catalogues_once_in_the_installed_package():
    # The runtime user cannot write in /opt/convflow: without this, each command compiles the
    # .po again. `-I` keeps /src (the build's current folder) from shadowing the installed one.
    text = CONTAINERFILE.read_text(encoding="utf-8").replace("\\\n", "")
    installed = text.index("/opt/convflow/bin/pip install --no-cache-dir .")
    compiled = text.index('/opt/convflow/bin/python -I -c "from workflow.wording.catalogue')

    assert installed < compiled < text.index("FROM", installed), "in the build stage, after"
    assert "[translations(language) for language in LANGUAGES]" in text
    assert "mo_path(language).is_file() for language in LANGUAGES" in text


def _instructions(text: str) -> list[str]:
    """The instructions of a Containerfile as its builder reads them: each with its
    continuation lines joined, comment lines (inside an instruction too) dropped."""
    found, current = [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        current += line[:-1] + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            found.append(current)
            current = ""
    return found


def _runtime_stage() -> list[str]:
    """The instructions of the image's last stage, the one that runs."""
    instructions = _instructions(CONTAINERFILE.read_text(encoding="utf-8"))
    last = max(i for i, instruction in enumerate(instructions) if instruction.startswith("FROM"))
    return instructions[last + 1 :]


def _exec_form(name: str) -> list[str]:
    """The command of the runtime stage's `name` (CMD, HEALTHCHECK), in exec (JSON) form: in
    shell form the image's command would run through a shell that may not be there."""
    [instruction] = [line for line in _runtime_stage() if line.split()[0] == name]
    command = instruction[instruction.index("[") :] if name == "CMD" else (
        instruction[instruction.index(" CMD ") + len(" CMD ") :])  # fmt: skip
    return list(json.loads(command))


def _image_environment() -> dict[str, str]:
    """The runtime stage's ENV, as the image sets it."""
    found: dict[str, str] = {}
    for instruction in _runtime_stage():
        if instruction.startswith("ENV "):
            found.update(word.split("=", 1) for word in shlex.split(instruction[4:]))
    return found


def _docker_env_file(path: Path) -> dict[str, str]:
    """The settings `docker run --env-file` takes from `path`: KEY=value lines as they are."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and line[0] != "#")


class _Readiness(BaseHTTPRequestHandler):
    """Answers /readyz with the status the test's server was given."""

    def do_GET(self) -> None:  # http.server's name for it
        status = self.server.status if self.path == "/readyz" else 404  # type: ignore[attr-defined]
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        """Silent."""


def _health_check(port: int) -> int:
    """The image's health check run as the engine runs it: its command, with the container's
    environment (here CONVFLOW_HTTP_PORT), its exit code (0 healthy)."""
    command = _exec_form("HEALTHCHECK")
    assert command[0] == "python", "the image's Python, first on its PATH"
    environment = {"PATH": os.defpath, "CONVFLOW_HTTP_PORT": str(port)}
    return subprocess.run([sys.executable, *command[1:]], env=environment, capture_output=True,
                          timeout=30).returncode  # fmt: skip


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_the_health_check_asks_readyz_on_the_port_the_service_listens_on(
    status: int, healthy: bool
) -> None:
    # CONVFLOW_HTTP_PORT=9000 in the env file: the service listens there, not on 8000.
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _Readiness)
    server.status = status  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        code = _health_check(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()

    assert (code == 0) is healthy


def test_the_container_settings_give_metrics_a_token_and_say_why() -> None:
    settings = _docker_env_file(DEPLOY / "convflow.container.env")
    text = (DEPLOY / "convflow.container.env").read_text(encoding="utf-8")
    text = " ".join(text.replace("#", " ").split())

    assert settings["CONVFLOW_METRICS_TOKEN"], "without it, /metrics refuses the host (403)"
    assert "gateway, not from loopback" in text and "403" in text
    assert "Authorization: Bearer" in text
    assert "CONVFLOW_METRICS_TOKEN" in CONTAINERFILE.read_text(encoding="utf-8").split("\nFROM")[0]


@pytest.mark.slow
def test_the_containers_command_logs_only_json_is_healthy_and_serves_metrics_to_its_token(
    tmp_path: Path,
) -> None:
    # The image's command, environment and health check, run on this machine as the engine
    # would run them, on a port that is not 8000.
    port, settings = free_port(), _docker_env_file(DEPLOY / "convflow.container.env")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVFLOW_")}
    environment.update({k: v for k, v in _image_environment().items() if k != "PATH"})
    environment.update(settings)
    environment.update(
        PATH=f"{CONVFLOW.parent}{os.pathsep}{os.defpath}",  # the image's: its venv first
        # this machine's stand-ins for the container's: a SQLite file, mail to files, loopback
        CONVFLOW_DATABASE_URL=f"sqlite:///{tmp_path / 'convflow.db'}",
        CONVFLOW_SMTP_HOST="", CONVFLOW_MAIL_DIR=str(tmp_path / "mail"),
        CONVFLOW_HTTP_HOST="127.0.0.1", CONVFLOW_HTTP_PORT=str(port),
    )  # fmt: skip
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        service = subprocess.Popen(
            _exec_form("CMD"), env=environment, cwd=tmp_path, stdin=subprocess.DEVNULL,
            stdout=stdout, stderr=stderr,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while _health_check(port) != 0:  # the start period
                assert service.poll() is None, err.read_text(encoding="utf-8")
                assert time.monotonic() < deadline, "never healthy"
                time.sleep(0.5)
            token = settings["CONVFLOW_METRICS_TOKEN"]
            metrics = f"http://127.0.0.1:{port}/metrics"
            assert (
                httpx.get(metrics, headers={"Authorization": f"Bearer {token}"}).status_code == 200
            )
            assert httpx.get(metrics).status_code == 401
            service.send_signal(signal.SIGTERM)
            assert service.wait(30) == 0
        finally:
            if service.poll() is None:
                service.kill()
                service.wait(10)

    assert out.read_text(encoding="utf-8") == "", "the log is on stderr, nothing beside it"
    logged = [json.loads(line) for line in err.read_text(encoding="utf-8").splitlines()]
    assert logged[0]["logger"] == "convflow.init", "init speaks first, as one line of the log"
    assert any(line["message"] == "convflow service started" for line in logged)


def _engine() -> str | None:
    for tool in ("podman", "docker"):
        path = shutil.which(tool)
        if path and subprocess.run([path, "info"], capture_output=True).returncode == 0:
            return path
    return None


ENGINE_OPTIONS = {
    # Podman writes OCI images by default, which have no HEALTHCHECK: it is dropped with a
    # warning unless the image is written in Docker's format. Its RUN steps in a chroot: the
    # build needs no cgroups of its own (this machine's are mixed v1/v2, which crun refuses).
    "podman": ["--format", "docker", "--isolation", "chroot"],
    "docker": [],
}
UNREACHABLE = ("no such host", "lookup ", "dial tcp", "pinging container registry", "i/o timeout")
"""How an engine says that the registry holding the base image cannot be reached."""


LABEL = "org.convflow.test-build=1"
"""Set on what the test builds (both stages), so that it removes them all afterwards."""


@pytest.mark.slow
def test_the_container_builds_where_an_engine_runs():
    engine = _engine()
    if engine is None:
        pytest.skip("no container engine answers here (docker/podman info failed)")
    options = [*ENGINE_OPTIONS[Path(engine).name], "--label", LABEL]
    try:
        _build_and_inspect(engine, options)
    finally:  # about 560 MB a build: nothing is left behind
        subprocess.run([engine, "image", "rm", "convflow-test"], capture_output=True)
        subprocess.run([engine, "image", "prune", "-f", "--filter", f"label={LABEL}"],
                       capture_output=True)  # fmt: skip


def _build_and_inspect(engine: str, options: list[str]) -> None:
    result = subprocess.run(
        [engine, "build", *options, "-f", str(CONTAINERFILE), "-t", "convflow-test", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    said = [line for line in result.stderr.splitlines() if any(w in line for w in UNREACHABLE)]
    if result.returncode != 0 and said:
        pytest.skip(f"the base image is not here and its registry cannot be reached: {said[0]}")
    assert result.returncode == 0, result.stderr[-3000:]

    inspected = subprocess.run(
        [engine, "image", "inspect", "convflow-test", "--format",
         "{{.Config.User}}|{{json .Config.Healthcheck}}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    user, health = inspected.stdout.strip().split("|", 1)
    assert user == "convflow", "the service never runs as root"
    assert "/readyz" in " ".join(json.loads(health)["Test"]), "the health check is in the image"
