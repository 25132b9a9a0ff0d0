"""Outbox: an email held because the mail server refuses convflow's settings keeps why, as a code

`outbox.held_code` holds, while an email is held (a login the server refuses or does not
offer, TLS it does not match, a certificate not trusted), the failure's code
(workflow.failures.SETTINGS_REFUSED); NULL once anything else became of it. A restarted
service knows from it which emails a hold held, and says when the hold is over, where it
read the start of their French note before.

The emails held under 0021 (waiting, or claimed, with the hold's note) get their code from
that note, once, here: the French texts 0021 wrote are fixed below, as they were; a note none
of them starts is left NULL (its email is held again at its next look if the settings are
still wrong, and only the « hold is over » line would not count it). Down to 0021, the notes
stay and say the hold as they did.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HELD = "en attente de réglages d'envoi corrigés\xa0: "
"""How 0021's note of a held email began (workflow.usecases.dispatch, in French)."""
_CODES = {
    "authentification refusée": "authentication_refused",
    "le serveur ne propose pas de connexion par identifiant (AUTH)": "login_not_offered",
    "le serveur ne propose pas STARTTLS": "starttls_not_offered",
    "le serveur ne parle pas TLS": "tls_not_spoken",
    "la négociation TLS avec le serveur a échoué": "tls_handshake_failed",
    "le certificat du serveur n'est pas reconnu": "tls_certificate_refused",
}
"""How 0021's French said each failure, after `_HELD`: the code it said."""
_HELD_ROWS = sa.text(
    "SELECT id, last_error FROM outbox "
    "WHERE status IN ('pending', 'uncertain', 'sending') AND last_error IS NOT NULL"
)


def upgrade() -> None:
    op.add_column("outbox", sa.Column("held_code", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    held = [
        {"id": row.id, "code": code}
        for row in connection.execute(_HELD_ROWS)
        if (code := _code_of(row.last_error)) is not None
    ]
    if held:
        connection.execute(sa.text("UPDATE outbox SET held_code = :code WHERE id = :id"), held)


def _code_of(note: str) -> str | None:
    """The code of the hold 0021's note says, None when it says none."""
    if not note.startswith(_HELD):
        return None
    said = note[len(_HELD) :]
    return next((code for words, code in _CODES.items() if said.startswith(words)), None)


def downgrade() -> None:
    # A plain DROP COLUMN, not batch mode's copy of the table (see 0021). The held emails'
    # notes stay: 0021 reads a hold from them.
    op.drop_column("outbox", "held_code")
