"""The amount: the total a sentence gives as the convention's participation, subsidy or
contribution, in figures or in words, HT or TTC.

Amounts after "tranche", "acompte", "solde" or "soit", and those listed after them, are
instalments; a yearly amount ("subvention annuelle") is not the convention's total. A total
written HT and followed by its TTC equivalent ("27 000 € HT, soit 32 400 € TTC") is the TTC
one: convflow holds every amount TTC (the convention file refuses any other basis).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from ..layout import Article
from ..model import WRITTEN_TWICE, Findings, gettext_noop
from ..money import Money, amounts
from ..passages import Span
from .common import Reading, sentences

_TOTAL_CUE = re.compile(
    r"\b(?:participation|participe|subvention|contribution|contribue|montant|financement|dotation"
    r"|somme|aide)\b|à\s+hauteur\s+de|s['’]élève",
    re.IGNORECASE,
)
_PART_CUE = re.compile(
    r"\b(?:tranches?|acomptes?|soldes?|soit|premi(?:er|ère)\s+versement|versements?\s+de)\b|%",
    re.IGNORECASE,
)
_EQUIVALENT = re.compile(
    r"\s*(?:HT\b|H\.T\.|hors\s+taxes?)?\s*\)?\s*,?\s*(?:soit|c['’]est-à-dire|correspondant\s+à)\s*(?:un\s+montant\s+de\s+)?$",
    re.IGNORECASE,
)
_IN_DOUBT = gettext_noop("the amount itself is in doubt")
_YEARLY = re.compile(
    r"\bannuel(?:le)?s?\b|\bpar\s+an(?:née)?\b|\bchaque\s+année\b|\bpar\s+exercice\b", re.I
)


def read_amount(reading: Reading) -> tuple[Article, Decimal] | None:
    """`amount` and `amount_basis`; the article and value of the total when there is one."""
    findings = reading.findings
    candidates: list[tuple[Article, Span, Money]] = []
    for article in reading.layout.articles:
        for span in sentences(article):
            previous, listing = 0, False
            found = amounts(span.text)
            first_cue = _TOTAL_CUE.search(span.text) if found else None
            for index, money in enumerate(found):
                # what leads to this amount since the last one: "versée en deux tranches :",
                # "1ère tranche :", ", soit" make it an instalment, and so are the amounts
                # listed after it in the same sentence
                listing = listing or bool(_PART_CUE.search(span.text[previous : money.start]))
                previous = money.end
                if listing or not _cue_before(span.text, first_cue, money.start):
                    continue
                candidates.append((article, span, _ttc_of(span.text, found, index)))
    if not candidates:
        findings.gap(
            "amount",
            gettext_noop("no sentence gives the participation, subsidy or contribution in euros"),
        )
        findings.gap("amount_basis", gettext_noop("no amount found"))
        return None
    if _in_doubt(findings, [m for _, _, m in candidates]):
        findings.gap("amount_basis", _IN_DOUBT)
        return None
    article, span, money = candidates[0]
    assert money.value is not None
    yearly = _yearly(span.text, money)
    if yearly:
        findings.doubt("amount", gettext_noop("{amount} is a yearly amount (« {words} »): the "
                       "convention file wants the whole convention's"),
                       amount=money.value, words=yearly.group(0))  # fmt: skip
        findings.gap("amount_basis", _IN_DOUBT)
        return None
    findings.put("amount", str(money.value), article.label, span.text, span.origin)
    if money.instead is not None:
        findings.note("amount", gettext_noop("the amount TTC {amount} is taken; the text gives "
                      "{before_tax} before tax first"), amount=money.value,
                      before_tax=money.instead)  # fmt: skip
    _basis(findings, candidates)
    return article, money.value


def _cue_before(text: str, first: re.Match[str] | None, start: int) -> bool:
    """Whether `text` speaks of a total (_TOTAL_CUE) before `start`, where an amount begins:
    the sentence's first cue, found once, when it ends before; else one ending right there
    (« montant200 000 € »: its last letter touches the amount). Searched once a sentence,
    not before each amount: a sentence of 4 000 amounts took 5 s, each search reading all
    that was before it."""
    if first is not None and first.end() <= start:
        return True
    return bool(_TOTAL_CUE.search(text, max(0, start - _CUE_MOST), start))


_CUE_MOST = 64
"""More than the longest cue (« participation », « à hauteur de »)."""


def _in_doubt(findings: Findings, candidates: list[Money]) -> bool:
    """Whether the total is in doubt: words not read whole, words and figures that disagree,
    several totals. The doubt is recorded."""
    unread = [m for m in candidates if m.unread]
    if unread:
        findings.doubt("amount", gettext_noop("« {words} » could not be read whole as an amount: "
                       "give it by hand"), words=unread[0].unread)  # fmt: skip
        return True
    conflicting = [m for m in candidates if m.conflict]
    if conflicting:
        words, figures = conflicting[0].readings
        findings.doubt("amount", WRITTEN_TWICE, words=words, figures=figures)
        return True
    values = {m.value for m in candidates}
    if len(values) > 1:
        listed = sorted(v for v in values if v is not None)
        findings.doubt("amount", gettext_noop("several amounts could be the total: {amounts}"),
                       amounts=listed)  # fmt: skip
        return True
    return False


def _basis(findings: Findings, candidates: list[tuple[Article, Span, Money]]) -> None:
    article, span, _ = candidates[0]
    bases = {m.basis for _, _, m in candidates if m.basis}
    if len(bases) == 1:
        findings.put("amount_basis", bases.pop(), article.label, span.text, span.origin)
    elif bases:
        findings.doubt("amount_basis", gettext_noop("the text says both HT and TTC"))
    else:
        findings.gap("amount_basis", gettext_noop("the amount is written neither HT nor TTC"))


def _ttc_of(text: str, found: list[Money], index: int) -> Money:
    """The amount at `index`, or its TTC equivalent when it is HT and the text goes on
    « , soit 32 400 € TTC »."""
    money = found[index]
    if money.basis == "HT" and money.value is not None and index + 1 < len(found):
        following = found[index + 1]
        between = text[money.end : following.start]
        if following.basis == "TTC" and following.value and _EQUIVALENT.fullmatch(between):
            return replace(following, instead=money.value)
    return money


def _yearly(text: str, money: Money) -> re.Match[str] | None:
    """ "une subvention annuelle de 100 000 €", "100 000 € par an": an amount per year."""
    before = re.split(r"[;:,]", text[max(0, money.start - 40) : money.start])[-1]
    after = re.split(r"[;:,.]", text[money.end : money.end + 25])[0]
    return _YEARLY.search(f"{before} {after}")
