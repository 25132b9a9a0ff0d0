"""Notifications of convflow: French emails rendered from templates, and their delivery.

Imports nothing from the other convflow packages: the workflow layer gives plain data in
and gets delivery results back. Each name is imported from its module when first used
(PEP 562), so that reading an address or a date does not load Jinja2 and smtplib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from notifications.errors import NotificationError, TemplateError, UnknownTemplate
    from notifications.folder import FolderSender
    from notifications.formatting import (
        date_fr,
        date_fr_full,
        datetime_fr,
        days_fr,
        end_fr,
        euros,
    )
    from notifications.memory import MemorySender
    from notifications.message import OutgoingEmail, to_bytes, to_mime
    from notifications.renderer import RenderedEmail, Renderer
    from notifications.samples import sample_context
    from notifications.senders import DeliveryOutcome, DeliveryResult, Refusal, Sender
    from notifications.smtp import SmtpSender, TlsMode

_MODULES = {
    "errors": ("NotificationError", "TemplateError", "UnknownTemplate"),
    "folder": ("FolderSender",),
    "formatting": ("date_fr", "date_fr_full", "datetime_fr", "days_fr", "end_fr", "euros"),
    "memory": ("MemorySender",),
    "message": ("OutgoingEmail", "to_bytes", "to_mime"),
    "renderer": ("RenderedEmail", "Renderer"),
    "samples": ("sample_context",),
    "senders": ("DeliveryOutcome", "DeliveryResult", "Refusal", "Sender"),
    "smtp": ("SmtpSender", "TlsMode"),
}
_HOME = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "DeliveryOutcome",
    "DeliveryResult",
    "FolderSender",
    "MemorySender",
    "NotificationError",
    "OutgoingEmail",
    "Refusal",
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
    "end_fr",
    "euros",
    "sample_context",
    "to_bytes",
    "to_mime",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'notifications' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"notifications.{module}"), name)
    globals()[name] = value
    return value
