"""Renders a kind of notification into a French email: Jinja2, strict, sandboxed."""

import re
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import ImmutableSandboxedEnvironment

from notifications import formatting
from notifications.committee import committee_of
from notifications.errors import TemplateError, UnknownTemplate
from notifications.typography import (
    VERBATIM_END,
    VERBATIM_START,
    french_apostrophes,
    french_apostrophes_html,
    french_html,
    french_text,
)

__all__ = ["FILTERS", "PACKAGED_TEMPLATES", "RenderedEmail", "Renderer"]

PACKAGED_TEMPLATES = Path(__file__).with_name("templates")
FILTERS: dict[str, Callable[..., str]] = {
    "date_fr": formatting.date_fr,
    "date_fr_full": formatting.date_fr_full,
    "datetime_fr": formatting.datetime_fr,
    "end_fr": formatting.end_fr,
    "euros": formatting.euros,
    "days_fr": formatting.days_fr,
    "number_fr": formatting.number_fr,
    "paris_only": formatting.paris_only,
}
_SUBJECT, _TEXT, _HTML = ".subject.txt", ".txt", ".html"
_KIND = re.compile(r"[a-z][a-z0-9_]*\Z")  # partials start with '_' and are no kind


@dataclass(frozen=True)
class RenderedEmail:
    """A notification as its recipients read it: subject, plain text and HTML."""

    subject: str
    text: str
    html: str


class Renderer:
    """Renders `{kind}.subject.txt`, `{kind}.txt` and `{kind}.html` with a context of plain data.

    Templates in `template_dir` (the administrator's) override the packaged ones by name.
    """

    def __init__(self, template_dir: Path | None = None) -> None:
        self.template_dir = template_dir
        self._env = _environment(_loader(template_dir))

    def render(self, kind: str, context: Mapping[str, Any]) -> RenderedEmail:
        """The email of this kind for this context, in French typography whatever its template
        and facts wrote (notifications.typography: no-break spaces, typographic apostrophes);
        raises UnknownTemplate or TemplateError."""
        subject = self._render(kind, _SUBJECT, context).strip()
        if "\n" in subject:
            raise TemplateError(kind + _SUBJECT, f"the subject must be one line, not {subject!r}")
        text = _tidy(self._render(kind, _TEXT, context))
        html = self._render(kind, _HTML, context)
        return RenderedEmail(
            french_text(french_apostrophes(subject)),
            french_text(french_apostrophes(text)),
            french_html(french_apostrophes_html(html)),
        )

    def kinds(self) -> list[str]:
        """Every kind of notification that has its three templates."""
        names = set(self._env.list_templates())
        kinds = (name.removesuffix(_SUBJECT) for name in names if name.endswith(_SUBJECT))
        return sorted(kind for kind in kinds if _KIND.match(kind) and _complete(kind, names))

    def _render(self, kind: str, suffix: str, context: Mapping[str, Any]) -> str:
        """One template rendered; any failure becomes our TemplateError naming it."""
        name = kind + suffix
        try:
            return self._template(kind, name).render(context)
        # TypeError and ValueError come from our filters given the wrong data (a float amount).
        except (jinja2.TemplateError, TypeError, ValueError) as error:
            raise _translate(name, error) from error

    def _template(self, kind: str, name: str) -> jinja2.Template:
        """The compiled template, or UnknownTemplate if this kind has none."""
        if not _KIND.match(kind):
            raise UnknownTemplate(kind, self.kinds())
        try:
            return self._env.get_template(name)
        except jinja2.TemplateNotFound:
            raise UnknownTemplate(kind, self.kinds()) from None


def _environment(loader: jinja2.BaseLoader) -> ImmutableSandboxedEnvironment:
    """The one Jinja2 environment: sandboxed (administrators edit templates), strict, escaped."""
    environment = ImmutableSandboxedEnvironment(
        loader=loader,
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_refuse_none,
    )
    environment.filters.update(FILTERS)
    environment.filters["committee"] = committee_of  # not text: the phrases naming it
    environment.filters["verbatim"] = _verbatim
    return environment


def _loader(template_dir: Path | None) -> ChoiceLoader:
    """The administrator's templates first, the packaged ones behind them."""
    packaged = FileSystemLoader(PACKAGED_TEMPLATES)
    if template_dir is None:
        return ChoiceLoader([packaged])
    # A mistyped directory would silently fall back to the packaged templates: say so now.
    if not Path(template_dir).is_dir():
        raise NotADirectoryError(f"template directory not found: {template_dir}")
    return ChoiceLoader([FileSystemLoader(template_dir), packaged])


def _verbatim(value: Any) -> str:
    """A value quoted as written (a server's answer): the emails' typography leaves its
    apostrophes alone, as the HTML part's <code> does."""
    return f"{VERBATIM_START}{value}{VERBATIM_END}"


def _refuse_none(value: Any) -> Any:
    """Refuses to print None: a French email must never say « None »."""
    if value is None:
        raise TypeError("a value to print is None: guard it with {% if … %}")
    return value


def _complete(kind: str, names: set[str]) -> bool:
    """Whether a kind has its text and HTML templates beside its subject."""
    return kind + _TEXT in names and kind + _HTML in names


def _tidy(text: str) -> str:
    """Plain text without trailing spaces or runs of blank lines that templates leave behind."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _translate(template: str, error: Exception) -> TemplateError:
    """Our error for a Jinja2 or filter failure, naming the template and where it failed."""
    message = getattr(error, "message", None) or str(error)
    return TemplateError(template, f"{type(error).__name__}: {message}", _where(error))


def _where(error: Exception) -> str | None:
    """The template file and line where rendering failed, if known."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"{error.name or error.filename}, line {error.lineno}"
    frames = traceback.extract_tb(error.__traceback__)
    in_templates = [frame for frame in frames if frame.filename.endswith((".txt", ".html"))]
    if not in_templates:
        return None
    frame = in_templates[-1]
    return f"{Path(frame.filename).name}, line {frame.lineno}"
