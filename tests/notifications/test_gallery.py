"""The email gallery (docs/EMAILS.md): what the legal officer reviewed is what goes out."""

from pathlib import Path

from click.testing import CliRunner

from notifications import Renderer
from workflow.cli import cli
from workflow.usecases.gallery import GALLERY_FILE, email_gallery, service_additions

ROOT = Path(__file__).resolve().parents[2]


def test_the_gallery_in_docs_is_the_one_the_templates_give() -> None:
    written = (ROOT / GALLERY_FILE).read_text(encoding="utf-8")
    assert written == email_gallery(), "docs/EMAILS.md is out of date: run `make emails`"


def test_the_gallery_shows_every_email_once_with_its_subject() -> None:
    gallery = email_gallery()
    for kind in Renderer().kinds():
        assert gallery.count(f"(`{kind}`)") == 1
    assert gallery.count("**Objet :**") == len(Renderer().kinds())


def test_the_partners_text_holds_no_internal_note_and_the_service_copy_adds_it() -> None:
    gallery = email_gallery()
    partners_texts = gallery.split("Copie du service, en plus :")[0]
    assert "POUR LE SERVICE" not in partners_texts
    assert gallery.count("POUR LE SERVICE (note interne") >= 20
    assert "convflow status" not in partners_texts


def test_what_the_service_copy_adds_is_the_lines_the_partners_do_not_get() -> None:
    assert service_additions("a\nb\nc", "a\nb\nnote\nc") == ["note"]


def test_emails_sample_writes_the_gallery_and_the_list_names_each_email(tmp_path: Path) -> None:
    target = tmp_path / "EMAILS.md"
    runner = CliRunner()

    written = runner.invoke(cli, ["emails", "--sample", "-o", str(target)])
    listed = runner.invoke(cli, ["emails", "--json"])

    assert written.exit_code == 0 and target.read_text(encoding="utf-8") == email_gallery()
    assert listed.exit_code == 0 and '"kind": "reminder_court_possible"' in listed.output
    assert "Au service seulement" in listed.output
