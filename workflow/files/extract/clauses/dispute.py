"""The dispute clause: how long the parties try to settle before going to court, and from what.

"A défaut d'accord à l'issue d'un délai de 30 jours calendaires à compter de la réception
d'une lettre recommandée ..., chacune des Parties peut saisir le tribunal compétent."
"""

from __future__ import annotations

from .common import Reading, clause_article, opening, sentences
from .periods import Period, periods

_HEADING = r"litiges?|différends?|contentieux|règlement\s+des|amiable|conciliation|juridiction"
_SENTENCE = r"(?:tout|les|en\s+cas\s+de)\s+(?:litiges?|différends?|désaccord)"
_FIELDS = (
    "clauses.dispute_window_days",
    "clauses.dispute_window_day_kind",
    "clauses.dispute_window_from",
)
_STARTS = {"receipt": "receipt", "dispatch": "dispatch"}


def read_dispute(reading: Reading) -> None:
    """`clauses.dispute_window_*` and `clauses.articles.dispute`."""
    findings = reading.findings
    article = clause_article(reading.layout, _HEADING, _SENTENCE)
    if article is None:
        for name in ("clauses.articles.dispute", *_FIELDS):
            findings.gap(name, "the convention has no dispute clause")
        return
    spans = sentences(article)
    findings.put("clauses.articles.dispute", article.label, article.label, *opening(article))
    found: list[tuple[Period, str, str]] = [
        (period, span.text, span.origin) for span in spans for period in periods(span.text)
    ]
    if not found:
        for name in _FIELDS:
            findings.gap(name, f"{article.label} sets no period of amicable settlement")
        return
    if len({(p.count, p.unit) for p, _, _ in found}) > 1:
        findings.doubt("clauses.dispute_window_days", f"{article.label} gives several periods")
        return
    period, quote, origin = found[0]
    label = article.label
    if period.conflict:
        findings.doubt("clauses.dispute_window_days", period.conflict)
    elif period.unit != "days":
        findings.doubt(
            "clauses.dispute_window_days",
            f"{label} counts the amicable period in {period.unit} ({period.count}); "
            "the convention file counts it in days: convert it by hand",
        )
    elif period.kind in (None, "calendar", "working", "business"):
        findings.put("clauses.dispute_window_days", period.count, label, quote, origin)
    if period.unit == "days":
        if period.kind in ("calendar", "working", "business"):
            findings.put("clauses.dispute_window_day_kind", period.kind, label, quote, origin)
        elif period.kind:
            reason = f"days « {period.kind} » are neither calendaires, ouvrables nor ouvrés"
            findings.doubt("clauses.dispute_window_day_kind", reason)
            findings.doubt("clauses.dispute_window_days", f"{period.count} {reason}")
        else:
            findings.gap(
                "clauses.dispute_window_day_kind",
                f"{label} says « jours » without calendaires, ouvrables or ouvrés "
                "(French law then counts calendar days): confirm",
            )
    if period.start in _STARTS:
        findings.put("clauses.dispute_window_from", _STARTS[period.start], label, quote, origin)
    elif period.start:
        findings.doubt("clauses.dispute_window_from", f"the period runs from « {period.start} », "
                       "neither the receipt nor the dispatch of the letter")  # fmt: skip
    else:
        findings.gap(
            "clauses.dispute_window_from", f"{label} does not say from what the period runs"
        )
