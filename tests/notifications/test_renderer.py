"""The renderer: strict, escaped, sandboxed, overridable by the administrator."""

from decimal import Decimal
from pathlib import Path

import jinja2
import pytest

from notifications import Renderer, TemplateError, UnknownTemplate, sample_context

KIND = "reminder_expiry"


def write_kind(folder: Path, kind: str, subject: str, text: str = "t", html: str = "h") -> None:
    """Writes the three templates of a kind into an override folder."""
    (folder / f"{kind}.subject.txt").write_text(subject, encoding="utf-8")
    (folder / f"{kind}.txt").write_text(text, encoding="utf-8")
    (folder / f"{kind}.html").write_text(html, encoding="utf-8")


def test_the_html_escapes_what_the_context_says() -> None:
    context = sample_context(KIND)
    context["convention"]["title"] = "<script>alert(1)</script>"
    email = Renderer().render(KIND, context)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
    assert "<script>" not in email.html
    assert "<script>alert(1)</script>" in email.text  # plain text is not HTML: left as is


def test_a_missing_key_names_the_variable_and_the_template() -> None:
    context = sample_context(KIND)
    del context["convention"]["reference"]
    with pytest.raises(TemplateError, match="reference") as caught:
        Renderer().render(KIND, context)
    assert caught.value.template == f"{KIND}.subject.txt"
    assert isinstance(caught.value.__cause__, jinja2.UndefinedError)


def test_a_missing_top_level_variable_is_named() -> None:
    context = sample_context(KIND)
    del context["links"]
    with pytest.raises(TemplateError, match="'links' is undefined") as caught:
        Renderer().render(KIND, context)
    assert caught.value.where is not None and "line" in caught.value.where


def test_printing_none_is_an_error_not_the_word_none(tmp_path: Path) -> None:
    write_kind(tmp_path, KIND, "Prise d’effet {{ convention.effective_date }}")
    context = sample_context("reminder_signature")  # no effective date before the signatures
    with pytest.raises(TemplateError, match="None"):
        Renderer(tmp_path).render(KIND, context)


@pytest.mark.parametrize(
    "expression",
    [
        "convention.__class__.__mro__",
        "convention.items.__self__",
        "''.__class__.__subclasses__()",
        "cycler.__init__.__globals__",
        "convention.parties.append(1)",  # immutable sandbox: no mutation of the context
        "convention.update({'amount': 0})",
    ],
)
def test_the_sandbox_refuses_escapes(tmp_path: Path, expression: str) -> None:
    write_kind(tmp_path, KIND, "{{ " + expression + " }}")
    with pytest.raises(TemplateError, match=r"unsafe|SecurityError") as caught:
        Renderer(tmp_path).render(KIND, sample_context(KIND))
    assert isinstance(caught.value.__cause__, jinja2.exceptions.SecurityError)


def test_an_override_wins_and_the_rest_falls_back_to_the_packaged_templates(
    tmp_path: Path,
) -> None:
    (tmp_path / f"{KIND}.subject.txt").write_text(
        "[{{ convention.reference }}] Objet choisi par l’administrateur", encoding="utf-8"
    )
    packaged = Renderer().render(KIND, sample_context(KIND))
    email = Renderer(tmp_path).render(KIND, sample_context(KIND))
    assert email.subject == "[AMP-CRPV-PACA-2025] Objet choisi par l’administrateur"
    assert (email.text, email.html) == (packaged.text, packaged.html)


def test_an_override_may_use_the_packaged_layout_and_macros(tmp_path: Path) -> None:
    write_kind(
        tmp_path,
        "note_interne",
        "[{{ convention.reference }}] Note",
        '{% extends "_base.txt" %}{% block body %}Note.{% endblock %}'
        "{% block todo %}Rien.{% endblock %}",
        '{% extends "_base.html" %}{% block heading %}Note{% endblock %}'
        "{% block body %}<p>Note.</p>{% endblock %}{% block todo %}Rien.{% endblock %}",
    )
    renderer = Renderer(tmp_path)
    assert "note_interne" in renderer.kinds()
    email = renderer.render("note_interne", sample_context(KIND))
    assert "Service des conventions de partenariat (Politique de la ville)" in email.html
    assert "200\u202f000,00\xa0€" in email.text


def test_an_administrators_template_gets_french_spacing_too(tmp_path: Path) -> None:
    """The renderer spaces every email once, whoever wrote its template: an administrator's
    plain spaces before « : » and inside « » do not reach the recipients."""
    write_kind(
        tmp_path,
        "note_interne",
        "[{{ convention.reference }}] Note : « {{ convention.state_label }} »",
        "Échéance : {{ convention.end_date|end_fr }} ; rien à faire.",
        "<p>Échéance : <strong>{{ convention.end_date|end_fr }}</strong> ; rien à faire.</p>",
    )
    email = Renderer(tmp_path).render("note_interne", sample_context(KIND))
    assert email.subject == "[AMP-CRPV-PACA-2025] Note\xa0: «\xa0en exécution\xa0»"
    assert email.text.startswith("Échéance\xa0: mercredi 31 décembre 2025 à 24\xa0h\xa0; rien")
    assert email.html.startswith("<p>Échéance\xa0: <strong>mercredi 31 décembre 2025")
    assert "</strong>\xa0; rien à faire.</p>" in email.html


def test_a_kind_without_all_three_templates_is_unknown(tmp_path: Path) -> None:
    (tmp_path / "brouillon.subject.txt").write_text("Objet", encoding="utf-8")
    renderer = Renderer(tmp_path)
    assert "brouillon" not in renderer.kinds()
    with pytest.raises(UnknownTemplate):
        renderer.render("brouillon", sample_context(KIND))


@pytest.mark.parametrize("kind", ["reminder_nothing", "../templates/reminder_expiry", "_base", ""])
def test_an_unknown_kind_names_itself_and_the_known_ones(kind: str) -> None:
    with pytest.raises(UnknownTemplate) as caught:
        Renderer().render(kind, sample_context(KIND))
    assert isinstance(caught.value, LookupError)
    assert repr(kind) in str(caught.value)
    assert "reminder_expiry" in str(caught.value) and "delivery_failed" in str(caught.value)


def test_a_missing_override_directory_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        Renderer(tmp_path / "absent")


def test_a_subject_must_be_one_line(tmp_path: Path) -> None:
    write_kind(tmp_path, KIND, "Rappel\n{{ convention.reference }}\n")
    with pytest.raises(TemplateError, match="one line"):
        Renderer(tmp_path).render(KIND, sample_context(KIND))


def test_a_syntax_error_says_where(tmp_path: Path) -> None:
    write_kind(tmp_path, KIND, "Objet", text="Ligne 1\n{% if %}\n")
    with pytest.raises(TemplateError) as caught:
        Renderer(tmp_path).render(KIND, sample_context(KIND))
    assert caught.value.template == f"{KIND}.txt"
    assert caught.value.where == f"{KIND}.txt, line 2"


def test_a_float_amount_is_a_template_error_naming_the_cause() -> None:
    context = sample_context(KIND)
    context["convention"]["amount"] = 200000.0
    with pytest.raises(TemplateError, match="Decimal") as caught:
        Renderer().render(KIND, context)
    assert isinstance(caught.value.__cause__, TypeError)


def test_the_plain_text_is_tidy() -> None:
    text = Renderer().render(KIND, sample_context(KIND)).text
    assert "\n\n\n" not in text
    assert text.endswith(".\n") or text.endswith("\n")
    assert not any(line != line.rstrip() for line in text.splitlines())


def test_the_amount_stays_exact() -> None:
    context = sample_context(KIND)
    context["convention"]["amount"] = Decimal("199999.99")
    assert "199\u202f999,99\xa0€" in Renderer().render(KIND, context).text


def test_every_part_writes_the_typographic_apostrophe_the_facts_did_not(tmp_path: Path) -> None:
    """A convention's title and an administrator's template typed « ' »: the partner reads
    « ’ » in the subject, the text and the HTML (finding L8)."""
    write_kind(
        tmp_path,
        "note_interne",
        "[{{ convention.reference }}] L'avenant de « {{ convention.title }} »",
        "L'avenant de « {{ convention.title }} » : écrire à o'brien@example.org.",
        "<p>L'avenant de « {{ convention.title }} » : écrire à "
        "<a href=\"mailto:o'brien@example.org\">o'brien@example.org</a>.</p>",
    )
    context = sample_context(KIND)
    context["convention"]["title"] = "Convention d'objectifs de Provence-Alpes-Côte d'Azur"
    email = Renderer(tmp_path).render("note_interne", context)
    title = "Convention d\u2019objectifs de Provence-Alpes-Côte d\u2019Azur"
    assert email.subject == f"[AMP-CRPV-PACA-2025] L\u2019avenant de «\xa0{title}\xa0»"
    assert email.text.startswith(f"L\u2019avenant de «\xa0{title}\xa0»\xa0: écrire à o'brien@")
    assert email.html.startswith(f"<p>L\u2019avenant de «\xa0{title}\xa0»\xa0: écrire à ")
    assert "href=\"mailto:o'brien@example.org\">o'brien@example.org</a>" in email.html


@pytest.mark.parametrize("kind", ["processing_failed", "delivery_failed"])
def test_a_servers_answer_is_quoted_as_written_in_both_parts(kind: str) -> None:
    """The HTML puts the error in <code>; the text part, which has none, keeps it as written
    too (the `verbatim` filter), while its prose gets « ’ »."""
    context = sample_context(kind)
    context["failure"]["error"] = "550 5.1.1 <o'brien@example.org>: user doesn't exist"
    email = Renderer().render(kind, context)
    assert "user doesn't exist" in email.text
    assert "user doesn&#39;t exist</code>" in email.html
    assert "\x02" not in email.text + email.html and "\x03" not in email.text + email.html
    assert "n\u2019a pas pu" in email.text
