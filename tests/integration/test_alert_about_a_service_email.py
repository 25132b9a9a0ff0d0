"""An email of the service to its administrators (the daily chain heads), refused for good by the
mail server for one of them, is told to the others: the alert about an email that concerns no
convention renders, and says so.

Two administrators; the second's mailbox is disabled (550). The day's chain heads reach the
first; the alert « Non remis à : second.admin@… » reaches the first too, and says nothing of a
convention or of signatories. Delivered to a real SMTP server (aiosmtpd), SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from tests.integration import mail
from tests.integration.mail import ADMIN, Mail
from tests.integration.steps import at
from tests.integration.test_instalment_emails import signed_and_notified as signed_and_notified
from tests.notifications.conftest import SmtpServers
from tests.notifications.helpers import ScriptedHandler
from workflow.bootstrap import App
from workflow.usecases import views

SECOND = "second.admin@example.org"
DISABLED = "550 5.2.1 Mailbox disabled"


@pytest.fixture
def settings_env(settings_env: dict[str, str]) -> dict[str, str]:
    """Two administrators, who get the chain heads daily."""
    return {**settings_env, "CONVFLOW_ADMIN_EMAILS": f"{ADMIN},{SECOND}",
            "CONVFLOW_CHAIN_HEADS_DAILY": "yes"}  # fmt: skip


def the_alert(mails: list[Mail]) -> Mail:
    """The alert about the chain heads (the signatories' emails, copied to the administrators,
    were refused to the second too: their alerts name their convention)."""
    [alert] = [m for m in mails if m.key.startswith("alert:") and "[" not in m.subject_plain]
    return alert


def test_the_alert_about_the_chain_heads_refused_to_one_administrator_reaches_the_other(
    signed_and_notified: App, smtp_servers: SmtpServers
) -> None:
    app = signed_and_notified
    server = smtp_servers.start(ScriptedHandler(rcpt_answers={SECOND: DISABLED}))
    mails = mail.due_pass(app, server, at("2027-01-20T08:00:00Z"))
    heads = [m for m in mails if m.subject_plain.startswith("Empreintes de l’historique")]
    assert [m.envelope for m in heads] == [(ADMIN,)]
    alert = the_alert(mails)
    assert alert.envelope == (ADMIN,)
    assert alert.subject_plain == f"Alerte : un courriel n’a pas pu être remis à {SECOND}"
    assert alert.says("Un courriel du service, qui ne concerne aucune convention en "
                      "particulier, n’a pas pu être remis.")  # fmt: skip
    assert f"Non remis à : {SECOND}" in alert.text_read
    assert f"Remis à : {ADMIN}" in alert.text_read
    assert alert.says("Message aux administrateurs du service : les signataires ne le "
                      "reçoivent pas.")  # fmt: skip
    assert not alert.mentions("les signataires ont reçu ce message")
    assert not alert.mentions("LA CONVENTION") and not alert.mentions("La convention")
    assert not [e for e in views.outbox(app, "failed")]  # the alert rendered, and went
