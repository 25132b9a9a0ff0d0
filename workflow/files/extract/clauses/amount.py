"""The amount: the total a sentence gives as the convention's participation, subsidy or
contribution, in figures or in words, HT or TTC.

Amounts after "tranche", "acompte", "solde" or "soit", and those listed after them, are
instalments; a yearly amount ("subvention annuelle") is not the convention's total.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..layout import Article
from ..numbers import Money, amounts
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
            for money in amounts(span.text):
                before = span.text[: money.start]
                # what leads to this amount since the last one: "versée en deux tranches :",
                # "1ère tranche :", ", soit" make it an instalment, and so are the amounts
                # listed after it in the same sentence
                listing = listing or bool(_PART_CUE.search(span.text[previous : money.start]))
                previous = money.end
                if listing or not _TOTAL_CUE.search(before):
                    continue
                candidates.append((article, span, money))
    if not candidates:
        findings.gap(
            "amount", "no sentence gives the participation, subsidy or contribution in euros"
        )
        findings.gap("amount_basis", "no amount found")
        return None
    conflicting = [m for _, _, m in candidates if m.conflict]
    if conflicting:
        words, figures = conflicting[0].readings
        findings.doubt("amount", f"written {words} in words and {figures} in figures")
        findings.gap("amount_basis", "the amount itself is in doubt")
        return None
    values = {m.value for _, _, m in candidates}
    if len(values) > 1:
        listed = ", ".join(str(v) for v in sorted(v for v in values if v is not None))
        findings.doubt("amount", f"several amounts could be the total: {listed}")
        findings.gap("amount_basis", "the amount itself is in doubt")
        return None
    article, span, money = candidates[0]
    assert money.value is not None
    yearly = _yearly(span.text, money)
    if yearly:
        findings.doubt("amount", f"{money.value} is a yearly amount (« {yearly.group(0)} »): "
                       "the convention file wants the whole convention's")  # fmt: skip
        findings.gap("amount_basis", "the amount itself is in doubt")
        return None
    findings.put("amount", str(money.value), article.label, span.text, span.origin)
    bases = {m.basis for _, _, m in candidates if m.basis}
    if len(bases) == 1:
        findings.put("amount_basis", bases.pop(), article.label, span.text, span.origin)
    elif bases:
        findings.doubt("amount_basis", "the text says both HT and TTC")
    else:
        findings.gap("amount_basis", "the amount is written neither HT nor TTC")
    return article, money.value


def _yearly(text: str, money: Money) -> re.Match[str] | None:
    """ "une subvention annuelle de 100 000 €", "100 000 € par an": an amount per year."""
    before = re.split(r"[;:,]", text[max(0, money.start - 40) : money.start])[-1]
    after = re.split(r"[;:,.]", text[money.end : money.end + 25])[0]
    return _YEARLY.search(f"{before} {after}")
