"""The bad-input corpus run through the real command line on SQLite and PostgreSQL: each case
refused with its code, in one line, no traceback, nothing written (issue 14.4)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import EXAMPLE, Convflow
from tests.hostile.corpus import (
    AMEND_CASES,
    API_CASES,
    BAD_CLAUSE_WORDING,
    BLANK_INPUT_CASES,
    CLI_CASES,
    CONFIG_CASES,
    ENVIRONMENT_CASES,
    HISTORY_CASES,
    INSTALMENT_CASES,
    MISSPELT_BODY_KEYS,
    MISSPELT_COLUMNS,
    MISSPELT_KEYS,
    MISSPELT_SCDL_COLUMNS,
    RAW_FILES,
    SCDL_CASES,
    SHEET_CASES,
    FileCase,
    file_cases,
)
from workflow.cli import cli
from workflow.files.spreadsheet import COLUMNS, template_csv

REF = "AMP-CRPV-PACA-2025"
IN_INSTALMENTS = "AMP-EXEMPLE-2027"  # paid in two instalments: 27 000 € then 18 000 €
TEXT = EXAMPLE.read_text(encoding="utf-8")
WITHOUT_HISTORY = TEXT.split("\n# Its life in 2025")[0] + "\n"
CLAUSE_KEYS = {key for key, _, _ in BAD_CLAUSE_WORDING.values()}


def _with(case: FileCase) -> str:
    """The reference convention's file with one line's value replaced (or, for a clause the
    example leaves to its default, added to its [clauses] table)."""
    pattern = re.compile(rf"(?m)^({re.escape(case.key)}\s*=\s*)(\"\"\"[\s\S]*?\"\"\"|.*)$")
    found = list(pattern.finditer(TEXT))
    if not found and case.key in CLAUSE_KEYS:
        return TEXT.replace("[clauses]\n", f"[clauses]\n{case.key} = {case.value}\n", 1)
    assert len(found) > case.nth, f"no line {case.key} #{case.nth} in the example"
    match = found[case.nth]
    return TEXT[: match.start()] + f"{case.key} = {case.value}" + TEXT[match.end() :]


def _refused(convflow: Convflow, *args: str) -> dict[str, object]:
    """The command's refusal as --json prints it, checked to be a clean one."""
    result = convflow.runner.invoke(cli, [*args, "--json"], env=convflow.env,
                                    catch_exceptions=True)  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args[:3]}: {type(result.exception).__name__}: {result.exception}"
    )
    assert result.exit_code in (1, 2), (args[:3], result.exit_code, result.output[-300:])
    assert "Traceback" not in result.output + result.stderr
    error = json.loads(result.stdout)["error"]
    assert set(error) == {"code", "params", "message"} and error["message"]
    assert "\n" not in error["message"]
    return error


@pytest.mark.parametrize("case", file_cases(), ids=lambda case: case.name)
def test_a_bad_convention_file_is_refused_with_its_code_and_nothing_is_written(
    convflow: Convflow, tmp_path: Path, case: FileCase
) -> None:
    path = tmp_path / "convention.toml"
    path.write_text(_with(case), encoding="utf-8")

    error = _refused(convflow, "import", str(path))

    assert error["code"] in case.codes, error
    assert convflow.json("list") == []


@pytest.mark.parametrize("name", list(RAW_FILES))
def test_a_file_that_is_no_convention_file_is_refused(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    content, codes = RAW_FILES[name]
    path = tmp_path / f"{name}.toml"
    path.write_bytes(content)

    error = _refused(convflow, "import", str(path))

    assert error["code"] in codes, error
    assert convflow.json("list") == []


def _problems(error: dict[str, Any]) -> list[dict[str, Any]]:
    """A file's refusal as its list of problems, the first one first: {field, code, params}."""
    params = dict(error["params"])
    first = {"field": params.pop("field"), "code": error["code"], "params": params}
    return [first, *params.get("others", [])]


def _suggests(error: dict[str, Any], code: str, closest: str | None) -> None:
    """The refusal says the name `closest` (or none) beside its problem `code`, in words."""
    unknown = [p for p in _problems(error) if p["code"] == code]
    assert unknown and unknown[0]["params"]["closest"] == closest, error
    if closest is None:
        assert "vouliez-vous dire" not in error["message"], error
    else:
        assert f"\u00a0; vouliez-vous dire «\u00a0{closest}\u00a0»\u00a0?" in error["message"], (
            error
        )


@pytest.mark.parametrize("name", list(MISSPELT_KEYS))
def test_a_misspelt_key_is_refused_suggesting_the_key_meant(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    written, misspelt, codes, closest = MISSPELT_KEYS[name]
    assert written in TEXT
    path = tmp_path / "convention.toml"
    path.write_text(TEXT.replace(written, misspelt, 1), encoding="utf-8")

    error = _refused(convflow, "import", str(path))

    assert error["code"] in codes, error
    _suggests(error, "unknown_field", closest)
    if closest is not None:  # one slip, one problem: the key meant is not also said missing
        missing = [p["field"] for p in _problems(error) if p["code"] == "required_field"]
        assert not [field for field in missing if field.endswith(closest)], error
    assert convflow.json("list") == []


def _sheet(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows([row.get(name, "") for name in header] for row in rows)
    return path


@pytest.mark.parametrize("name", list(MISSPELT_COLUMNS))
def test_a_misspelt_column_header_is_refused_suggesting_the_column_meant(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    column, misspelt, closest = MISSPELT_COLUMNS[name]
    example = next(csv.DictReader(io.StringIO(template_csv())))
    header = [misspelt if c == column else c for c in COLUMNS]
    path = _sheet(tmp_path / "lot.csv", header, [{**example, misspelt: example[column]}])

    result = convflow.runner.invoke(cli, ["import", str(path), "--json"], env=convflow.env)

    assert result.exit_code == 1 and "Traceback" not in result.output
    error = json.loads(result.stdout)["files"][0]["error"]
    assert error["code"] == "unknown_column", error
    assert (error["params"]["line"], error["params"]["field"]) == (1, misspelt.lower())
    _suggests(error, "unknown_column", closest)
    assert convflow.json("list") == []


@pytest.mark.parametrize("name", list(MISSPELT_SCDL_COLUMNS))
def test_a_misspelt_scdl_column_header_is_refused_suggesting_the_column_meant(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    column, misspelt, closest = MISSPELT_SCDL_COLUMNS[name]
    with SCDL.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        rows, fields = list(reader), list(reader.fieldnames or ())
    header = [misspelt if f == column else f for f in fields]
    path = _sheet(tmp_path / "subventions.csv", header,
                  [{**row, misspelt: row[column]} for row in rows])  # fmt: skip

    result = convflow.runner.invoke(cli, ["import", str(path), "--json"], env=convflow.env)

    assert result.exit_code == 1 and "Traceback" not in result.output
    error = json.loads(result.stdout)["files"][0]["error"]
    assert error["code"] == "unknown_column", error
    assert (error["params"]["line"], error["params"]["field"]) == (1, misspelt)
    _suggests(error, "unknown_column", closest)
    assert convflow.json("drafts") == []


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_a_bad_command_is_refused_with_its_code_and_changes_nothing(
    loaded: Convflow, name: str
) -> None:
    args, codes = CLI_CASES[name]
    before = loaded.json("history", REF)

    error = _refused(loaded, *[REF if a == "REF" else a for a in args])

    assert error["code"] in codes, error
    assert loaded.json("history", REF) == before


@pytest.fixture
def awaiting_payment(convflow: Convflow) -> Convflow:
    """The example convention paid in two instalments, its award notified: state payment."""
    convflow.ok("import", str(EXAMPLE.parent / "convention-exemple-quartiers-nord-2027.toml"))
    convflow.ok("event", IN_INSTALMENTS, "submit")
    for signatory in ("nadia.benali@example.org", "martial.alvarez@example.org"):
        convflow.ok("event", IN_INSTALMENTS, "sign", f"signatory={signatory}")
    convflow.ok("event", IN_INSTALMENTS, "notify")
    return convflow


@pytest.mark.parametrize("name", list(INSTALMENT_CASES))
def test_an_instalment_out_of_the_schedule_is_refused_naming_the_planned_ones(
    awaiting_payment: Convflow, name: str
) -> None:
    args, codes = INSTALMENT_CASES[name]
    before = awaiting_payment.json("history", IN_INSTALMENTS)

    error = _refused(awaiting_payment, *[IN_INSTALMENTS if a == "REF" else a for a in args])

    assert error["code"] in codes, error
    if error["code"] == "unknown_instalment":
        assert str(error["message"]).endswith("(versements prévus\u00a0: 1, 2)"), error
        assert error["params"]["instalments"] == [1, 2], error  # numbers, as `instalment` (A11)
    assert awaiting_payment.json("history", IN_INSTALMENTS) == before


@pytest.mark.parametrize("name", list(BLANK_INPUT_CASES))
def test_an_optional_input_given_blank_is_recorded_as_not_given(
    awaiting_payment: Convflow, name: str
) -> None:
    args, recorded = BLANK_INPUT_CASES[name]

    awaiting_payment.ok(*[IN_INSTALMENTS if a == "REF" else a for a in args])

    last = awaiting_payment.json("history", IN_INSTALMENTS)[-1]
    assert (last["event"], last["inputs"]) == (args[2], recorded)
    status = awaiting_payment.json("status", IN_INSTALMENTS)
    assert "" not in [value.strip() for inputs in _inputs_in(status) for value in inputs.values()]


def _inputs_in(answer: Any) -> list[dict[str, str]]:
    """Every event's inputs a JSON answer holds (`status --json` names them `inputs`)."""
    if isinstance(answer, list):
        return [found for item in answer for found in _inputs_in(item)]
    if not isinstance(answer, dict):
        return []
    inputs = answer.get("inputs")
    own = [inputs] if isinstance(inputs, dict) else []
    return own + [found for value in answer.values() for found in _inputs_in(value)]


@pytest.mark.parametrize("name", list(HISTORY_CASES))
def test_a_bad_history_entry_refuses_the_whole_file(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    lines, codes = HISTORY_CASES[name]
    path = tmp_path / "convention.toml"
    path.write_text(WITHOUT_HISTORY + "\n[[history]]\n" + lines + "\n", encoding="utf-8")

    error = _refused(convflow, "import", str(path))

    assert error["code"] in codes, error
    assert convflow.json("list") == []


@pytest.mark.parametrize("name", list(SHEET_CASES))
def test_a_bad_spreadsheet_cell_refuses_the_file_naming_its_row_and_column(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    column, value, codes = SHEET_CASES[name]
    example = next(csv.DictReader(io.StringIO(template_csv())))
    rows = [{**example, "reference": f"LOT-{n}"} for n in range(3)]
    rows[1][column] = value
    path = tmp_path / "lot.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)

    result = convflow.runner.invoke(cli, ["import", str(path), "--json"], env=convflow.env)

    assert result.exit_code == 1 and "Traceback" not in result.output
    error = json.loads(result.stdout)["files"][0]["error"]
    assert error["code"] in codes, error
    assert error["params"]["line"] == 3 and error["params"]["field"] == column
    assert convflow.json("list") == []


SCDL = Path(__file__).parents[1] / "e2e" / "scdl" / "subventions.csv"


@pytest.mark.parametrize("name", list(SCDL_CASES))
def test_a_bad_scdl_cell_refuses_the_file_naming_its_line_and_column(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    column, value, codes = SCDL_CASES[name]
    with SCDL.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        rows, fields = list(reader), list(reader.fieldnames or ())
    rows[1][column] = value
    path = tmp_path / "subventions.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)

    result = convflow.runner.invoke(cli, ["import", str(path), "--json"], env=convflow.env)

    assert result.exit_code == 1 and "Traceback" not in result.output
    error = json.loads(result.stdout)["files"][0]["error"]
    assert error["code"] in codes, error
    assert error["params"]["line"] == 3 and error["params"]["field"] == column
    assert convflow.json("drafts") == []


@pytest.mark.parametrize("name", list(CONFIG_CASES))
def test_a_bad_settings_file_is_refused_before_anything_runs(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    content, codes = CONFIG_CASES[name]
    path = tmp_path / "convflow.toml"
    path.write_bytes(content)

    error = _refused(convflow, "--config", str(path), "list")

    assert error["code"] in codes, error


@pytest.mark.parametrize("name", list(AMEND_CASES))
def test_a_bad_amendment_file_is_refused_and_drafts_nothing(
    loaded: Convflow, tmp_path: Path, name: str
) -> None:
    content, codes = AMEND_CASES[name]
    for args in (
        ["submit", "--on", "2025-03-03"],
        ["sign", "signatory=martial.alvarez@example.org", "--on", "2025-03-05"],
        ["sign", "signatory=mustapha.berra@example.org", "--on", "2025-03-10"],
    ):
        loaded.ok("event", REF, *args)  # in force, as an amendment needs
    if name.startswith("paid-"):
        loaded.ok("event", REF, "notify", "--on", "2025-03-20")
        loaded.ok("event", REF, "pay", "amount=200000.00", "--on", "2025-04-01")
    path = tmp_path / "avenant.toml"
    path.write_bytes(content)

    error = _refused(loaded, "amend", REF, "--file", str(path), "--on", "2025-06-01")

    assert error["code"] in codes, error
    assert loaded.json("amendments", REF) == []


@pytest.mark.parametrize("name", list(ENVIRONMENT_CASES))
def test_a_bad_setting_in_the_environment_is_refused_in_one_line(
    convflow: Convflow, name: str
) -> None:
    changed, codes = ENVIRONMENT_CASES[name]
    convflow.env.update(changed)

    # `status` reads on the bare driver when it can: it refuses as every other command does.
    for command in (["list"], ["status", REF]):
        error = _refused(convflow, *command)

        assert error["code"] in codes, (command, error)
        assert "secret" not in error["message"]  # a password in the address is never shown
    # `doctor` checks the settings itself: each refused one is a failed finding of its own.
    result = convflow.runner.invoke(cli, ["doctor", "--json"], env=convflow.env)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output[-300:]
    refused = [
        f["error"] for f in json.loads(result.stdout) if f["verdict"] == "fail" and "error" in f
    ]
    assert refused and refused[0]["code"] in codes, refused
    assert "secret" not in result.stdout


def test_the_corpus_holds_at_least_the_cases_the_issue_asks_for() -> None:
    groups = (RAW_FILES, CLI_CASES, HISTORY_CASES, SHEET_CASES, CONFIG_CASES, AMEND_CASES,
              API_CASES, ENVIRONMENT_CASES, SCDL_CASES, MISSPELT_KEYS, MISSPELT_COLUMNS,
              MISSPELT_SCDL_COLUMNS, MISSPELT_BODY_KEYS)  # fmt: skip
    counted = len(file_cases()) + sum(len(group) for group in groups)
    assert counted >= 300
