"""A letter's facts in, its PDF or Word document out; the text written once per kind.

`templates/KIND.txt` is the letter's body (paragraphs separated by blank lines), the same for
both formats; `_letter.html` lays it out on A4 for WeasyPrint; the Word version is a docxtpl
template made here with python-docx (sender, recipient, date, subject, a loop over the
paragraphs, signature), so that the service can edit the letter before signing it.

Both say the letter as the emails do (notifications.typography): French spacing, and the
typographic apostrophe « ’ » where the facts came with a straight one between two letters (a
convention's title, a party's or a signatory's name, a place, the difficulty as typed: « la
réalisation d’un accompagnement », « Provence-Alpes-Côte d’Azur »). What is no prose keeps its
apostrophes as written: an email address or a URL (o'brien@example.org, https://…/l'espace), and
the values a template quotes `|verbatim` (the convention's reference, the award decision's).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from notifications.typography import VERBATIM_END, VERBATIM_START, french_apostrophes, french_text

TEMPLATES = Path(__file__).parent / "templates"
KINDS = ("dispute", "termination", "award", "amendment")
_FOLD = re.compile(r"[ \t\r\n]+")
HOW = "Calcul des dates\u00a0: "
"""How the paragraph that says how the dates were computed starts (set apart in the PDF)."""
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=False,
    keep_trailing_newline=False,
)  # fmt: skip
_HTML = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                    autoescape=True)  # fmt: skip


def _verbatim(value: Any) -> str:
    """A value a letter quotes as written (a reference, a decision's number): its apostrophes
    stay straight, as the emails' `verbatim` filter keeps them (notifications.renderer)."""
    return f"{VERBATIM_START}{value}{VERBATIM_END}"


_ENV.filters["verbatim"] = _verbatim


def french(text: str) -> str:
    """A piece of a letter as the emails write theirs: French spacing, then the typographic
    apostrophe between two letters (addresses, URLs and verbatim values as written)."""
    return french_apostrophes(french_text(text))


def paragraphs(kind: str, facts: Mapping[str, Any]) -> list[str]:
    """The letter's body, paragraph by paragraph, with French spacing (as the emails have it:
    a no-break space before « : ; ? ! » » and after « «, so that no line of the printed
    letter starts with a sign) and typographic apostrophes (`french`)."""
    text = _ENV.get_template(f"{kind}.txt").render(**facts)
    # Only the template's own line breaks and spaces are folded: str.split() would also fold
    # the no-break spaces of amounts and French punctuation ("230 / 000,00 €" across lines).
    return [french(_FOLD.sub(" ", block).strip(" "))
            for block in text.split("\n\n") if block.strip()]  # fmt: skip


_HEAD = ("subject", "mention", "dated")
"""The head's lines said once: written as the body is (`french`)."""
_HEAD_LINES = ("sender", "recipient", "signature")
"""The head's and foot's lines (names, titles): written as the body is too."""


def _headed(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts with the letter's head and foot (subject, mention, date and place, sender,
    recipient, signature) written as its body is."""
    said = {key: french(str(facts[key])) for key in _HEAD if facts.get(key)}
    lines = {key: [french(str(line)) for line in facts[key]] for key in _HEAD_LINES
             if key in facts}  # fmt: skip
    return {**facts, **said, **lines}


def render_pdf(kind: str, facts: Mapping[str, Any]) -> bytes:
    """The letter as a PDF (A4)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    html = _HTML.get_template("_letter.html").render(
        **_headed(facts), paragraphs=paragraphs(kind, facts), how_prefix=HOW
    )
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def render_docx(kind: str, facts: Mapping[str, Any]) -> bytes:
    """The letter as a Word document (docxtpl), to be edited before signing."""
    from docxtpl import DocxTemplate  # type: ignore[import-untyped]

    document = DocxTemplate(io.BytesIO(_docx_template()))
    # Escaped into the document's XML: unescaped, a title's « & » was dropped and a « < » cut
    # the letter off after it.
    document.render({**_headed(facts), "paragraphs": paragraphs(kind, facts)}, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_template() -> bytes:
    """The Word template: Jinja tags in paragraphs, as docxtpl reads them."""
    from docx import Document

    template = Document()
    template.add_paragraph("{%p for line in sender %}")
    template.add_paragraph("{{ line }}")
    template.add_paragraph("{%p endfor %}")
    template.add_paragraph("{%p for line in recipient %}")
    template.add_paragraph("{{ line }}")
    template.add_paragraph("{%p endfor %}")
    template.add_paragraph("{{ dated }}")
    template.add_paragraph("{{ mention }}")
    template.add_paragraph("Objet\u00a0: {{ subject }}")
    template.add_paragraph("{%p for paragraph in paragraphs %}")
    template.add_paragraph("{{ paragraph }}")
    template.add_paragraph("{%p endfor %}")
    template.add_paragraph("{%p for line in signature %}")
    template.add_paragraph("{{ line }}")
    template.add_paragraph("{%p endfor %}")
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def render_history_pdf(facts: Mapping[str, Any]) -> bytes:
    """A convention's history as a readable PDF (A4 landscape), for its dossier."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=_HTML.get_template("history.html").render(**facts)).write_pdf()
    return pdf
