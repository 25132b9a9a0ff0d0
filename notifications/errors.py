"""The errors of the notifications package, each built from what went wrong."""

from collections.abc import Iterable

__all__ = ["NotificationError", "TemplateError", "UnknownTemplate"]


class NotificationError(Exception):
    """Root of the errors raised by the notifications package."""


class UnknownTemplate(NotificationError, LookupError):
    """A kind of notification for which no complete set of templates exists."""

    def __init__(self, kind: str, known: Iterable[str] = ()) -> None:
        self.kind = kind
        self.known = sorted(known)
        super().__init__(
            f"no templates {kind}.subject.txt, {kind}.txt and {kind}.html for the kind {kind!r}; "
            f"known kinds: {', '.join(self.known) or '(none)'}"
        )


class TemplateError(NotificationError):
    """A template that could not be rendered: bad syntax, missing variable, refused access."""

    def __init__(self, template: str, detail: str, where: str | None = None) -> None:
        self.template = template
        self.detail = detail
        self.where = where
        place = f" ({where})" if where else ""
        super().__init__(f"template {template!r}{place}: {detail}")
