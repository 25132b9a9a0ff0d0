"""`convflow simulate` on the command line: what the service would do, writing nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from states.calendar import at_paris_time, civil_date
from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, Convflow
from workflow.cli import context as cli_context
from workflow.usecases.iso import instant


def today() -> date:
    """Today in Paris on the command line's clock (fixed by `cli_clock`)."""
    return civil_date(cli_context.utc_now())


def convention_ending_in(tmp_path: Path, days: int) -> Path:
    """The reference convention, its term `days` days from today."""
    text = EXAMPLE.read_text(encoding="utf-8")
    term = (today() + timedelta(days=days)).isoformat()
    changed = re.sub(r"(?m)^end_date = \S+", f"end_date = {term}", text)
    assert changed != text
    path = tmp_path / "convention.toml"
    path.write_text(changed, encoding="utf-8")
    return path


def test_simulate_after_run_due_passed_an_overdue_signature_target(
    convflow: Convflow, tmp_path: Path, cli_clock: object
) -> None:
    """Issue 9's repro: once `run-due` has marked an overdue signature target passed, its
    weekly reminders are still planned; `simulate` crashed with a KeyError on them. On a
    fixed day (6 December 2026): on the real clock, from 7 December a weekly reminder fell on
    Christmas and went out the day before, as a reminder on a public holiday does."""
    convflow.ok("import", "--without-history", str(convention_ending_in(tmp_path, 400)))
    submitted = today() - timedelta(days=10)
    convflow.ok("event", REF, "submit", "--on", submitted.isoformat())
    convflow.ok("run-due", "--no-send")
    until = (today() + timedelta(days=30)).isoformat()

    predicted = convflow.json("simulate", REF, "--until", until)

    target = submitted + timedelta(days=7)  # the signature target, three days ago
    weekly = [h for h in predicted if h["what"] == "reminder"]
    assert weekly, predicted
    for number, happening in enumerate(weekly, start=1):
        day = target + timedelta(days=7 * number)
        assert happening["label"] == f"relance-{number}"
        assert happening["outcome"] == "send"
        assert happening["email"] == "reminder_signature"
        assert happening["at"] == happening["due_at"]
        assert happening["days_left"] == (target - day).days  # "il y a 7 jours"...
        assert happening["due_at"] == instant(at_paris_time(day, 9))
    assert len(weekly) == len([n for n in range(1, 6) if target + timedelta(days=7 * n)
                               <= today() + timedelta(days=30)])  # fmt: skip
    text = convflow.ok("simulate", REF, "--until", until)
    assert "relance n°\u00a01\u00a0: envoyé" in text and "annonce\u00a0: il y a 7 jours" in text


def test_simulate_shows_what_a_back_dated_submission_will_not_send_and_why(
    convflow: Convflow, tmp_path: Path, cli_clock: object
) -> None:
    """Submitted ten days ago, recorded now: the reminder of the target's day (three days ago)
    was planned after its instant; the service will skip it, and `simulate` says why."""
    convflow.ok("import", "--without-history", str(convention_ending_in(tmp_path, 400)))
    convflow.ok("event", REF, "submit", "--on", (today() - timedelta(days=10)).isoformat())

    predicted = convflow.json("simulate", REF, "--until", today().isoformat())

    assert [h["what"] for h in predicted] == ["deadline passed", "reminder"]  # pass order
    skipped = predicted[1]
    assert (skipped["label"], skipped["outcome"], skipped["reason"]) == (
        "J-0", "skipped", "known_late",
    )  # fmt: skip
    assert skipped["note"] == "son heure était passée quand l'échéance a été connue"
    report = convflow.json("run-due", "--no-send")
    assert [(r["label"], r["outcome"], r["reason"]) for r in report["reminders"]] == [
        ("J-0", "skipped", "known_late")
    ]


def test_an_until_before_the_start_is_refused_not_answered_with_nothing(
    convflow: Convflow, cli_clock: object
) -> None:
    """Asked on 6 December 2026 up to 31 January 2026, `simulate` said « rien ne se passerait
    jusqu'au 31 janvier 2026 » while the convention's term had passed unrecorded: the next
    pass records its expiry. Such an end precedes the start; it is refused, saying both."""
    loaded = convflow
    loaded.ok("import", str(EXAMPLE))  # with its 2025 history: in execution, its term passed
    before = loaded.json("status", REF)

    refusal = loaded.refusal("simulate", REF, "--until", "2026-01-31")
    said = loaded("simulate", REF, "--until", "2026-01-31")

    assert refusal["code"] == "simulation_ends_before_start"
    assert refusal["params"]["field"] == "until" and refusal["params"]["until"] == "2026-01-31"
    assert refusal["params"]["start"].startswith("2026-12-06T10:00:00")
    assert said.exit_code == 1 and said.stdout == ""
    assert said.stderr.startswith("Erreur") and said.stderr.endswith(
        "le 31 janvier 2026 précède le début de la simulation, dimanche 6 décembre 2026 à 11:00 "
        "(heure de Paris)\u00a0; donnez une date à venir, ou --now pour partir plus tôt\n"
    )
    assert loaded.json("status", REF) == before


def test_an_until_on_the_start_s_day_simulates_what_is_overdue(
    convflow: Convflow, cli_clock: object
) -> None:
    """The last day may be the first: what is overdue at the start happens in it."""
    loaded = convflow
    loaded.ok("import", str(EXAMPLE))
    happened = loaded.json("simulate", REF, "--until", "2026-12-06")

    assert [h["what"] for h in happened if h["what"] == "expire"] == ["expire"]


def test_simulate_says_an_amendment_in_signature_lapses_with_the_convention(
    convflow: Convflow, tmp_path: Path, cli_clock: object
) -> None:
    """F11: the convention reaches its term on 26 December 2026 with avenant n° 1 (amount
    250 000 €) submitted and unsigned; the due pass records the expiry and the avenant lapses
    (« caduc »). `simulate` said the expiry only; it says the lapse too, right after it, as the
    status and the history say it (« caduc »), the email being the end's (which names it)."""
    convflow.ok("import", "--without-history", str(convention_ending_in(tmp_path, 20)))
    for args in (("submit", "--on", "2026-12-01"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2026-12-02"),
                 ("sign", f"signatory={CRPV}", "--on", "2026-12-03")):  # fmt: skip
        convflow.ok("event", REF, *args)
    convflow.ok("amend", REF, "amount=250000.00", "--on", "2026-12-04")
    convflow.ok("event", REF, "submit", "--amendment", "1", "--on", "2026-12-04")
    before = convflow.json("amendments", REF)

    predicted = convflow.json("simulate", REF, "--until", "2027-01-05")

    ends = [(h["what"], h["kind"], h["outcome"], h["state"], h["email"], h["amendment"])
            for h in predicted if h["what"] in ("expire", "lapse")]  # fmt: skip
    assert ends == [
        ("expire", "expiry", "expire", "expired", "convention_expired", None),
        ("lapse", "expiry", "lapse", "expired", None, 1),
    ]
    [lapse] = [h for h in predicted if h["what"] == "lapse"]
    [expire] = [h for h in predicted if h["what"] == "expire"]
    assert (lapse["at"], lapse["due_at"]) == (expire["at"], expire["due_at"])
    text = convflow.ok("simulate", REF, "--until", "2027-01-05")
    [row] = [line for line in text.splitlines() if "avenant caduc" in line]
    assert "avenant n°\u00a01\u00a0: caduc" in row, row
    assert "encore non signé quand la convention prend fin" in row, row
    english = convflow.english("simulate", REF, "--until", "2027-01-05").stdout
    assert "amendment lapsed" in english and "amendment n°1: lapsed" in english, english
    assert convflow.json("amendments", REF) == before  # nothing written


def test_simulate_json_says_what_its_text_says_of_the_hold_and_the_lapse(
    convflow: Convflow, tmp_path: Path, cli_clock: object
) -> None:
    """The administrator's A9: the `expiry held` row had `detail: "payment"` (the state) and
    `amendment: null` while the text said « suspendue jusqu'au … » and the status names the
    avenant; the `lapse` row had `note: null` while the text said « encore non signé quand la
    convention prend fin ». The JSON carries what the text says."""
    convflow.ok("import", "--without-history", str(convention_ending_in(tmp_path, 20)))
    for args in (("submit", "--on", "2026-12-01"),
                 ("sign", f"signatory={METROPOLE}", "--on", "2026-12-02"),
                 ("sign", f"signatory={CRPV}", "--on", "2026-12-03")):  # fmt: skip
        convflow.ok("event", REF, *args)
    convflow.ok("amend", REF, "end_date=2027-06-30", "--on", "2026-12-04")
    convflow.ok("event", REF, "submit", "--amendment", "1", "--on", "2026-12-04")
    convflow.ok("event", REF, "sign", "--amendment", "1", f"signatory={CRPV}", "--on", "2026-12-05")

    predicted = convflow.json("simulate", REF, "--until", "2027-01-10")

    [held] = [h for h in predicted if h["what"] == "expiry held"]
    assert (held["detail"], held["outcome"], held["amendment"]) == ("held", "held", 1), held
    assert held["held_until"] and held["note"], held
    [lapse] = [h for h in predicted if h["what"] == "lapse"]
    assert lapse["note"] == "encore non signé quand la convention prend fin", lapse
    assert lapse["amendment"] == 1
