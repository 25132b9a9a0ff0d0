"""Exports: CSV of every list view, and iCalendar feeds that calendar clients accept."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import httpx
import icalendar
import pytest

from tests.http.conftest import REFERENCE, Tokens, bearer
from tests.integration import steps
from workflow.bootstrap import App
from workflow.http.ical import calendar
from workflow.usecases.csv_export import cell, to_csv


def rows(answer: httpx.Response) -> list[list[str]]:
    """The CSV rows of an answer (byte order mark and semicolons, as Excel in French wants)."""
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(answer.text.lstrip("\ufeff")), delimiter=";"))


@pytest.mark.parametrize(
    ("value", "shown"),
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+33 4", "'+33 4"),
     ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("200000.00", "200000.00"), (None, "")],
)  # fmt: skip
def test_a_cell_a_spreadsheet_would_run_as_a_formula_stays_text(value: object, shown: str):
    assert cell(value) == shown


def test_a_csv_document_ends_lines_with_crlf_and_quotes_what_needs_it():
    text = to_csv(["a", "b"], [["x;y", 'say "hi"']])

    assert text == '\ufeffa;b\r\n"x;y";"say ""hi"""\r\n'


def test_the_conventions_list_exports_every_match_with_its_filters(
    admin_browser: httpx.Client, client: httpx.Client, tokens: Tokens, loaded: App
):
    steps.bring_into_force(loaded)

    page_csv = rows(admin_browser.get("/conventions.csv", params={"state": "notification"}))
    api_csv = rows(client.get("/api/v1/conventions.csv", headers=bearer(tokens.viewer)))
    none = rows(admin_browser.get("/conventions.csv", params={"state": "draft"}))

    assert page_csv[0][:3] == ["référence", "intitulé", "état"]
    assert page_csv[1][0] == REFERENCE and page_csv[1][2] == "signée, à notifier"
    assert page_csv[1][5] == "200000,00"
    assert api_csv == page_csv
    assert len(none) == 1


def test_the_history_and_deadline_lists_export_too(admin_browser: httpx.Client, loaded: App):
    steps.bring_into_force(loaded)
    loaded.clock.now = steps.at("2025-11-15T09:00:00Z")  # type: ignore[attr-defined]

    history = rows(admin_browser.get(f"/conventions/{REFERENCE}/historique.csv"))
    deadlines = rows(admin_browser.get("/echeances.csv", params={"jours": 90}))

    assert [row[2] for row in history[1:]] == ["Convention chargée", "Soumise à signature",
                                              "Signature", "Signature"]  # fmt: skip
    assert deadlines[1][:4] == ["2025-12-31", "terme de la convention", "expiry", REFERENCE]


def test_an_exported_title_that_looks_like_a_formula_is_neutralised(
    admin_browser: httpx.Client, loaded: App
):
    steps.record(loaded, "submit", "2025-03-03", note="=cmd|' /C calc'!A0")

    history = rows(admin_browser.get(f"/conventions/{REFERENCE}/historique.csv"))

    assert history[-1][7] == "note==cmd|' /C calc'!A0"  # "note=" first: not a formula
    assert all(not value.startswith("=") for row in history for value in row)


def test_the_calendar_feed_is_valid_rfc_5545(client: httpx.Client, tokens: Tokens, loaded: App):
    steps.bring_into_force(loaded)
    loaded.clock.now = steps.at("2025-06-01T09:00:00Z")  # type: ignore[attr-defined]

    answer = client.get(f"/api/v1/calendar.ics?token={tokens.viewer}")

    assert answer.headers["content-type"].startswith("text/calendar")
    raw = answer.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    parsed = icalendar.Calendar.from_ical(raw)
    events = [e for e in parsed.walk("VEVENT")]
    expiry = next(e for e in events if "terme" in str(e["SUMMARY"]))
    assert expiry.decoded("DTSTART") == date(2025, 12, 31)
    assert expiry.decoded("DTEND") == date(2026, 1, 1)
    assert "article 4" in str(expiry["DESCRIPTION"])
    # spaced as French writes it, as the emails are: no calendar line starts with « : »
    assert str(expiry["SUMMARY"]) == f"{REFERENCE}\u00a0: terme de la convention"
    alarms = [str(a["DESCRIPTION"]) for e in events for a in e.walk("VALARM")]
    assert alarms and all(a.startswith(f"Rappel\u00a0: {REFERENCE}\u00a0: ") for a in alarms)
    assert expiry["UID"] == f"{REFERENCE}-expiry-4@convflow"
    assert parsed["VERSION"] == "2.0" and "PRODID" in parsed
    assert all("DTSTAMP" in event for event in events)


def test_the_calendar_keeps_each_events_uid_from_one_fetch_to_the_next(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    steps.bring_into_force(loaded)
    path = f"/api/v1/conventions/{REFERENCE}/calendar.ics"

    first = icalendar.Calendar.from_ical(client.get(path, headers=bearer(tokens.viewer)).content)
    steps.record(loaded, "notify", "2025-03-20")
    second = icalendar.Calendar.from_ical(client.get(path, headers=bearer(tokens.viewer)).content)

    uids_before = {str(e["UID"]) for e in first.walk("VEVENT")}
    uids_after = {str(e["UID"]) for e in second.walk("VEVENT")}
    assert uids_before < uids_after  # the payment target was added, nothing renamed


def test_a_calendar_feed_of_an_unknown_convention_is_404(
    client: httpx.Client, tokens: Tokens, loaded: App
):
    answer = client.get(f"/api/v1/conventions/NOPE/calendar.ics?token={tokens.viewer}")

    assert answer.status_code == 404


def _item(**changes: object) -> dict[str, object]:
    item = {
        "reference": "R-1", "title": "T", "kind": "expiry", "status": "pending",
        "due_date": date(2025, 12, 31), "expires_at": datetime(2025, 12, 31, 23, tzinfo=UTC),
        "explanation": "x", "opened_by_seq": 4, "created_at": datetime(2025, 3, 10, tzinfo=UTC),
        "resolved_at": None, "first_reminder_days": 90,
    }  # fmt: skip
    return {**item, **changes}


def test_long_french_text_is_folded_at_75_octets_and_reads_back_whole():
    explanation = "Échéance : « terme » ; prorogation, non. " * 20 + "\\ fin\nligne"
    raw = calendar([_item(explanation=explanation)], "x").encode("utf-8")

    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    event = next(iter(icalendar.Calendar.from_ical(raw).walk("VEVENT")))
    assert str(event["DESCRIPTION"]) == "T\n\n" + explanation  # commas, semicolons, accents


def test_a_pending_deadline_rings_when_its_first_reminder_goes_out():
    raw = calendar([_item(), _item(kind="payment", first_reminder_days=0, opened_by_seq=5),
                    _item(status="met", opened_by_seq=6)], "x", "https://c.example", 9)  # fmt: skip
    expiry, payment, met = icalendar.Calendar.from_ical(raw).walk("VEVENT")

    alarm = next(iter(expiry.walk("VALARM")))
    assert alarm.decoded("TRIGGER") == timedelta(days=-90, hours=9)  # 2 October 2025, 09:00
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert next(iter(payment.walk("VALARM"))).decoded("TRIGGER") == timedelta(hours=9)
    assert list(met.walk("VALARM")) == []  # nothing to be reminded of any more
    assert str(expiry["URL"]) == "https://c.example/conventions/R-1"


def test_a_deadline_that_was_met_says_so_in_its_summary():
    item = {
        "reference": "R-1", "title": "T", "kind": "signature", "status": "met",
        "due_date": date(2025, 3, 10), "expires_at": datetime(2025, 3, 10, 23, tzinfo=UTC),
        "explanation": "x", "opened_by_seq": 2, "created_at": datetime(2025, 3, 3, tzinfo=UTC),
        "resolved_at": datetime(2025, 3, 10, 12, tzinfo=UTC),
    }  # fmt: skip

    parsed = icalendar.Calendar.from_ical(calendar([item], "x", "https://convflow.example"))

    event = next(iter(parsed.walk("VEVENT")))
    assert str(event["SUMMARY"]).startswith("[dans les délais] R-1")
    assert str(event["URL"]) == "https://convflow.example/conventions/R-1"
    assert event.decoded("DTSTAMP") == datetime(2025, 3, 10, 12, tzinfo=UTC)
