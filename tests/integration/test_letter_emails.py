"""The emails of a registered letter, as the partners receive them (a real SMTP server), when
the letter is recorded days after it arrived: they say the day it was received, which every
deadline counts from (articles 6 and 7), not the day it was recorded; and their text and HTML
parts say the same sentences."""

from __future__ import annotations

import re

import pytest

from states.convention import Convention
from tests.conftest import FixedClock
from tests.integration.mail import Inbox, Mail, due_pass, partners_only
from tests.integration.steps import REFERENCE, at, record
from tests.integration.test_what_is_due import recorded_in_force
from tests.notifications.conftest import RunningServer
from tests.notifications.parts import html_paragraphs, text_paragraphs
from workflow.bootstrap import App


@pytest.fixture
def convention_in_force(inbox: Inbox, clock: FixedClock, reference_convention: Convention) -> App:
    """The reference convention in force from 10 March 2025 (see `recorded_in_force`); convflow
    copying its administrator, on the test clock."""
    return recorded_in_force(inbox.app, clock, reference_convention)


def read_title(convention: Convention) -> str:
    """A convention's title as its emails write it: typographic apostrophes (« d’un »)."""
    return convention.title.replace("'", "\u2019")


def told(app: App, clock: FixedClock, server: RunningServer, on: str, **inputs: str) -> list[Mail]:
    """Record the letter's event on `on` (the clock at 10:00 that day) and deliver what is
    due: the emails of that event as the partners received them."""
    clock.now = at(f"{on}T10:00:00Z")
    due_pass(app, server, clock.now)  # what came before, the signatures' emails
    record(app, on=on, **inputs)
    return partners_only(due_pass(app, server, clock.now))


def both_parts(mail: Mail) -> tuple[list[str], list[str]]:
    """The paragraphs of its message, in the plain-text part and in the HTML part as shown."""
    return text_paragraphs(mail.text), html_paragraphs(mail.html)


def test_a_dispute_recorded_the_day_after_its_letter_says_the_day_it_was_received(
    convention_in_force: App, clock: FixedClock, smtp_server: RunningServer,
    reference_convention: Convention,
) -> None:  # fmt: skip
    messages = told(convention_in_force, clock, smtp_server, "2025-06-03",
                    event="open_dispute", party="crpv", received="2025-06-02")  # fmt: skip

    assert [m.subject_plain for m in messages] == [
        "[AMP-CRPV-PACA-2025] Litige notifié : règlement amiable jusqu’au 2 juillet 2025"
    ]
    text, html = both_parts(messages[0])
    assert text[0] == (
        f"Un litige relatif à la convention {REFERENCE} « {read_title(reference_convention)} » "
        "a été "
        "notifié par lettre recommandée avec avis de réception, reçue le lundi 2 juin 2025 "
        "(article 6). Les parties disposent de 30 jours calendaires pour tenter un règlement "
        "amiable, jusqu’au mercredi 2 juillet 2025 à 24 h."
    )
    assert html == text
    assert not any("3 juin" in paragraph for paragraph in text)


def test_a_dispute_s_event_block_labels_its_date_as_the_event_s(
    convention_in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    # The block said « Litige notifié : mardi 3 juin 2025 » under a sentence saying the letter
    # was received on 2 June, which the deadline counts from: the 3rd is the event's date, given
    # as the day recorded (a dispute dated by its letter, recorded later, says both days:
    # test_inbox_words).
    messages = told(convention_in_force, clock, smtp_server, "2025-06-03",
                    event="open_dispute", party="crpv", received="2025-06-02")  # fmt: skip

    lines = messages[0].text.splitlines()
    block = lines[lines.index("L’ÉVÉNEMENT") + 1 :]
    assert block[0] == "Date de l’événement\u00a0: mardi 3 juin 2025"
    assert not any(line.startswith(("Litige notifié", "Enregistré le")) for line in block)
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", messages[0].html))
    assert "Date de l’événement mardi 3 juin 2025" in cells
    assert "Litige notifié mardi" not in cells


def test_a_termination_recorded_days_after_its_letter_says_the_day_it_was_received(
    convention_in_force: App, clock: FixedClock, smtp_server: RunningServer,
    reference_convention: Convention,
) -> None:  # fmt: skip
    messages = told(convention_in_force, clock, smtp_server, "2025-04-15",
                    event="give_notice", party="metropole", received="2025-04-10")  # fmt: skip

    assert [m.subject_plain for m in messages] == [
        "[AMP-CRPV-PACA-2025] Résiliation notifiée : fin de la convention le 10 octobre 2025 à 24 h"
    ]
    text, html = both_parts(messages[0])
    assert text[0] == (
        f"Une lettre recommandée avec avis de réception résiliant la convention {REFERENCE} "
        f"« {read_title(reference_convention)} » a été reçue le jeudi 10 avril 2025. Chacune des "
        "parties peut résilier la convention sans justification ; la résiliation prend effet à "
        "l’expiration d’un délai de 6 mois à compter de la lettre (article 7)."
    )
    assert html == text
    assert not any("15 avril" in paragraph for paragraph in text)


class TestLettersCountedFromDispatch:
    """A service counting a notice from the day its letter was sent
    (CONVFLOW_TERMINATION_LETTER_DATE=dispatch)."""

    @pytest.fixture
    def settings_env(self, settings_env: dict[str, str]) -> dict[str, str]:
        return {**settings_env, "CONVFLOW_TERMINATION_LETTER_DATE": "dispatch"}

    def test_a_notice_counted_from_dispatch_says_the_day_the_letter_was_sent(
        self, convention_in_force: App, clock: FixedClock, smtp_server: RunningServer
    ) -> None:
        letter = {"dispatched": "2025-04-08", "received": "2025-04-10"}
        messages = told(convention_in_force, clock, smtp_server, "2025-04-15",
                        event="give_notice", party="metropole", **letter)  # fmt: skip

        assert messages[0].subject_plain.endswith("fin de la convention le 8 octobre 2025 à 24 h")
        text, html = both_parts(messages[0])
        assert "résiliant la convention" in text[0]
        assert "» a été envoyée le mardi 8 avril 2025. Chacune des parties" in text[0]
        assert html == text


def test_a_dispute_letter_never_collected_says_the_day_it_was_presented(
    convention_in_force: App, clock: FixedClock, smtp_server: RunningServer
) -> None:
    messages = told(convention_in_force, clock, smtp_server, "2025-06-05", event="open_dispute",
                    party="crpv", presented="2025-06-02", uncollected="yes")  # fmt: skip

    text, html = both_parts(messages[0])
    assert (
        "» a été notifié par lettre recommandée avec avis de réception, présentée le lundi "
        "2 juin 2025 et non retirée (article 6)."
    ) in text[0]
    assert html == text
