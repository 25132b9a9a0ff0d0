"""The command line speaks French to people: no English word, no internal name where a label
exists (the name a person types may follow its label, in brackets); `--json` keeps the names,
a public contract."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from tests.e2e.conftest import REF, Convflow
from tests.e2e.test_simulate import convention_ending_in, today

METROPOLE = "martial.alvarez@example.org"
CRPV = "mustapha.berra@example.org"
ENGLISH = ("reminder", "deadline passed", "send", "skipped", "cancelled", "passed", "expire")


def _in_force(convflow: Convflow, on: str) -> None:
    for args in (["submit", "--on", on], ["sign", f"signatory={METROPOLE}", "--on", on],
                 ["sign", f"signatory={CRPV}", "--on", on]):  # fmt: skip
        convflow.ok("event", REF, *args)


def test_simulate_says_what_happens_in_french(convflow: Convflow, tmp_path: Path) -> None:
    convflow.ok("import", "--without-history", str(convention_ending_in(tmp_path, 20)))
    _in_force(convflow, (today() - timedelta(days=2)).isoformat())
    until = (today() + timedelta(days=25)).isoformat()

    text = convflow.ok("simulate", REF, "--until", until)
    data = convflow.json("simulate", REF, "--until", until)

    assert {h["what"] for h in data} >= {"reminder", "expire"}  # the contract, unchanged
    words = {w for line in text.splitlines()[2:] for w in line.replace(":", " ").split()}
    assert not words & {"reminder", "send", "skipped", "cancelled", "passed", "expire", "expiry"}
    assert "deadline passed" not in text
    assert "J-7\u00a0: envoyé" in text and "rappel" in text and "terme de la convention" in text
    assert "il y a 1 jours" not in text


def test_run_due_says_what_it_did_in_french(loaded: Convflow) -> None:
    _in_force(loaded, "2025-03-03")

    text = loaded.ok("run-due", "--no-send", "--now", "2026-01-01T00:00:00+01:00")

    line = next(line for line in text.splitlines() if "terme de la convention" in line)
    assert "→ arrivée à terme" in line and "état arrivée à son terme" in line, line
    assert "→ expire" not in text and "expiry" not in text and "→ passed" not in text
    assert "→ send" not in text and "→ skipped" not in text


def test_status_names_deadlines_and_says_when_reminders_are_left_out(loaded: Convflow) -> None:
    _in_force(loaded, "2025-03-03")
    loaded.ok("event", REF, "notify", "--on", "2025-03-04")  # a payment target, reminded too
    loaded.ok("event", REF, "open_dispute", "party=crpv", "received=2025-03-05", "--on",
              "2025-03-05")  # and the amicable window's  # fmt: skip

    text = loaded.ok("status", REF)

    assert "terme de la convention" in text and "objectif de versement" in text, text
    for kind in ("expiry", "payment", "signature"):
        assert f"    {kind} " not in text, kind
    planned = len([r for r in loaded.json("reminders", REF) if r["status"] == "planned"])
    assert planned > 5
    assert f"… et {planned - 5} autre(s)" in text


def test_documents_say_the_paper_s_nature(loaded: Convflow, tmp_path: Path) -> None:
    paper = tmp_path / "convention-signee.txt"
    paper.write_text("Convention signée.\n", encoding="utf-8")
    loaded.ok("attach", REF, str(paper), "--kind", "signed_convention")

    text = loaded.ok("documents", REF)

    assert "convention signée" in text and "nature de la pièce" in text
    assert "sorte" not in text


def test_the_erase_refusal_names_the_action(loaded: Convflow) -> None:
    result = loaded("erase", REF, "--archives-reference", "AD13-2036-001")

    assert result.exit_code == 1
    assert "«\u00a0Effacer les données personnelles des signataires" in result.stderr
    assert "«\u00a0erase_personal_data\u00a0»" not in result.stderr


def test_a_letter_elides_de_before_a_vowel() -> None:
    from workflow.usecases.letters import of_name

    assert of_name("Élodie Martin-Dupré") == "d’Élodie Martin-Dupré"
    assert of_name("Anne Roux") == "d’Anne Roux"
    assert of_name("Martial Alvarez") == "de Martial Alvarez"
    assert of_name("Hélène Blanc") == "d’Hélène Blanc"


def _deadline_statuses(status: str) -> dict[str, str]:
    """Each deadline of `status` and what it says of it, in the columns a person reads:
    « terme de la convention  fin enregistrée  mercredi 31 décembre 2025, … »."""
    section = status.split("\n  échéances\n", 1)[1].split("\n  rappels", 1)[0]
    rows = [re.split(r" {2,}", line.strip()) for line in section.splitlines()
            if line.startswith("    ") and not line.startswith("     ")]  # fmt: skip
    return {row[0]: row[1] for row in rows}


def test_a_deadline_s_status_agrees_with_whatever_its_kind_is_called(loaded: Convflow) -> None:
    """« terme de la convention échue » was French for no one: le terme is masculine, and what
    is met, passed or applied is the deadline, whichever noun names it."""
    _in_force(loaded, "2025-03-03")
    loaded.ok("event", REF, "notify", "--on", "2025-03-04")  # a payment target, never met

    done = loaded.ok("run-due", "--no-send", "--now", "2026-01-01T00:00:00+01:00")
    status = loaded.ok("status", REF)

    assert _deadline_statuses(status) == {
        "objectif de signature": "dans les délais",
        "objectif de versement": "date passée",
        "terme de la convention": "fin enregistrée",
    }, status
    term = next(line for line in done.splitlines() if "terme de la convention" in line)
    assert term.startswith(
        f"{REF}\u00a0: terme de la convention, échéance du mercredi 31 décembre 2025 à 24\u00a0h"
    ), term
    for text in (status, done):
        assert not re.search(r"\b(échue|respectée|appliquée|remplacée|annoncée)\b", text), text
    assert {d["status"] for d in loaded.json("status", REF)["deadlines"]} == {
        "met", "passed", "applied",
    }  # the contract, unchanged  # fmt: skip


def test_the_calculator_says_the_day_a_deadline_was_moved_from_and_why(
    convflow: Convflow,
) -> None:
    """Thirty days from Friday 2 May 2025 end on Sunday 1 June: the amicable window ends on
    Monday 2 June, and the line says the Sunday with its weekday, for what it is."""
    moved = convflow.ok("deadline", "dispute", "--received", "2025-05-02")
    kept = convflow.ok("deadline", "dispute", "--received", "2025-04-30")

    assert moved.splitlines()[0].split(None, 1)[1] == (
        "lundi 2 juin 2025 (au lieu du dimanche 1er juin 2025, jour non ouvrable\xa0: report "
        "au premier jour ouvrable suivant)"
    )
    assert kept.splitlines()[0].split(None, 1)[1] == "vendredi 30 mai 2025"  # nothing moved
    assert "brute" not in moved + kept
    data = convflow.json("deadline", "dispute", "--received", "2025-05-02")
    assert (data["raw_end"], data["deadline"]) == ("2025-06-01", "2025-06-02")  # unchanged
