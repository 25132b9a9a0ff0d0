"""The email gallery (docs/EMAILS.md): what the legal officer reviewed is what goes out."""

from pathlib import Path

from click.testing import CliRunner

from notifications import Renderer
from notifications.samples import VARIANTS, sample_variants
from workflow.cli import cli
from workflow.usecases.gallery import GALLERY_FILE, email_gallery, service_additions

ROOT = Path(__file__).resolve().parents[2]


def test_the_gallery_in_docs_is_the_one_the_templates_give() -> None:
    written = (ROOT / GALLERY_FILE).read_text(encoding="utf-8")
    assert written == email_gallery(), "docs/EMAILS.md is out of date: run `make emails`"


def test_the_gallery_shows_every_email_once_with_its_subject_then_its_variants() -> None:
    gallery = email_gallery()
    kinds = Renderer().kinds()
    for kind in kinds:
        assert gallery.count(f"(`{kind}`)") == 1
        for variant in sample_variants(kind):
            assert gallery.count(f"(`{kind}`, variante `{variant}`)") == 1
    variants = sum(len(sample_variants(kind)) for kind in kinds)
    assert gallery.count("**Objet\u00a0:**") == len(kinds) + variants


def test_the_gallery_shows_how_each_email_reads_for_a_convention_paid_in_instalments() -> None:
    gallery = email_gallery()

    assert "instalments" in VARIANTS
    for kind in ("signature_requested", "convention_in_force", "award_notified",
                 "payment_recorded", "reminder_payment"):  # fmt: skip
        assert "instalments" in sample_variants(kind), kind
    assert (
        "**Objet\u00a0:** [AMP-CRPV-PACA-2025] Versement de 80\u202f000,00\xa0€ enregistré "
        "(versement n°\u00a02 sur 2)" in gallery
    )


def test_the_partners_text_holds_no_internal_note_and_the_service_copy_adds_it() -> None:
    gallery = email_gallery()
    partners_texts = gallery.split("Copie du service, en plus\u00a0:")[0]
    assert "POUR LE SERVICE" not in partners_texts
    assert gallery.count("POUR LE SERVICE (note interne") >= 20
    assert "convflow status" not in partners_texts


def _partners_texts(gallery: str) -> dict[str, str]:
    """Each email of the gallery to the partners (and each variant) by its title, as they read
    it: its subject and text, without what the service's copy adds."""
    sections = gallery.split("\n## ")[1:]
    return {
        section.splitlines()[0]: section.split("Copie du service, en plus\u00a0:")[0]
        for section in sections
        if "*Au service seulement" not in section
    }


def test_no_partner_reads_a_setting_nor_a_command_in_any_email() -> None:
    """« (réglage « date de réception ») », « (réglage du service : …) »: the partners do not
    know the service's settings; its copy may name them in its note."""
    texts = _partners_texts(email_gallery())

    assert len(texts) >= 30
    for title, text in texts.items():
        for internal in ("églage", "CONVFLOW_", "convflow ", "open_data_on_amendment"):
            assert internal not in text, (title, internal)


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


def _section(gallery: str, kind: str) -> str:
    return next(s for s in gallery.split("\n## ")[1:] if f"(`{kind}`)" in s.splitlines()[0])


def test_each_reminder_says_it_goes_the_working_day_before_a_day_off() -> None:
    """A reminder falling on a Saturday, a Sunday or a public holiday goes out the working day
    before (states.reminders): its « when » says so, the payment's « le jour où … est dû »
    included; the court-possible reminder alone keeps its day."""
    gallery = (ROOT / GALLERY_FILE).read_text(encoding="utf-8")

    for kind in ("reminder_payment", "reminder_expiry", "reminder_termination",
                 "reminder_dispute_window", "reminder_signature", "reminder_publication",
                 "reminder_financial_report", "reminder_committee",
                 "reminder_amendment_signature"):  # fmt: skip
        when = _section(gallery, kind).split("*")[1]
        assert "le jour ouvré qui le précède" in when, (kind, when)
    assert "même un jour non ouvré" in _section(gallery, "reminder_court_possible")


def test_the_missed_financial_report_is_announced_the_day_after_its_deadline() -> None:
    """Its description says the day after, at the reminder hour: its sample says so too (it
    said « le vendredi 3 juillet 2026, 3 jours après » a deadline of 30 June)."""
    section = _section((ROOT / GALLERY_FILE).read_text(encoding="utf-8"), "financial_report_missed")

    assert "le lendemain de la date limite" in section
    assert "au plus tard le mardi 30 juin 2026" in section
    assert "Le mercredi 1er juillet 2026, 1 jour après cette date" in section, section


def test_no_partner_reads_the_wording_of_the_open_data_setting() -> None:
    """« (mise à jour des données essentielles après un avenant : quand il change une donnée
    publiée) » is CONVFLOW_OPEN_DATA_ON_AMENDMENT's description, not words for a partner (it
    was in the variants of the publication emails)."""
    gallery = (ROOT / GALLERY_FILE).read_text(encoding="utf-8")

    assert "(elle met à jour ses données essentielles quand un avenant change une donnée" in gallery
    assert "après un avenant :" not in gallery


def test_the_open_data_update_practice_is_worded_once_in_states() -> None:
    """The gallery's sample said the practice in its own words (« qui met à jour ses données
    essentielles quand un avenant change une donnée publiée »), beside states.deadlines'
    for_partners: the sample now shows the explanation states/ gives the partners."""
    gallery = email_gallery()
    practice = "données essentielles quand un avenant change une donnée publiée"

    for kind in ("reminder_publication", "publication_missed"):
        variant = gallery.split(f"(`{kind}`, variante `amendment`)")[1].split("\n### ")[0]
        assert (
            "qui reprend ce délai compté de la signature de l’avenant (elle met à jour ses "
            f"{practice})" in variant
        ), variant
    assert all(
        practice not in path.read_text(encoding="utf-8")
        for path in (ROOT / "notifications").rglob("*")
        if path.is_file() and path.suffix in {".py", ".txt", ".html"}
    )
