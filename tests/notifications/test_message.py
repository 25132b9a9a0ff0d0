"""The MIME form of an outgoing email."""

import dataclasses
import email
import email.policy
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import pytest

from notifications import OutgoingEmail, to_bytes, to_mime
from tests.notifications.helpers import make_email


def parse(raw: bytes) -> EmailMessage:
    """The message as a mail client would read it."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_the_message_id_is_kept_exactly() -> None:
    outgoing = make_email(7)
    assert to_mime(outgoing)["Message-ID"] == outgoing.message_id
    assert f"Message-ID: {outgoing.message_id}\r\n".encode() in to_bytes(outgoing)
    assert parse(to_bytes(outgoing))["Message-ID"] == outgoing.message_id


def test_a_long_message_id_survives_the_round_trip() -> None:
    message_id = "<" + "reminder-expiry-30." * 6 + "AMP-CRPV-PACA-2025@convflow.local>"
    assert parse(to_bytes(make_email(message_id=message_id)))["Message-ID"] == message_id


def test_multipart_alternative_with_text_then_html_in_utf8() -> None:
    message = parse(to_bytes(make_email()))
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    assert all("MIME-Version" not in part for part in parts)


def test_subject_and_bodies_round_trip_with_accents_and_french_spaces() -> None:
    outgoing = make_email(
        subject="[AMP-CRPV-PACA-2025] Échéance\xa0: « 200\u202f000,00\xa0€ »",
        text="Période amiable : « terminée ».\n",
        html="<p>Préavis — 6 mois</p>\n",
    )
    message = parse(to_bytes(outgoing))
    assert message["Subject"] == outgoing.subject
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().replace("\r\n", "\n") == outgoing.text
    assert html.get_content().replace("\r\n", "\n") == outgoing.html


def test_the_bytes_are_seven_bit_so_no_server_needs_8bitmime() -> None:
    assert to_bytes(make_email()).isascii()


def test_the_headers_convflow_relies_on() -> None:
    outgoing = make_email()
    message = parse(to_bytes(outgoing))
    assert message["Date"] == "Mon, 01 Dec 2025 09:00:00 +0100"  # as Marseille lives it
    assert message["Date"].datetime == outgoing.created_at
    assert message["From"] == outgoing.sender
    assert message["To"] == "Martial Alvarez <martial.alvarez@example.org>"
    assert message["Cc"] == "mustapha.berra@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Convflow-Key"] == outgoing.idempotency_key


def test_a_reply_goes_to_the_service_contact_when_there_is_one() -> None:
    assert "Reply-To" not in to_mime(make_email())

    message = to_mime(make_email(reply_to="politique-ville@example.org"))

    assert message["Reply-To"] == "politique-ville@example.org"


def test_a_summer_date_is_written_in_paris_summer_time() -> None:
    moment = datetime(2025, 7, 1, 7, 0, tzinfo=UTC)

    assert to_mime(make_email(created_at=moment))["Date"] == "Tue, 01 Jul 2025 09:00:00 +0200"


def test_no_cc_header_without_cc() -> None:
    assert "Cc" not in to_mime(make_email(cc=()))


def test_a_resend_is_byte_identical() -> None:
    outgoing = make_email()
    rebuilt = dataclasses.replace(outgoing)
    assert to_bytes(outgoing) == to_bytes(rebuilt)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"message_id": "abc@convflow.local"}, ValueError),
        ({"message_id": "<no-at-sign>"}, ValueError),
        ({"created_at": datetime(2025, 12, 1, 8, 0)}, ValueError),
        ({"to": "martial.alvarez@example.org"}, TypeError),
        ({"to": (), "cc": ()}, ValueError),
        ({"subject": "Rappel\nBcc: everyone@example.org"}, ValueError),
        ({"to": ("élodie@example.org",)}, ValueError),
        ({"to": ("Martial Alvarez",)}, ValueError),
        ({"message_id": "<réunion@convflow.local>"}, ValueError),
        ({"idempotency_key": "clé"}, ValueError),
    ],
)
def test_an_email_that_could_not_be_sent_is_refused_when_made(
    changes: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        make_email(**changes)


def test_recipients_are_to_then_cc() -> None:
    outgoing = make_email(to=("a@example.org",), cc=("b@example.org", "c@example.org"))
    assert outgoing.recipients == ("a@example.org", "b@example.org", "c@example.org")


def test_the_email_is_frozen() -> None:
    outgoing: OutgoingEmail = make_email()
    with pytest.raises(dataclasses.FrozenInstanceError):
        outgoing.subject = "autre"  # type: ignore[misc]
    assert outgoing.created_at.tzinfo is UTC


def test_display_names_with_accents_are_encoded_and_read_back() -> None:
    outgoing = make_email(to=("Élodie Müller <elodie.muller@example.org>",), cc=())
    raw = to_bytes(outgoing)
    assert raw.isascii()
    assert parse(raw)["To"] == "Élodie Müller <elodie.muller@example.org>"


def test_many_recipients_are_folded_and_read_back() -> None:
    recipients = tuple(f"Signataire {n} <signataire.{n}@example.org>" for n in range(12))
    raw = to_bytes(make_email(to=recipients, cc=()))
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    to = parse(raw)["To"]
    assert [str(address) for address in to.addresses] == list(recipients)


def test_a_long_subject_is_folded_into_short_lines() -> None:
    subject = "[AMP-CRPV-PACA-2025] " + "Rappel : échéance très proche " * 6
    raw = to_bytes(make_email(subject=subject))
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert parse(raw)["Subject"] == subject
