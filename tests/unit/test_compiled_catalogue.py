"""The compiled catalogue kept beside each `.po`: written by the first process that reads the
`.po`, read by the next ones while it was made from the same text, and never a reason to fail.

Each test reads a copy of the catalogues' folder (`LOCALE_DIR` pointed at it), never the real
one; `translations` is cached per process, so the cache is emptied to stand for a new process.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from workflow.wording import catalogue
from workflow.wording.catalogue import (
    LOCALE_DIR,
    SOURCE_CONTEXT,
    SOURCE_ID,
    mo_path,
    po_path,
    translations,
)

STATE, NAME = "state", "execution"  # a label the French catalogue translates


@pytest.fixture
def locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the catalogues' folder without any compiled file, read instead of the real one."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo", "*.tmp"))
    monkeypatch.setattr(catalogue, "LOCALE_DIR", copy)
    translations.cache_clear()
    yield copy
    translations.cache_clear()


def french_label() -> str:
    """The French label of NAME as the `.po` of now says it, read by Babel directly."""
    with po_path("fr").open("rb") as po:
        message = read_po(po, locale="fr").get(NAME, context=STATE)
    assert message is not None and message.string and message.string != NAME
    return str(message.string)


def new_process() -> str:
    """What a fresh process reads as the French label."""
    translations.cache_clear()
    return str(translations("fr").pgettext(STATE, NAME))


@pytest.fixture
def no_compiling(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Makes any later reading of a `.po` by Babel fail: only a kept `.mo` can answer."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the .po was compiled again")

    return lambda: monkeypatch.setattr("babel.messages.pofile.read_po", refuse)


def entries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def test_the_first_process_keeps_the_compiled_catalogue_and_the_next_reads_it(locale, no_compiling):
    assert not mo_path("fr").exists()

    assert new_process() == french_label()
    assert mo_path("fr").is_file()
    digest = hashlib.sha256(po_path("fr").read_bytes()).hexdigest()
    assert translations("fr").pgettext(SOURCE_CONTEXT, SOURCE_ID) == digest

    no_compiling()
    assert new_process() == french_label()


def test_a_changed_po_is_compiled_again_and_kept_again(locale, no_compiling):
    new_process()
    po = po_path("fr")
    text = po.read_text(encoding="utf-8")
    said = f'msgstr "{french_label()}"'
    assert text.count(said) == 1
    po.write_text(text.replace(said, 'msgstr "en cours d’exécution"'), encoding="utf-8")

    assert new_process() == "en cours d’exécution"

    no_compiling()
    assert new_process() == "en cours d’exécution"


def test_the_kept_file_is_readable_by_whoever_reads_the_po(locale):
    # The image compiles as root and runs as another user: a 0600 .mo would never be read.
    po_path("fr").chmod(0o644)

    new_process()

    assert stat.S_IMODE(mo_path("fr").stat().st_mode) == 0o644


def test_the_kept_file_appears_whole_replacing_a_temporary_of_the_same_folder(locale, monkeypatch):
    replaced: list[tuple[Path, Path, bytes]] = []
    replace = os.replace

    def spy(source: str, target: str) -> None:
        replaced.append((Path(source), Path(target), Path(source).read_bytes()))
        replace(source, target)

    monkeypatch.setattr(os, "replace", spy)

    new_process()

    [(temporary, target, written)] = replaced
    assert target == mo_path("fr") and temporary.parent == target.parent
    assert written == mo_path("fr").read_bytes()
    assert entries(target.parent) == ["convflow.mo", "convflow.po"]


READ_LABEL = (
    "import sys\nfrom pathlib import Path\nfrom workflow.wording import catalogue\n"
    "catalogue.LOCALE_DIR = Path(sys.argv[1])\n"
    f"print(catalogue.translations('fr').pgettext({STATE!r}, {NAME!r}))"
)


def unprivileged(argv: list[str]) -> list[str]:
    """`argv` run without the capabilities that let root write in a read-only folder."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root writes in a read-only folder, and setpriv (util-linux) is missing")
    return [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--", *argv]


def test_a_read_only_folder_still_gives_the_catalogue_and_gets_nothing_written(locale):
    folder = po_path("fr").parent
    folder.chmod(0o555)
    try:
        for _ in range(2):
            read = subprocess.run(
                unprivileged([sys.executable, "-c", READ_LABEL, str(locale)]),
                capture_output=True, text=True, check=True, timeout=60,
            )  # fmt: skip
            assert (read.stdout.strip(), read.stderr) == (french_label(), "")
        assert entries(folder) == ["convflow.po"]
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("failing", ["tempfile.mkstemp", "os.replace"])
def test_a_folder_refusing_the_file_still_gives_the_catalogue_and_keeps_no_debris(
    locale, monkeypatch, capsys, failing
):
    # What a read-only install or systemd's ProtectSystem=strict answers, even to root.
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(failing, refuse)

    assert new_process() == french_label()
    assert entries(po_path("fr").parent) == ["convflow.po"]
    assert capsys.readouterr() == ("", "")


def compiled_without_its_source() -> bytes:
    """A sound `.mo` of the French catalogue, as `pybabel compile` makes it: no hash in it."""
    with po_path("fr").open("rb") as po:
        catalog = read_po(po, locale="fr")
    out = BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda kept: kept[: len(kept) // 2], id="truncated"),
        pytest.param(lambda kept: kept[:3], id="shorter-than-its-header"),
        pytest.param(lambda kept: b"", id="empty"),
        pytest.param(lambda kept: b"not a catalogue at all" * 10, id="garbage"),
        pytest.param(lambda kept: kept.replace(b"charset=utf-8", b"charset=nul-8"), id="charset"),
        pytest.param(lambda kept: compiled_without_its_source(), id="no-hash"),
    ],
)
def test_a_damaged_or_foreign_mo_is_compiled_again_and_replaced(
    locale, no_compiling, capsys, damage
):
    new_process()
    mo_path("fr").write_bytes(damage(mo_path("fr").read_bytes()))

    assert new_process() == french_label()

    no_compiling()
    assert new_process() == french_label()
    assert capsys.readouterr() == ("", "")


def test_a_process_reading_a_kept_file_does_not_load_babel_s_po_reader(locale):
    # Babel's catalogue reader and writer cost a few milliseconds of each command's start.
    code = (
        "import sys\nfrom pathlib import Path\nfrom workflow.wording import catalogue\n"
        "catalogue.LOCALE_DIR = Path(sys.argv[1])\n"
        "assert catalogue.translations('fr').pgettext('state', 'execution') != 'execution'\n"
        "print('babel.messages.pofile' in sys.modules)"
    )

    def loads_the_reader() -> bool:
        run = subprocess.run(
            [sys.executable, "-c", code, str(locale)],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        return run.stdout.strip() == "True"

    assert loads_the_reader()  # no .mo yet: compiled, and kept
    assert not loads_the_reader()
