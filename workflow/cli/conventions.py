"""Commands on conventions: load one, record its events, amend it, ask where it stands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from states import recording_order
from states.amendments import AMENDMENT_EVENTS, FIELDS
from states.calendar import civil_date
from states.due import notice_without_effect
from states.errors import DuplicateReference, InvalidInput, InvalidTerm
from states.lifecycle import EVENTS, SIDE_RECORDS, STATES
from storage.engine import ensure_database
from storage.migrate import migrate_database
from storage.urls import masked_url
from workflow.bootstrap import App
from workflow.cli import batch
from workflow.cli.context import (
    DATE,
    CliContext,
    Misused,
    actor_option,
    emit,
    json_option,
    key_values,
    log_line,
    logs_as_json,
    pass_context,
)
from workflow.cli.dossier_words import dossier_problem
from workflow.cli.help_words import SaidCommand
from workflow.cli.misuse import Choice, FilePath, WholeNumber
from workflow.cli.present import day, money, new_deadlines, table
from workflow.cli.verify_words import difference
from workflow.files.amendment_file import read_amendment_file, refused_change
from workflow.files.convention_file import read_file
from workflow.files.spreadsheet import KINDS
from workflow.files.term_ahead import moved_by_years, years_to_move
from workflow.usecases import listing, views
from workflow.usecases.amendments import (
    DraftAmendment,
    RecordAmendmentEvent,
    draft_amendment,
    record_amendment_event,
)
from workflow.usecases.commands import EventRecorded, ImportConvention, RecordEvent
from workflow.usecases.conventions import import_convention, record_event
from workflow.usecases.dossier_check import check_dossier
from workflow.usecases.listing import ConventionSummary, Overdue
from workflow.usecases.verification import VerificationView, verify_history
from workflow.wording.labels import OVERRIDDEN_STATE
from workflow.wording.values import recorded_text, term_text
from workflow.wording.words import Words


@click.command(cls=SaidCommand)
@json_option
@pass_context
def init(context: CliContext, as_json: bool) -> None:
    """Create the database, or migrate it to the latest schema.

    A PostgreSQL database that does not exist yet is created first (the server's `postgres`
    database is used for that, with the same credentials); a SQLite file, with its folder.
    """
    url = context.settings.database_url
    where = masked_url(url)
    # Run by the service's unit and container before `serve`, with the service's log in JSON:
    # what it did is one line of that log, in English as the log's lines are.
    as_log = not as_json and logs_as_json(click.get_current_context())
    words = Words("en") if as_log else context.words
    created = ensure_database(url)
    if created and not as_json and not as_log:
        click.echo(words("database {where} created", where=where))
    app = context.app(check_schema=False)
    before, after = migrate_database(app.engine, url)
    facts = {"database": where, "created": created, "from_revision": before, "revision": after}
    if as_json:
        emit(facts)
        return
    if before == after:
        done = words("database {where} is up to date (revision {after})", where=where,
                     after=after)  # fmt: skip
    else:
        done = words("database {where} migrated from {before} to revision {after}",
                     where=where, before=before or words("empty"), after=after)  # fmt: skip
    if as_log:
        log_line(click.get_current_context(), "info", done, **facts)
    else:
        click.echo(done)


@click.command(name="import", cls=SaidCommand)
@click.argument("files", nargs=-1, required=True, type=FilePath(path_type=Path))
@actor_option("Who loads it.")
@click.option(
    "--skip-existing",
    is_flag=True,
    help="If the reference is already loaded, say so and succeed, loading the others (for "
    "set-up scripts, or an import started again). One loaded in another case (CONV-1 for "
    "conv-1) is still refused.",
)
@click.option(
    "--without-history",
    is_flag=True,
    help="Leave out the file's [[history]]: load the convention in draft and record its life "
    "yourself.",
)
@click.option(
    "--term-ahead",
    is_flag=True,
    help="For an example to walk live (make run): if the file's term is less than six months "
    "away, or past, move it by whole years until it is six months away at least, and every date "
    "of the file with it (an instalment due on a date, the financial report's year); the "
    "reference and the title stay as written. One convention file (TOML), without its "
    "[[history]].",
)
@json_option
@pass_context
def import_(
    context: CliContext, files: tuple[Path, ...], actor: str, skip_existing: bool,
    without_history: bool, as_json: bool, term_ahead: bool,
) -> None:  # fmt: skip
    """Load conventions in state `draft`: each FILE a convention file (TOML), a spreadsheet
    (CSV or XLSX, one convention per row: docs/spreadsheet-import.md) or a directory of them.

    An open-data file of subsidies (the SCDL « subventions » CSV, recognised by its header)
    gives drafts to complete instead: each row what it says (parties, SIRET, object, amount),
    kept until a person adds what it does not (reference, term, place, signatories) on the
    dashboard; `convflow drafts` lists them.

    A convention file's `[[history]]` is then recorded, each event with the date it happened,
    as `convflow event` would have (past events older than CONVFLOW_LATE_RECORD_DAYS are not
    emailed to the partners). Each file is all or nothing: a malformed one is refused with
    every bad field or cell named with its line, and a reference already loaded is refused;
    nothing of that file is written, and the others are loaded. Exit code 1 if any is refused.

    Each file's line is written as soon as it is committed (an import stopped halfway has said
    what it loaded). A directory's other files are named, left aside; a directory without a
    file to import is refused. With --skip-existing, a spreadsheet's rows already loaded are
    left as they are and its other rows loaded. A reference equal to a loaded one but for case
    (conv-1 for CONV-1) is refused, naming the one loaded, with or without --skip-existing.
    """
    if len(files) == 1 and files[0].suffix.lower() not in KINDS and not files[0].is_dir():
        batch.refuse_not_importable(files[0])
        _import_one(context, files[0], actor, skip_existing, without_history, as_json,
                    term_ahead)  # fmt: skip
        return
    if term_ahead:
        raise Misused("term_ahead_one_file", files=[str(f) for f in files])
    found, aside = batch.expand(files)
    words = context.words
    skipped = [batch.aside_report(path, words) for path in aside]
    if not as_json:
        for item in skipped:
            click.echo(item["message"], err=True)
    work = batch.Batch(context, actor, skip_existing, without_history)
    reports = list(batch.import_all(work, found, as_json))
    refused = [r for r in reports if r["error"] is not None]
    if as_json:
        emit({"files": reports, "imported": sum(len(r["imported"]) for r in reports),
              "drafts": sum(len(r["drafts"]) for r in reports),
              "refused_files": len(refused), "skipped": skipped})  # fmt: skip
    if refused:
        click.get_current_context().exit(1)


def _import_one(
    context: CliContext, file: Path, actor: str, skip_existing: bool, without_history: bool,
    as_json: bool, term_ahead: bool,
) -> None:  # fmt: skip
    """One convention file, as `convflow import FILE` has always answered."""
    settings, words = context.settings, context.words
    described = read_file(
        file,
        payment_target_days=settings.payment_target_days,
        signature_target_days=settings.signature_target_days,
    )
    convention = described.convention
    history = () if without_history else described.history
    if term_ahead and history:  # its events happened on their dates: moving them invents a life
        raise Misused("term_ahead_with_history", file=str(file))
    app = context.app()
    written_term = convention.end_date
    if term_ahead:
        years = years_to_move(convention.end_date, civil_date(app.clock()))
        convention = moved_by_years(convention, years)
    command = ImportConvention(convention, actor, str(file), history)
    try:
        result = import_convention(app, command, app.clock())
    except DuplicateReference:
        if not skip_existing:
            raise
        if as_json:
            # The shape of an import (add-only): the term stored (`end_date`, the loaded
            # convention's, which an avenant or --term-ahead may have moved from the file's),
            # and nothing moved by this command (`term_moved_from` null).
            with app.uow(read_only=True) as uow:
                stored = uow.conventions.get(convention.reference).end_date
            emit({"reference": convention.reference, "imported": False,
                  "end_date": stored.isoformat(), "term_moved_from": None})  # fmt: skip
        else:
            click.echo(words("{reference}: already loaded, left as it is",
                             reference=convention.reference))  # fmt: skip
        return
    past = convention.end_date < civil_date(app.clock())
    moved = convention.end_date != written_term
    if as_json:
        facts = {"reference": result.reference, "imported": True, "state": result.state,
                 "history": len(history), "term_past": past}  # fmt: skip
        # One shape whatever the options: the term loaded (`end_date`, as `status` names
        # it), and the term the file wrote when --term-ahead moved it (null: not moved).
        facts["term_moved_from"] = written_term.isoformat() if moved else None
        facts["end_date"] = convention.end_date.isoformat()
        emit(facts)
        return
    click.echo(words("{reference}: imported in state {state}", reference=result.reference,
                     state=words.label("state", result.state)))  # fmt: skip
    if moved:
        click.echo(words("its term, {written} in its file, moved to {term} (--term-ahead: six "
                         "months away at least)", written=words.long_date(written_term),
                         term=words.long_date(convention.end_date)))  # fmt: skip
    if history:
        click.echo(words("{count} past events recorded from its file, {first} to {last}",
                         count=len(history), first=history[0].on, last=history[-1].on))  # fmt: skip
    if past:
        click.echo(_past_term_note(words, result.state, convention.end_date), err=True)


def _past_term_note(words: Words, state: str, term: date) -> str:
    """What a term already past means for what comes next, said without contradicting it."""
    if state in ("draft", "signature"):
        return words(
            "note: its term ({term}) is past: record its events with the dates they happened "
            "(--on); once in force, the service applies its expiry at its next pass, without "
            "emailing the partners about it (docs/LEGAL-DEADLINES.md, rule 13)",
            term=term,
        )
    return words(
        "note: its term ({term}) is past: the service records its expiry at its next pass, "
        "without emailing the partners about it",
        term=term,
    )


@click.command(name="list", cls=SaidCommand)
@click.option("--state", type=Choice(STATES), help="Only conventions in this state.")
@json_option
@pass_context
def list_(context: CliContext, state: str | None, as_json: bool) -> None:
    """List conventions with their state, term and next deadline."""
    app, words = context.app(), context.words
    rows = listing.all_conventions(app, listing.ConventionFilter(state=state), context.now())
    if as_json:
        emit(rows)
        return
    if not rows:
        click.echo(
            words("no conventions in state {state}", state=words.label("state", state))
            if state
            else words("no conventions")
        )
        return
    cells = (
        [r["reference"], _state(words, r), day(words, r["end_date"]),
         day(words, r["next_deadline_due"]), _overdue(words, r["overdue"])]
        for r in rows
    )  # fmt: skip
    headers = [words("reference"), words("state"), words("term"), words("next deadline"),
               words("overdue")]  # fmt: skip
    click.echo(table(cells, headers))


def _state(words: Words, row: ConventionSummary) -> str:
    """A convention's state in the list: the stored one, and its end when it has come and the
    service has not recorded it yet (« en exécution (execution) — terme passé le … »), or its
    expiry held while an extension is in signature (rule 27)."""
    state = words.label("state", row["state"])
    if row.get("notice_overridden"):  # the term comes first: as the emails say it (I9)
        state = words(OVERRIDDEN_STATE)
    held = row.get("expiry_held")
    if held:  # the term passed, an extension in signature (rule 27): its column says the term
        return words("{state} — term passed, expiry held until {last_day} (amendment no. "
                     "{number} in signature)", state=state, last_day=day(words, held["last_day"]),
                     number=held["amendment"])  # fmt: skip
    end_ = row.get("end_unrecorded")
    if not end_:
        return state
    if end_["event"] == "terminate":
        return words("{state} — notice ended {day}, not recorded yet", state=state,
                     day=day(words, end_["on"]))  # fmt: skip
    return words("{state} — term passed, not recorded yet", state=state)  # the term: its column


def _overdue(words: Words, items: list[Overdue]) -> str:
    """A convention's obligations overdue, in words: what, due when; '—' when none. One passed
    at the instant of reading that the service has not recorded yet says so."""
    said = []
    for item in items:
        what = words.label("deadline", item["kind"])
        if item["instalment"]:
            what = words("{what} (instalment {number})", what=what, number=item["instalment"])
        said.append(words("{what}, due {day}", what=what, day=day(words, item["due_date"]))
                    + (" " + words("(not recorded yet)") if item.get("passed_unrecorded")
                       else ""))  # fmt: skip
    return "; ".join(said) or "—"


@click.command(cls=SaidCommand)
@click.argument("reference")
@json_option
@pass_context
def history(context: CliContext, reference: str, as_json: bool) -> None:
    """Show every event recorded on REFERENCE: what, from which state to which, when, by whom."""
    rows, words = views.history(context.app(), reference), context.words
    late = recording_order.dated_before(rows)
    if as_json:
        # a line recorded late: the date and number of the line recorded earlier, dated after
        emit([{**row, "dated_before": late[row["seq"]]["date"] if row["seq"] in late else None,
               "dated_before_seq": late[row["seq"]]["seq"] if row["seq"] in late else None}
              for row in rows])  # fmt: skip
        return
    headers = ["#", words("date"), words("event"), words("states"), words("by"), words("inputs")]
    click.echo(table((_history_cells(r, words, r["seq"] in late) for r in rows), headers))
    if late:
        click.echo("\n" + words("Lines follow the order they were recorded in, which the hash "
                                 "chain proves; a line recorded late is marked *."))  # fmt: skip
    for seq, earlier in late.items():
        click.echo(words("* n°{seq} — recorded late: dated before line n°{earlier} of {day}, "
                         "recorded earlier.", seq=seq, earlier=earlier["seq"],
                         day=day(words, earlier["date"])))  # fmt: skip


def _history_cells(row: views.HistoryRow, words: Words, late: bool = False) -> list[str]:
    inputs = " ".join(f"{key}={_history_value(words, key, value)}"
                      for key, value in row["inputs"].items())  # fmt: skip
    said = day(words, row["date"]) + (" *" if late else "")
    return [str(row["seq"]), said, _history_event(row, words),
            _history_states(row, words), words.actor(row["actor"]), inputs]  # fmt: skip


def _history_value(words: Words, key: str, value: object) -> str:
    """An input of a history line as `history` shows it: an amount as the rest of the command
    line says one (`amount=5 000,00 €` in French: a payment, a payment forgone, an amendment's
    amount or instalment's), anything else as recorded. --json, historique.csv and what the
    chain hashes keep the value as recorded."""
    if isinstance(value, str) and (key == "amount" or key.endswith(".amount")):
        try:
            return money(words, value)
        except (InvalidOperation, ValueError):  # not an amount after all: as recorded
            pass
    return recorded_text(value)


def _history_event(row: views.HistoryRow, words: Words) -> str:
    """A history line's event as `event` says it, « Versement (pay) », after what it records
    (« Compte rendu financier reçu (report_received) » for report=financial); an amendment's,
    « Signature de l'avenant (sign), avenant n° 1 »; the name stays in --json."""
    if not row.get("amendment"):
        return words.recorded_event(row["event"], row["inputs"])
    return words("{event}, amendment n°{number}", number=row["amendment"],
                 event=words.label("amendment_event", row["event"]))  # fmt: skip


def _history_states(row: views.HistoryRow, words: Words) -> str:
    """A history line's states, « en signature (signature) → signée, à notifier
    (notification) »; an amendment's line says the amendment's states."""
    sort = "amendment_state" if row.get("amendment") else "state"
    before = words.named(sort, row["from_state"]) if row["from_state"] else "—"
    return f"{before} → {words.named(sort, row['to_state'])}"


@click.command(context_settings={"ignore_unknown_options": False}, cls=SaidCommand)
@click.argument("reference")
@click.argument("event", type=Choice((*EVENTS, *SIDE_RECORDS, "abandon")), metavar="EVENT")
@click.argument("inputs", nargs=-1, metavar="[KEY=VALUE]...")
@click.option(
    "--on", "on", type=DATE, help="Date of the event (default: today, or the letter's date)."
)
@actor_option("Who records it.")
@click.option(
    "--expect-version",
    type=WholeNumber(1, 2_000_000_000),
    help="Refuse if the convention changed since this version.",
)
@click.option(
    "--amendment",
    type=WholeNumber(1, 10_000),
    metavar="N",
    help="The event is about amendment n°N (submit, sign signatory=EMAIL, abandon).",
)
@json_option
@pass_context
def event(
    context: CliContext,
    reference: str,
    event: str,
    inputs: tuple[str, ...],
    on: date | None,
    actor: str,
    expect_version: int | None,
    amendment: int | None,
    as_json: bool,
) -> None:
    """Record EVENT on convention REFERENCE (or on its amendment n°N, with --amendment N).

    \b
    Events and their inputs:
      submit                          send for signature
      sign signatory=EMAIL            a signatory signs (the last one brings it into force)
      cancel [reason=TEXT]            abandon it before it comes into force
      notify                          the award is notified (payment is then due)
      pay amount=200000.00 [instalment=N] [mandate=REF]
                                      a payment, exactly the amount due: the single one, or
                                      the first unpaid instalment (instalment=N another);
                                      mandate=REF its mandate's reference, in the email
      report_received [instalment=N] [report=financial|instalment]
                                      a report came in: the one the next instalment waits
                                      for, or the financial report (rule 20)
      forgo_payment reason=TEXT [instalment=N]
                                      the Métropole will not pay an unpaid instalment (the
                                      report never came, the subsidy was reduced; rule 25)
      open_dispute party=KEY received=DATE [dispatched=DATE] [presented=DATE]
                   [uncollected=yes] [electronic=yes] [subject=TEXT]
      settle [agreement=TEXT]         the amicable settlement: back to the previous state
      go_to_court [court=TEXT]        from the day after the amicable window (article 6)
      close_litigation [ruling=TEXT]  the court case is over
      give_notice party=KEY received=DATE [dispatched=DATE] [presented=DATE]
      publish url=URL                 the open data are published (rule 19)
      record_award decision=REF adopted=DATE [published=DATE] [notified=DATE]
                   [transmitted=DATE] the award decision (or `convflow award`)
      committee_meeting attendees=TEXT decisions=TEXT [minutes=TEXT]
                                      a steering committee meeting (or `convflow committee`)
      committee_cadence months=N      the committee meets every N months (0: no cadence)
    Several also take note=TEXT (kept in the history); a refusal lists what each accepts.
    With --amendment N: submit, sign signatory=EMAIL, abandon [reason=TEXT].
    A DATE is YYYY-MM-DD or an ISO instant (converted to its date in Paris).
    `expire` and `terminate` are applied by the service (`convflow run-due`), not by hand.
    A dispute open at the end outlives it (rule 24, Code civil art. 1230 by analogy): settle,
    go_to_court and close_litigation are recorded on the expired or terminated convention.
    An instalment unpaid at the end stays due (rule 25): while one is unpaid, pay, its
    report_received and forgo_payment are recorded on the expired or terminated convention.
    """
    app, words = context.app(), context.words
    if amendment is not None or event == "abandon":
        _amendment_event(app, words, reference, event, amendment, actor, on, key_values(inputs),
                         as_json)  # fmt: skip
        return
    command = RecordEvent(reference, event, actor, on, key_values(inputs), expect_version)
    now = app.clock()
    result = record_event(app, command, now)
    if as_json:
        emit({**asdict(result), "deadlines": [asdict(d) for d in result.deadlines]})
        return
    overridden = _notice_without_effect(app, result)
    said = dict(reference=result.reference, event=words.recorded_event(result.event, result.inputs),
                on=result.on, actor=words.actor(result.actor),
                from_state=_state_said(words, result.from_state, overridden),
                to_state=_state_said(words, result.to_state, overridden))  # fmt: skip
    # The event's date (a letter's, or --on) is not always the day it is recorded: say both.
    today = civil_date(now)
    click.echo(
        words("{reference}: {event} recorded on {on} by {actor}; state {from_state} → {to_state}",
              **said)
        if result.on == today
        else words("{reference}: {event} of {on}, recorded on {today} by {actor}; state "
                   "{from_state} → {to_state}", today=today, **said)
    )  # fmt: skip
    for line in new_deadlines(words, result.deadlines):
        click.echo(line)


def _notice_without_effect(app: App, result: EventRecorded) -> bool:
    """Whether the event came from or led to `termination` under a notice the term overrides
    (states.due.notice_without_effect): the convention read again only then."""
    if "termination" not in (result.from_state, result.to_state):
        return False
    with app.uow(read_only=True) as uow:
        return notice_without_effect(uow.conventions.get(result.reference))


def _state_said(words: Words, state: str, overridden: bool) -> str:
    """A state the event came from or led to; `termination` under a notice the term overrides
    said as `status` and `list` say it (I9): « en exécution jusqu'à son terme (résiliation
    notifiée, sans effet) », not « en cours de résiliation »."""
    if overridden and state == "termination":
        return words(OVERRIDDEN_STATE)
    return words.label("state", state)


def _amendment_event(
    app: App,
    words: Words,
    reference: str,
    event: str,
    number: int | None,
    actor: str,
    on: date | None,
    inputs: dict[str, str],
    as_json: bool,
) -> None:
    if number is None:
        raise Misused("abandon_needs_amendment")
    if event not in AMENDMENT_EVENTS:
        raise Misused("not_an_amendment_event", events=AMENDMENT_EVENTS)
    command = RecordAmendmentEvent(reference, number, event, actor, on, inputs)
    now = app.clock()
    result = record_amendment_event(app, command, now)
    if as_json:
        emit(asdict(result))
        return
    said = dict(reference=reference, number=number, event=words.label("amendment_event", event),
                on=result.on, from_state=words.named("amendment_state", result.from_state)
                if result.from_state else "—",
                to_state=words.named("amendment_state", result.to_state))  # fmt: skip
    today = civil_date(now)
    click.echo(
        words("{reference}: avenant n°{number}: {event} recorded on {on}; state {from_state} → "
              "{to_state}", **said)
        if result.on == today
        else words("{reference}: avenant n°{number}: {event} of {on}, recorded on {today}; "
                   "state {from_state} → {to_state}", today=today, **said)
    )  # fmt: skip
    for key, change in result.applied.items():
        for line in change_lines(words, key, change["before"], change["after"]):
            click.echo(line)


@click.command(cls=SaidCommand)
@click.argument("reference")
@click.argument("changes", nargs=-1, metavar="[FIELD=VALUE]...")
@click.option(
    "--file",
    "file",
    type=FilePath(dir_okay=False, path_type=Path),
    help="A TOML file declaring the changes ([changes], [[representatives]]).",
)
@click.option("--on", "on", type=DATE, help="Date the amendment is drafted (default: today).")
@actor_option("Who drafts it.")
@json_option
@pass_context
def amend(
    context: CliContext,
    reference: str,
    changes: tuple[str, ...],
    file: Path | None,
    on: date | None,
    actor: str,
    as_json: bool,
) -> None:
    """Draft an amendment (avenant) to REFERENCE and print its number.

    
    Fields: end_date=2026-12-31, amount=250000.00, dispute_window_days=30,
    termination_notice_months=6, payment_target_days=30, signature_target_days=7,
    reminders.expiry=90,60,30,7 (also reminders.termination, reminders.dispute_window,
    reminders.payment), reminders.signature_every_days=7, reminders.court_possible=yes,
    signatory.PARTY="Name|Title|email" replaces all the party's representatives: to keep
    one, list them too, separated by ';' ("A|Title|a@x.org;B|Title|b@x.org"); paid in
    instalments, instalment.N.amount=21000.00 in place of amount (the total is their sum).
    Then: convflow event REFERENCE submit --amendment N, sign ... --amendment N.
    Allowed only while the convention is in force, one amendment at a time.
    """
    proposed = key_values(changes)
    declared: dict[str, str] = {}
    if file is not None:
        declared = read_amendment_file(file)
        if both := sorted(declared.keys() & proposed.keys()):
            raise Misused("given_in_file_and_command", fields=both, file=str(file))
        proposed = {**declared, **proposed}
    app, words = context.app(), context.words
    command = DraftAmendment(reference, proposed, actor, on, str(file) if file else "")
    try:
        result = draft_amendment(app, command, app.clock())
    except InvalidInput as error:
        if error.field in declared and file is not None:
            raise refused_change(file, error) from None
        if error.field in FIELDS and error.field in proposed:
            # the term the amendment changes ('Montant'), not an event's input of the same
            # key ('Montant versé'), as the dashboard's form names it
            raise InvalidTerm.of(error) from None
        raise
    if as_json:
        emit(asdict(result))
        return
    click.echo(words("{reference}: avenant n°{number} drafted on {on}", reference=reference,
                     number=result.number, on=result.on))  # fmt: skip
    # What it would change, before → after: who it removes is seen before anyone signs.
    drafted = [r for r in views.amendments(app, reference) if r["number"] == result.number]
    for row in drafted:
        for key, value in row["changes"].items():
            for line in change_lines(words, key, row["current"].get(key), value, kept_hint=True):
                click.echo(line)
        for line in total_lines(words, row["new_total"]):
            click.echo(line)
    click.echo("  " + words("next: convflow event {reference} submit --amendment {number}",
                            reference=reference, number=result.number))  # fmt: skip
    click.echo(str(result.number))


def change_lines(
    words: Words, key: str, before: str | None, after: str, *, kept_hint: bool = False
) -> list[str]:
    """An amendment's change as the clerk reads it, as the emails say it: « Montant du
    versement n° 2 (instalment.2.amount) : 18 000,00 € → 21 000,00 € » (`(proposed)` when
    nothing stands before it). A party's representatives (`signatory.PARTY`) are replaced as a
    whole list: they read by name and title, followed by who the avenant removes and, while it
    can still change (`kept_hint`), how to keep someone."""
    said = words.field(f"change.{key}")  # « Montant du versement n° 2 (instalment.2.amount) »
    if before is None:
        return ["  " + words("{key}: {value} (proposed)", key=said,
                             value=_term_value(words, key, after))]  # fmt: skip
    if not key.startswith("signatory."):
        return ["  " + words("{term}: {before} → {after}", term=said,
                             before=_term_value(words, key, before),
                             after=_term_value(words, key, after))]  # fmt: skip
    lines = ["  " + words("{term}: {before} → {after}", term=said, before=_people(before),
                          after=_people(after))]  # fmt: skip
    staying = {person[2].lower() for person in _persons(after)}
    removed = [p for p in _persons(before) if p[2].lower() not in staying]
    if removed:
        people = ", ".join(f"{name} <{email}>" for name, _, email in removed)
        party = key.removeprefix("signatory.")
        said = words("the avenant removes from party {party}: {people}", party=party, people=people)
        lines.append("    " + said)
        if kept_hint:
            lines.append("    " + words("(it replaces the party's whole list: to keep someone, "
                                         "list them too, separated by ';')"))  # fmt: skip
    return lines


def _term_value(words: Words, key: str, text: str) -> str:
    """A term's value as the emails say it (« 21 000,00 € », « 31 décembre 2026 »); as the
    command reads it in English, or when it cannot be read."""
    if words.language != "fr":
        return text
    try:
        return term_text(key, text)
    except (ArithmeticError, ValueError):
        return text


def total_lines(words: Words, total: Mapping[str, str] | None) -> list[str]:
    """What an open avenant changing an instalment's amount makes of the subsidy's amount (the
    schedule's sum), read before anyone signs: « nouveau montant total de la subvention :
    47 000,00 € (45 000,00 € aujourd'hui) »; nothing for another avenant."""
    if total is None:
        return []
    after, before = Decimal(total["after"]), Decimal(total["before"])
    return ["  " + words("new total of the subsidy: {after} (now {before})", after=after,
                         before=before)]  # fmt: skip


def _persons(text: str) -> list[tuple[str, str, str]]:
    """`Name|Title|email;...` as (name, title, email) triples."""
    found = []
    for item in text.split(";"):
        parts = [part.strip() for part in item.split("|")]
        if len(parts) == 3 and parts[0]:
            found.append((parts[0], parts[1], parts[2]))
    return found


def _people(text: str) -> str:
    """`Name|Title|email;...` as « Name (Title) ; Name (Title) »."""
    persons = _persons(text)
    return "\u00a0; ".join(f"{n} ({t})" for n, t, _ in persons) if persons else text


@click.command(name="amendments", cls=SaidCommand)
@click.argument("reference")
@json_option
@pass_context
def amendments_(context: CliContext, reference: str, as_json: bool) -> None:
    """List the amendments of REFERENCE: state, changes (before → after), signatures."""
    rows, words = views.amendments(context.app(), reference), context.words
    if as_json:
        emit(rows)
        return
    if not rows:
        click.echo(words("{reference}: no amendments", reference=reference))
        return
    for row in rows:
        state = words.label("amendment_state", row["state"])
        since, lapsed_on = row["effective_date"], row["lapsed_on"]
        click.echo(
            words("avenant n°{number}  {state}, in force since {day}", number=row["number"],
                  state=state, day=day(words, since))
            if since
            else words("avenant n°{number}  {state}: the convention ended on {day} before its "
                       "last signature", number=row["number"], state=state,
                       day=day(words, lapsed_on))
            if lapsed_on
            else words("avenant n°{number}  {state}", number=row["number"], state=state)
        )  # fmt: skip
        if row["applied"]:
            for change in row["applied"]:
                for line in change_lines(words, change["field"], change["before"],
                                         change["after"]):  # fmt: skip
                    click.echo(line)
        else:
            open_ = row["state"] in ("draft", "signature")
            for key, value in row["changes"].items():
                for line in change_lines(words, key, row["current"].get(key), value,
                                         kept_hint=open_):  # fmt: skip
                    click.echo(line)
            for line in total_lines(words, row["new_total"]):
                click.echo(line)
        for email, signed in row["signatures"].items():
            click.echo("  " + words("signed by {email} on {day}", email=email,
                                    day=day(words, signed)))  # fmt: skip


@click.command(cls=SaidCommand)
@click.argument("reference", required=False)
@click.option(
    "--dossier",
    "dossier_path",
    type=FilePath(exists=True, path_type=Path),
    help="Check an exported dossier (its .zip or unzipped folder) by itself, "
    "without the database: its manifest, each history line's hash recomputed "
    "from the content it covers, each readable cell against that content, and "
    "the chain's head in etat.json.",
)
@json_option
@pass_context
def verify(
    context: CliContext, reference: str | None, dossier_path: Path | None, as_json: bool
) -> None:
    """Check that every convention's history (or REFERENCE's) is as it was written, and that
    what is stored is what the history establishes.

    Each history line carries the hash of its content and of the line before; verify
    recomputes every chain and names the first line that differs: altered (its content
    changed), removed (a line before it, or after it, is missing), or unchained (inserted or
    moved there). It then holds each convention as stored against its history: its state
    against the one its last line leads to, its amount, term, parties and signatories against
    the last line that recorded them (a history written before lines recorded them is said
    unchecked: its terms could not be checked). It prints each chain's head: compare it with
    the administrators' daily summary to catch a rewrite that recomputed the hashes. Exit code
    1 when a chain does not hold or something stored differs.

    With --dossier DOSSIER, checks a dossier `convflow dossier` exported, by itself: exit
    code 1 when a file, a line or a cell of it does not hold, naming the line and the field.
    """
    if dossier_path is not None:
        if reference is not None:  # it would be ignored: the dossier is checked by itself
            raise InvalidInput("dossier", "reference_with_dossier", reference=reference)
        _verify_dossier(context.words, dossier_path, as_json)
        return
    report = verify_history(context.app(), reference)
    if as_json:
        emit(report)
    else:
        _say_verification(context.words, report)
    if report["breaks"] or report["differences"]:
        click.get_current_context().exit(1)


def _verify_dossier(words: Words, path: Path, as_json: bool) -> None:
    """`verify --dossier`: the dossier checked by itself (workflow.usecases.dossier_check)."""
    checked = check_dossier(path)
    if as_json:
        emit(checked)
    else:
        for problem in checked["problems"]:
            click.echo(dossier_problem(words, problem), err=True)
        if not checked["problems"]:
            click.echo(words("dossier {dossier}: {files} files, {lines} history lines, each "
                             "holds; chain head {head}", **{k: checked[k] for k in
                             ("dossier", "files", "lines", "head")}))  # fmt: skip
    if checked["problems"]:
        click.get_current_context().exit(1)


def _say_verification(words: Words, report: VerificationView) -> None:
    """What verify found, as the administrator reads it: breaks and differences on stderr."""
    for broken in report["breaks"]:
        click.echo(words("{reference}: history line {seq} {breach}",
                         reference=broken["reference"], seq=broken["seq"],
                         breach=words.label("chain_breach", broken["breach"])),
                   err=True)  # fmt: skip
    for found in report["differences"]:
        click.echo(difference(words, found), err=True)
    for paper in report["papers_unrecorded"]:
        click.echo(words("{reference}: paper attached before the history recorded papers, "
                         "no line holds it: {paper}", **paper))  # fmt: skip
    if not report["breaks"]:
        click.echo(words("{conventions} histories, {lines} lines: every chain holds",
                         conventions=report["conventions"], lines=report["lines"]))  # fmt: skip
    if report["terms_unchecked"]:
        click.echo(
            words(
                "terms not checked (history written before it recorded them): {references}",
                references=", ".join(report["terms_unchecked"]),
            )
        )
    for ref, head in report["heads"].items():
        click.echo(f"  {ref}  {head}")
