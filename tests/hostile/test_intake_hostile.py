"""What is left of the tester's hostile files bringing conventions in, each refused in French
with its code, nothing written, no traceback, no hang.

The tester's findings: a settings file given by `--config` (or CONVFLOW_CONFIG) was read by a
loader of its own, with none of the checks of the other files: /dev/zero filled the memory, a
named pipe waited forever, /dev/null was taken as a file setting nothing, a file in UTF-16 was
said not to be UTF-8 at its first byte. A spreadsheet or an open-data file of many bad rows
made a refusal of every problem of every row (200 000 bad rows: 800 000 problems, 1.7 GB of
memory, 170 MB of --json): the first MAX_PROBLEMS are kept, the others counted
(`problems_not_shown`), still all or nothing. An open-data row's share of subsidy
(pourcentageSubvention) reached a draft whatever its length (100 000 characters); the
beneficiary's name is bounded as a party's name is. A .txt given to `convflow extract` took
minutes when made to be slow (a word of capitals, thousands of compounds, of amounts or of
« avenant » in one sentence): each is read in about a second.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from click.testing import CliRunner

from tests.e2e.conftest import ROOT, Convflow
from tests.hostile.test_spreadsheet_hostile import (
    HEADER,
    admin_browser,
    base_url,
    client,
    csv_text,
    late_writer,
    nothing_saved,
    nothing_written,
    page_text,
    problems,
    refused_sheet,
    refused_upload,
    scdl_text,
    sheet_rows,
    tokens,
    web,
)
from tests.http.conftest import Tokens, bearer
from tests.http.test_import_page import upload
from tests.http.test_intake_api import file_fields
from workflow.bootstrap import App
from workflow.cli import cli
from workflow.files.convention_file import MAX_PROBLEMS

__all__ = ["admin_browser", "base_url", "client", "late_writer", "tokens", "web"]  # fixtures

NNBSP, NBSP = "\u202f", "\u00a0"


def _spaced(message: str) -> str:
    """A message with its no-break spaces as plain ones, to compare."""
    return message.replace(NBSP, " ").replace(NNBSP, " ")


# --- 1. A settings file (--config, CONVFLOW_CONFIG) ------------------------------------------


def _utf16(tmp: Path, encoding: str = "utf-16") -> Path:
    path = tmp / "reglages.toml"
    path.write_bytes("reminder_hour = 10\n".encode(encoding))
    return path


def _written(name: str, content: bytes) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(content)
        return path

    return build


def _fifo(tmp: Path) -> Path:
    path = tmp / "reglages.toml"
    os.mkfifo(path)
    return path


SETTINGS_FILES: dict[str, tuple[Callable[[Path], Path], str, tuple[str, ...]]] = {
    # name: (the file, its refusal's code, the French words it says)
    "utf16-with-its-mark": (_utf16, "file_utf16", ("fichier en UTF-16", "enregistrez-le en UTF-8")),
    "utf16-without-a-mark": (lambda tmp: _utf16(tmp, "utf-16-le"), "file_utf16",
                             ("fichier en UTF-16",)),
    "utf32": (lambda tmp: _utf16(tmp, "utf-32"), "file_utf16", ("fichier en UTF-32",)),
    "dev-null": (lambda _: Path("/dev/null"), "file_not_regular",
                 ("ce n'est pas un fichier enregistré sur le disque",
                  "un périphérique ou un tube")),
    "link-to-dev-null": (lambda tmp: _linked(tmp, "/dev/null"), "file_not_regular",
                         ("un périphérique ou un tube",)),
    "named-pipe": (_fifo, "file_not_regular", ("un périphérique ou un tube",)),
    "missing": (lambda tmp: tmp / "absent.toml", "settings_file_not_found",
                ("fichier de réglages introuvable",)),
    "bad-value": (_written("reglages.toml", b"reminder_hour = 99\n"), "number_out_of_range",
                  ("ligne 1 : reminder_hour : 99 n'est pas compris entre 0 et 23",)),
    "latin-1": (_written("reglages.toml", "mail_from = \"Métropole <m@example.org>\"\n"
                         .encode("latin-1")), "file_not_utf8", ("ce n'est pas du texte UTF-8",)),
    "two-megabytes": (_written("reglages.toml", b"# " + b"x" * 2 * 1024 * 1024 + b"\n"),
                      "settings_file_too_large",
                      ("trop volumineux pour être un fichier de réglages (au plus 1 Mo)",)),
}  # fmt: skip


def _linked(tmp: Path, target: str) -> Path:
    link = tmp / "reglages.toml"
    link.symlink_to(target)
    return link


def _settings_refusal(tmp: Path, args: list[str], env: dict[str, str]) -> tuple[int, Any]:
    """`convflow ... config --json` run in-process: its exit code and its refusal, checked to
    be a clean one (no traceback, one line)."""
    env = {"CONVFLOW_DATABASE_URL": f"sqlite:///{tmp / 'convflow.db'}", **env}
    result = CliRunner().invoke(cli, [*args, "config", "--json"], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output + result.stderr
    assert result.exit_code != 0, result.output[-300:]
    error = json.loads(result.stdout)["error"]
    assert set(error) == {"code", "params", "message"} and "\n" not in error["message"]
    return result.exit_code, error


@pytest.mark.parametrize("given", ["option", "environment"])
@pytest.mark.parametrize("name", list(SETTINGS_FILES))
def test_a_settings_file_that_is_none_is_refused_in_french_with_its_code(
    tmp_path: Path, late_writer: list[Path], name: str, given: str
) -> None:
    build, code, said = SETTINGS_FILES[name]
    path = build(tmp_path)
    if name == "named-pipe":  # on a convflow that waits for a writer, one comes: it fails
        late_writer.append(path)
    args, env = (["--config", str(path)], {}) if given == "option" else ([], {
        "CONVFLOW_CONFIG": str(path)})  # fmt: skip

    exit_code, error = _settings_refusal(tmp_path, args, env)

    assert (exit_code, error["code"]) == (1, code), error
    assert str(path) in error["message"]
    for words in said:
        assert words in _spaced(error["message"]), (words, error["message"])


def test_a_folder_given_for_settings_is_refused_as_one(tmp_path: Path) -> None:
    folder = tmp_path / "reglages"
    folder.mkdir()

    by_option = _settings_refusal(tmp_path, ["--config", str(folder)], {})
    by_variable = _settings_refusal(tmp_path, [], {"CONVFLOW_CONFIG": str(folder)})

    assert (by_option[0], by_option[1]["code"]) == (2, "path_is_a_directory")
    assert (by_variable[0], by_variable[1]["code"]) == (1, "settings_file_is_a_directory")
    assert "c'est un dossier, pas un fichier de réglages" in by_variable[1]["message"]


def _no_more_than_a_gigabyte() -> None:
    # a convflow that reads /dev/zero whole stops at its memory's limit, not the machine's
    resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))


@pytest.mark.parametrize("given", ["option", "environment"])
def test_dev_zero_given_for_settings_is_refused_before_a_byte_is_read(
    tmp_path: Path, given: str
) -> None:
    args = ["--config", "/dev/zero"] if given == "option" else []
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONVFLOW_LANGUAGE": "fr",
           "CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'convflow.db'}"}  # fmt: skip
    if given == "environment":
        env["CONVFLOW_CONFIG"] = "/dev/zero"

    done = subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args, "config"], env=env, capture_output=True,
        text=True, timeout=60, preexec_fn=_no_more_than_a_gigabyte, check=False,
    )  # fmt: skip

    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-500:]
    assert done.stderr.startswith(
        "Erreur\u00a0: /dev/zero\u00a0: ce n'est pas un fichier enregistré"
    )
    assert done.stderr.count("\n") == 1


# --- 2. Many bad rows: the first problems kept, the others counted ---------------------------

BAD_ROWS = 300
"""Rows of four problems each: 1 200 problems, of which a refusal keeps MAX_PROBLEMS."""


def bad_rows(count: int = BAD_ROWS) -> list[dict[str, str]]:
    """Two good conventions, then `count` rows each with four bad cells."""
    rows = sheet_rows(count + 2)
    for row in rows[2:]:
        row.update(amount="abc", end_date="x", party1_signatory_email="nope",
                   party2_signatory_email="nope")  # fmt: skip
    return rows


def _capped(error: dict[str, Any], total: int) -> None:
    """A refusal of `total` problems: the first MAX_PROBLEMS kept (its own and the others),
    the rest counted, and said: the first twenty, then how many more, thousands apart."""
    params = error["params"]
    assert len(params["others"]) == MAX_PROBLEMS - 1
    assert params["problems_not_shown"] == total - MAX_PROBLEMS
    more = f"{total - 21:,}".replace(",", NNBSP)  # its own, 20 others said in full
    assert error["message"].endswith(
        f"… et {more} autres problèmes (les 200 premiers avec --json)"
    ), error["message"][-200:]
    assert len(error["message"]) < 10_000


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_spreadsheet_of_many_bad_rows_keeps_its_first_problems_and_counts_the_others(
    convflow: Convflow, tmp_path: Path, kind: str
) -> None:
    rows = bad_rows()
    path = tmp_path / f"lot.{kind}"
    if kind == "csv":
        path.write_text(csv_text(HEADER, rows), encoding="utf-8", newline="")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(HEADER)
        for row in rows:
            sheet.append([row.get(name, "") for name in HEADER])
        book.save(path)

    error = refused_sheet(convflow, path)

    assert (error["code"], error["params"]["line"]) == ("not_an_amount", 4), error["code"]
    _capped(error, 4 * BAD_ROWS)
    nothing_written(convflow)  # the two good rows neither: all or nothing


def test_an_open_data_file_of_many_bad_rows_keeps_its_first_problems_and_counts_the_others(
    convflow: Convflow, tmp_path: Path
) -> None:
    fields, rows = scdl_text()
    good = rows[0]
    bad = [{**good, "idBeneficiaire": "123", "dateConvention": "hier",
            "referenceDecision": f"DEL-{n}"} for n in range(BAD_ROWS)]  # fmt: skip
    path = tmp_path / "subventions.csv"
    path.write_text(csv_text(fields, [good, *bad]), encoding="utf-8", newline="")

    error = refused_sheet(convflow, path)

    assert error["params"]["line"] == 3
    _capped(error, 2 * BAD_ROWS)
    nothing_written(convflow)


def test_the_dashboard_lists_the_first_problems_and_says_how_many_more(
    admin_browser: httpx.Client, app: App
) -> None:
    content = csv_text(HEADER, bad_rows()).encode()

    report = upload(admin_browser, content, "lot.csv")

    assert report.status_code == 422
    listed = problems(report)
    assert len(listed) == MAX_PROBLEMS and listed[0][:2] == ("4", "amount")
    said = _spaced(page_text(report))
    assert "1 200 problèmes à corriger dans le fichier (les 200 premiers ci-dessous)" in said
    assert "… et 1 000 autres problèmes, non montrés ici : corrigez d'abord ceux-ci." in said
    nothing_saved(app)


def test_the_api_keeps_the_first_problems_of_a_body_and_counts_the_others(
    client: httpx.Client, tokens: Tokens
) -> None:
    parties = [{"key": f"p{n}", "signatories": [{"email": "nope"}]} for n in range(BAD_ROWS)]
    body = file_fields(reference="API-MANY", parties=parties)

    answer = client.post("/api/v1/conventions", json=body,
                         headers={**bearer(tokens.admin), "Accept-Language": "fr"})  # fmt: skip

    assert answer.status_code == 422, answer.text[:300]
    refused = answer.json()
    assert set(refused) >= {"code", "params", "message"}
    assert len(refused["params"]["others"]) == MAX_PROBLEMS - 1
    assert refused["params"]["problems_not_shown"] > 0  # a name, a title per party at least
    assert re.search(r"… et \d{1,3}(\u202f\d{3})* autres problèmes", refused["message"])
    listed = client.get("/api/v1/conventions", headers=bearer(tokens.viewer)).json()
    assert listed["items"] == []


def test_a_file_of_few_problems_keeps_them_all_and_says_no_count(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = tmp_path / "lot.csv"
    path.write_text(csv_text(HEADER, bad_rows(3)), encoding="utf-8", newline="")

    error = refused_sheet(convflow, path)

    assert len(error["params"]["others"]) == 11 and "problems_not_shown" not in error["params"]


# --- 3. An open-data row's values reach a draft within bounds --------------------------------

OPEN_DATA_LONG = {
    # column: (value, the French words)
    "nomBeneficiaire": ("x" * 5000, "au plus 300 caractères (5 000 saisis)"),
    "pourcentageSubvention": ("0." + "5" * 100_000, "au plus 1 000 caractères (100 002 saisis)"),
}


@pytest.mark.parametrize("column", list(OPEN_DATA_LONG))
def test_an_open_data_value_past_its_bound_is_refused_through_the_dashboard_too(
    admin_browser: httpx.Client, app: App, column: str
) -> None:
    value, said = OPEN_DATA_LONG[column]
    fields, rows = scdl_text(**{column: value})

    line, refused_column, words = refused_upload(
        admin_browser, csv_text(fields, rows).encode(), "subventions.csv"
    )

    assert (line, refused_column) == ("3", column)
    assert said in _spaced(words), words
    nothing_saved(app)


@pytest.mark.parametrize("column", list(OPEN_DATA_LONG))
def test_an_open_data_value_past_its_bound_is_refused_by_import(
    convflow: Convflow, tmp_path: Path, column: str
) -> None:
    value, said = OPEN_DATA_LONG[column]
    fields, rows = scdl_text(**{column: value})
    path = tmp_path / "subventions.csv"
    path.write_text(csv_text(fields, rows), encoding="utf-8", newline="")

    error = refused_sheet(convflow, path)

    assert (error["code"], error["params"]["line"], error["params"]["field"]) == (
        "text_too_long", 3, column,
    )  # fmt: skip
    assert said in _spaced(error["message"]) and len(error["message"]) < 400
    nothing_written(convflow)


# --- 4. A document made to be slow to read (`convflow extract`) -------------------------------

_HEAD = ("Convention de partenariat\nEntre\nLa Métropole\nEt\nLe GIP\n"
         "Il est convenu ce qui suit\nArticle 1 – Objet\n")  # fmt: skip
REFERENCE_TEXT = ROOT / "docs" / "reference-convention-2025.txt"

SLOW_DOCUMENTS: dict[str, Callable[[], str]] = {
    # name: the text; each took minutes to read (measured on the old code), and takes a second
    "a-word-of-capitals": lambda: "A" * 100_000,  # 100 kB: 90 s
    "twenty-thousand-compounds": lambda: (  # 385 kB: 138 s
        REFERENCE_TEXT.read_text(encoding="utf-8") + "\n\n"
        + " ".join(f"Ville{n}-Sur{n}" for n in range(20_000)) + "\n"
    ),
    "a-sentence-of-amounts": lambda: _HEAD + "200 000 € " * 16_000,  # 192 kB: over 40 s
    "a-sentence-of-amounts-in-words": lambda: (  # 272 kB: over 120 s
        _HEAD + "La subvention est de " + "deux cents euros " * 16_000
    ),
    "a-sentence-of-amendments": lambda: (  # 960 kB: over 40 s
        _HEAD + "La convention peut être prolongée par avenant " * 20_000
    ),
    "a-sentence-of-negations": lambda: (  # 820 kB: over 40 s
        _HEAD + "La convention ne pourra être prolongée " * 20_000
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(SLOW_DOCUMENTS))
def test_a_document_made_to_be_slow_is_read_in_seconds(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(SLOW_DOCUMENTS[name](), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONVFLOW_LANGUAGE": "fr",
           "CONVFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'convflow.db'}"}  # fmt: skip

    done = subprocess.run(
        [sys.executable, "-m", "workflow.cli", "extract", str(path), "--json"], env=env,
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip

    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-500:]
    read = json.loads(done.stdout)
    assert set(read) >= {"fields", "missing"}, sorted(read)
    if name == "twenty-thousand-compounds":  # the convention is read as it was
        assert read["fields"]["amount"]["value"] == "200000.00"
