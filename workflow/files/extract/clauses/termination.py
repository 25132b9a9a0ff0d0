"""The termination clause: the notice, in months or days, and from what it runs.

"La résiliation prend effet à l'expiration d'un délai de 6 mois à compter de la lettre
recommandée avec accusé de réception." A cure period after a formal notice (mise en demeure)
is not the notice.
"""

from __future__ import annotations

import re

from ..model import WRITTEN_TWICE, gettext_noop
from .common import Reading, clause_article, opening, sentences
from .periods import Period, periods

_HEADING = r"résiliation|dénonciation|fin\s+anticipée"
_SENTENCE = r"résili"
_NOTICE = re.compile(
    r"préavis|prend\s+effet|prendra\s+effet|effective|(?:expiration|issue)\s+d['’]un\s+délai"
    r"|après\s+la|suivant",
    re.IGNORECASE,
)
_CURE = re.compile(r"mise\s+en\s+demeure", re.IGNORECASE)
_STARTS = {"receipt": "receipt", "dispatch": "letter"}


def read_termination(reading: Reading) -> None:
    """`clauses.termination_notice_*` and `clauses.articles.termination`."""
    findings = reading.findings
    article = clause_article(reading.layout, _HEADING, _SENTENCE)
    if article is None:
        for name in ("clauses.articles.termination", "clauses.termination_notice_months",
                     "clauses.termination_notice_from"):  # fmt: skip
            findings.gap(name, gettext_noop("the convention has no termination clause"))
        return
    spans = sentences(article)
    label = article.label
    findings.put("clauses.articles.termination", label, label, *opening(article))
    found: list[tuple[Period, str, str]] = [
        (period, span.text, span.origin)
        for span in spans
        if _NOTICE.search(span.text) and not _CURE.search(span.text)
        for period in periods(span.text)
        if period.unit in ("days", "months")
    ]
    if not found:
        none = gettext_noop("{article} sets no notice period")
        findings.gap("clauses.termination_notice_months", none, article=label)
        findings.gap("clauses.termination_notice_from", none, article=label)
        return
    if len({(p.count, p.unit) for p, _, _ in found}) > 1:
        findings.doubt(
            "clauses.termination_notice_months",
            gettext_noop("{article} gives several notice periods"),
            article=label,
        )
        return
    period, quote, origin = found[0]
    name = (
        "clauses.termination_notice_months"
        if period.unit == "months"
        else "clauses.termination_notice_days"
    )
    if period.conflict:
        words, figures = period.conflict
        findings.doubt(name, WRITTEN_TWICE, words=words, figures=figures)
    elif period.unit == "days" and period.kind not in (None, "calendar"):
        findings.doubt(name, gettext_noop(
            "a notice in days « {kind} », which the convention file cannot count"),
            kind=period.kind)  # fmt: skip
    else:
        findings.put(name, period.count, label, quote, origin)
    starts = {p.start for p, _, _ in found if p.start}
    start = next(iter(starts)) if len(starts) == 1 else None
    if start in _STARTS:
        findings.put("clauses.termination_notice_from", _STARTS[start], label, quote, origin)
    elif start:
        findings.doubt("clauses.termination_notice_from", gettext_noop(
            "the notice runs from « {start} », neither the letter nor its receipt"),
            start=start)  # fmt: skip
    elif len(starts) > 1:
        findings.doubt(
            "clauses.termination_notice_from",
            gettext_noop("the article names several starts for the notice"),
        )
    else:
        findings.gap("clauses.termination_notice_from",
                     gettext_noop("{article} does not say from what the notice runs"),
                     article=label)  # fmt: skip
