"""When the convention takes effect, when it ends, whether an amendment may extend it, and
which article says how it is amended."""

from __future__ import annotations

import bisect
import re

from ..dates import dates
from ..layout import Article
from ..model import gettext_noop
from ..passages import Span
from .common import Reading, by_heading, by_sentence, clause_article, opening, sentences

_TERM_HEADING = r"durée|période|prise\s+d['’]effet|entrée\s+en\s+vigueur|validité|terme"
_TERM_SENTENCE = (
    r"prend\s+effet|entre\s+en\s+vigueur|prendra\s+fin|prend\s+fin|son\s+terme"
    r"|s['’]achève|expire|est\s+conclue"
)
_ON_SIGNATURE = re.compile(
    r"(?:à\s+compter\s+de|à|dès|le\s+jour\s+de)\s+(?:la\s+date\s+de\s+)?sa\s+signature",
    re.IGNORECASE,
)
_ON_NOTIFICATION = re.compile(
    r"(?:à\s+compter\s+de|à|dès)\s+(?:la\s+date\s+de\s+)?sa\s+notification", re.IGNORECASE
)
_START_CUE = re.compile(
    r"(?:effet|vigueur|compter\s+du|partir\s+du|applique|\bdu)\s*(?:le\s+)?$", re.IGNORECASE
)
_END_CUE = re.compile(
    r"(?:terme|fin|jusqu['’]\s*au|achève|termine|expire|échéance|\bau)\s*(?:le\s+)?$", re.IGNORECASE
)
_DURATION = re.compile(
    r"pour\s+une\s+durée\s+d['’e]\s*(?P<length>[^,.]+?(?:ans?|années?|mois))", re.IGNORECASE
)
_DATE_PROBLEMS = {
    "written without its year": gettext_noop("a date of {article} is written without its year"),
    "not a day of the calendar": gettext_noop("a date of {article} is not a day of the calendar"),
}
_EXTEND = re.compile(r"prolong|prorog|renouvel|recondu", re.IGNORECASE)
_NEGATED_VERB = re.compile(r"\bne\s+(?:pourra|peut|sera|saurait)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\baucune?\b|\bn['’]est\s+pas\b", re.IGNORECASE)
_QUE = re.compile(r"\bque\b", re.IGNORECASE)
_NE = re.compile(r"\bne\b", re.IGNORECASE)


def read_term(reading: Reading) -> None:
    """`takes_effect`, `end_date` and `clauses.articles.term`."""
    findings = reading.findings
    article = clause_article(reading.layout, _TERM_HEADING, _TERM_SENTENCE)
    if article is None:
        for name in ("takes_effect", "end_date", "clauses.articles.term"):
            findings.gap(name, gettext_noop("no article gives the convention's term"))
        return
    spans = sentences(article)
    findings.put("clauses.articles.term", article.label, article.label, *opening(article))
    for span in spans:
        _effect(reading, article, span)
        _dates(reading, article, span)
    findings.gap(
        "takes_effect",
        gettext_noop("{article} does not say when the convention takes effect"),
        article=article.label,
    )
    duration = next((m for s in spans if (m := _DURATION.search(s.text))), None)
    if duration:
        findings.gap("end_date", gettext_noop(
            "{article} gives a duration ({duration}), not an end date: the end is that long "
            "after the effective date"), article=article.label,
            duration=duration.group("length"))  # fmt: skip
    findings.gap("end_date", gettext_noop("{article} gives no end date"), article=article.label)


def _effect(reading: Reading, article: Article, span: Span) -> None:
    text = span.text
    if _ON_SIGNATURE.search(text) and re.search(
        r"effet|vigueur|conclue|compter|applique", text, re.IGNORECASE
    ):
        reading.findings.put("takes_effect", "signature", article.label, text, span.origin)
    if _ON_NOTIFICATION.search(text):
        reading.findings.doubt("takes_effect", gettext_noop(
            "{article} makes the convention take effect on its notification, which a "
            "convention file cannot say (signature or a date): « {quote} »"),
            article=article.label, quote=" ".join(text.split()))  # fmt: skip


def _dates(reading: Reading, article: Article, span: Span) -> None:
    for mention in dates(span.text):
        kind = _kind(span.text[max(0, mention.start - _CUE_WINDOW) : mention.start])
        if kind is None:
            continue
        name = "takes_effect" if kind == "start" else "end_date"
        if mention.value is None:
            reading.findings.doubt(name, _DATE_PROBLEMS[mention.problem], article=article.label)
            continue
        reading.findings.put(name, mention.value.isoformat(), article.label, span.text, span.origin)


_CUE_WINDOW = 40
"""How far before a date the words that say what it is are looked for."""


def _kind(before: str) -> str | None:
    """Whether a date starts or ends the term, by the words just before it."""
    tail = before[-_CUE_WINDOW:]
    end = _END_CUE.search(tail)
    start = _START_CUE.search(tail)
    if end and (not start or end.start() >= start.start()):
        return "end"
    if start:
        return "start"
    return None


def read_extension(reading: Reading) -> None:
    """`clauses.extension_by_amendment`: may an amendment extend the term?"""
    findings = reading.findings
    said: set[bool] = set()
    for article, span in by_sentence(reading.layout, _EXTEND.pattern):
        text = span.text
        by_amendment = re.search(r"avenant", text, re.IGNORECASE)
        if _negated(text) and not _ne_que(text):
            said.add(False)
            findings.put("clauses.extension_by_amendment", False, article.label, text, span.origin)
        elif by_amendment:
            said.add(True)
            findings.put("clauses.extension_by_amendment", True, article.label, text, span.origin)
    if not said:
        findings.gap("clauses.extension_by_amendment",
                     gettext_noop("no sentence says whether the term may be extended"))  # fmt: skip


# A sentence is read in one pass for each of these: as expressions (« ne pourra » and no « que »
# after it, « ne » then « que » before a full stop, « modifi » then « avenant » before one),
# each « ne » or « avenant » read on to the sentence's end, and a sentence of thousands of them
# took minutes.


def _negated(text: str) -> bool:
    """« aucun », « n'est pas », or « ne pourra » (peut, sera, saurait) with no « que » after it
    on its line (« ne pourra être prolongée que par avenant » allows it)."""
    if _NEGATION.search(text):
        return True
    ques = [found.start() for found in _QUE.finditer(text)]
    line_ends = [found.start() for found in re.finditer("\n", text)] + [len(text)]
    for verb in _NEGATED_VERB.finditer(text):
        line_end = line_ends[bisect.bisect_left(line_ends, verb.end())]
        que = bisect.bisect_left(ques, verb.end())
        if que == len(ques) or ques[que] >= line_end:
            return True
    return False


def _ne_que(text: str) -> bool:
    """« ne » then « que » with no full stop between them (« ne ... que »: a restriction)."""
    for part in text.split("."):
        ne = _NE.search(part)
        if ne and _QUE.search(part, ne.end()):
            return True
    return False


def _amends(text: str) -> bool:
    """« modifi… » then « avenant », or « avenant » then « modifi », with no full stop between
    them: a sentence on how the convention is amended."""
    for part in text.lower().split("."):
        modifi, avenant = part.find("modifi"), part.find("avenant")
        if modifi != -1 and part.rfind("avenant") >= modifi + len("modifi"):
            return True
        if avenant != -1 and part.rfind("modifi") >= avenant + len("avenant"):
            return True
    return False


def read_amendment(reading: Reading) -> None:
    """`clauses.articles.amendment`: the article on changing the convention."""
    findings = reading.findings
    headed = by_heading(reading.layout, r"modification|^avenants?$")
    article: Article | None = headed[0] if headed else None
    if article is None:
        article = next((a for a in reading.layout.articles
                        if any(_amends(span.text) for span in sentences(a))), None)  # fmt: skip
    if article is None:
        findings.gap("clauses.articles.amendment",
                     gettext_noop("no article says how the convention is amended"))  # fmt: skip
        return
    findings.put("clauses.articles.amendment", article.label, article.label, *opening(article))
