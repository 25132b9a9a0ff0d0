"""Values that look right and are not, each refused through the real command line on SQLite and
PostgreSQL as the corpus is (tests/hostile/test_corpus.py): its code, its French words, the
line and the field or column named, nothing written, no traceback.

The tester's findings: an open-data (SCDL) row took dates of year 9999, a period ending before
it starts, a decision's reference of 5 000 characters or with a zero-width space in it (which
made the dedupe miss a subsidy already in the file); a TOML amount written 0x10 became 16,00 €;
an amount of 31 digits was refused echoing all of them; a file whose name holds a terminal
escape and a newline was recorded as it was, and broke `convflow history`'s table; a term
written 2025-12-31T24:00:00 was said to be a line going on after its value.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from states.errors import ECHO_MOST
from tests.e2e.conftest import EXAMPLE, Convflow
from tests.hostile.test_corpus import REF, SCDL, TEXT
from workflow.cli import cli
from workflow.files.spreadsheet import COLUMNS, template_csv
from workflow.wording import dashboard

IN_INSTALMENTS = EXAMPLE.parent / "convention-exemple-quartiers-nord-2027.toml"
NBSP = "\u00a0"


def _refused(convflow: Convflow, *args: str) -> dict[str, Any]:
    """The command's refusal as --json prints it, checked to be a clean one (one line, exit 1
    or 2, no traceback), as the corpus checks it."""
    result = convflow.runner.invoke(cli, [*args, "--json"], env=convflow.env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (1, 2), (args[:3], result.exit_code, result.output[-300:])
    assert "Traceback" not in result.output + result.stderr
    error: dict[str, Any] = json.loads(result.stdout)["error"]
    assert set(error) == {"code", "params", "message"} and "\n" not in error["message"]
    return error


def _import_refused(convflow: Convflow, path: Path) -> dict[str, Any]:
    """A file of rows (`import --json`): the file's refusal, checked to be a clean one."""
    result = convflow.runner.invoke(cli, ["import", str(path), "--json"], env=convflow.env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1 and "Traceback" not in result.output + result.stderr
    error: dict[str, Any] = json.loads(result.stdout)["files"][0]["error"]
    assert "\n" not in error["message"]
    return error


def _spaced(message: str) -> str:
    """A message with its no-break spaces (French typography) as plain ones, to compare."""
    return message.replace(NBSP, " ").replace("\u202f", " ")


def _nothing_written(convflow: Convflow) -> None:
    assert convflow.json("list") == [] and convflow.json("drafts") == []


# --- 1. The open-data file (SCDL) -----------------------------------------------------------

SCDL_VALUES: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    # name: (column, value, code, French words the refusal says)
    "convention-year-9999": ("dateConvention", "9999-12-31", "date_out_of_range",
                             ("« 9999-12-31 » est hors des dates admises", "31 décembre 2100")),
    "convention-year-1": ("dateConvention", "0001-01-01", "date_out_of_range",
                          ("« 0001-01-01 » est hors des dates admises", "1er janvier 2000")),
    "period-reversed": ("datesPeriodeVersement", "2025-12-31/2025-01-01", "scdl_period_reversed",
                        ("la période finit le 1er janvier 2025, avant de commencer le 31 "
                         "décembre 2025", "écrivez son début d'abord")),
    "period-year-2101": ("datesPeriodeVersement", "2025-01-01/2101-01-01", "date_out_of_range",
                         ("hors des dates admises",)),
    "decision-5000": ("referenceDecision", "x" * 5000, "text_too_long",
                      ("au plus 1 000 caractères (5 000 saisis)",)),
    "decision-zero-width-space": ("referenceDecision", "DEL-2025-077\u200b", "invisible_characters",
                                  ("« DEL-2025-077\\u200b » contient un caractère invisible",)),
    "decision-right-to-left": ("referenceDecision", "DEL\u202e-1", "invisible_characters",
                               ("« DEL\\u202e-1 » contient un caractère invisible",)),
    "beneficiary-name-long": ("nomBeneficiaire", "x" * 301, "text_too_long",
                              ("au plus 300 caractères (301 saisis)",)),
    "amount-13-digits": ("montant", "1000000000000", "amount_too_large",
                         ("montant trop grand", "999 999 999 999,99")),
    "amount-300-digits": ("montant", "1" * 300, "amount_too_large", ("montant trop grand",)),
}  # fmt: skip


def _scdl_with(path: Path, column: str, value: str) -> Path:
    """The test's SCDL file (three rows), its second row's `column` given `value`: line 3."""
    with SCDL.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        rows, fields = list(reader), list(reader.fieldnames or ())
    rows[1][column] = value
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("name", list(SCDL_VALUES))
def test_an_scdl_value_the_rest_of_convflow_refuses_is_refused_naming_line_and_column(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    column, value, code, said = SCDL_VALUES[name]
    path = _scdl_with(tmp_path / "subventions.csv", column, value)

    error = _import_refused(convflow, path)

    assert error["code"] == code, error
    assert (error["params"]["line"], error["params"]["field"]) == (3, column)
    message = _spaced(error["message"])
    assert f"subventions.csv, ligne 3 : {column} : " in message
    for words in said:
        assert words in message, (words, message)
    assert len(error["message"]) < 400  # never the whole cell
    _nothing_written(convflow)


def test_a_decision_written_twice_with_a_zero_width_space_is_no_second_subsidy(
    convflow: Convflow, tmp_path: Path
) -> None:
    # The same decision for the same beneficiary on lines 2 and 3: the dedupe finds it unless an
    # invisible character makes the second one differ. It is refused as such, not drafted twice.
    good = SCDL.read_text(encoding="utf-8").splitlines()
    again = good[1].replace("DEL-2025-041", "DEL-2025\u200b-041")
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([good[0], good[1], again]) + "\n", encoding="utf-8")

    error = _import_refused(convflow, path)

    assert (error["code"], error["params"]["line"]) == ("invisible_characters", 3), error
    assert error["params"]["field"] == "referenceDecision"
    _nothing_written(convflow)


# --- 2. Amounts written otherwise than in decimal -------------------------------------------


def _line_of(text: str, start: str) -> int:
    """The number of the first line of `text` that starts with `start`."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


AMOUNT_LINE = _line_of(TEXT, "amount =")
WRITTEN = {
    "hexadecimal": "0x10",  # TOML reads 16
    "binary": "0b1010",  # 10
    "octal": "0o20",  # 16
    "plus-sign": "+1000",  # as "+5" is refused
    "underscores": "1_000",  # as "1_000.00" is refused
}


def _convention_with(path: Path, written: str, text: str = TEXT) -> Path:
    path.write_text(re.sub(r'(?m)^amount = "200000\.00"', f"amount = {written}", text, count=1),
                    encoding="utf-8")  # fmt: skip
    return path


@pytest.mark.parametrize("name", list(WRITTEN))
def test_an_amount_written_in_another_base_or_with_a_sign_is_refused_as_written(
    convflow: Convflow, tmp_path: Path, name: str
) -> None:
    written = WRITTEN[name]
    path = _convention_with(tmp_path / "convention.toml", written)

    error = _refused(convflow, "import", str(path))

    assert error["code"] == "not_an_amount", error
    assert error["params"]["value"] == written
    assert (error["params"]["line"], error["params"]["field"]) == (AMOUNT_LINE, "amount")
    assert f"« {written} » n'est pas un montant en euros" in _spaced(error["message"])
    assert convflow.json("list") == []


def test_an_amount_written_as_a_plain_whole_number_is_still_read(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = _convention_with(tmp_path / "convention.toml", "200000")

    convflow.ok("import", "--without-history", str(path))

    assert convflow.json("status", REF)["amount"] == "200000.00"


def test_amount_written_inside_a_text_or_a_comment_is_no_amount(
    convflow: Convflow, tmp_path: Path
) -> None:
    # Only a value assigned to `amount` is read as written: not words in a string or a comment.
    text = TEXT.replace('object = """', 'object = """Montant : amount = 0x10, "share = 0b1"\n', 1)
    path = _convention_with(tmp_path / "convention.toml", "200000  # amount = 0x10", text)

    convflow.ok("import", "--without-history", str(path))

    assert convflow.json("status", REF)["amount"] == "200000.00"


def test_an_instalment_written_in_hexadecimal_is_refused_at_its_line(
    convflow: Convflow, tmp_path: Path
) -> None:
    # 0x6978 is 27 000 and 18 000 + 27 000 the whole 45 000: the old reading added up.
    text = IN_INSTALMENTS.read_text(encoding="utf-8")
    text = text.replace('share = "60 %"', "amount = 0x6978").replace('share = "40 %"',
                                                                     "amount = 18000")  # fmt: skip
    path = tmp_path / "tranches.toml"
    path.write_text(text, encoding="utf-8")

    error = _refused(convflow, "import", str(path))

    assert error["code"] == "not_an_amount" and error["params"]["value"] == "0x6978", error
    assert error["params"]["field"] == "payment.instalments[0].amount"
    assert error["params"]["line"] == _line_of(text, "amount = 0x6978")
    assert convflow.json("list") == []


def test_a_share_written_in_hexadecimal_is_refused(convflow: Convflow, tmp_path: Path) -> None:
    text = IN_INSTALMENTS.read_text(encoding="utf-8").replace('share = "60 %"', "share = 0x3c")
    path = tmp_path / "tranches.toml"
    path.write_text(text, encoding="utf-8")

    error = _refused(convflow, "import", str(path))

    assert (error["code"], error["params"]["value"]) == ("not_a_share", "0x3c"), error
    assert error["params"]["field"] == "payment.instalments[0].share"
    assert convflow.json("list") == []


def test_a_payment_of_the_history_written_in_hexadecimal_is_refused(
    convflow: Convflow, tmp_path: Path
) -> None:
    # 0x30d40 is 200 000: the whole amount, which the old reading paid.
    text = TEXT.replace('inputs = { amount = "200000.00" }', "inputs = { amount = 0x30d40 }")
    path = tmp_path / "convention.toml"
    path.write_text(text, encoding="utf-8")

    error = _refused(convflow, "import", str(path))

    assert error["code"] == "not_an_amount" and error["params"]["value"] == "0x30d40", error
    assert error["params"]["field"] == "history[4]"
    assert convflow.json("list") == []


def test_an_amendment_amount_written_in_hexadecimal_is_refused(
    loaded: Convflow, tmp_path: Path
) -> None:
    for args in (
        ["submit", "--on", "2025-03-03"],
        ["sign", "signatory=martial.alvarez@example.org", "--on", "2025-03-05"],
        ["sign", "signatory=mustapha.berra@example.org", "--on", "2025-03-10"],
    ):
        loaded.ok("event", REF, *args)  # in force, as an amendment needs
    path = tmp_path / "avenant.toml"
    path.write_text("[changes]\namount = 0x3d090\n", encoding="utf-8")  # 250 000

    error = _refused(loaded, "amend", REF, "--file", str(path), "--on", "2025-06-01")

    assert error["code"] == "not_an_amount" and error["params"]["value"] == "0x3d090", error
    assert (error["params"]["line"], error["params"]["field"]) == (2, "changes.amount")
    assert loaded.json("amendments", REF) == []


# --- 3. Amounts too large, values too long to repeat ----------------------------------------


@pytest.mark.parametrize("digits", [31, 5000])
def test_a_huge_whole_amount_is_too_large_and_not_repeated(
    convflow: Convflow, tmp_path: Path, digits: int
) -> None:
    path = _convention_with(tmp_path / "convention.toml", "1" + "0" * (digits - 1))

    error = _refused(convflow, "import", str(path))

    assert error["code"] == "amount_too_large", error
    assert (error["params"]["line"], error["params"]["field"]) == (AMOUNT_LINE, "amount")
    assert "montant trop grand" in error["message"] and "0" * 20 not in error["message"]
    assert convflow.json("list") == []


def test_a_whole_number_of_thousands_of_digits_elsewhere_is_unreadable_not_a_crash(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = tmp_path / "convention.toml"
    path.write_text(TEXT.replace("[clauses]\n", "[clauses]\ndispute_window_days = 1" + "0" * 5000
                                 + "\n", 1), encoding="utf-8")  # fmt: skip

    error = _refused(convflow, "import", str(path))

    assert error["code"] == "toml_invalid_value", error
    assert error["params"]["field"] == "clauses.dispute_window_days"
    assert "valeur illisible" in error["message"] and len(error["message"]) < 400
    assert convflow.json("list") == []


def test_an_xlsx_amount_cell_of_1e300_is_too_large(convflow: Convflow, tmp_path: Path) -> None:
    example = next(csv.DictReader(template_csv().splitlines()))
    book = Workbook()
    book.active.append(list(COLUMNS))
    row: list[object] = [example.get(name) or None for name in COLUMNS]
    row[COLUMNS.index("amount")] = 1e300  # a number cell
    book.active.append(row)
    book.save(tmp_path / "lot.xlsx")

    error = _import_refused(convflow, tmp_path / "lot.xlsx")

    assert error["code"] == "amount_too_large", error
    assert (error["params"]["line"], error["params"]["field"]) == (2, "amount")
    assert "montant trop grand" in error["message"] and "0" * 20 not in error["message"]
    _nothing_written(convflow)


def test_a_refusal_repeats_only_the_start_of_a_long_value(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = _convention_with(tmp_path / "convention.toml", '"' + "9" * 2000 + 'x"')

    error = _refused(convflow, "import", str(path))

    assert error["code"] == "not_an_amount", error
    assert error["params"]["value"] == "9" * ECHO_MOST + "…"
    assert f"{'9' * ECHO_MOST}…" in error["message"] and "9" * (ECHO_MOST + 1) not in error[
        "message"]  # fmt: skip
    assert convflow.json("list") == []


def test_an_scdl_cell_refused_is_repeated_in_part_in_every_problem(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = _scdl_with(tmp_path / "subventions.csv", "montant", "9" * 3000 + ",00")

    error = _import_refused(convflow, path)

    assert error["code"] == "scdl_not_an_amount", error
    assert error["params"]["value"] == "9" * ECHO_MOST + "…"
    assert len(error["message"]) < 400
    _nothing_written(convflow)


# --- 4. A file's name with control characters, in the history -------------------------------

ODD_NAME = "esc\x1b[31mred\nline.toml"
SHOWN = "esc\\x1b[31mred\\nline.toml"


@pytest.fixture
def oddly_named(tmp_path: Path) -> Path:
    """The reference convention (without its history) in a file whose name holds a terminal
    escape (red) and a newline."""
    path = tmp_path / ODD_NAME
    path.write_text(TEXT.split("\n# Its life in 2025")[0] + "\n", encoding="utf-8")
    return path


def _history_rows(printed: str) -> list[str]:
    return [line for line in printed.splitlines()[2:] if line.strip()]


def test_a_file_name_is_recorded_with_its_control_characters_written_out(
    convflow: Convflow, oddly_named: Path
) -> None:
    convflow.ok("import", str(oddly_named))

    recorded = convflow.json("history", REF)[0]["inputs"]["file"]
    printed = convflow.ok("history", REF)

    assert recorded == str(oddly_named.parent) + "/" + SHOWN  # what the history keeps
    assert "\x1b" not in printed and len(_history_rows(printed)) == 1  # one line, no escape
    assert f"file={oddly_named.parent}/{SHOWN}" in printed
    _verified(convflow)


def _verified(convflow: Convflow) -> None:
    """`convflow verify` holds every history as it was written."""
    verified = convflow.json("verify", REF)
    assert (verified["lines"], verified["breaks"], verified["differences"]) == (1, [], [])


def test_a_history_recorded_with_a_raw_name_still_verifies_and_is_shown_safely(
    convflow: Convflow, oddly_named: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workflow.usecases.conventions as conventions

    monkeypatch.setattr(conventions, "visible", lambda text: text)  # recorded as convflow did
    convflow.ok("import", str(oddly_named))
    monkeypatch.undo()  # read by convflow as it is now

    row = convflow.json("history", REF)[0]
    printed = convflow.ok("history", REF)
    page = dashboard.history_inputs(row)  # the dashboard's and the dossier's history

    assert row["inputs"]["file"].endswith(ODD_NAME)  # as stored: the line is not rewritten
    assert "\x1b" not in printed and len(_history_rows(printed)) == 1 and SHOWN in printed
    assert [value for _, value in page if SHOWN in value]
    assert not [value for _, value in page if "\x1b" in value or "\n" in value]
    _verified(convflow)


def test_a_note_with_a_line_break_keeps_the_history_table_one_line_a_row(
    loaded: Convflow,
) -> None:
    loaded.ok("event", REF, "submit", "note=reçu\nà relancer", "--on", "2025-03-03")

    printed = loaded.ok("history", REF)

    assert len(_history_rows(printed)) == 2 and "note=reçu\\nà relancer" in printed
    assert loaded.json("history", REF)[1]["inputs"]["note"] == "reçu\nà relancer"  # as typed


def test_the_drafts_of_an_oddly_named_scdl_file_are_listed_on_one_line_each(
    convflow: Convflow, tmp_path: Path
) -> None:
    path = tmp_path / "sub\x1b[2Jventions\n.csv"
    path.write_bytes(SCDL.read_bytes())

    imported = convflow.ok("import", str(path))
    listed = convflow.ok("drafts")

    assert "\x1b" not in imported + listed and "sub\\x1b[2Jventions\\n.csv" in imported
    files = {draft["file"] for draft in convflow.json("drafts")}
    assert len(files) == 1 and files.pop().endswith("sub\\x1b[2Jventions\\n.csv")
    assert len(_history_rows(listed)) == 3


# --- 5. A date with a time TOML does not read -----------------------------------------------


@pytest.mark.parametrize(
    "written", ["2025-12-31T24:00:00", "2025-12-31 24:00", "2025-12-31T10:60:00"]
)
def test_a_term_written_with_a_time_toml_cannot_read_is_said_to_be_no_date(
    convflow: Convflow, tmp_path: Path, written: str
) -> None:
    path = tmp_path / "convention.toml"
    path.write_text(TEXT.replace("end_date = 2025-12-31 ", f"end_date = {written} ", 1),
                    encoding="utf-8")  # fmt: skip
    line = _line_of(TEXT, "end_date =")

    error = _refused(convflow, "import", str(path))

    assert error["code"] == "toml_time_not_read", error
    assert (error["params"]["line"], error["params"]["field"]) == (line, "end_date")
    message = error["message"]
    assert f"«\u00a0{written}\u00a0» n'est pas une date" in message
    assert "n'est pas une heure que TOML sait lire" in message
    assert "écrivez la date seule\u00a0: 2025-12-31" in message
    assert "la ligne continue" not in message
    assert convflow.json("list") == []


def test_the_dashboard_keeps_a_note_s_line_breaks(loaded: Convflow) -> None:
    """Prose (a note, a committee's minutes) written on several lines in the dashboard's text
    area is read on its history as lines, not as « reçu\\nà relancer » (a file's name, not
    prose, is still written out: above)."""
    loaded.ok("event", REF, "submit", "note=reçu\nà relancer", "--on", "2025-03-03")

    row = loaded.json("history", REF)[-1]
    page = dict(dashboard.history_inputs(row))

    assert row["inputs"]["note"] == "reçu\nà relancer"  # kept as given
    assert "reçu\nà relancer" in page.values() and "\\n" not in "".join(page.values()), page


# --- A financial report's year where none is owed -------------------------------------------


@pytest.mark.parametrize("basis", ["", 'basis = "not_required"\n'])
def test_a_financial_year_written_with_no_report_owed_is_refused_not_dropped(
    convflow: Convflow, tmp_path: Path, basis: str
) -> None:
    """`[financial_report] year = 2026` alone (the basis left to its default, no report owed)
    was loaded with the year dropped unsaid: no deadline, no reminder, whatever the writer
    meant. It is refused at the table, saying how to owe one or to leave the year out."""
    path = tmp_path / "convention.toml"
    path.write_text(f"{TEXT}\n[financial_report]\n{basis}year = 2026\n", encoding="utf-8")

    error = _refused(convflow, "import", str(path))

    assert (error["code"], error["params"]["year"]) == ("report_year_without_report", 2026)
    assert error["params"]["line"] == _line_of(path.read_text("utf-8"), "[financial_report]")
    assert "l'exercice 2026 (year) ne vaut que pour un compte rendu financier dû" in _spaced(
        error["message"]
    )
    assert convflow.json("list") == []


# --- An avenant's new term already past -------------------------------------------------------


def _in_force(convflow: Convflow) -> None:
    for args in (
        ["submit", "--on", "2025-03-03"],
        ["sign", "signatory=martial.alvarez@example.org", "--on", "2025-03-05"],
        ["sign", "signatory=mustapha.berra@example.org", "--on", "2025-03-10"],
    ):
        convflow.ok("event", REF, *args)  # in force until 31 December 2025


def test_an_avenant_whose_new_term_is_already_past_is_refused_when_drafted(
    loaded: Convflow, tmp_path: Path
) -> None:
    """The legal officer's F6: a term of 1 December drafted on 15 December was drafted,
    submitted, emailed for signature, signed by one party and refused only at the last."""
    _in_force(loaded)

    error = _refused(loaded, "amend", REF, "end_date=2025-12-01", "--on", "2025-12-15")

    assert error["code"] == "amendment_term_already_past", error
    assert error["params"]["new_end"] == "2025-12-01" and error["params"]["on"] == "2025-12-15"
    assert _spaced(error["message"]) == (
        "Terme de la convention (end_date) : le nouveau terme (1er décembre 2025) est déjà "
        "passé le 15 décembre 2025 : un avenant ne prend effet qu'à sa dernière signature, "
        "après ce terme ; proposez un terme à venir"
    )
    path = tmp_path / "avenant.toml"
    path.write_text("[changes]\nend_date = 2025-12-01\n", encoding="utf-8")
    error = _refused(loaded, "amend", REF, "--file", str(path), "--on", "2025-12-15")
    assert error["code"] == "amendment_term_already_past", error
    assert (error["params"]["line"], error["params"]["field"]) == (2, "changes.end_date")
    assert loaded.json("amendments", REF) == []
    assert "amend" not in [row["event"] for row in loaded.json("history", REF)]


def test_an_avenant_whose_new_term_passed_before_its_submission_is_refused_then(
    loaded: Convflow,
) -> None:
    _in_force(loaded)
    loaded.ok("amend", REF, "end_date=2025-12-01", "--on", "2025-11-20")  # still to come

    error = _refused(loaded, "event", REF, "submit", "--amendment", "1", "--on", "2025-12-02")

    assert error["code"] == "amendment_term_already_past", error
    assert "le nouveau terme (1er décembre 2025) est déjà passé le 2 décembre 2025" in _spaced(
        error["message"]
    )
    [amendment] = loaded.json("amendments", REF)
    assert amendment["state"] == "draft"
    kinds = [email["kind"] for email in loaded.json("outbox")]
    assert "amendment_submitted" not in kinds  # nobody was asked to sign it
