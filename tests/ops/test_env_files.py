"""The settings files of examples/deploy, read as what reads them reads them.

convflow.env, the unit's, is read by systemd (EnvironmentFile=) and by an operator's shell
(`set -a; . convflow.env`) to run a command with the service's settings: both must read the same
values. convflow.container.env is read by `docker run --env-file`, which takes each value as it
is, quotes included."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "examples" / "deploy"
UNIT_ENV = DEPLOY / "convflow.env"
CONTAINER_ENV = DEPLOY / "convflow.container.env"
UNIT = DEPLOY / "convflow.service"
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONVFLOW = Path(sys.executable).with_name("convflow")
MAIL_FROM = "Métropole Aix-Marseille-Provence, politique de la ville <conventions@example.org>"

_DUMP = (
    "import json, os; "
    "print(json.dumps({k: v for k, v in os.environ.items() if k.startswith('CONVFLOW_')}))"
)


def read_by_shell(path: Path) -> dict[str, str]:
    """The CONVFLOW_* variables a POSIX shell (`sh`) exports from `path` by `set -a; . path`,
    in an environment of its own."""
    script = 'set -a && . "$1" && exec "$2" -c "$3"'
    result = subprocess.run(
        ["sh", "-c", script, "sh", str(path), sys.executable, _DUMP],
        env={"PATH": os.defpath, "LC_ALL": "C.UTF-8"}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, f"sh cannot read {path.name}: {result.stderr}"
    return dict(json.loads(result.stdout))


def _os_release() -> Path:
    return Path(os.path.realpath("/etc/os-release"))


def _systemd_condition_tool() -> list[str] | None:
    """How to make systemd read a file of ours with its own parser of environment files, or
    None where it cannot: `systemd-analyze condition ConditionOSRelease=KEY=VALUE` reads
    os-release with the parser EnvironmentFile= uses (systemd's src/basic/env-file.c); in a
    user and mount namespace of its own, our file is mounted over os-release."""
    unshare, analyze = shutil.which("unshare"), shutil.which("systemd-analyze")
    if unshare is None or analyze is None or not _os_release().is_file():
        return None
    probe = subprocess.run([unshare, "-rm", "true"], capture_output=True)
    return [unshare, analyze] if probe.returncode == 0 else None


def _condition(key: str, value: str) -> str:
    """`ConditionOSRelease="KEY=VALUE"` asking that `key` reads `value`: quoted as a systemd
    word (\\ and " escaped), % written %% (a unit setting's specifiers)."""
    word = f"{key}={value}".replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'ConditionOSRelease="{word}"'


def read_by_systemd_as(path: Path, expected: dict[str, str]) -> bool:
    """Whether systemd reads every variable of `expected` from `path` with its value (a value
    may not begin with a space: a condition cannot ask for one)."""
    assert not [value for value in expected.values() if value[:1].isspace()]
    tool = _systemd_condition_tool()
    if tool is None:
        pytest.skip("systemd-analyze or a user namespace (unshare -rm) is not available here")
    unshare, analyze = tool
    script = 'mount --bind "$1" "$2" && shift 2 && exec "$0" condition "$@"'
    conditions = [_condition(key, value) for key, value in expected.items()]
    result = subprocess.run(
        [unshare, "-rm", "sh", "-c", script, analyze, str(path), str(_os_release()), *conditions],
        capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode not in (0, 1) or "Conditions" not in result.stdout + result.stderr:
        raise AssertionError(f"systemd-analyze condition did not answer: {result.stderr}")
    return result.returncode == 0


def _assigned(path: Path) -> list[str]:
    """The variables `path` assigns, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]


def test_a_posix_shell_reads_the_units_settings_file() -> None:
    read = read_by_shell(UNIT_ENV)

    assert set(read) == set(_assigned(UNIT_ENV))
    assert read["CONVFLOW_MAIL_FROM"] == MAIL_FROM
    assert read["CONVFLOW_SERVICE_CONTACT"] == "conventions@example.org, 04 00 00 00 00"
    assert read["CONVFLOW_LOG_FORMAT"] == "json"
    assert not [value for value in read.values() if value[:1] in "'\"" or value[-1:] in "'\""]


def test_systemd_reads_the_units_settings_file_as_the_shell_does() -> None:
    read = read_by_shell(UNIT_ENV)

    assert read_by_systemd_as(UNIT_ENV, read)
    # and it tells a value apart: what it reads is what is asked, not anything
    assert not read_by_systemd_as(UNIT_ENV, {"CONVFLOW_MAIL_FROM": f"'{MAIL_FROM}'"})


def quoted(value: str) -> str:
    """`value` written as convflow.env's header says: between single quotes, or, when it holds
    one, between double quotes with a backslash before each " \\ $ and `."""
    if "'" not in value:
        return f"'{value}'"
    escaped = "".join(f"\\{c}" if c in '"\\$`' else c for c in value)
    return f'"{escaped}"'


@pytest.mark.parametrize(
    "password",
    [
        'p@ss w0rd $HOME `id` "x" \\n #;<>&|*?~ 50%',
        'l\'été « 2026 » $(id) \\\\ `x` "q"',
        "spaces after  ",
    ],
)
def test_a_value_written_as_the_header_says_is_read_alike_by_both(
    tmp_path: Path, password: str
) -> None:
    settings = tmp_path / "convflow.env"
    settings.write_text(f"CONVFLOW_SMTP_PASSWORD={quoted(password)}\n", encoding="utf-8")

    assert read_by_shell(settings) == {"CONVFLOW_SMTP_PASSWORD": password}
    assert read_by_systemd_as(settings, {"CONVFLOW_SMTP_PASSWORD": password})


def test_the_units_settings_file_says_how_to_write_a_value_as_the_tests_check_it() -> None:
    header = " ".join(UNIT_ENV.read_text(encoding="utf-8").replace("#", " ").split())

    assert "between single quotes" in header and "set -a; . ./convflow.env" in header
    assert 'with a backslash before each " \\ $ or ` in it' in header
    for line in UNIT_ENV.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            _, value = line.split("=", 1)
            assert value == quoted(value[1:-1]), line


def test_the_container_settings_are_written_as_docker_reads_them_unquoted() -> None:
    # `docker run --env-file` (and podman's) keep quotes in the value: none may be quoted.
    for line in CONTAINER_ENV.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            _, value = line.split("=", 1)
            assert value[:1] not in "'\"" and value == value.strip(), line


def _steps(text: str) -> list[list[str]]:
    """The commands of a file's header comment (`#   ...`), as the shell splits them."""
    return [shlex.split(line[1:]) for line in text.splitlines()
            if line.startswith("#   ") and not line.startswith("#     ")]  # fmt: skip


def _unit_directive(name: str) -> str:
    [value] = [line.split("=", 1)[1] for line in UNIT.read_text(encoding="utf-8").splitlines()
               if line.startswith(f"{name}=")]  # fmt: skip
    return value


def test_a_command_runs_with_the_units_user_settings_and_folder_by_systemd_run() -> None:
    [run] = [step for step in _steps(UNIT.read_text(encoding="utf-8")) if "systemd-run" in step]
    properties = [run[i + 1] for i, word in enumerate(run) if word == "-p"]

    assert {"--pipe", "--wait", "--collect"} <= set(run)
    assert f"User={_unit_directive('User')}" in properties
    assert f"EnvironmentFile={_unit_directive('EnvironmentFile')}" in properties
    assert f"WorkingDirectory={_unit_directive('WorkingDirectory')}" in properties
    assert run[-2:] == ["/opt/convflow/bin/convflow", "doctor"]
    said = " ".join(README.split())
    assert " ".join(run) in said.replace(" \\ ", " "), "README gives the same command"


def test_a_command_runs_with_the_units_settings_through_a_shell_as_the_readme_says(
    tmp_path: Path,
) -> None:
    [sudo] = [step for step in _steps(UNIT.read_text(encoding="utf-8")) if step[0] == "sudo"]
    assert sudo[:5] == ["sudo", "-u", _unit_directive("User"), "sh", "-c"]
    assert shlex.join(sudo) in README
    # Run here as it would run there: this machine's folder and file, this tree's convflow,
    # `config --json` for `doctor` (which would try the example's database and mail server).
    script = (
        sudo[5]
        .replace(_unit_directive("WorkingDirectory"), str(tmp_path))
        .replace(_unit_directive("EnvironmentFile"), str(UNIT_ENV))
        .replace("/opt/convflow/bin/convflow doctor", f"{CONVFLOW} config --json")
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CONVFLOW_")}

    result = subprocess.run(["sh", "-c", script], env=environment, capture_output=True,
                            text=True, timeout=60)  # fmt: skip

    assert result.returncode == 0, result.stderr
    settings = {row["variable"]: row for row in json.loads(result.stdout)}
    for variable in _assigned(UNIT_ENV):
        assert settings[variable]["source"] == "environment", variable
    assert settings["CONVFLOW_MAIL_FROM"]["value"] == MAIL_FROM
    assert settings["CONVFLOW_SMTP_PORT"]["value"] == "587"
