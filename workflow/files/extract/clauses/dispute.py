"""The dispute clause: how long the parties try to settle before going to court, and from what.

"A défaut d'accord à l'issue d'un délai de 30 jours calendaires à compter de la réception
d'une lettre recommandée ..., chacune des Parties peut saisir le tribunal compétent."
"""

from __future__ import annotations

from ..model import WRITTEN_TWICE, gettext_noop
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
_NOT_IN_DAYS = {
    "months": gettext_noop("{article} counts the amicable period in months ({count}); the "
                           "convention file counts it in days: convert it by hand"),
    "weeks": gettext_noop("{article} counts the amicable period in weeks ({count}); the "
                          "convention file counts it in days: convert it by hand"),
    "years": gettext_noop("{article} counts the amicable period in years ({count}); the "
                          "convention file counts it in days: convert it by hand"),
}  # fmt: skip
_ODD_DAYS = gettext_noop("days « {kind} » are neither calendaires, ouvrables nor ouvrés")


def read_dispute(reading: Reading) -> None:
    """`clauses.dispute_window_*` and `clauses.articles.dispute`."""
    findings = reading.findings
    article = clause_article(reading.layout, _HEADING, _SENTENCE)
    if article is None:
        for name in ("clauses.articles.dispute", *_FIELDS):
            findings.gap(name, gettext_noop("the convention has no dispute clause"))
        return
    spans = sentences(article)
    findings.put("clauses.articles.dispute", article.label, article.label, *opening(article))
    found: list[tuple[Period, str, str]] = [
        (period, span.text, span.origin) for span in spans for period in periods(span.text)
    ]
    if not found:
        for name in _FIELDS:
            findings.gap(name, gettext_noop("{article} sets no period of amicable settlement"),
                         article=article.label)  # fmt: skip
        return
    if len({(p.count, p.unit) for p, _, _ in found}) > 1:
        findings.doubt(
            "clauses.dispute_window_days",
            gettext_noop("{article} gives several periods"),
            article=article.label,
        )
        return
    period, quote, origin = found[0]
    label = article.label
    if period.conflict:
        words, figures = period.conflict
        findings.doubt("clauses.dispute_window_days", WRITTEN_TWICE, words=words, figures=figures)
    elif period.unit != "days":
        findings.doubt("clauses.dispute_window_days", _NOT_IN_DAYS[period.unit],
                       article=label, count=period.count)  # fmt: skip
    elif period.kind in (None, "calendar", "working", "business"):
        findings.put("clauses.dispute_window_days", period.count, label, quote, origin)
    if period.unit == "days":
        if period.kind in ("calendar", "working", "business"):
            findings.put("clauses.dispute_window_day_kind", period.kind, label, quote, origin)
        elif period.kind:
            findings.doubt("clauses.dispute_window_day_kind", _ODD_DAYS, kind=period.kind)
            findings.doubt("clauses.dispute_window_days", gettext_noop(
                "{count} days « {kind} » are neither calendaires, ouvrables nor ouvrés"),
                count=period.count, kind=period.kind)  # fmt: skip
        else:
            findings.gap("clauses.dispute_window_day_kind", gettext_noop(
                "{article} says « jours » without calendaires, ouvrables or ouvrés "
                "(French law then counts calendar days): confirm"), article=label)  # fmt: skip
    if period.start in _STARTS:
        findings.put("clauses.dispute_window_from", _STARTS[period.start], label, quote, origin)
    elif period.start:
        findings.doubt("clauses.dispute_window_from", gettext_noop("the period runs from "
                       "« {start} », neither the receipt nor the dispatch of the letter"),
                       start=period.start)  # fmt: skip
    else:
        findings.gap("clauses.dispute_window_from",
                     gettext_noop("{article} does not say from what the period runs"),
                     article=label)  # fmt: skip
