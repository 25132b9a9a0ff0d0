"""Mailboxes as the Métropole's administrators write them in the settings."""

import email
import email.policy

import pytest

from notifications import to_bytes
from notifications.addresses import address_problem, bare_address, mail_domain, split_mailbox
from tests.notifications.helpers import make_email

SERVICE = "Métropole AMP, politique de la ville <conventions@example.org>"


def test_a_display_name_with_a_comma_keeps_its_address() -> None:
    assert split_mailbox(SERVICE) == ("Métropole AMP, politique de la ville",
                                      "conventions@example.org")  # fmt: skip
    assert bare_address(SERVICE) == "conventions@example.org"
    assert mail_domain(SERVICE) == "example.org"


def test_a_quoted_name_and_a_bare_address_read_as_before() -> None:
    assert split_mailbox('"AMP, DPV" <dpv@example.org>') == ("AMP, DPV", "dpv@example.org")
    assert split_mailbox("dpv@example.org") == ("", "dpv@example.org")
    assert mail_domain("no address at all") == "convflow.local"


def test_the_partner_reads_the_service_name_whole_in_from() -> None:
    raw = to_bytes(make_email(sender=SERVICE))
    message = email.message_from_bytes(raw, policy=email.policy.default)

    assert message["From"].addresses[0].display_name == "Métropole AMP, politique de la ville"
    assert message["From"].addresses[0].addr_spec == "conventions@example.org"


@pytest.mark.parametrize(
    ("mailbox", "refused"),
    [
        ("Métropole AMP, politique de la ville", True),  # a name, no address
        ("conventions@", True),
        ("@example.org", True),
        ("Service <conventions@métropole.fr>", True),  # SMTP here speaks ASCII envelopes
        ("Service <conventions@example.org>", False),
        ("convflow <convflow@localhost>", False),
    ],
)
def test_what_is_refused_as_a_sender(mailbox: str, refused: bool) -> None:
    assert (address_problem(mailbox) is not None) is refused
