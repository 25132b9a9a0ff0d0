"""The SCDL « subventions » CSV read into drafts to complete: recognised by its header, as
Excel in French saves it too, each column to its convention-file field, nothing invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from states.open_data import COLUMNS
from workflow.files.convention_file import ConventionFileError
from workflow.files.scdl import (
    TO_COMPLETE,
    csv_header_of,
    is_scdl_file,
    is_scdl_header,
    parse_scdl,
    read_scdl,
)
from workflow.files.spreadsheet import COLUMNS as CONVENTION_COLUMNS
from workflow.files.spreadsheet import template_csv

SCDL = Path(__file__).parents[1] / "e2e" / "scdl" / "subventions.csv"
LINES = SCDL.read_text(encoding="utf-8").splitlines()


def test_the_header_tells_an_scdl_file_from_a_spreadsheet_of_conventions() -> None:
    assert is_scdl_header(COLUMNS) and is_scdl_file(SCDL)
    assert not is_scdl_header(CONVENTION_COLUMNS)
    assert not is_scdl_header(csv_header_of(template_csv()))
    assert is_scdl_header(["nomAttribuant", "objet", "montant"])  # then refused, naming the rest


def test_a_french_excel_csv_with_bom_and_empty_rows_reads_the_same(tmp_path: Path) -> None:
    french = "\n".join([LINES[0].replace(",", ";"), ";" * 15, LINES[1].replace(",", ";")])
    path = tmp_path / "excel.csv"
    path.write_text(french + "\n", encoding="utf-8-sig")

    (row,) = read_scdl(path)

    assert row.line == 3 and row.fields["parties[1].siret"] == "12345678900015"
    assert row.fields["amount"] == "200000.00" and row.decision == "DEL-2025-041"


def test_each_mapped_column_lands_in_its_field_and_nothing_else_is_filled() -> None:
    first, second, third = parse_scdl("\n".join(LINES), "s.csv")

    assert set(first.fields) == {"parties[0].name", "parties[0].siret", "parties[1].name",
                                 "parties[1].siret", "object", "amount"}  # fmt: skip
    assert first.missing == TO_COMPLETE
    assert second.fields["parties[1].rna"] == "W131234567" and second.beneficiary == "W131234567"
    assert third.decision == "" and third.key == "|32109876500019|2025-06-30|30000.00"
    assert (
        third.facts["pourcentageSubvention"] == "0.5" and third.facts["nature"] == "aide en nature"
    )


def test_an_unknown_column_refuses_the_file_on_the_header() -> None:
    with pytest.raises(ConventionFileError) as refused:
        parse_scdl(LINES[0] + ",commentaire\n" + LINES[1] + ",x\n", "s.csv")

    assert (refused.value.code, refused.value.field, refused.value.line) == (
        "unknown_column", "commentaire", 1)  # fmt: skip


def test_a_file_with_its_header_alone_has_no_rows() -> None:
    with pytest.raises(ConventionFileError) as refused:
        parse_scdl(LINES[0] + "\n", "s.csv")

    assert refused.value.code == "spreadsheet_without_rows"


def test_an_amount_written_the_french_way_is_refused_with_examples_scdl_accepts() -> None:
    """fr.csv: « 27 000,00 » was refused « (par exemple 200000.00 ou 200 000,00) », the second
    example one the SCDL reader refuses too."""
    from workflow.wording.refusals import problem_text
    from workflow.wording.words import Words

    assert "200000.00" in LINES[1]
    with pytest.raises(ConventionFileError) as refused:
        parse_scdl(LINES[0] + "\n" + LINES[1].replace("200000.00", '"27 000,00"'), "s.csv")
    assert refused.value.code == "scdl_not_an_amount"

    said = problem_text(Words("fr"), "scdl_not_an_amount", {"value": "27 000,00"})
    examples = said.split("par exemple ")[1].rstrip(")").split(" ou ")
    assert examples == ["27000.00", "27000"]
    for example in examples:
        (row,) = parse_scdl(LINES[0] + "\n" + LINES[1].replace("200000.00", example), "s.csv")
        assert row.fields["amount"] == "27000.00"
    assert "schéma SCDL" in said and "200 000,00" not in said
