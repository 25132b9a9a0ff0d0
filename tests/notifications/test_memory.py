"""MemorySender, the product's sender that keeps what it delivers (for a pass whose decisions, not
what its emails say, a test reads): it keeps them, follows a script of outcomes."""

from notifications import DeliveryOutcome, MemorySender
from tests.notifications.helpers import make_email


def test_keeps_what_it_sends() -> None:
    sender = MemorySender()
    emails = [make_email(1), make_email(2)]
    results = sender.send(emails)
    assert sender.sent == emails
    assert [r.outcome for r in results] == [DeliveryOutcome.SENT] * 2


def test_follows_its_script_then_sends() -> None:
    sender = MemorySender(script=[DeliveryOutcome.TEMPORARY, DeliveryOutcome.PERMANENT])
    emails = [make_email(number) for number in range(3)]
    first = sender.send(emails[:2])
    second = sender.send(emails[2:])
    assert [r.outcome for r in first + second] == [
        DeliveryOutcome.TEMPORARY,
        DeliveryOutcome.PERMANENT,
        DeliveryOutcome.SENT,
    ]
    assert sender.sent == [emails[2]]
    assert [r.message_id for r in first] == [e.message_id for e in emails[:2]]


def test_describe() -> None:
    assert "mémoire" in MemorySender().describe()
