"""The dashboard writes its dates in French words, as the command line and the emails do, in a
`<time>` element that keeps the exact value; never « 10/06/2025 », which a partner from abroad
reads as 6 October."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from tests.http.test_rendering import contexts
from workflow.http.dates import Form, when
from workflow.http.rendering import TEMPLATES, Pages
from workflow.wording.words import Words

NUMERIC_DATE = re.compile(r"\b[0-9]{1,2}/[0-9]{1,2}/[0-9]{2,4}\b")
TIME = re.compile(r'<time datetime="([^"]+)">([^<]*)</time>')
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")  # fmt: skip
ISO = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?$")
NBSP = "\u00a0"
ACCEPTED_FORMATS = "les dates en 31/12/2025 ou 2025-12-31"
"""The import page's help: the forms a spreadsheet's date may take, not a date it shows."""


def read(html: str) -> str:
    """Text as a reader sees it: no-break spaces as spaces."""
    return html.replace(NBSP, " ")


@pytest.mark.parametrize(
    ("value", "form", "machine", "words"),
    [
        (date(2025, 6, 10), "long", "2025-06-10", "mardi 10 juin 2025"),
        ("2025-06-10", "short", "2025-06-10", "10 juin 2025"),
        ("2026-01-01", "long", "2026-01-01", "jeudi 1er janvier 2026"),
        (datetime(2025, 6, 10, 12, 5, tzinfo=UTC), "short", "2025-06-10T12:05:00Z",
         "10 juin 2025 à 14:05"),
        ("2025-06-10T12:05:00Z", "long", "2025-06-10T12:05:00Z",
         "mardi 10 juin 2025 à 14:05 (heure de Paris)"),
        ("2025-12-31T23:00:00+00:00", "short", "2025-12-31T23:00:00Z",
         "1er janvier 2026 à 00:00"),  # winter time
    ],
)  # fmt: skip
def test_a_date_is_in_french_words_and_keeps_its_exact_value(
    value: date | str, form: Form, machine: str, words: str
):
    assert read(str(when(value, form))) == f'<time datetime="{machine}">{words}</time>'


def test_the_day_s_number_never_ends_a_line_without_its_month():
    assert f"10{NBSP}juin 2025" in when("2025-06-10", "short")
    assert f"jeudi 1er{NBSP}janvier 2026" in when("2026-01-01")


def test_the_end_of_a_deadline_is_said_as_the_command_line_says_it():
    midnight = "2025-07-02T22:00:00Z"  # 3 July 00:00 in Paris: the end of 2 July

    long, short = read(str(when(midnight, end=True))), read(str(when(midnight, "short", end=True)))

    cli = Words("fr").end(datetime(2025, 7, 2, 22, tzinfo=UTC)).replace(NBSP, " ")
    assert long == f'<time datetime="{midnight}">{cli}</time>'
    assert "mercredi 2 juillet 2025 à 24 h (heure de Paris)" in long
    assert f'<time datetime="{midnight}">2 juillet 2025 à 24 h</time>' == short
    assert "à 00:00" not in long + short  # never the next day at midnight


def test_a_date_not_known_is_a_dash_and_one_in_another_shape_is_shown_as_recorded():
    page = Pages().env.from_string("{{ value|when }}")

    assert when(None) == when("") == "—"
    assert when("le 3 mars") == "le 3 mars"
    assert when("2025-06-10T12:05:00") == "2025-06-10T12:05:00"  # naive: no place in time
    assert page.render(value="<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"  # still text, escaped


def test_no_template_writes_a_date_by_hand():
    """One filter for every date: no strftime, no hand-made `<time>`, no other date filter."""
    for template in Path(TEMPLATES).glob("*.html"):
        source = template.read_text(encoding="utf-8")
        for hand in ("strftime", "<time", "isoformat", "long_date", "short_date", "paris_time"):
            assert hand not in source, (template.name, hand)


@pytest.mark.parametrize("name", sorted(contexts()))
def test_every_page_writes_its_dates_in_words_never_in_numbers(name: str):
    html = Pages().render(name, contexts()[name]).replace(ACCEPTED_FORMATS, "")

    assert not NUMERIC_DATE.search(html), NUMERIC_DATE.findall(html)
    for machine, shown in TIME.findall(html):
        assert ISO.match(machine), (name, machine)
        assert any(month in shown for month in MONTHS), (name, shown)


def test_a_party_s_name_beside_a_date_in_a_warning_is_still_text():
    context = contexts()["convention.html"]
    context["party_names"] = {"crpv": "<script>alert(1)</script>"}

    html = Pages().render("convention.html", context)

    assert "<script>alert(1)</script>" not in html
    assert (
        "Litige ouvert par &lt;script&gt;alert(1)&lt;/script&gt; le "
        f'<time datetime="2025-06-02">lundi 2{NBSP}juin 2025</time>'
    ) in html
