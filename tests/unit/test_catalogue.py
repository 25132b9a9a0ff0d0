"""The message catalogue holds every word convflow needs, in French and in English.

The codes are read from what the code base declares (`states.errors.CODES`, the frames and
hints of `workflow.wording.refusals`, the labels' `GLOSSARY`, the sentences said through
`words(...)`), never copied here: a new code without its French text fails, and so does a
French text whose code nothing raises any more.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path
from typing import Any, get_args

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from states.errors import CODES, FRAME_KINDS, ConvflowError, Kind
from workflow.cli.help_words import CLICK_WORDS, HELP
from workflow.wording.catalogue import LANGUAGES, po_path
from workflow.wording.extract import template
from workflow.wording.glossary import GLOSSARY
from workflow.wording.refusals import FRAMES, HINTS, KIND_SAYERS, problem_text
from workflow.wording.words import Words

ROOT = Path(__file__).resolve().parents[2]
CODE_SHAPE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as po:  # type: ignore[arg-type]
        return read_po(po, locale=language)


FRENCH, ENGLISH = read("fr"), read("en")
TEMPLATE = template()


def entries(catalog: Catalog) -> dict[tuple[str | None, str], Message]:
    return {(m.context, str(m.id)): m for m in catalog if m.id}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_code_is_snake_case_english_and_says_its_parameters_kinds():
    assert all(CODE_SHAPE.match(code) for code in CODES)
    assert {kind for params in CODES.values() for kind in params.values()} <= set(get_args(Kind))
    assert set(KIND_SAYERS) == set(get_args(Kind))  # every kind can be said
    assert set(FRAME_KINDS.values()) <= set(get_args(Kind))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogues_hold_exactly_what_the_code_declares(language):
    # `make messages` writes them from the code; an entry missing or left over fails here.
    wanted, held = set(entries(TEMPLATE)), set(entries(read(language)))

    assert sorted(wanted - held, key=str) == [], "run `make messages`, then translate"
    assert sorted(held - wanted, key=str) == [], "entries no code declares: run `make messages`"


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_a_french_and_an_english_text_saying_only_its_parameters(code):
    for catalog in (FRENCH, ENGLISH):
        message = catalog.get(code, context="error")
        assert message is not None and message.string and not message.fuzzy, (catalog.locale, code)
        assert placeholders(str(message.string)) <= set(CODES[code]), (catalog.locale, code)


@pytest.mark.parametrize(("frame", "names"), sorted(FRAMES.items()))
def test_every_frame_is_said_in_both_languages(frame, names):
    for catalog in (FRENCH, ENGLISH):
        message = catalog.get(frame, context="frame")
        assert message is not None and message.string, (catalog.locale, frame)
        assert placeholders(str(message.string)) <= set(names), (catalog.locale, frame)


@pytest.mark.parametrize("code", HINTS)
def test_every_hint_of_the_command_line_is_said_in_both_languages(code):
    assert code in CODES
    for catalog in (FRENCH, ENGLISH):
        message = catalog.get(code, context="hint")
        assert message is not None and message.string, (catalog.locale, code)
        assert placeholders(str(message.string)) <= set(CODES[code]) | set(FRAME_KINDS)


@pytest.mark.parametrize(
    ("sort", "name"), [(sort, name) for sort, names in GLOSSARY.items() for name in names]
)
def test_every_public_name_has_a_french_label(sort, name):
    message = FRENCH.get(name, context=sort)

    assert message is not None and message.string and not message.fuzzy, (sort, name)
    numbered = {"number"} if sort == "amendment_action" else set()  # 'avenant n°{number}'
    assert placeholders(str(message.string)) == placeholders(name) | numbered


def test_every_sentence_of_the_entry_points_is_french_too():
    sentences = [m for m in TEMPLATE if m.id and m.context is None]
    assert len(sentences) > 50  # the command line's words are found
    for message in sentences:
        french = FRENCH.get(str(message.id))
        assert french is not None and french.string and not french.fuzzy, message.id
        assert placeholders(str(french.string)) == placeholders(str(message.id)), message.id


def test_every_piece_of_help_is_french_too():
    # What `--help` shows (context `help`, tests/e2e/test_cli_help.py for what it keeps): a new
    # option's help, a command's docstring, without its French fails here.
    helps = [m for m in TEMPLATE if m.id and m.context == HELP]
    assert len(helps) > 100  # every command's help is found
    for message in helps:  # the English catalogue leaves them as they are written: the source
        french = FRENCH.get(str(message.id), context=HELP)
        assert french is not None and french.string and not french.fuzzy, message.id
    for word in CLICK_WORDS:  # "default: {default}"
        said = FRENCH.get(word, context=HELP)
        assert said is not None and placeholders(str(said.string)) == placeholders(word), word


def test_no_entry_is_fuzzy():
    assert [m.id for m in (*FRENCH, *ENGLISH) if m.id and m.fuzzy] == []


def _table_node(tree: ast.Module) -> ast.AST:
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "CODES":
            return node
    raise AssertionError("CODES not found in states/errors.py")


def raised_literals() -> set[str]:
    """Every string literal of the code base, but those of the CODES table itself."""
    found: set[str] = set()
    for package in ("states", "storage", "workflow"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skipped = (
                set(map(id, ast.walk(_table_node(tree))))
                if path == ROOT / "states" / "errors.py"
                else set()
            )
            found |= {
                node.value
                for node in ast.walk(tree)
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skipped
            }
    return found


def test_every_declared_code_is_raised_somewhere():
    # A code nothing raises would keep a French text no one reads.
    assert sorted(set(CODES) - raised_literals()) == []


def test_an_undeclared_code_or_a_wrong_parameter_is_a_programming_error():
    with pytest.raises(TypeError, match="undeclared"):
        ConvflowError("no_such_code")
    with pytest.raises(TypeError, match="court_from"):
        ConvflowError("amicable_window_open", court_form="2025-07-03")


SAMPLES: dict[str, Any] = {
    "text": "abc",
    "path": "/srv/convflow/convention.toml",
    "number": 3,
    "count": 25000,
    "bytes": 52428800,
    "date": "2025-07-03",
    "instant": "2025-07-03T08:00:00Z",
    "amount": "200000.00",
    "list": ["a", "b"],
    "event": "sign",
    "events": ["submit", "sign"],
    "action": "pay",
    "actions": ["submit", "cancel"],
    "amendment_action": "sign",
    "amendment_actions": ["submit", "abandon"],
    "state": "execution",
    "amendment_state": "signature",
    "input": "received",
    "inputs": ["amount", "note"],
    "terms": ["end_date", "signatory.<party>"],
    "basis": "dispatch",
    "letter_kind": "termination",
    "problems": [{"field": "title", "line": 3, "code": "empty_text", "params": {}}],
    "form": r"^\d{2}-\d{2}$",
    "expected": "text",
    "suggestion": "amount",
    "line": "pay",
    "flag": False,
    "connection": 'connection failed: connection to server at "127.0.0.1" failed: refused',
    "request_reasons": [
        {"field": "query.per_page", "reason": "out_of_range", "least": 1, "most": 200},
        {"field": "body.8", "reason": "json_malformed", "line": 1, "column": 9},
    ],
    "term_value": "200000.00",
}


@pytest.mark.parametrize("code", sorted(CODES))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_can_be_said_with_its_parameters(code, language):
    params = {name: SAMPLES[kind] for name, kind in CODES[code].items()}

    said = problem_text(Words(language), code, params)

    assert said and said != code and "{" not in said


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_name_suggested_is_said_after_the_problem_and_none_is_not_said(language):
    words = Words(language)
    suggested = problem_text(words, "unknown_field", {"closest": "amount"})
    alone = problem_text(words, "unknown_field", {"closest": None})

    assert suggested.startswith(alone) and "amount" in suggested and suggested != alone
    assert problem_text(words, "unknown_field", {}) == alone  # a refusal from before it
    assert "{" not in alone and "amount" not in alone


def test_what_the_services_own_events_record_is_said_in_french():
    # The legal review read « end_date : 31 décembre 2025 » in an expiry email.
    from workflow.wording import labels

    assert labels.input_name("end_date") == "Date de fin"
    assert labels.input_name("effective_end") == "Fin effective"


def test_french_writes_a_number_after_n_degree_with_a_no_break_space() -> None:
    """« avenant n°1 » here, « avenant n° 1 » in the emails, « n° 17-11.312 » with a plain
    space in the case law: one form, French typography's « n° 1 » (U+00A0)."""
    loose = re.compile(r"[nN]°(?:[ \u202f]?)(?=[0-9{])")
    found = [m.string for m in FRENCH if m.id and loose.search(str(m.string))]
    assert found == []


def test_the_letter_kinds_labelled_are_those_convflow_letter_writes():
    """The glossary's letter kinds are those `convflow letter` writes (it does not import them:
    they come with the letters' renderers)."""
    from workflow.letters.render import KINDS
    from workflow.wording.glossary import LETTER_KINDS

    assert LETTER_KINDS == KINDS
