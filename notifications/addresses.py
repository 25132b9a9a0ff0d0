"""Mailboxes as administrators write them: 'Service, Métropole <address@domain>'.

`email.utils.parseaddr` reads an unquoted comma as the end of a mailbox, so
'Métropole AMP, politique de la ville <conventions@example.org>' came out as the address
'Métropole AMP': the Message-ID then held a non-ASCII domain and every email failed to render.
A display name followed by one address in angle brackets is read here as exactly that.
"""

from __future__ import annotations

import re
from email.charset import Charset
from email.utils import formataddr, parseaddr

_NAMED = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<address>[^<>\s]*)>\s*$")


def split_mailbox(mailbox: str) -> tuple[str, str]:
    """The display name and the bare address of one mailbox ('' when there is none)."""
    named = _NAMED.match(mailbox)
    if named:
        return named["name"].strip().strip('"').strip(), named["address"]
    return parseaddr(mailbox)


def bare_address(mailbox: str) -> str:
    """The address alone, as the SMTP envelope wants it."""
    return split_mailbox(mailbox)[1]


def address_problem(mailbox: str) -> str | None:
    """Why this is not one mailbox with an ASCII address that can receive email, or None."""
    address = bare_address(mailbox)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain.strip("."):
        return "an address looks like name@domain"
    if not address.isascii():
        return "the address must be ASCII (the display name may hold accents)"
    return None


def header_mailbox(mailbox: str, charset: str | Charset = "utf-8") -> str:
    """One mailbox for a header: the display name quoted or encoded as it needs."""
    return formataddr(split_mailbox(mailbox), charset=charset)


def mail_domain(mailbox: str) -> str:
    """The domain of the address, for Message-IDs; 'convflow.local' when there is none."""
    _, at, domain = bare_address(mailbox).rpartition("@")
    return domain if at and domain and domain.isascii() else "convflow.local"
