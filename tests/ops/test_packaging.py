"""The systemd unit and the container file shipped in examples/deploy/, checked as an operator
would install them: verified by systemd where it exists, built where a container engine runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
