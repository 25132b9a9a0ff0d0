"""A convention that names its committee otherwise than the model's « Comité technique » of
article 3 is spoken of by that name and article, in good French: its reminder, received on a
real SMTP server (aiosmtpd on loopback), its deadline's explanation and the calendar feed; an
email decided before a rename keeps the name of its moment, as its other facts do."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from states.committee import Committee
from states.convention import Convention
from tests.integration import steps
from tests.integration.mail import html_part, parsed, plain_text
from tests.integration.test_committee import cadence, meeting
from tests.notifications.conftest import RunningServer
from tests.notifications.helpers import Received
from workflow.bootstrap import App
from workflow.http import ical
from workflow.usecases import csv_export, views
from workflow.usecases import listing as queries
from workflow.usecases.commands import RecordEvent
from workflow.usecases.conventions import record_event, record_side
from workflow.usecases.dispatch import deliver
from workflow.usecases.due import run_due
from workflow.usecases.simulate import simulate


def named(convention: Convention, name: str = "Commission de suivi") -> Convention:
    """The reference convention, its committee named `name` at article 8, as a file's
    `[committee]` table says it."""
    articles = replace(convention.clauses.articles, committee="article 8")
    return replace(convention, clauses=replace(convention.clauses, articles=articles),
                   committee=Committee(name=name))  # fmt: skip


def read(text: str) -> str:
    """As a person reads it: no-break spaces as spaces, lines ended by \\n."""
    return text.replace("\u00a0", " ").replace("\u202f", " ").replace("\r\n", "\n")


def reminders(server: RunningServer) -> list[Received]:
    """The committee's reminders the server accepted (to the Métropole: no copy is set)."""
    return [m for m in server.handler.accepted
            if "à réunir" in read(str(parsed(m)["Subject"]))]  # fmt: skip


def the_reminder(app: App, server: RunningServer) -> tuple[str, str, str]:
    """The committee's J-30 reminder (11 August 2025), sent: its subject, text and HTML."""
    app.clock.now = steps.at("2025-08-11T07:00:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock())
    deliver(app, server.sender(), app.clock())
    (found,) = reminders(server)
    return read(str(parsed(found)["Subject"])), read(plain_text(found)), read(html_part(found))


def test_its_reminder_names_the_commission_and_its_article_in_good_french(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")  # due 10 September 2025

    subject, text, html = the_reminder(app, smtp_server)

    assert subject == (
        "[AMP-CRPV-PACA-2025] Rappel : Commission de suivi à réunir au plus tard le "
        "10 septembre 2025"
    )
    assert ("met en place une Commission de suivi (article 8) ; le service a choisi de la "
            "réunir à intervalles réguliers") in text  # fmt: skip
    assert "C’est une information : la convention ne change pas si la date passe.\n" in text
    assert ("La convocation de la commission relève des services de la Métropole : fixez la "
            "date de la réunion et invitez les membres de la commission.") in text  # fmt: skip
    assert "COMMENT CETTE DATE EST CALCULÉE — prochaine réunion de la Commission de suivi" in text
    assert (
        "Commission de suivi (article 8) : le service a choisi de la réunir tous les 6 mois."
        in text
    )
    assert "la Métropole convoque la commission" in text
    assert "La Commission de suivi de la convention est à réunir" in html
    # Neither the model's name, nor its article, nor the role its article 3 gives it.
    for said in (text, html, subject):
        assert "omité" not in said and "article 3" not in said and "orientations" not in said


def test_a_name_that_starts_with_no_known_noun_is_quoted_after_comite(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention, "COPIL"))
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")

    subject, text, _ = the_reminder(app, smtp_server)

    assert "Rappel : comité « COPIL » à réunir au plus tard le 10 septembre 2025" in subject
    assert "met en place un comité « COPIL » (article 8) ; le service a choisi de le réunir" in text
    assert "invitez les membres du comité." in text


def test_an_email_decided_before_a_rename_keeps_the_name_of_its_moment(
    app: App, reference_convention: Convention, smtp_server: RunningServer
) -> None:
    """The committee is renamed « Comité de pilotage » (a correction of the stored record)
    after its reminder was decided and before it left: the reminder says the name it had
    when decided, as it says the signatures and the state of then; status says the new one."""
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")
    app.clock.now = steps.at("2025-08-11T07:00:00Z")  # type: ignore[attr-defined]
    run_due(app, app.clock())  # the reminder is decided, not sent
    with app.uow() as uow:
        convention = uow.conventions.get(steps.REFERENCE, for_update=True)
        convention.committee = replace(convention.committee, name="Comité de pilotage")
        uow.conventions.save(convention, app.clock())
        uow.commit()

    deliver(app, smtp_server.sender(), app.clock())

    (sent,) = reminders(smtp_server)
    text = read(plain_text(sent))
    assert "met en place une Commission de suivi (article 8)" in text
    assert "pilotage" not in text
    assert views.status(app, steps.REFERENCE)["committee"]["name"] == "Comité de pilotage"


def test_its_meetings_and_next_meeting_in_the_calendar_feed_are_the_commission_s(
    app: App, reference_convention: Convention
) -> None:
    app.clock.now = steps.at("2025-06-20T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    meeting(app, "2025-06-18")
    cadence(app, "6", "2025-06-20")  # due 18 December 2025

    feed = ical.calendar(queries.calendar_deadlines(app, steps.REFERENCE), "x")
    unfolded = read(feed.replace("\r\n ", ""))  # its long lines unfolded

    assert "SUMMARY:AMP-CRPV-PACA-2025 : Réunion de la Commission de suivi" in unfolded
    assert "Réunion de la Commission de suivi (article 8).\\nPrésents : " in unfolded
    assert "SUMMARY:AMP-CRPV-PACA-2025 : prochaine réunion de la Commission de suivi" in unfolded
    assert "Rappel : AMP-CRPV-PACA-2025 : prochaine réunion de la Commission de suivi" in unfolded
    assert "Commission de suivi (article 8) : le service a choisi de la réunir" in unfolded
    assert "omité" not in unfolded and "article 3" not in unfolded


def test_the_reference_convention_s_feed_still_says_its_comite_technique(
    app: App, reference_convention: Convention
) -> None:
    app.clock.now = steps.at("2025-06-20T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, reference_convention)
    steps.bring_into_force(app)
    meeting(app, "2025-06-18")
    cadence(app, "6", "2025-06-20")

    feed = ical.calendar(queries.calendar_deadlines(app, steps.REFERENCE), "x")
    unfolded = read(feed.replace("\r\n ", ""))  # its long lines unfolded

    assert "SUMMARY:AMP-CRPV-PACA-2025 : Réunion du Comité technique" in unfolded
    assert "Réunion du comité technique (article 3).\\nPrésents : " in unfolded
    assert "SUMMARY:AMP-CRPV-PACA-2025 : prochaine réunion du Comité technique" in unfolded
    assert "Un Comité technique sera mis en place afin de valider" in unfolded


def test_the_lists_across_conventions_name_the_commission_beside_the_model_s_comite(
    app: App, reference_convention: Convention
) -> None:
    """Two conventions, one whose committee is its « Commission de suivi » (article 8), the
    reference one with the model's Comité technique: the deadlines to come (the overview's
    and the deadlines page's list, the API's), the conventions' list and both CSV exports
    name each next meeting as its own convention names its committee."""
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")  # due 10 September 2025
    other = replace(reference_convention, reference="AMP-MODELE-2025")
    steps.load(app, other)
    for event, on, inputs in (("submit", "2025-03-03", {}),
                              ("sign", "2025-03-05", {"signatory": steps.METROPOLE}),
                              ("sign", "2025-03-10", {"signatory": steps.CRPV}),
                              ("committee_cadence", "2025-03-11", {"months": "6"})):  # fmt: skip
        command = RecordEvent(other.reference, event, "alice", date.fromisoformat(on), inputs)
        (record_side if event == "committee_cadence" else record_event)(app, command, app.clock())
    app.clock.now = steps.at("2025-08-01T08:00:00Z")  # type: ignore[attr-defined]

    upcoming = queries.upcoming_deadlines(app, app.clock(), 90)["items"]
    named_ = {(i["reference"], i["label"], i["committee_name"])
              for i in upcoming if i["kind"] == "committee"}  # fmt: skip
    csv = csv_export.deadlines_csv(upcoming)
    listed = queries.all_conventions(app, queries.ConventionFilter(), app.clock())
    summaries = csv_export.conventions_csv(listed)

    assert named_ == {
        (steps.REFERENCE, "prochaine réunion de la Commission de suivi", "Commission de suivi"),
        ("AMP-MODELE-2025", "prochaine réunion du Comité technique", None),
    }
    assert (
        f"2025-09-10;prochaine réunion de la Commission de suivi;committee;{steps.REFERENCE}" in csv
    )
    assert "2025-09-10;prochaine réunion du Comité technique;committee;AMP-MODELE-2025" in csv
    nexts = {s["reference"]: (s["next_deadline_kind"], s["next_deadline_label"]) for s in listed}
    assert nexts == {
        steps.REFERENCE: ("committee", "prochaine réunion de la Commission de suivi"),
        "AMP-MODELE-2025": ("committee", "prochaine réunion du Comité technique"),
    }
    assert ";prochaine réunion de la Commission de suivi;2025-09-10;" in summaries
    assert ";prochaine réunion du Comité technique;2025-09-10;" in summaries


def test_the_service_s_pass_simulate_and_reminders_say_the_commission_s_name(
    app: App, reference_convention: Convention
) -> None:
    """What `run-due`, `simulate` and `reminders` print is read from what these return: the
    committee's name rides with each reminder and each deadline handled."""
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")

    foreseen = {h.committee_name for h in
                simulate(app, steps.REFERENCE, app.clock(), date(2025, 9, 30))
                if h.kind == "committee"}  # fmt: skip
    listed = {r["committee_name"] for r in views.reminders(app, steps.REFERENCE)
              if r["kind"] == "committee"}  # fmt: skip
    app.clock.now = steps.at("2025-08-11T07:00:00Z")  # type: ignore[attr-defined]
    report = run_due(app, app.clock())

    assert foreseen == listed == {"Commission de suivi"}
    assert [(r.kind, r.label, r.committee_name) for r in report.reminders] == [
        ("committee", "J-30", "Commission de suivi")
    ]


def test_after_a_rename_the_stored_explanation_keeps_its_words_and_the_next_one_says_the_new(
    app: App, reference_convention: Convention
) -> None:
    """A deadline's explanation is stored as it was said when the deadline was computed, as an
    email keeps the facts of its moment: a correction of the committee's name in the stored
    record leaves it, while the lists (which read the name with their rows) say the new name
    at once; the next meeting recorded computes the next deadline, explained with the new."""
    app.clock.now = steps.at("2025-03-11T10:00:00Z")  # type: ignore[attr-defined]
    steps.load(app, named(reference_convention))
    steps.bring_into_force(app)
    cadence(app, "6", "2025-03-11")
    with app.uow() as uow:  # no command renames it once in force: a correction of the record
        convention = uow.conventions.get(steps.REFERENCE, for_update=True)
        convention.committee = replace(convention.committee, name="Comité de pilotage")
        uow.conventions.save(convention, app.clock())
        uow.commit()

    stored = read(steps.deadlines(app)["committee"]["explanation"])
    (listed,) = [i["label"] for i in queries.upcoming_deadlines(app, app.clock(), 365)["items"]
                 if i["kind"] == "committee"]  # fmt: skip
    app.clock.now = steps.at("2025-06-20T10:00:00Z")  # type: ignore[attr-defined]
    meeting(app, "2025-06-18")
    renewed = read(steps.deadlines(app)["committee"]["explanation"])

    assert "Commission de suivi (article 8) : le service a choisi de la réunir" in stored
    assert listed == "prochaine réunion du Comité de pilotage"
    assert "Comité de pilotage (article 8) : le service a choisi de le réunir" in renewed
    assert "Commission" not in renewed
