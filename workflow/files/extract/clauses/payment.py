"""How the amount is paid: once, or in instalments, each with its amount or share and its
trigger (the notification, the signature, a date, or a report to present)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal

from ..dates import dates
from ..layout import Article
from ..model import gettext_noop
from ..money import amounts
from ..passages import Span, items
from ..wording import plain
from .amount import read_amount
from .common import Reading, opening, sentences

_PAYMENT = re.compile(
    r"\b(?:vers[ée]e?s?|versements?|tranches?|acomptes?|pa(?:y|i)[ée]e?s?|paiement)\b",
    re.IGNORECASE,
)
_ONCE = re.compile(
    r"\ben\s+une\s+(?:seule\s+)?fois\b|\ben\s+un\s+(?:seul\s+)?versement\b|\bversement\s+unique\b",
    re.IGNORECASE,
)
_COUNT = re.compile(
    r"\ben\s+(?P<n>deux|trois|quatre|cinq|\d)\s+(?:tranches|fois|versements)\b", re.IGNORECASE
)
_EQUAL = re.compile(r"tranches\s+égales\s+de\s+", re.IGNORECASE)
_SHARE = re.compile(r"(?<![\d,])(?P<n>\d{1,3}(?:,\d+)?)\s*%")
_REPORT = re.compile(
    r"(?:\b(?:sur|après|à|au\s+vu\s+d[eu]s?)\s+(?:la\s+)?(?:présentation|remise|production|réception|"
    r"transmission|fourniture|validation)\s+|\bau\s+vu\s+)"
    r"(?:du|de\s+la|de\s+l['’]|des|d['’]un|d['’]une)\s*(?P<report>.+)$",
    re.IGNORECASE,
)
_ORDINAL = re.compile(
    r"(?:,|\bet)\s+(?=(?:la|le)\s+(?:seconde|deuxième|troisième|dernière|solde)\b)", re.IGNORECASE
)
_NUMBERS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5}


@dataclass(frozen=True)
class Instalment:
    """One payment as the text describes it."""

    span: Span
    amount: Decimal | None
    share: str | None
    trigger: str | None
    on: str | None
    report: str | None


def read_money(reading: Reading) -> None:
    """`amount`, `amount_basis`, `clauses.articles.payment` and `payment.instalments`."""
    findings = reading.findings
    total = read_amount(reading)
    article = _payment_article(reading, total[0] if total else None)
    if article is None:
        findings.gap("payment.instalments", gettext_noop("no article says how the amount is paid"))
        return
    paying = next((s for s in sentences(article) if _PAYMENT.search(s.text)), None)
    quote, origin = (paying.text, paying.origin) if paying else opening(article)
    findings.put("clauses.articles.payment", article.label, article.label, quote, origin)
    instalments = _instalments(reading, article, total[1] if total else None)
    _record(reading, article, instalments, total[1] if total else None)


def _payment_article(reading: Reading, total: Article | None) -> Article | None:
    scored = [
        (sum(1 for s in sentences(a) if _PAYMENT.search(s.text)), -i, a)
        for i, a in enumerate(reading.layout.articles)
    ]
    scored = [s for s in scored if s[0] > 0 and (s[2] is total or _mentions_payment(s[2]))]
    if not scored:
        return total
    return max(scored, key=lambda s: (s[0], s[1]))[2]


def _mentions_payment(article: Article) -> bool:
    """Whether the article says how money is paid: an amount or share paid, or when."""
    text = article.passage.text
    paid = re.search(r"\bvers(?:é|ée|ement|era|e)s?\b|\btranches?\b|\bpa(?:y|i)[ée]", text, re.I)
    how = amounts(text) or _SHARE.search(text) or _ONCE.search(text)
    return bool(paid and (how or any(_trigger_of(s.text)[0] for s in sentences(article))))


def _instalments(reading: Reading, article: Article, total: Decimal | None) -> list[Instalment]:
    spans = sentences(article)
    once = next((s for s in spans if _ONCE.search(s.text)), None)
    if once is not None:
        return [_instalment(once, total)]
    equal: Decimal | None = None
    parts: list[Span] = []
    for span in spans:
        found = _EQUAL.search(span.text)
        if found:
            following = amounts(span.text[found.end() :])
            equal = following[0].value if following else None
        for item in _split(span):
            if _is_part(item):
                parts.append(item)
    if not parts:
        paid = next((s for s in spans if _PAYMENT.search(s.text) and _trigger_of(s.text)[0]), None)
        return [_instalment(paid, total)] if paid else []
    result = [_instalment(p, None) for p in parts]
    if equal is not None:
        result = [
            i if i.amount else Instalment(i.span, equal, i.share, i.trigger, i.on, i.report)
            for i in result
        ]
    return result


def _split(span: Span) -> list[Span]:
    pieces: list[Span] = []
    for item in items(span):
        cuts = [0, *(m.end() for m in _ORDINAL.finditer(item.text)), len(item.text)]
        for start, end in itertools.pairwise(cuts):
            text = item.text[start:end]
            stripped = text.strip(" ,;")
            lead = len(text) - len(text.lstrip(" ,;"))
            if stripped:
                pieces.append(item.sub(start + lead, start + lead + len(stripped)))
    # "50 % à la notification et 50 % sur production du bilan": two shares, two instalments
    result: list[Span] = []
    for piece in pieces:
        shares = list(_SHARE.finditer(piece.text))
        if len(shares) > 1 and not re.search(r"\(\s*\d{1,3}\s*%", piece.text):
            cuts = [0, *(m.start() for m in shares[1:]), len(piece.text)]
            for start, end in itertools.pairwise(cuts):
                text = piece.text[start:end]
                trimmed = re.sub(r"\s+et\s*$", "", text.rstrip())
                result.append(piece.sub(start, start + len(trimmed)))
        else:
            result.append(piece)
    return result


def _is_part(item: Span) -> bool:
    text = item.text
    has_trigger = _trigger_of(text)[0] is not None
    names_part = bool(
        _SHARE.search(text)
        or any(not m.conflict for m in amounts(text))
        or re.search(
            r"\b(?:solde|acompte|avance|premier\s+versement|première|seconde|deuxième|troisième|tranche\s+de)\b",
            text,
            re.IGNORECASE,
        )
    )
    return has_trigger and names_part


def _instalment(span: Span, total: Decimal | None) -> Instalment:
    text = span.text
    share = _SHARE.search(text)
    found = [m for m in amounts(text) if not m.conflict]
    values = {m.value for m in found}
    amount = values.pop() if len(values) == 1 else None
    if total is not None and amount is None and not share:
        amount = total
    trigger, on, report = _trigger_of(text)
    return Instalment(span, amount, f"{share.group('n')}%" if share else None, trigger, on, report)


def _trigger_of(text: str) -> tuple[str | None, str | None, str | None]:
    """(trigger, date, report) of one payment's words; trigger "ambiguous" when several."""
    kinds: list[tuple[str, str | None, str | None]] = []
    report = _REPORT.search(text)
    if report:
        named = report.group("report")
        name = re.split(r"\s*[;,.]\s*(?:et\s+)?", named)[0]
        kinds.append(("report", None, plain(name).strip()))
        # what follows the report's name still counts: "…, au plus tard le 31 mars 2027"
        text = text[: report.start()] + " " + named[len(name) :]
    if re.search(r"\bnotification\b", text, re.IGNORECASE):
        kinds.append(("notification", None, None))
    if re.search(r"\bsignature\b", text, re.IGNORECASE):
        kinds.append(("signature", None, None))
    found = [d for d in dates(text) if d.value is not None]
    if found:
        kinds.append(("date", found[0].value.isoformat() if found[0].value else None, None))
    if not kinds:
        return None, None, None
    if len(kinds) > 1:
        return "ambiguous", None, None
    return kinds[0]


def _record(
    reading: Reading, article: Article, instalments: list[Instalment], total: Decimal | None
) -> None:
    findings = reading.findings
    if not instalments:
        findings.gap("payment.instalments", gettext_noop("{article} gives no payment trigger"),
                     article=article.label)  # fmt: skip
        return
    count = _COUNT.search(article.passage.text)
    if count:
        expected = _NUMBERS.get(count.group("n").lower()) or int(count.group("n"))
        if expected != len(instalments):
            findings.doubt("payment.instalments", gettext_noop(
                "{article} announces {announced} payments, its text describes {described}"),
                article=article.label, announced=expected, described=len(instalments))  # fmt: skip
            return
    if not _adds_up(reading, instalments, total):
        return
    for i, part in enumerate(instalments):
        name = f"payment.instalments[{i}]"
        quote, origin = part.span.text, part.span.origin
        if part.trigger == "ambiguous":
            findings.doubt(f"{name}.trigger", gettext_noop("the payment names several triggers"))
        elif part.trigger:
            findings.put(f"{name}.trigger", part.trigger, article.label, quote, origin)
        if part.amount is not None:
            findings.put(f"{name}.amount", str(part.amount), article.label, quote, origin)
        if part.share:
            findings.put(f"{name}.share", part.share, article.label, quote, origin)
        if part.on:
            findings.put(f"{name}.on", part.on, article.label, quote, origin)
        if part.report:
            findings.put(f"{name}.report", part.report, article.label, quote, origin)


def _adds_up(reading: Reading, instalments: list[Instalment], total: Decimal | None) -> bool:
    """Shares must make 100 %, amounts the total: otherwise one of them was misread."""
    shares = [Decimal(i.share.rstrip("%").replace(",", ".")) for i in instalments if i.share]
    if len(shares) == len(instalments) and sum(shares) != 100:
        reading.findings.doubt("payment.instalments",
                               gettext_noop("the shares add up to {total} %, not 100 %"),
                               total=sum(shares))  # fmt: skip
        return False
    parts = [i.amount for i in instalments if i.amount is not None]
    if total is not None and len(parts) == len(instalments) and sum(parts) != total:
        reading.findings.doubt("payment.instalments", gettext_noop(
            "the instalments add up to {parts}, not the amount {amount}"),
            parts=sum(parts), amount=total)  # fmt: skip
        return False
    return True
