"""`convflow committee`: the steering committee of article 3 (rule 23), from the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from tests.drafts import DRAFTS
from tests.e2e.conftest import CRPV, EXAMPLE, METROPOLE, REF, CliClock, Convflow


def in_force(convflow: Convflow) -> None:
    for event, on, inputs in (("submit", "2025-03-03", ()),
                              ("sign", "2025-03-05", ("signatory=" + METROPOLE,)),
                              ("sign", "2025-03-10", ("signatory=" + CRPV,))):  # fmt: skip
        convflow.ok("event", REF, event, *inputs, "--on", on)


def test_a_meeting_is_recorded_listed_and_shown_in_status_and_history(
    loaded: Convflow, tmp_path: Path
) -> None:
    in_force(loaded)
    minutes = tmp_path / "compte-rendu.txt"
    minutes.write_text("Compte rendu : orientations 2025 validées.\n", encoding="utf-8")

    done = loaded.json("committee", REF, "add", "--date", "2025-06-12", "--attendees",
                       "Métropole ; GIP CRPV PACA", "--decisions", "Programme validé",
                       "--minutes", str(minutes))  # fmt: skip

    assert (done["event"], done["on"], done["to_state"]) == ("committee_meeting", "2025-06-12",
                                                            "notification")  # fmt: skip
    assert done["deadlines"] == []  # no cadence by default
    listed = loaded.json("committee", REF, "list")
    (meeting,) = listed["meetings"]
    assert meeting["minutes"].startswith("Compte rendu")
    assert (listed["cadence_months"], listed["next_due"]) == (None, None)
    assert loaded.json("status", REF)["committee"] == listed
    history = loaded.json("history", REF)
    assert history[-1]["event"] == "committee_meeting"
    assert meeting["event"] == history[-1]["seq"]
    assert "minutes_sha256" in history[-1]["inputs"]
    text = loaded.ok("status", REF)
    assert "comité technique" in text and "présents\u00a0: Métropole ; GIP CRPV PACA" in text


def test_its_paper_is_attached_to_its_history_line(loaded: Convflow, tmp_path: Path) -> None:
    in_force(loaded)
    done = loaded.json("committee", REF, "add", "--date", "2025-06-12", "--attendees", "A",
                       "--decisions", "B")  # fmt: skip
    line = loaded.json("committee", REF, "list")["meetings"][0]["event"]
    paper = tmp_path / "cr-signe.txt"
    paper.write_text("Compte rendu signé.\n", encoding="utf-8")

    loaded.ok("attach", REF, str(paper), "--kind", "minutes", "--event", str(line))

    assert done["event"] == "committee_meeting"
    (listed,) = loaded.json("committee", REF, "list")["meetings"][0]["papers"]
    assert listed["name"] == "cr-signe.txt"


def test_a_cadence_opens_the_committee_deadline(loaded: Convflow, cli_clock: CliClock) -> None:
    cli_clock.now = datetime(2025, 3, 11, 12, 0, tzinfo=UTC)  # in force, its term to come
    in_force(loaded)

    done = loaded.json("committee", REF, "cadence", "6", "--on", "2025-03-11")

    assert [(d["kind"], d["due_date"]) for d in done["deadlines"]] == [("committee", "2025-09-10")]
    status = loaded.json("status", REF)
    assert status["committee"]["next_due"] == "2025-09-10"
    pending = [d for d in status["deadlines"] if d["kind"] == "committee"]
    assert [d["status"] for d in pending] == ["pending"]
    assert "article 3" in pending[0]["explanation"]


def test_a_cadence_whose_next_meeting_the_term_closes_says_none_is_due(
    loaded: Convflow, cli_clock: CliClock
) -> None:
    """Nine months after 31 March 2025 is the term's own day, 31 December 2025: the term's
    arrival closes it (states.deadlines.closed_by_end), so no meeting is due before the end."""
    cli_clock.now = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)
    in_force(loaded)
    loaded.ok("committee", REF, "add", "--date", "2025-03-31", "--attendees", "A",
              "--decisions", "B")  # fmt: skip

    done = loaded.json("committee", REF, "cadence", "9", "--on", "2025-04-02")

    assert done["deadlines"] == []
    assert loaded.json("committee", REF, "list")["next_due"] is None
    said = "article 3\xa0; tous les 9 mois, aucune réunion n'est due d'ici la fin de la convention"
    assert said in loaded.ok("committee", REF, "list")
    assert said in loaded.ok("status", REF)


def test_a_committee_named_by_its_file_is_named_by_status_and_its_list(
    convflow: Convflow, tmp_path: Path
) -> None:
    """The rich draft's file says `[committee] name = "Comité de pilotage"`, article 4."""
    draft = tmp_path / "riche.toml"
    draft.write_text(DRAFTS["rich"], encoding="utf-8")
    convflow.ok("import", str(draft))

    said = "Comité de pilotage (article 4)\xa0; aucune fréquence fixée"
    assert said in convflow.ok("status", "AMP-RICHE-2026")
    assert said in convflow.ok("committee", "AMP-RICHE-2026", "list")
    assert convflow.json("committee", "AMP-RICHE-2026", "list")["name"] == "Comité de pilotage"


def test_a_meeting_before_signature_or_in_the_future_is_refused(loaded: Convflow) -> None:
    in_force(loaded)

    before = loaded.refusal("committee", REF, "add", "--date", "2025-03-07", "--attendees", "A",
                            "--decisions", "B")  # fmt: skip
    future = loaded.refusal("committee", REF, "add", "--date", "2099-03-07", "--attendees", "A",
                            "--decisions", "B")  # fmt: skip
    cadence = loaded.refusal("committee", REF, "cadence", "48", "--on", "2025-03-11")

    assert before["code"] == "committee_before_signature"
    assert future["code"] == "dated_in_future"
    assert cadence["code"] == "committee_cadence_out_of_range"
    assert loaded.json("committee", REF, "list")["meetings"] == []


def test_minutes_that_are_not_text_are_a_usage_error(loaded: Convflow, tmp_path: Path) -> None:
    in_force(loaded)
    scan = tmp_path / "compte-rendu.pdf"
    scan.write_bytes(b"%PDF-1.7\n\xff\xfe\x00")

    result = loaded("committee", REF, "add", "--date", "2025-06-12", "--attendees", "A",
                    "--decisions", "B", "--minutes", str(scan))  # fmt: skip

    assert result.exit_code == 2
    assert "n'est pas du texte UTF-8\u00a0: joignez un PDF" in result.stderr  # French, as the rest
    assert "convflow attach --event N" in result.stderr
    assert loaded.json("committee", REF, "list")["meetings"] == []


def commission_in_force(convflow: Convflow, cli_clock: CliClock, tmp_path: Path) -> None:
    """The reference file with `[committee] name = "Commission de suivi"`, article 8,
    imported and in force from 10 March 2025; the clock on 11 March 2025."""
    named = tmp_path / "commission.toml"
    named.write_text(EXAMPLE.read_text(encoding="utf-8")
                     + '\n[committee]\nname = "Commission de suivi"\narticle = "article 8"\n',
                     encoding="utf-8")  # fmt: skip
    convflow.ok("import", "--without-history", str(named))
    cli_clock.now = datetime(2025, 3, 11, 12, 0, tzinfo=UTC)
    in_force(convflow)


def test_a_commission_named_by_its_file_is_named_by_every_line_that_speaks_of_it(
    convflow: Convflow, cli_clock: CliClock, tmp_path: Path
) -> None:
    """The reference file with `[committee] name = "Commission de suivi"`, article 8: status
    puts it under « comité de suivi », its next meeting and its reminders by its name, its
    explanation too; `committee add` names its meeting so."""
    commission_in_force(convflow, cli_clock, tmp_path)

    cadence = convflow.ok("committee", REF, "cadence", "6", "--on", "2025-03-11")
    added = convflow.ok("committee", REF, "add", "--date", "2025-03-11", "--attendees", "A",
                        "--decisions", "B")  # fmt: skip
    status = convflow.ok("status", REF).replace("\xa0", " ")

    assert "prochaine réunion de la Commission de suivi" in cadence
    assert "Réunion de la Commission de suivi (committee_meeting) enregistré" in added
    assert ("comité de suivi  Commission de suivi (article 8) ; tous les 6 mois, prochaine "
            "réunion au plus tard le") in status  # fmt: skip
    assert "prochaine réunion de la Commission de suivi" in status  # its deadline and reminders
    assert "Commission de suivi (article 8) : le service a choisi de la réunir" in status
    assert "Comité technique" not in status and "comité technique" not in status


def test_the_service_s_pass_simulate_and_reminders_name_the_commission(
    convflow: Convflow, cli_clock: CliClock, tmp_path: Path
) -> None:
    """The lists the service's commands print, for a convention whose committee is its
    « Commission de suivi »: `simulate` and `reminders` name its next meeting so, and so does
    what `run-due` prints of its reminder sent and of the day passed; `outbox` names the
    reminder queued as its subject does."""
    commission_in_force(convflow, cli_clock, tmp_path)
    convflow.ok("committee", REF, "cadence", "6", "--on", "2025-03-11")  # due 10 September 2025

    said = "prochaine réunion de la Commission de suivi"
    foreseen = convflow.ok("simulate", REF, "--until", "2025-09-30")
    listed = convflow.ok("reminders", REF)
    cli_clock.now = datetime(2025, 8, 11, 7, 0, tzinfo=UTC)  # the J-30 reminder's instant
    reminded = convflow.ok("run-due", "--no-send")
    queued = convflow.ok("outbox")
    cli_clock.now = datetime(2025, 9, 11, 7, 0, tzinfo=UTC)  # the day after the 10th
    passed = convflow.ok("run-due", "--no-send")

    for printed in (foreseen, listed, reminded, passed):
        assert said in printed
    for printed in (foreseen, listed, reminded, passed, queued):
        assert "omité technique" not in printed
    assert "Rappel\u00a0: Commission de suivi à réunir (reminder_committee)" in queued
    assert f"{REF}\u00a0: rappel {said} J-30" in reminded
    assert "Rappel\u00a0: Commission de suivi à réunir (reminder_committee)" in foreseen
    assert f"{REF}\u00a0: {said}, échéance du mercredi 10 septembre 2025" in passed
