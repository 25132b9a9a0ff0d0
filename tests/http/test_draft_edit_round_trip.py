"""An administrator opens a draft's « Modifier le brouillon » page, changes its title and saves:
the page's own fields, posted back as a browser posts them, keep every other term as it was.

The form shows some terms (three parties of three signatories, six instalments, four clauses)
and carries the others in hidden inputs (reminder offsets, articles, the committee, the
financial report, the open data, parties and instalments beyond its slots): each is written by
the page in the form the form's reader takes back. Served for real, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from states.convention import Convention
from tests.drafts import DRAFTS
from tests.http.test_new_convention import page_text
from tests.integration import steps
from workflow.bootstrap import App
from workflow.files.convention_file import parse_file
from workflow.usecases import views

NEW_TITLE = "Convention de partenariat (intitulé corrigé)"


def load_draft(app: App, name: str) -> str:
    """The draft `name` loaded as `convflow import --without-history` loads it; its reference."""
    convention = parse_file(DRAFTS[name], name, payment_target_days=30,
                            signature_target_days=7).convention  # fmt: skip
    steps.load(app, convention)
    return convention.reference


def stored(app: App, reference: str) -> Convention:
    with app.uow(read_only=True) as uow:
        return uow.conventions.get(reference)


def all_but_the_title(convention: Convention) -> Convention:
    """The convention with what a title-only edit may change set aside: the title itself, and
    the version and last event the edit records."""
    return replace(convention, title="", version=0, last_event_on=None)


def status_but_the_title(app: App, reference: str) -> dict[str, Any]:
    """`convflow status --json`, as an administrator compares it before and after an edit:
    everything but the title and what the edit itself adds (its history line, the version)."""
    status = dict(views.status(app, reference))
    return {key: value for key, value in status.items()
            if key not in ("title", "version", "history", "updated_at", "read_at")}  # fmt: skip


def only_the_title_changed(
    app: App, reference: str, before: Convention, status_before: dict[str, Any]
) -> None:
    """The draft after a title-only edit: the new title, everything else as it was, and one
    history line naming the title alone."""
    after = stored(app, reference)
    assert after.title == NEW_TITLE
    assert all_but_the_title(after) == all_but_the_title(before)
    assert status_but_the_title(app, reference) == status_before
    last = views.history(app, reference)[-1]
    assert (last["event"], last["inputs"]["fields"]) == ("edit_draft", "title")


class _BrowserForm(HTMLParser):
    """The fields a browser submits from the page's convention form: every named input (a
    text input's value without its line breaks, as the browser sanitises it), each textarea's
    text, each select's chosen option (its first, when none is marked)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._inside = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._inside = "convention-form" in given.get("class", "")
        if not self._inside or "name" not in given:
            if tag == "option" and self._select is not None:
                self._option(given)
            return
        name = given["name"]
        if tag == "input":
            value = given.get("value", "")
            if given.get("type", "text") != "hidden":
                value = value.replace("\r", "").replace("\n", "")
            self.fields[name] = value
        elif tag == "textarea":
            self._textarea, self.fields[name] = name, ""
        elif tag == "select":
            self._select = name

    def _option(self, given: dict[str, str]) -> None:
        assert self._select is not None
        if self._select not in self.fields or "selected" in given:
            self.fields[self._select] = given.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = self.fields[self._textarea]
            self.fields[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "select":
            self._select = None


def browser_fields(page: str) -> dict[str, str]:
    """The convention form's fields as a browser posts them (line breaks sent as CR LF)."""
    parser = _BrowserForm()
    parser.feed(page)
    parser.close()
    assert "csrf_token" in parser.fields and "version" in parser.fields
    return {name: value.replace("\r\n", "\n").replace("\n", "\r\n")
            for name, value in parser.fields.items()}  # fmt: skip


@pytest.mark.parametrize("draft", sorted(DRAFTS))
def test_changing_only_the_title_keeps_every_other_term_of_the_draft(
    admin_browser: httpx.Client, app: App, draft: str
):
    reference = load_draft(app, draft)
    before, status_before = stored(app, reference), status_but_the_title(app, reference)
    page = admin_browser.get(f"/conventions/{reference}/modifier")
    assert page.status_code == 200
    form = browser_fields(page.text)

    answer = admin_browser.post(
        f"/conventions/{reference}/modifier",
        data={**form, "title": NEW_TITLE, "action": "save"},
    )

    assert answer.status_code == 303, answer.text
    shown = page_text(admin_browser.get(answer.headers["location"]))
    assert "«\u00a0Modifier le brouillon\u00a0»\u00a0: c'est enregistré" in shown
    only_the_title_changed(app, reference, before, status_before)


@pytest.mark.parametrize("draft", sorted(DRAFTS))
def test_the_page_s_own_fields_preview_the_draft_without_a_refusal(
    admin_browser: httpx.Client, app: App, draft: str
):
    reference = load_draft(app, draft)
    page = admin_browser.get(f"/conventions/{reference}/modifier")

    answer = admin_browser.post(
        f"/conventions/{reference}/modifier",
        data={**browser_fields(page.text), "action": "preview"},
    )

    assert answer.status_code == 200
    assert "Rien n'a été enregistré" not in page_text(answer)
    assert "Échéances calculées" in page_text(answer)


def test_the_committee_s_name_rides_along_and_is_kept(admin_browser: httpx.Client, app: App):
    """The rich draft names its committee « Comité de pilotage » (`[committee]`): the form has
    no input for it, so it rides in a hidden input, and saving a new title keeps it."""
    reference = load_draft(app, "rich")
    assert stored(app, reference).committee.name == "Comité de pilotage"
    form = browser_fields(admin_browser.get(f"/conventions/{reference}/modifier").text)
    assert (form["committee.name"], form["committee.article"]) == (
        "Comité de pilotage", "article 4",
    )  # fmt: skip

    answer = admin_browser.post(
        f"/conventions/{reference}/modifier", data={**form, "title": NEW_TITLE, "action": "save"}
    )

    assert answer.status_code == 303, answer.text
    assert stored(app, reference).committee.name == "Comité de pilotage"
    assert views.status(app, reference)["committee"]["name"] == "Comité de pilotage"
