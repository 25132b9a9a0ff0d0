"""Refusals of a file convflow could not read say why in French, not in a library's English.

A convention file with a TOML mistake was refused with tomllib's own words (« Invalid date or
datetime (column 12) », « Illegal character '\\n' », « Cannot declare ('parties',) twice »),
and one saved with a byte order mark (Windows Notepad) was refused as « Invalid statement ».
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from states.errors import InvalidInput
from workflow.files.amendment_file import read_amendment_file
from workflow.files.convention_file import ConventionFileError, parse_file, read_file
from workflow.files.extract.documents import UnreadableDocument, read_document
from workflow.files.spreadsheet import read_spreadsheet, template_csv
from workflow.settings import load_settings
from workflow.wording.refusals import say
from workflow.wording.words import Words

EXAMPLE = Path(__file__).parents[2] / "examples" / "convention-exemple-quartiers-nord-2027.toml"
FRENCH = Words("fr", names=True)  # as the command line says it
LIBRARY_ENGLISH = ("Invalid", "Illegal", "Cannot", "Expected", "Unclosed", "column", "codec")


def _example(old: str, new: str, count: int = 1) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, count)


def _refusal(text: str) -> tuple[ConventionFileError, str]:
    with pytest.raises(ConventionFileError) as raised:
        parse_file(text, "c.toml", payment_target_days=30, signature_target_days=30)
    return raised.value, say(raised.value, FRENCH).message


def _no_library_english(said: str) -> None:
    assert not any(word in said for word in LIBRARY_ENGLISH), said


def test_a_date_of_no_calendar_is_said_so_with_its_line_key_and_column() -> None:
    error, said = _refusal(_example("end_date = 2027-12-31", "end_date = 2027-02-30"))

    assert error.code == "toml_not_a_date" and error.line == 13
    assert said == (
        "c.toml, ligne 13\u00a0: Terme (date de fin) (end_date)\u00a0: «\u00a02027-02-30\u00a0» "
        "n'est pas une date"
        " du calendrier\u00a0: ce jour ou ce mois n'existe pas (colonne 12)"
    )


def test_a_month_13_is_no_date_either_not_a_line_that_goes_on() -> None:
    error, said = _refusal(_example("end_date = 2027-12-31", "end_date = 2027-13-01"))

    assert error.code == "toml_not_a_date", said
    assert "«\u00a02027-13-01\u00a0» n'est pas une date du calendrier" in said


def test_a_missing_closing_quote_is_said_on_its_key() -> None:
    error, said = _refusal(_example('place = "Marseille"', 'place = "Marseille'))

    assert error.code == "toml_unterminated_string" and error.line == 14
    assert said == (
        "c.toml, ligne 14\u00a0: Lieu de signature (place)\u00a0: texte sans guillemet "
        "fermant\u00a0: ajoutez"
        ' le " qui termine la valeur (colonne 19)'
    )


def test_a_party_written_as_a_single_table_says_the_double_brackets() -> None:
    error, said = _refusal(_example("[[parties]]", "[parties]", 2))

    assert error.code == "toml_table_not_repeated" and error.line == 41
    assert "la table [parties] est déclarée une seconde fois" in said
    assert "[[parties]] (colonne 9)" in said
    _no_library_english(said)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("reference AMP\n", "toml_equals_expected"),
        ("place = Marseille\n", "toml_invalid_value"),
        ('place = "M" title = "T"\n', "toml_line_goes_on"),
        ("[clauses\n", "toml_unclosed"),
        ('place = "C:\\dossier"\n', "toml_bad_escape"),
        ('reference = "A"\nreference = "B"\n', "toml_value_twice"),
        ("<convention/>", "toml_invalid_statement"),
        ('place = "a\x01b"\n', "toml_control_character"),
        ("x = " + "[" * 5000 + "]" * 5000, "toml_too_deep"),
    ],
)
def test_common_toml_mistakes_are_said_in_french(text: str, code: str) -> None:
    error, said = _refusal(text)

    assert error.code == code, said
    _no_library_english(said)


def test_an_unknown_toml_message_keeps_tomllib_words_at_the_end_marked_as_its() -> None:
    said = FRENCH.entry("error", "toml_syntax", detail="Something new", column="4")

    assert said == (
        "ce n'est pas du TOML valide à la colonne 4 (message de l'analyseur TOML\u00a0: Something "
        "new)"
    )


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.read_bytes())

    read = read_file(path, payment_target_days=30, signature_target_days=30)

    assert read.convention.reference == "AMP-EXEMPLE-2027"


def test_an_amendment_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "avenant.toml"
    path.write_bytes(b"\xef\xbb\xbf[changes]\nend_date = 2028-06-30\n")

    assert read_amendment_file(path) == {"end_date": "2028-06-30"}


def test_a_settings_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "convflow.toml"
    path.write_bytes(b'\xef\xbb\xbfsmtp_host = "mail.example.org"\n')

    assert load_settings({}, path).smtp_host == "mail.example.org"


def test_a_csv_saved_by_excel_in_windows_1252_says_where_and_how_to_save_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "conventions.csv"
    path.write_bytes("reference;title\nAMP-1;Convention été\n".encode("cp1252"))

    with pytest.raises(ConventionFileError) as raised:
        read_spreadsheet(path, payment_target_days=30, signature_target_days=30)

    error = raised.value
    assert (error.code, error.line, error.params["byte"], error.params["column"]) == (
        "spreadsheet_not_utf8", 2, "0xE9", 18,
    )  # fmt: skip
    said = say(error, FRENCH).message
    assert "enregistrez-le au format «\u00a0CSV UTF-8 (délimité par des virgules)\u00a0»" in said
    assert "codec" not in said and "position" not in said


def test_a_latin_1_toml_says_the_line_of_its_first_accent(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(b'reference = "A"\nplace = "Aubagne"\ntitle = "\xe9t\xe9"\n')

    with pytest.raises(ConventionFileError) as raised:
        read_file(path, payment_target_days=30, signature_target_days=30)

    assert (raised.value.code, raised.value.line, raised.value.params["column"]) == (
        "file_not_utf8", 3, 10,
    )  # fmt: skip
    assert "codec" not in say(raised.value, FRENCH).message


@pytest.mark.parametrize(
    ("name", "content", "french"),
    [
        ("c.pdf", b"%PDF-1.4\ngarbage", "ce n'est pas un PDF lisible, le fichier est abîmé"),
        ("c.docx", b"PK\x03\x04garbage", "ce n'est pas un document Word lisible, le fichier"),
    ],
)
def test_a_broken_document_is_said_in_french_without_the_reader_s_english(
    tmp_path: Path, name: str, content: bytes, french: str
) -> None:
    """The reader's words (« No /Root object! - Is this really a PDF? », « File is not a zip
    file ») are the refusal's `detail`, for a script and the log: the sentence does not say
    them (a tester found them pasted in French refusals)."""
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(UnreadableDocument) as raised:
        read_document(path)

    said = say(raised.value, FRENCH).message
    assert said.startswith(f"{path}\u00a0: {french}"), said
    assert said.endswith("enregistrez-le de nouveau au format PDF") or said.endswith(
        "enregistrez-le au format «\xa0Document Word (*.docx)\xa0»"
    ), said
    assert raised.value.params["detail"] and raised.value.params["detail"] not in said
    assert "message du lecteur" not in said


def test_a_broken_workbook_is_said_in_french_openpyxl_words_last_and_marked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "conventions.xlsx"
    path.write_bytes(b"PK\x03\x04garbage")

    with pytest.raises(ConventionFileError) as raised:
        read_spreadsheet(path, payment_target_days=30, signature_target_days=30)

    said = say(raised.value, FRENCH).message
    assert "ne se lit pas comme un classeur Excel (.xlsx), il est abîmé" in said
    assert said.endswith("(message du lecteur de classeurs\u00a0: File is not a zip file)"), said


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        (
            "31/12/27",
            "«\u00a031/12/27\u00a0» n'est pas une date\u00a0: écrivez-la sous la forme 31/12/2025",
        ),
        ("31/02/2027", "«\u00a031/02/2027\u00a0» n'est pas une date du calendrier"),
    ],
)
def test_a_spreadsheet_date_refusal_gives_the_spreadsheets_own_form(
    tmp_path: Path, cell: str, said: str
) -> None:
    path = tmp_path / "conventions.csv"
    path.write_text(template_csv().replace("2025-12-31", cell, 1), encoding="utf-8")

    with pytest.raises(ConventionFileError) as raised:
        read_spreadsheet(path, payment_target_days=30, signature_target_days=30)

    assert said in say(raised.value, FRENCH).message


def _config_refusal(tmp_path: Path, content: bytes, language: str = "fr") -> str:
    """What `convflow --config c.toml config` says on stderr of a settings file holding
    `content` (no CONVFLOW_* variable from the environment running the tests)."""
    from click.testing import CliRunner

    from workflow.cli import cli

    path = tmp_path / "c.toml"
    path.write_bytes(content)
    env = {name: None for name in os.environ if name.startswith("CONVFLOW_")}
    result = CliRunner().invoke(cli, ["--config", str(path), "config"],
                                env={**env, "CONVFLOW_LANGUAGE": language})  # fmt: skip
    assert result.exit_code == 1, result.output
    return result.stderr.strip().replace(str(path), "c.toml")


def test_a_settings_file_s_syntax_is_said_at_its_line_and_column_in_french(
    tmp_path: Path,
) -> None:
    said = _config_refusal(tmp_path, b'smtp_port = "abc"\n[x\n')

    assert said == (
        "Erreur\u00a0: c.toml, ligne 2\u00a0: Fichier TOML (toml)\u00a0: il manque le "
        "«\u00a0]\u00a0» qui ferme la liste"
        " ou la table ouverte (colonne 3)"
    )


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("language = 'français'".encode("latin-1"),
         "c.toml, ligne 1\u00a0: Fichier (file)\u00a0: ce n'est pas du texte UTF-8\u00a0: l'octet "
         "0xE7"),
        (b"x = " + b"[" * 5000 + b"]" * 5000,
         "c.toml\u00a0: Fichier TOML (toml)\u00a0: des listes ou des tables sont imbriquées"),
        (b"smtp_port = 1\nsmtp_port = 2\n",
         "c.toml, ligne 2\u00a0: smtp_port\u00a0: cette clé a déjà une valeur plus haut"),
        (b"language = ", "c.toml, ligne 1\u00a0: language\u00a0: valeur illisible"),
    ],
)  # fmt: skip
def test_no_settings_file_is_refused_in_a_library_s_english(
    tmp_path: Path, content: bytes, said: str
) -> None:
    refused = _config_refusal(tmp_path, content)

    assert refused.startswith(f"Erreur\u00a0: {said}"), refused
    _no_library_english(refused)
    assert "TOML valide" not in refused and "not UTF-8" not in refused
    assert "nested too deeply" not in refused


def test_a_settings_file_s_refusals_name_the_file_as_every_other_refusal_does(
    tmp_path: Path,
) -> None:
    """« c.toml : smtp_port » (French typography, and its line), never « c.toml: smtp_port »."""
    assert _config_refusal(tmp_path, b'\n# the port\nsmtp_port = "abc"\n') == (
        "Erreur\u00a0: c.toml, ligne 3\u00a0: smtp_port\u00a0: «\u00a0abc\u00a0» n'est pas un "
        "nombre entier"
    )
    assert _config_refusal(tmp_path, b"CONVFLOW_SMTP_PORT = 0\n") == (
        "Erreur\u00a0: c.toml, ligne 1\u00a0: CONVFLOW_SMTP_PORT\u00a0: 0 n'est pas compris entre "
        "1 et 65\u202f535"
    )
    assert _config_refusal(tmp_path, b'colour = "blue"\n') == (
        "Erreur\u00a0: c.toml, ligne 1\u00a0: colour\u00a0: réglage inconnu"
    )
    assert _config_refusal(tmp_path, b'colour = "blue"\n', "en") == (
        "Error: c.toml, line 1: colour: unknown setting"
    )


def test_a_settings_file_that_is_a_folder_is_said_so(tmp_path: Path) -> None:
    (tmp_path / "folder.toml").mkdir()
    with pytest.raises(InvalidInput) as raised:
        load_settings({"CONVFLOW_CONFIG": str(tmp_path / "folder.toml")})

    assert say(raised.value, FRENCH).message == (
        f"{tmp_path / 'folder.toml'}\u00a0: c'est un dossier, pas un fichier de réglages"
    )
