"""The corpus's conventions made into real PDF and Word files, as their authors would have.

Prose is reflowed into paragraphs (so lines break elsewhere than in the text file), list
items and short lines (headings, signature lines) keep their own line, pages carry a
"Page N/M" footer, and the signature block is laid out side by side: two columns in the PDF, a
two-cell table in the Word file.
"""

from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF

_BULLET = re.compile(r"^\s*(?:[-•]\s|\d+\s*[°.)]|\d+\.\d+\s)")
_LONG = 60  # a text line this long was wrapped by its author: the next line continues it


def paragraphs(text: str) -> list[list[str]]:
    """The text's paragraphs, each a list of lines as a word processor would hold them."""
    result: list[list[str]] = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines: list[str] = []
        for raw in block.splitlines():
            line = raw.strip()
            wrapped = bool(lines) and (len(lines[-1]) >= _LONG or lines[-1].endswith("-"))
            if wrapped and not _BULLET.match(line) and not _is_heading([line]):
                if lines[-1].endswith("-") and line[:1].islower():
                    lines[-1] = lines[-1][:-1] + line  # "accom-" / "pagnement": a cut word
                else:
                    lines[-1] += ("" if lines[-1].endswith("-") else " ") + line
            else:
                lines.append(line)
        result.append(lines)
    return result


def split_signatures(text: str) -> tuple[str, str, list[list[str]]]:
    """(body, "Fait à ..." paragraph, one list of lines per "Pour ..." block)."""
    found = re.search(r"^Fait (?:à|en)\b.*$", text, re.MULTILINE)
    if not found:
        return text, "", []
    blocks = [b for b in re.split(r"\n\s*\n", text[found.end() :].strip()) if b.strip()]
    return text[: found.start()], found.group(0), [b.strip().splitlines() for b in blocks]


class _Pdf(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, f"Page {self.page_no()}/{{nb}}", align="C")


def to_pdf(text: str, path: Path) -> Path:
    """A PDF with a text layer, as a word processor exports it."""
    body, made_at, blocks = split_signatures(text)
    pdf = _Pdf(format="A4")
    pdf.core_fonts_encoding = (
        "windows-1252"  # ’, œ, €, « » are in it; Latin-1 lacks the first three
    )
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    for lines in paragraphs(body):
        pdf.set_font("Helvetica", style="B" if _is_heading(lines) else "", size=10)
        for line in lines:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
    if made_at:
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(0, 5, made_at, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    if pdf.get_y() > 230:
        pdf.add_page()
    top = pdf.get_y()
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    bottom = top
    for column, block in enumerate(blocks):
        pdf.set_xy(pdf.l_margin + (column % 2) * width, top)
        for line in block:
            pdf.multi_cell(width - 5, 5, line, align="L", new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
        if column % 2 == 1:
            top = bottom + 8
    pdf.output(str(path))
    return path


def _is_heading(lines: list[str]) -> bool:
    return len(lines) == 1 and bool(re.match(r"^\s*(?:ARTICLE|Article|Art\.)\s", lines[0]))


def to_docx(text: str, path: Path) -> Path:
    """A Word document: one paragraph per paragraph, the signatures in a two-cell table."""
    import docx

    body, made_at, blocks = split_signatures(text)
    document = docx.Document()
    for lines in paragraphs(body):
        if _is_heading(lines):
            document.add_heading(lines[0], level=2)
            continue
        for line in lines:
            document.add_paragraph(line)
    if made_at:
        document.add_paragraph(made_at)
    for start in range(0, len(blocks), 2):
        row = blocks[start : start + 2]
        table = document.add_table(rows=1, cols=2)
        for cell, block in zip(table.rows[0].cells, row, strict=False):
            cell.text = "\n".join(block)
    document.save(str(path))
    return path
