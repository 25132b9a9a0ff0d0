"""Whom an email reached: kept as its To and Cc name them, compared trimmed and in any case."""

from storage.outbox import Reached


def test_a_named_mailbox_is_kept_as_written_and_compared_in_any_case() -> None:
    reached = Reached(delivered_to=("Admin PDV <Admin.PDV@example.org>",))
    assert reached.values()["delivered_to"] == ["Admin PDV <Admin.PDV@example.org>"]
    mailboxes = (" admin pdv <admin.pdv@example.org>", "Second <second@example.org>")
    assert reached.unreached(mailboxes) == ("Second <second@example.org>",)


def test_those_refused_for_good_are_not_tried_again() -> None:
    reached = Reached(delivered_to=("a@example.org",), refused_to=("B@Example.org",))
    assert reached.unreached(("a@example.org", "b@example.org", "c@example.org")) == (
        "c@example.org",
    )
    assert Reached().values() == {"delivered_to": [], "refused_to": []}
