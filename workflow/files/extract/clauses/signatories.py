"""Who signs for each party, read from both blocks that name people.

Two places name people: the parties block ("représentée par sa Présidente, Madame ...") and
the signature block ("Pour la Métropole ... / Le Vice-Président délégué / M. ..."). The block
is who signs; the parties block says for whom, and spells the title in running text. When the
two name different people and the parties block does not say the signatory acts for the
person it names ("ou son représentant", "par délégation"), the name is left out.
"""

from __future__ import annotations

import re

from ..model import gettext_noop
from ..wording import capitalised, hyphenated, plain, sentence_case_words
from .common import Reading
from .parties import Party, Representative, parse_parties
from .people import TITLE_WORDS, agreeing, same_title, title_extends
from .signatures import Signer, read_place, signature_blocks, signers, which_party

_NO_EMAIL = gettext_noop("emails are never in a convention: add each signatory's")


def read_parties(reading: Reading) -> None:
    """Parties, their signatories (name, title) and the place of signature."""
    parties = parse_parties(reading.layout.parties, reading.compounds)
    findings = reading.findings
    findings.gap("reference", gettext_noop(
        "a convention's reference is chosen by the service, never written in it"))  # fmt: skip
    if len(parties) < 2:
        findings.gap(
            "parties[0].name", gettext_noop("no « Entre ... Et ... » block naming the parties")
        )
    for index, party in enumerate(parties):
        findings.put(f"parties[{index}].name", party.name, "parties", party.quote.text,
                     party.quote.origin_at(0))  # fmt: skip
        findings.gap(
            f"parties[{index}].key",
            gettext_noop("a party's key is chosen in convflow (e.g. metropole)"),
        )
    blocks = signature_blocks(reading.layout.signatures)
    found: dict[int, list[Signer]] = {i: [] for i in range(len(parties))}
    for heading, lines in blocks:
        which = which_party(heading, parties)
        if which is None:
            findings.note(
                "signatures",
                gettext_noop("the block « {block} » names no party clearly"),
                block=heading,
            )
            continue
        found[which].extend(signers(lines))
    for index, party in enumerate(parties):
        _signatories(reading, index, party, found[index])
    read_place(reading)


def _signatories(reading: Reading, index: int, party: Party, signers: list[Signer]) -> None:
    findings = reading.findings
    rep = party.representative
    prefix = f"parties[{index}].signatories"
    if not signers and rep is None:
        findings.gap(f"{prefix}[0].name", gettext_noop("no representative named for this party"))
        findings.gap(f"{prefix}[0].email", _NO_EMAIL)
        return
    if not signers:
        signers = [Signer(None, None, None, party.quote.origin_at(0), "")]
    single = len(signers) == 1
    for j, signer in enumerate(signers):
        name_field, title_field = f"{prefix}[{j}].name", f"{prefix}[{j}].title"
        where = "signatures" if signer.quote else "parties"
        quote = signer.quote or party.quote.text
        origin = signer.origin if signer.quote else party.quote.origin_at(0)
        is_rep = rep is not None and single and _same_person(rep, signer)
        stands_in = rep is not None and single and not is_rep and rep.stand_in
        name = signer.name or (rep.name if is_rep and rep else None)
        if rep and single and not is_rep and not stands_in:
            findings.doubt(name_field, gettext_noop(
                "the parties block names {named}, the signature block {signing}"),
                named=rep.name, signing=signer.name)  # fmt: skip
        elif name:
            findings.put(name_field, name, where, quote, origin)
        else:
            findings.gap(name_field, gettext_noop("the signatory's name is not written"))
        title = _title(reading, signer, rep if is_rep else None, title_field)
        whom = rep.for_whom if rep else None
        if title and rep and whom and ((is_rep and not rep.stand_in) or stands_in):
            title = f"{title}, pour {whom}"
        if title:
            findings.put(title_field, title, where, quote, origin)
        else:
            findings.gap(title_field, gettext_noop("the signatory's title is not written"))
        findings.gap(f"{prefix}[{j}].email", _NO_EMAIL)


def _same_person(rep: Representative, signer: Signer) -> bool:
    if signer.name is None or rep.name is None:
        return True
    return rep.name.casefold() == signer.name.casefold()


def _title(reading: Reading, signer: Signer, rep: Representative | None, name: str) -> str | None:
    block = _tidy_block_title(reading, signer, name) if signer.title else None
    running = capitalised(plain(rep.title)) if rep and rep.title else None
    if block and running:
        if same_title(block, running) or title_extends(running, block):
            return running
        if title_extends(block, running):
            return block
        reading.findings.doubt(name, gettext_noop(
            "the parties block says « {running} », the signature block « {block} »"),
            running=running, block=block)  # fmt: skip
        return None
    return block or running


def _tidy_block_title(reading: Reading, signer: Signer, name: str) -> str:
    assert signer.title is not None
    title = hyphenated(plain(signer.title), reading.compounds)
    title = (
        re.sub(r"\s*[-–—]\s*(?=\w)", "-", title) if re.search(r"\w\s+[–—-]\s+\w", title) else title
    )
    agreed, changed = agreeing(title, signer.sex)
    if changed:
        reading.findings.note(name, gettext_noop(
            "« {title} » made to agree with the civility of {signer}: « {agreed} »"),
            title=title, signer=signer.name, agreed=agreed)  # fmt: skip
    return capitalised(sentence_case_words(agreed, TITLE_WORDS))
