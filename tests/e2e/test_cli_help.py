"""`--help` speaks the command line's language: French unless CONVFLOW_LANGUAGE=en (README,
"The command line"), every piece of it from the catalogue, what one types left as it is typed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from workflow.cli import cli
from workflow.cli.help_words import HELP, help_messages
from workflow.wording.catalogue import po_path

ROOT = Path(__file__).resolve().parents[2]


def _help(*args: str, language: str | None = None) -> str:
    """What `convflow ARGS --help` prints, run as a person runs it (a new process)."""
    env = {key: value for key, value in os.environ.items() if key != "CONVFLOW_LANGUAGE"}
    if language is not None:
        env["CONVFLOW_LANGUAGE"] = language
    done = subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args, "--help"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert done.stderr == ""
    return done.stdout


def test_convflow_help_is_french_by_default() -> None:
    shown = _help()

    assert shown.startswith("Utilisation\u00a0: convflow [OPTIONS] COMMANDE [ARGUMENTS]...\n")
    assert (
        "convflow\u00a0: le cycle de vie des conventions de partenariat de la Métropole." in shown
    )
    assert "\nOptions\u00a0:\n" in shown and "\nCommandes\u00a0:\n" in shown
    options = _flat(shown.split("\nOptions\u00a0:\n")[1].split("\nCommandes\u00a0:\n")[0]).strip()
    assert options == (
        "--config FILE Fichier de réglages TOML\u00a0; les variables d'environnement CONVFLOW_* "
        "l'emportent sur lui. --version Afficher la version et quitter. -h, --help Afficher ce "
        "message et quitter."
    )
    listed = re.sub(r"[ \n]+", " ", shown.split("\nCommandes\u00a0:\n")[1])  # not U+00A0
    assert "amend Rédiger un avenant à la convention REFERENCE et afficher son numéro. " in listed
    assert (
        "status Montrer où en est la convention REFERENCE\u00a0: état, conditions, signatures, "
        "échéances expliquées. "
    ) in listed
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Draft an amendment"):
        assert english not in shown


def test_convflow_help_is_english_with_convflow_language_en() -> None:
    shown = _help(language="en")

    assert shown.startswith("Usage: convflow [OPTIONS] COMMAND [ARGS]...\n")
    assert "\nOptions:\n" in shown and "\nCommands:\n" in shown
    assert "TOML settings file; CONVFLOW_* environment variables take" in shown
    assert "-h, --help     Show this message and exit.\n" in shown
    # the column of the commands' summaries as wide as the longest name (`cancel-email`)
    assert " amend Draft an amendment (avenant) to REFERENCE and print its number. " in (
        " ".join(shown.split())
    )
    assert "Utilisation" not in shown and "Afficher" not in shown


def test_a_command_s_help_is_french_by_default() -> None:
    shown = _help("status")

    assert shown == (
        "Utilisation\u00a0: convflow status [OPTIONS] REFERENCE\n\n"
        "  Montrer où en est la convention REFERENCE\u00a0: état, conditions, signatures,\n"
        "  échéances expliquées.\n\n"
        "Options\u00a0:\n"
        "  --json      Afficher du JSON, pour les scripts.\n"
        "  -h, --help  Afficher ce message et quitter.\n"
    )


def test_a_command_s_help_is_english_with_convflow_language_en() -> None:
    shown = _help("status", language="en")

    assert shown == (
        "Usage: convflow status [OPTIONS] REFERENCE\n\n"
        "  Show where convention REFERENCE stands: state, terms, signatures, deadlines\n"
        "  explained.\n\n"
        "Options:\n"
        "  --json      Print JSON for scripts.\n"
        "  -h, --help  Show this message and exit.\n"
    )


def test_a_subcommand_s_help_says_its_options_and_their_defaults_in_french() -> None:
    shown = _help("deadline", "dispute")
    flat = _flat(shown)  # its no-break spaces kept

    assert shown.startswith("Utilisation\u00a0: convflow deadline dispute [OPTIONS]\n")
    assert "Fin de la période amiable de l'article 6 et premier jour où une partie peut" in flat
    assert (
        "--received DATE Réception de la lettre recommandée (date ou instant ISO)\u00a0; "
        "obligatoire "
        "sauf si la lettre n'a jamais été retirée (--uncollected avec --presented)."
    ) in flat
    assert (
        "--days INTEGER RANGE Durée de la période amiable (jours). [par défaut\u00a0: 30\u00a0; "
        "1<=x<=365]" in flat
    )
    assert "--json Afficher du JSON, pour les scripts." in flat
    assert "Amicable window" not in shown and "default:" not in shown


def test_a_subcommand_s_help_in_english_is_click_s() -> None:
    flat = " ".join(_help("deadline", "dispute", language="en").split())

    assert flat.startswith("Usage: convflow deadline dispute [OPTIONS] End of the amicable window")
    assert "--days INTEGER RANGE Amicable window. [default: 30; 1<=x<=365]" in flat
    assert "-h, --help Show this message and exit." in flat


def test_a_group_lists_its_commands_in_french() -> None:
    shown = _help("deadline")

    assert shown.startswith(
        "Utilisation\u00a0: convflow deadline [OPTIONS] COMMANDE [ARGUMENTS]...\n"
    )
    assert "\nCommandes\u00a0:\n  dispute      Fin de la période amiable de l'article 6" in shown


@pytest.mark.parametrize("width", [50, 80, 100])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_group_lists_each_command_with_its_first_sentence_whole(
    width: int, language: str
) -> None:
    # Click cut each summary at the terminal's width: `convflow --help` listed « amend  Rédiger
    # un avenant à la convention REFERENCE et afficher... », 21 of its 30 commands so.
    for group in (cli, *_groups(cli)):
        path = [] if group is cli else [group.name or ""]
        shown = CliRunner().invoke(cli, [*path, "--help"], env={"CONVFLOW_LANGUAGE": language},
                                   terminal_width=width)  # fmt: skip
        assert shown.exit_code == 0, path
        heading = {"fr": "\nCommandes\u00a0:\n", "en": "\nCommands:\n"}[language]
        listing = shown.output.split(heading)[1]
        assert "..." not in listing, (path, listing)
        entries = dict(_listed(listing))
        for name in group.list_commands(click.Context(group)):
            said = entries[name]
            assert said[0].isupper() and said.endswith("."), (path, name, said)


def _listed(listing: str) -> Iterator[tuple[str, str]]:
    """(command, what the list says of it) for each entry of a « Commands » section."""
    for entry in re.split(r"\n(?=  \S)", listing.rstrip("\n")):
        name, said = entry.strip().split(" ", 1)
        yield name, re.sub(r"[ \n]+", " ", said.strip())  # its lines joined, U+00A0 kept


def _groups(group: click.Group) -> list[click.Group]:
    """The groups under `group` (each listing commands of its own)."""
    ctx = click.Context(group)
    found = [group.get_command(ctx, name) for name in group.list_commands(ctx)]
    return [command for command in found if isinstance(command, click.Group)]


def test_an_option_s_shown_default_is_said_in_french(tmp_path: Path) -> None:
    shown = _flat(CliRunner().invoke(cli, ["amend", "--help"], env={"CONVFLOW_LANGUAGE": "fr"})
                  .output)  # fmt: skip

    assert "--by TEXT Qui le rédige. [par défaut\u00a0: (votre identifiant)]" in shown


def test_a_command_s_help_speaks_the_language_of_the_settings_file(tmp_path: Path) -> None:
    # As the command itself would: its settings file says English.
    settings = tmp_path / "convflow.toml"
    settings.write_text('language = "en"\n', encoding="utf-8")

    result = CliRunner().invoke(cli, ["--config", str(settings), "status", "--help"],
                                env={"CONVFLOW_LANGUAGE": None}, prog_name="convflow")  # fmt: skip

    assert result.exit_code == 0
    assert result.output.startswith("Usage: convflow status [OPTIONS] REFERENCE\n")


def _commands(
    command: click.Command, ctx: click.Context
) -> Iterator[tuple[click.Command, click.Context]]:
    yield command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None
            sub_ctx = click.Context(sub, info_name=name, parent=ctx, **sub.context_settings)
            yield from _commands(sub, sub_ctx)


ROOT_CONTEXT = click.Context(cli, info_name="convflow", **cli.context_settings)


def _metavars() -> set[str]:
    """The words of every metavar the command line shows (REFERENCE, FILE, N, DATE...)."""
    found: set[str] = set()
    for command, ctx in _commands(cli, ROOT_CONTEXT):
        for param in command.get_params(ctx):
            found |= set(re.findall(r"[A-Z][A-Z0-9_]*", param.make_metavar(ctx)))
    return found


COMMANDS = "|".join(cli.list_commands(click.Context(cli)))


def _typed(text: str, metavars: set[str]) -> set[str]:
    """What a person types, in a help text: options, backquoted commands, `convflow` commands,
    KEY= names of inputs, variables, metavars."""
    typed = set(re.findall(rf"`[^`]+`|(?<![\w-])--?[a-z][a-z-]*|convflow (?:{COMMANDS})\b|"
                           r"\b[a-z_.]+=|CONVFLOW_[A-Z_]*", text))  # fmt: skip
    words = set(re.findall(r"(?<![\w])[A-Z][A-Z0-9_]*(?![\w])", text))
    return typed | (words & metavars)


with po_path("fr").open("rb") as po:
    FRENCH = {
        str(message.id): str(message.string)
        for message in read_po(po, locale="fr")
        if message.context == HELP and message.id
    }


def test_every_piece_of_help_has_its_french_and_keeps_what_one_types() -> None:
    metavars = _metavars()
    assert {"REFERENCE", "FILE", "N", "DATE", "EVENT"} <= metavars
    shown = {message for message, _ in help_messages(cli, "convflow")}
    assert len(shown) > 100

    for message in shown:
        french = FRENCH.get(message)
        assert french, f"no French for {message!r}: run `make messages`, then translate"
        assert _typed(message, metavars) <= _typed(french, metavars), message


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_command_s_help_is_said_in_the_command_line_s_language(language: str) -> None:
    usage = {"fr": "Utilisation\u00a0: ", "en": "Usage: "}[language]
    other = {"fr": "Show this message and exit.", "en": "Afficher ce message et quitter."}
    for _, ctx in _commands(cli, ROOT_CONTEXT):
        path = ctx.command_path.split()[1:]
        shown = CliRunner().invoke(cli, [*path, "--help"], env={"CONVFLOW_LANGUAGE": language})
        assert shown.exit_code == 0, path
        assert shown.output.startswith(usage), path
        assert other[language] not in shown.output, path


NO_BREAK = "\u00a0"


def _flat(shown: str) -> str:
    """A help on one line, its no-break spaces kept (`str.split` would take them for spaces)."""
    return re.sub(r"[ \n]+", " ", shown)


def test_a_whole_number_without_bounds_shows_no_range_and_one_bound_shows_it() -> None:
    # `--discard N` (WholeNumber() without bounds) showed « [x<=None] » after its help.
    for language in ("fr", "en"):
        discard = [line for line in _help("drafts", language=language).splitlines()
                   if "--discard" in line and line.startswith("  --")]  # fmt: skip
        assert len(discard) == 1 and discard[0].endswith("."), discard
        assert "[" not in discard[0] and "None" not in discard[0], discard
    assert "[x>=1]" in _help("letter", language="en")
    assert "[x>=1]" in _help("letter")


def test_click_s_wrapping_never_breaks_at_a_no_break_space() -> None:
    # What the French help relies on: Python's textwrap (click's wrapper) breaks at ASCII
    # whitespace only.
    text = f"un mot{NO_BREAK}: puis{NO_BREAK}; encore{NO_BREAK}? fin{NO_BREAK}! " * 8
    for width in range(12, 60):
        for line in click.wrap_text(text, width).splitlines():
            assert not line.lstrip().startswith((":", ";", "?", "!")), (width, line)


@pytest.mark.parametrize("width", [50, 80, 100])
def test_no_line_of_any_french_help_starts_with_a_sign_that_follows_a_word(width: int) -> None:
    # `run-due --help` showed a line « : ce qui était dû… », `emails --help` « ; la galerie… »:
    # click wrapped at the space French puts before « : », « ; », « ? », « ! ».
    for _, ctx in _commands(cli, ROOT_CONTEXT):
        path = ctx.command_path.split()[1:]
        shown = CliRunner().invoke(cli, [*path, "--help"], env={"CONVFLOW_LANGUAGE": "fr"},
                                   terminal_width=width)  # fmt: skip
        assert shown.exit_code == 0, path
        for line in shown.output.splitlines():
            assert not line.lstrip().startswith((":", ";", "?", "!", "»")), (path, line)
            assert not line.rstrip().endswith("«"), (path, line)
            assert "None]" not in line, (path, line)


def test_the_french_help_ties_its_signs_to_the_word_before_them() -> None:
    run_due = _help("run-due")
    emails = _help("emails")

    assert f"(par défaut{NO_BREAK}: maintenant){NO_BREAK}: ce qui était dû" in _flat(run_due)
    assert f"service{NO_BREAK}; la galerie" in _flat(emails)
    assert NO_BREAK not in _help("run-due", language="en")


def test_the_extras_of_an_option_are_said_with_french_separators_and_limit_has_a_help() -> None:
    french = _help("outbox")
    english = _help("outbox", language="en")

    assert f"[par défaut{NO_BREAK}: 200{NO_BREAK}; 1<=x<=10000]" in french
    assert "--limit INTEGER RANGE Combien de courriels lister au plus, les plus récents." in (
        " ".join(french.split())
    )
    assert "--limit INTEGER RANGE How many emails to list at most, the newest ones. " \
        "[default: 200; 1<=x<=10000]" in " ".join(english.split())  # fmt: skip
    assert "200; " not in french


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_argument_s_usage_is_the_name_its_help_gives_it(language: str) -> None:
    # `committee --help` said « ACTION est `add`… » under « REFERENCE {add|list|cadence} »,
    # `letter --help` « le courrier KIND » under « REFERENCE {dispute|…} ».
    committee = " ".join(_help("committee", language=language).split())
    letter = " ".join(_help("letter", language=language).split())

    assert "convflow committee [OPTIONS] REFERENCE ACTION [MONTHS] " in committee
    assert "convflow letter [OPTIONS] REFERENCE KIND " in letter
    for choice in ("`add`", "`list`", "`cadence MONTHS`"):  # the choices, in the text
        assert choice in committee.split("Options")[0]
    for kind in ("dispute", "termination", "award", "amendment"):
        assert kind in letter.split("Options")[0].split("KIND", 2)[2]
    assert "{" not in committee and "{" not in letter


def test_serve_help_names_its_probes_the_signals_that_stop_it_and_its_exit_codes() -> None:
    for language, words in (
        ("en", ["/healthz (alive)", "/readyz (ready", "/metrics (Prometheus)",
                "SIGTERM, SIGINT (Ctrl-C) and SIGHUP stop it the same way", "25 seconds at most",
                "Exit codes: 0 stopped by one of them, 1 refused to start"]),
        ("fr", ["/healthz (en vie)", "/readyz (prêt", "/metrics (Prometheus)",
                "SIGTERM, SIGINT (Ctrl-C) et SIGHUP l'arrêtent de la même façon",
                "25 secondes au plus", "Codes de sortie : 0 arrêté par l'un d'eux, 1 refus"]),
    ):  # fmt: skip
        flat = " ".join(_help("serve", language=language).split())  # as wrapped, unwrapped
        for said in words:
            assert " ".join(said.split()) in flat, (language, said)
