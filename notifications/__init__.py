"""Notifications of convflow: French emails rendered from templates, and their delivery.

Imports nothing from the other convflow packages: the workflow layer gives plain data in
and gets delivery results back.
"""

from notifications.errors import NotificationError, TemplateError, UnknownTemplate
from notifications.folder import FolderSender
from notifications.formatting import date_fr, date_fr_full, datetime_fr, days_fr, euros
from notifications.memory import MemorySender
from notifications.message import OutgoingEmail, to_bytes, to_mime
from notifications.renderer import RenderedEmail, Renderer
from notifications.samples import sample_context
from notifications.senders import DeliveryOutcome, DeliveryResult, Sender
from notifications.smtp import SmtpSender, TlsMode

__all__ = [
    "DeliveryOutcome",
    "DeliveryResult",
    "FolderSender",
    "MemorySender",
    "NotificationError",
    "OutgoingEmail",
    "RenderedEmail",
    "Renderer",
    "Sender",
    "SmtpSender",
    "TemplateError",
    "TlsMode",
    "UnknownTemplate",
    "date_fr",
    "date_fr_full",
    "datetime_fr",
    "days_fr",
    "euros",
    "sample_context",
    "to_bytes",
    "to_mime",
]
