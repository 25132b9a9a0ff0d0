"""French spacing in what the command line and the dashboard say: a no-break space (U+00A0, or
the narrow U+202F) before « : », « ; », « ? », « ! » and « » », and after « « », never a plain
one a line may break at.

The emails get it when they are rendered (notifications.typography); the command line and the
dashboard say the catalogue's French and the dashboard's templates as they are written, so these
are written with it, and held to it here by the emails' own rule: a plain space that
`french_fragment` (an entry is often said between other words) or `french_html` would tie is a
fault, named with its entry or its template's line.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from notifications.typography import NO_BREAK_SPACE, french_fragment, french_html
from workflow.http.rendering import TEMPLATES, environment
from workflow.wording.catalogue import po_path

NB = NO_BREAK_SPACE
EXPRESSION = "x"
"""What an expression of a template (`{{ label }}`) stands for in its text: a word."""
STATEMENT = "\n"
"""What a statement (`{% if %}`, `{% endif %}`) stands for: a space, which shows nothing and
joins no words, so that « {% if a %}Vide :{% else %}Rien :{% endif %}</p> » is read as both
« Vide : » and « Rien : » before the end of the paragraph, and « x{% endif %} ; y » still has
a word before its sign."""


def loose(text: str) -> list[str]:
    """Where `text`, said between other words, has a plain space French ties to its sign:
    each place with a few words around it, the space shown as « ␣ »."""
    return _places(text, french_fragment(text))


def _places(written: str, tied: str) -> list[str]:
    """The places where `tied`, `written` with some runs of spaces made one no-break space,
    differs from it: the offset of each run in `written`, shown with what surrounds it."""
    places, i, j = [], 0, 0
    while i < len(written):
        if j < len(tied) and written[i] == tied[j]:
            i, j = i + 1, j + 1
            continue
        start = i
        while i < len(written) and written[i] in " \t\r\n":
            i += 1
        j += 1  # the no-break space that stands for the run
        shown = f"{written[max(0, start - 25) : start]}␣{written[i : i + 25]}"
        places.append(f"{start}: {shown}".replace("\n", "⏎"))
    return places


def french_entries() -> Iterator[tuple[str, str]]:
    """Every French text of the catalogue, named `context|msgid` (the msgid cut short)."""
    with po_path("fr").open("rb") as po:  # type: ignore[arg-type]
        catalog = read_po(po, locale="fr")
    for message in catalog:
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            yield f"{message.context or ''}|{str(message.id)[:60]}", text or ""


def test_every_french_entry_of_the_catalogue_ties_its_signs_with_a_no_break_space() -> None:
    loose_entries = [f"{name} → {place}" for name, text in french_entries()
                     for place in loose(text)]  # fmt: skip

    assert loose_entries == []


def test_the_catalogue_check_reads_every_french_entry() -> None:
    # Guards the test above against passing on an empty or unread catalogue.
    texts = dict(french_entries())
    assert len(texts) > 1000
    assert texts["error|invalid_transition"].endswith(f"(possibles{NB}: {{allowed}})")
    assert texts["frame|closest"] == f"{NB}; vouliez-vous dire «{NB}{{closest}}{NB}»{NB}?"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("possibles : {allowed}", ["9: possibles␣: {allowed}"]),
        (" ; dire « x » ?", ["0: ␣; dire « x » ?", "9:  ; dire «␣x » ?", "11:  ; dire « x␣» ?",
                              "13:  ; dire « x »␣?"]),
        (f"possibles{NB}: x", []),
        ("Article 4\u202f; article 5", []),
        ("à 14:05, https://x.org/?page=2, `a != b`", []),
    ],
)  # fmt: skip
def test_a_loose_space_is_found_and_shown_where_it_is(text: str, found: list[str]) -> None:
    assert loose(text) == found


def template_reading(source: str) -> tuple[str, list[int], list[tuple[int, str]]]:
    """A dashboard template's text as its pages show it: its HTML with each expression a word,
    each statement a space and each comment nothing; the line each character comes from; and
    the string literals of its expressions (« "Litige ouvert par " ~ name », « " ; " ») with
    their line."""
    env = environment()
    read: list[str] = []
    lines: list[int] = []
    literals: list[tuple[int, str]] = []
    for token in env.lexer.tokenize(source):
        if token.type == "data":
            line = token.lineno
            for char in token.value:
                read.append(char)
                lines.append(line)
                line += char == "\n"
        elif token.type in ("variable_begin", "block_begin"):
            read.append(EXPRESSION if token.type == "variable_begin" else STATEMENT)
            lines.append(token.lineno)
        elif token.type == "string":
            literals.append((token.lineno, token.value))
    return "".join(read), lines, literals


def dashboard_templates() -> list[Path]:
    return sorted(TEMPLATES.glob("*.html"))


@pytest.mark.parametrize("template", dashboard_templates(), ids=lambda path: path.name)
def test_the_dashboard_s_own_words_tie_their_signs_with_a_no_break_space(template: Path) -> None:
    read, lines, literals = template_reading(template.read_text(encoding="utf-8"))
    in_text = [f"line {lines[int(place.split(':')[0])]}: {place.split(': ', 1)[1]}"
               for place in _places(read, french_html(read))]  # fmt: skip
    in_literals = [f"line {line}: {place.split(': ', 1)[1]}"
                   for line, literal in literals for place in loose(literal)]  # fmt: skip

    assert (in_text, in_literals) == ([], [])


def test_the_template_reading_sees_text_expressions_and_literals_apart_from_code() -> None:
    # Guards the test above: what a page shows is read, tags, statements and comments are not.
    read, lines, literals = template_reading(
        '{# a : b #}<p title="x : y">Montant :\n<strong>{{ view.amount|money }}</strong>'
        '{% if x %} ; {% endif %}<code>a : b</code></p>{{ alert("Litige : " ~ name, "« ") }}'
    )

    assert read == '<p title="x : y">Montant :\n<strong>x</strong>\n ; \n<code>a : b</code></p>x'
    assert lines[read.index("x</strong>")] == 2
    assert _places(read, french_html(read)) == [
        '24: <p title="x : y">Montant␣:⏎<strong>x</strong>⏎ ; ⏎',
        "45: tant :⏎<strong>x</strong>␣; ⏎<code>a : b</code></p>",
    ]
    assert literals == [(2, "Litige : "), (2, "« ")]
    assert [loose(literal) for _, literal in literals] == [["6: Litige␣: "], ["1: «␣"]]
    assert len(dashboard_templates()) >= 10


@pytest.mark.parametrize("template", dashboard_templates(), ids=lambda path: path.name)
def test_the_dashboard_ties_n_degree_to_its_number(template: Path) -> None:
    # « versement n° 2 » broke between « n° » and « 2 » on a phone: the emails, letters and the
    # command line write « n° » with a no-break space (as French does), two pages did not.
    read, lines, _ = template_reading(template.read_text(encoding="utf-8"))

    assert [lines[m.start()] for m in re.finditer(r"n°(?:[ \t]|(?=\S))", read)] == []


ROOT = Path(__file__).resolve().parents[2]
CODE = ("states", "workflow")
"""Where convflow's code writes French itself: the deadlines' explanations, the dashboard's
own sentences, the preview's, the letters'."""
WRITTEN_AS_IS = {
    ("workflow/usecases/csv_export.py", " ; "): "joins a history line's inputs in the CSV's "
    "« données » cell, a format the dossier check reads back",
    ("workflow/usecases/dossier_check.py", " ; "): "reads that cell back",
    ("workflow/cli/dossier_words.py", " ; "): "reads that cell back, to label its inputs",
    ("workflow/cli/verify_words.py", " ; "): "joins the signatories in English (French: U+00A0)",
    ("workflow/http/import_pages.py", "tableau de bord : "): "an import's source, recorded in "
    "its history line's inputs as the dashboard's imports always recorded it",
    ("workflow/usecases/intake_drafts.py", " : brouillon n°\u00a0"): "likewise",
    ("workflow/http/schemas.py", "the obligations overdue"): "English (the API's description)",
}  # fmt: skip
"""The literals of CODE kept with a plain space before their sign, and why: what is not a
sentence said in French."""


def _docstrings(tree: ast.AST) -> set[int]:
    """The `id` of each docstring's node: words for the code's readers."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            found |= {id(s.value) for s in node.body
                      if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)}  # fmt: skip
    return found


def _catalogue_ids() -> set[str]:
    """The catalogue's msgids: English source text, said through the catalogue (whose French
    the test above reads)."""
    with po_path("fr").open("rb") as po:  # type: ignore[arg-type]
        return {str(message.id) for message in read_po(po, locale="fr") if message.id}


def code_literals() -> Iterator[tuple[str, int, str]]:
    """Each string literal of CODE's modules (an f-string's text between its expressions), but
    docstrings and the catalogue's msgids: its file, line and text."""
    msgids = _catalogue_ids()
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = _docstrings(tree)
            name = path.relative_to(ROOT).as_posix()
            for node in ast.walk(tree):
                if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                        and id(node) not in docstrings and node.value not in msgids):  # fmt: skip
                    yield name, node.lineno, node.value


def _written_as_is(name: str, text: str) -> bool:
    return any(name == where and text.startswith(start) for where, start in WRITTEN_AS_IS)


def test_the_french_written_in_the_code_ties_its_signs_with_a_no_break_space() -> None:
    # `convflow status` said « Calcul : de quantième à quantième » and the dashboard « Filtre
    # ignoré : page », written so in states/ and workflow/ rather than in the catalogue.
    loose_literals = [f"{name}:{line} → {place}" for name, line, text in code_literals()
                      if not _written_as_is(name, text) for place in loose(text)]  # fmt: skip

    assert loose_literals == []


def test_the_code_check_reads_the_literals_and_leaves_out_docstrings_and_msgids() -> None:
    # Guards the test above against passing on nothing read.
    literals = [(name, text) for name, _, text in code_literals()]
    texts = {text for _, text in literals}
    assert len(literals) > 5000
    assert f"Réglages{NB}: " in texts  # states/deadlines.py, SETTINGS_LINE
    assert f"{NB}; état actuel{NB}: " in texts  # an f-string's text, workflow/http/diagram.py
    assert not any(text.startswith("French spacing in the emails") for text in texts)
    assert "{file}: in the dossier, but not in its manifest" not in texts  # a msgid
    assert all(any(_written_as_is(name, text) for name, text in literals)
               for name, text in WRITTEN_AS_IS)  # each exception still there  # fmt: skip
