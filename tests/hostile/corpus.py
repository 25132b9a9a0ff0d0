"""The bad-input corpus (issue 14.4): every hostile input kept with the refusal it must get.

Each case is data: what is given and the code of its refusal. The tests run each one through
the real command line (and the HTTP API) on SQLite and PostgreSQL and check that it is refused
with that code, in one line, with no traceback, and that nothing was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEXT_FIELDS = ("title", "object", "place")
PARTY_TEXT = ("name",)
SIGNATORY_TEXT = ("name", "title")


@dataclass(frozen=True)
class FileCase:
    """A convention file where `key` (the `nth` line assigning it) is given `value`."""

    name: str
    key: str
    value: str  # as written in TOML
    codes: tuple[str, ...]  # the refusal's code is one of these
    nth: int = 0


# What a text field must refuse: nothing, control characters, a terminal escape, a NUL, the
# wrong type, too much.
BAD_TEXT = {
    "empty": ('""', ("empty_text",)),
    "nul": ('"a\\u0000b"', ("control_characters",)),
    "escape": ('"\\u001b[31mrouge"', ("control_characters",)),
    "bell": ('"\\u0007"', ("control_characters",)),
    "delete": ('"a\\u007fb"', ("control_characters",)),
    "number": ("12", ("invalid_value",)),
    "boolean": ("true", ("invalid_value",)),
    "array": ('["a"]', ("invalid_value",)),
    "table": ("{ a = 1 }", ("invalid_value",)),
    "huge": ('"' + "x" * 6000 + '"', ("text_too_long",)),
}
BAD_AMOUNT = {
    "too-large": ('"9999999999999.00"', ("amount_too_large",)),
    "words": ('"deux cents"', ("not_an_amount",)),
    "negative": ('"-5"', ("amount_not_positive",)),  # said as zero is (finance tester, L2)
    "zero": ('"0"', ("amount_not_positive",)),
    "thousandth": ('"200000.001"', ("not_an_amount",)),
    "exponent": ('"1e3"', ("not_an_amount",)),
    "float": ("200000.5", ("float_value",)),
    "infinite": ("1e400", ("float_value",)),
    "nan": ("nan", ("float_value",)),
    "boolean": ("true", ("amount_expected",)),
    "array": ("[1]", ("amount_expected",)),
    "empty": ('""', ("not_an_amount",)),
    "nul": ('"2\\u00000"', ("not_an_amount",)),
}
BAD_DATE = {
    "year_9999": ("9999-12-31", ("date_out_of_range",)),
    "year_1": ("0001-01-01", ("date_out_of_range",)),
    "year_1999": ("1999-12-31", ("date_out_of_range",)),
    "year_2101": ("2101-01-01", ("date_out_of_range",)),
    "french": ('"31/12/2025"', ("file_not_a_date",)),
    "text": ('"demain"', ("file_not_a_date",)),
    "instant": ("2025-12-31T10:00:00Z", ("file_not_a_date",)),
    "boolean": ("true", ("file_not_a_date",)),
    "number": ("20251231", ("file_not_a_date",)),
    "february_30": ("2025-02-30", ("toml_not_a_date",)),
    "month_13": ("2025-13-01", ("toml_not_a_date",)),
}
BAD_WHOLE = {
    "boolean": ("true", ("not_a_whole_number",)),
    "float": ("1.5", ("not_a_whole_number",)),
    "text": ('"30"', ("not_a_whole_number",)),
    "zero": ("0", ("number_too_small",)),
    "negative": ("-1", ("number_too_small",)),
    "huge": ("99999999999999999999", ("number_too_large",)),
    "large": ("100000", ("number_too_large",)),
    "infinite": ("inf", ("not_a_whole_number",)),
}
BAD_EMAIL = {
    "no_at": ('"mustapha"', ("not_an_email",)),
    "no_domain": ('"m@"', ("not_an_email",)),
    "accented": ('"josé@exemple.fr"', ("not_an_email",)),
    "idn": ('"m@métropole.fr"', ("not_an_email",)),
    "spaces": ('"m b@example.org"', ("not_an_email",)),
    "two_at": ('"a@b@example.org"', ("not_an_email",)),
    "newline": ('"a@example.org\\nBcc: x@example.org"', ("not_an_email",)),
    "empty": ('""', ("not_an_email",)),
    "huge": ('"' + "a" * 400 + '@example.org"', ("text_too_long", "not_an_email")),
}
BAD_REFERENCE = {
    "empty": ('""', ("pattern_mismatch",)),
    "space": ('"AMP 2025"', ("pattern_mismatch",)),
    "slash_first": ('"/AMP"', ("pattern_mismatch",)),
    "long": ('"' + "A" * 80 + '"', ("pattern_mismatch",)),
    "nul": ('"A\\u0000B"', ("pattern_mismatch",)),
    "number": ("2025", ("invalid_value",)),
}
BAD_KEY = {
    "upper": ('"MET"', ("pattern_mismatch",)),
    "space": ('"met ropole"', ("pattern_mismatch",)),
    "empty": ('""', ("pattern_mismatch",)),
    "number": ("1", ("invalid_value",)),
}
BAD_OFFSETS = {
    "negative": ("[-1]", ("number_too_small",)),
    "too_far": ("[731]", ("number_too_large",)),
    "too_many": ("[1,2,3,4,5,6,7,8,9,10,11,12,13]", ("too_many_items",)),
    "text": ('"90"', ("invalid_value",)),
    "booleans": ("[true]", ("not_a_whole_number",)),
    "floats": ("[1.5]", ("not_a_whole_number",)),
}
BAD_CLAUSE_WORDING = {
    "working_days": ("dispute_window_day_kind", '"working"', ("clause_not_supported",)),
    "from_dispatch": ("dispute_window_from", '"dispatch"', ("clause_not_supported",)),
    "notice_from": ("termination_notice_from", '"receipt"', ("clause_not_supported",)),
    "no_extension": ("extension_by_amendment", "false", ("clause_not_supported",)),
}


def file_cases() -> list[FileCase]:
    """Every bad convention file of the corpus, by the line it changes."""
    cases = [FileCase(f"reference-{n}", "reference", v, c) for n, (v, c) in BAD_REFERENCE.items()]
    for field in TEXT_FIELDS:
        cases += [FileCase(f"{field}-{n}", field, v, c) for n, (v, c) in BAD_TEXT.items()]
    for nth in (0, 1):  # parties[0] then parties[1]: `name` lines 1 and 3 (signatory names 2, 4)
        cases += [FileCase(f"party{nth}-key-{n}", "key", v, c, nth)
                  for n, (v, c) in BAD_KEY.items()]  # fmt: skip
        cases += [FileCase(f"signatory{nth}-email-{n}", "email", v, c, nth)
                  for n, (v, c) in BAD_EMAIL.items()]  # fmt: skip
    for nth in (0, 2):  # the parties' names (1 and 3 are the signatories')
        cases += [FileCase(f"party{nth // 2}-name-{n}", "name", v, c, nth)
                  for n, (v, c) in BAD_TEXT.items() if n != "huge"]  # fmt: skip
    for nth in (1, 2):  # the signatories' titles (0 is the convention's)
        cases += [FileCase(f"signatory{nth - 1}-title-{n}", "title", v, c, nth)
                  for n, (v, c) in BAD_TEXT.items() if n != "huge"]  # fmt: skip
    cases += [FileCase(f"amount-{n}", "amount", v, c) for n, (v, c) in BAD_AMOUNT.items()]
    cases += [FileCase(f"end_date-{n}", "end_date", v, c) for n, (v, c) in BAD_DATE.items()]
    for key in ("dispute_window_days", "termination_notice_months"):
        cases += [FileCase(f"{key}-{n}", key, v, c) for n, (v, c) in BAD_WHOLE.items()]
    for key, nth in (("expiry", 0), ("termination", 1), ("dispute_window", 0), ("payment", 1)):
        # `termination` and `payment` are first the articles' names, then the reminders'
        cases += [FileCase(f"reminders-{key}-{n}", key, v, c, nth)
                  for n, (v, c) in BAD_OFFSETS.items()]  # fmt: skip
    cases += [FileCase(f"clause-{n}", key, v, c) for n, (key, v, c) in BAD_CLAUSE_WORDING.items()]
    return cases


# Whole files that are wrong as files.
RAW_FILES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "latin-1": ("titre = 'é'".encode("latin-1"), ("file_not_utf8",)),
    "nested-arrays": (b"x = " + b"[" * 5000 + b"]" * 5000, ("toml_too_deep",)),
    "nested-tables": (b"x = " + b"{a = " * 3000 + b"1" + b"}" * 3000, ("toml_too_deep",)),
    "empty": (b"", ("required_field",)),
    "binary": (b"\x00\x01\x02\xff", ("file_not_utf8",)),
    "not-toml": (b"<convention/>", ("toml_invalid_statement",)),
    # The tester's files (tomllib's English was shown: « Illegal character '\\n' (column 19) »,
    # « Cannot declare ('parties',) twice »): each mistake said in convflow's words, with its
    # column.
    "unterminated-string": (b'place = "Marseille\ntitle = "T"\n', ("toml_unterminated_string",)),
    "table-for-array": (
        b'[parties]\nkey = "a"\n[parties]\nkey = "b"\n',
        ("toml_table_not_repeated",),
    ),
    "table-twice": (b"[clauses]\na = 1\n[clauses]\nb = 2\n", ("toml_table_twice",)),
    "no-equals": (b"reference AMP\n", ("toml_equals_expected",)),
    "bare-word": (b"place = Marseille\n", ("toml_invalid_value",)),
    "two-statements": (b'place = "M" title = "T"\n', ("toml_line_goes_on",)),
    "unclosed-table": (b"[clauses\n", ("toml_unclosed",)),
    "unclosed-array": (b"x = [1, 2\n", ("toml_unclosed",)),
    "bad-escape": (b'place = "C:\\dossier"\n', ("toml_bad_escape",)),
    "control-character": (b'place = "a\x01b"\n', ("toml_control_character",)),
    # Saved by Windows Notepad: a byte order mark first, read as one (it was « Invalid
    # statement (column 1) » before the real mistake was reached).
    "bom-then-error": (b"\xef\xbb\xbfplace = 2027-02-30\n", ("toml_not_a_date",)),
    "duplicate-key": (b'reference = "A"\nreference = "B"\n', ("toml_value_twice",)),
    "unknown-top-key": (b'couleur = "rouge"\n', ("unknown_field", "required_field")),
    "one-party": (
        b'reference = "A"\ntitle = "T"\nobject = "O"\namount = "1.00"\n'
        b'end_date = 2026-12-31\nplace = "M"\n[[parties]]\nkey = "a"\nname = "A"\n'
        b'[[parties.signatories]]\nname = "N"\ntitle = "T"\nemail = "n@example.org"\n',
        ("too_few_items",),
    ),
}

# Commands on the loaded reference convention (in draft) that must be refused, with the code.
INTAKE_DOCS = Path(__file__).parent / "intake_reports" / "docs"
"""The intake tester's documents and .ods named to `convflow import` (read as TOML, once)."""

CLI_CASES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    **{
        f"import-{name}": (["import", str(INTAKE_DOCS / name)], (code,))
        for name, code in (
            ("etoile-du-nord.docx", "document_not_an_import_file"),
            ("etoile-du-nord.pdf", "document_not_an_import_file"),
            ("lot20-copie.txt", "document_not_an_import_file"),
            ("lot20.ods", "not_an_import_file"),
        )
    },
    "on-year-9999-instant": (
        ["event", "REF", "submit", "--on", "9999-12-31T23:59:59Z"],
        ("date_out_of_range",),
    ),
    "on-year-1-east": (
        ["event", "REF", "submit", "--on", "0001-01-01T00:00:00+14:00"],
        ("date_out_of_range",),
    ),
    "on-year-9999": (["event", "REF", "submit", "--on", "9999-12-31"], ("date_out_of_range",)),
    "on-year-1999": (["event", "REF", "submit", "--on", "1999-12-31"], ("date_out_of_range",)),
    "on-naive-instant": (
        ["event", "REF", "submit", "--on", "2025-03-03T10:00:00"],
        ("instant_needs_timezone",),
    ),
    "on-garbage": (["event", "REF", "submit", "--on", "demain"], ("not_a_date",)),
    "on-empty": (["event", "REF", "submit", "--on", ""], ("not_a_date",)),
    "on-nul": (["event", "REF", "submit", "--on", "2025-03-03\x00"], ("not_a_date",)),
    "by-nul": (
        ["event", "REF", "submit", "--on", "2025-03-03", "--by", "a\x00b"],
        ("control_characters",),
    ),
    "by-escape": (
        ["event", "REF", "submit", "--on", "2025-03-03", "--by", "\x1b[2Jroot"],
        ("control_characters",),
    ),
    "by-huge": (
        ["event", "REF", "submit", "--on", "2025-03-03", "--by", "x" * 300],
        ("text_too_long",),
    ),
    # an empty actor was recorded: a history line with no one in its "par" column
    "by-empty": (["event", "REF", "submit", "--on", "2025-03-03", "--by", ""], ("empty_text",)),
    "by-spaces": (
        ["event", "REF", "submit", "--on", "2025-03-03", "--by", " \t "],
        ("empty_text",),
    ),
    # an actor of invisible characters only, or turning the history's line around (A4)
    "by-zero-width-only": (
        ["event", "REF", "submit", "--on", "2025-03-03", "--by", "\u200b\u2060"],
        ("empty_text",),
    ),
    "by-right-to-left": (
        ["event", "REF", "submit", "--on", "2025-03-03", "--by", "alice\u202e"],
        ("control_characters",),
    ),
    "import-by-empty": (["import", "README.md", "--by", ""], ("empty_text",)),
    "attach-by-empty": (["attach", "REF", "README.md", "--by", ""], ("empty_text",)),
    "committee-by-spaces": (
        ["committee", "REF", "cadence", "6", "--by", "  "],
        ("empty_text",),
    ),
    "token-by-empty": (
        ["token", "create", "--name", "x", "--role", "viewer", "--by", ""],
        ("empty_text",),
    ),
    "note-nul": (
        ["event", "REF", "submit", "--on", "2025-03-03", "note=a\x00"],
        ("control_characters", "unknown_input", "no_input_accepted"),
    ),
    # pay's mandate reference (inbox I11), shown in the partners' email: no terminal escape
    "mandate-escape": (
        ["event", "REF", "pay", "amount=1.00", "mandate=2025\x1b[2J-0042"],
        ("control_characters", "invalid_transition"),
    ),
    "input-huge": (
        ["event", "REF", "cancel", "--on", "2025-03-03", "reason=" + "x" * 2000],
        ("text_too_long", "unknown_input", "no_input_accepted"),
    ),
    # what click parses itself is refused by its own code (workflow.cli.misuse), exit code 2
    "unknown-event": (["event", "REF", "frobnicate"], ("not_one_of", "unknown_event")),
    "automatic-event": (["event", "REF", "expire"], ("usage_error", "automatic_event")),
    "wrong-state": (["event", "REF", "pay", "amount=1.00"], ("usage_error", "invalid_transition")),
    "unknown-reference": (["status", "NOPE"], ("unknown_convention",)),
    "unknown-reference-history": (["history", "NOPE"], ("unknown_convention",)),
    "unknown-reference-event": (["event", "NOPE", "submit"], ("unknown_convention",)),
    "reference-nul": (["status", "A\x00B"], ("unknown_convention",)),
    # Bytes that are not UTF-8 on the command line ($'caf\xe9' in a Latin-1 script) reach
    # Python as lone surrogates: a traceback in every query until they were refused.
    "reference-not-utf8": (["status", "caf\udce9"], ("not_utf8",)),
    "history-not-utf8": (["history", "\udcff\udcfe"], ("not_utf8",)),
    "input-not-utf8": (["event", "REF", "cancel", "reason=caf\udce9"], ("not_utf8",)),
    "actor-not-utf8": (["event", "REF", "submit", "--by", "caf\udce9"], ("not_utf8",)),
    "meeting-without-decisions": (
        ["committee", "REF", "add", "--date", "2025-06-12", "--attendees", "A"],
        ("meeting_incomplete",),
    ),
    "cadence-without-months": (["committee", "REF", "cadence"], ("cadence_needs_months",)),
    "amendment-huge-number": (
        ["amendments", "REF", "--amendment", "9" * 25],
        ("unknown_option", "unknown_amendment"),
    ),
    "run-due-far-future": (
        ["run-due", "--now", "9999-12-31T23:59:59Z"],
        ("date_out_of_range", "now_in_future"),
    ),
    "run-due-naive": (["run-due", "--now", "2026-01-01T00:00:00"], ("instant_needs_timezone",)),
    "simulate-far": (["simulate", "REF", "--until", "9999-12-31"], ("date_out_of_range",)),
    "simulate-past": (["simulate", "REF", "--until", "1999-01-01"], ("date_out_of_range",)),
    "deadline-far": (["deadline", "expiry", "--term", "9999-12-31"], ("date_out_of_range",)),
    "deadline-garbage": (["deadline", "expiry", "--term", "x"], ("not_a_date",)),
    "token-name-nul": (
        ["token", "create", "--name", "a\x00b", "--role", "admin"],
        ("not_a_token_name",),
    ),
    "token-role": (["token", "create", "--name", "x", "--role", "root"], ("not_one_of",)),
    "amendment-beyond-64-bits": (
        ["event", "REF", "submit", "--amendment", "9" * 20],
        ("number_out_of_range",),
    ),
    "version-beyond-64-bits": (
        ["event", "REF", "submit", "--expect-version", "9" * 20],
        ("number_out_of_range",),
    ),
    # A bad date given as an option is refused as the same date given as an input (exit 1).
    "on-february-30": (["event", "REF", "submit", "--on", "2025-02-30"], ("not_a_calendar_date",)),
    "received-february-30": (
        ["deadline", "dispute", "--received", "2025-02-30"],
        ("not_a_calendar_date",),
    ),
    "received-as-input-february-30": (
        ["event", "REF", "open_dispute", "party=crpv", "received=2025-02-30"],
        ("not_a_calendar_date",),
    ),
    "adopted-february-30": (
        ["award", "REF", "--decision", "DEL-1", "--adopted", "2025-02-30"],
        ("not_a_calendar_date",),
    ),
    "run-due-february-30": (["run-due", "--now", "2025-02-30"], ("not_a_calendar_date",)),
    "meeting-february-30": (
        ["committee", "REF", "add", "--date", "2025-02-30"],
        ("not_a_calendar_date",),
    ),
    "received-on-garbage": (
        ["attach", "REF", "/dev/null", "--received-on", "hier"],
        ("not_a_date",),
    ),
    # A file to write (-o) where none can be: refused before any work, nothing kept.
    "export-folder-missing": (
        ["export", "scdl", "-o", "/nonexistent/dir/s.csv"],
        ("not_a_directory",),
    ),
    "export-into-a-file": (["export", "scdl", "-o", "/dev/null/s.csv"], ("not_a_directory",)),
    "export-onto-a-folder": (["export", "scdl", "-o", "/"], ("output_is_a_directory",)),
    "export-nul": (["export", "scdl", "-o", "/tmp/a\x00b.csv"], ("control_characters",)),
    "sample-folder-missing": (
        ["emails", "--sample", "-o", "/nonexistent/e.md"],
        ("not_a_directory",),
    ),
    "extract-folder-missing": (
        ["extract", "/nonexistent/c.txt", "-o", "/nonexistent/c.toml"],
        ("not_a_directory",),
    ),
    # A missing file without .txt, .pdf or .docx at its end was said to be of the wrong kind.
    "extract-missing-no-extension": (["extract", "/nonexistent"], ("file_not_found",)),
    "extract-missing-odt": (["extract", "/nonexistent.odt"], ("file_not_found",)),
    # A reference beside --dossier was silently ignored: the dossier is checked by itself.
    "verify-reference-and-dossier": (
        ["verify", "REF", "--dossier", "/tmp"],
        ("reference_with_dossier",),
    ),
}

# Events naming an instalment, on the example convention paid in two (AMP-EXEMPLE-2027) once
# its award is notified (state payment). A number out of its schedule was said to be "not a
# whole number" ("« -1 » n'est pas un nombre entier"): it names the instalments planned now.
# A number below 1 was then said back (« la convention ne prévoit pas de versement n° -1 »,
# finance tester L1): it is an input refused as such, « doit valoir au moins 1 ».
INSTALMENT_CASES: dict[str, tuple[list[str], tuple[str, ...]]] = {
    "pay-instalment-beyond-64-bits": (
        ["event", "REF", "pay", "amount=27000", "instalment=99999999999999999999"],
        ("unknown_instalment",),
    ),
    "pay-instalment-negative": (
        ["event", "REF", "pay", "amount=27000", "instalment=-1"],
        ("number_too_small",),
    ),
    "pay-instalment-zero": (
        ["event", "REF", "pay", "amount=27000", "instalment=0"],
        ("number_too_small",),
    ),
    "pay-instalment-after-the-last": (
        ["event", "REF", "pay", "amount=27000", "instalment=3"],
        ("unknown_instalment",),
    ),
    "pay-instalment-thousand": (
        ["event", "REF", "pay", "amount=27000", "instalment=1000"],
        ("unknown_instalment",),
    ),
    "report-instalment-negative": (
        ["event", "REF", "report_received", "instalment=-2"],
        ("number_too_small",),
    ),
    # Named with the financial report, a bad number was not said (no_financial_report_owed).
    "report-financial-instalment-words": (
        ["event", "REF", "report_received", "report=financial", "instalment=abc"],
        ("not_a_whole_number",),
    ),
    "pay-instalment-decimal": (
        ["event", "REF", "pay", "amount=27000", "instalment=1.5"],
        ("not_a_whole_number",),
    ),
    "pay-instalment-words": (
        ["event", "REF", "pay", "amount=27000", "instalment=un"],
        ("not_a_whole_number",),
    ),
    # The Métropole forgoing an instalment (rule 25): the one it names, with its reason.
    "forgo-instalment-beyond-64-bits": (
        [
            "event",
            "REF",
            "forgo_payment",
            "reason=rapport absent",
            "instalment=99999999999999999999",
        ],
        ("unknown_instalment",),
    ),
    "forgo-instalment-zero": (
        ["event", "REF", "forgo_payment", "reason=rapport absent", "instalment=0"],
        ("number_too_small",),
    ),
    "forgo-instalment-after-the-last": (
        ["event", "REF", "forgo_payment", "reason=rapport absent", "instalment=3"],
        ("unknown_instalment",),
    ),
    "forgo-instalment-words": (
        ["event", "REF", "forgo_payment", "reason=rapport absent", "instalment=deux"],
        ("not_a_whole_number",),
    ),
    "forgo-instalment-unnamed": (
        ["event", "REF", "forgo_payment", "reason=rapport absent"],
        ("forgo_which_instalment",),
    ),
    "forgo-without-reason": (
        ["event", "REF", "forgo_payment", "instalment=2"],
        ("required_input",),
    ),
    "forgo-reason-blank": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=   "],
        ("required_input",),
    ),
    "forgo-reason-escape": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=\x1b[31mrouge"],
        ("control_characters",),
    ),
    "forgo-reason-huge": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=" + "x" * 5000],
        ("text_too_long",),
    ),
    "forgo-unknown-input": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=x", "amount=18000"],
        ("unknown_input",),
    ),
    # A reason of invisible or bidirectional characters only was recorded and emailed to the
    # beneficiary (« Motif enregistré : « \u202e\u200b » », A4); so was a note or a mandate.
    "forgo-reason-right-to-left-only": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=\u202e\u200b"],
        ("control_characters",),
    ),
    "forgo-reason-zero-width-only": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=\u200b\u2060\ufeff"],
        ("required_input",),
    ),
    "forgo-reason-no-break-spaces-only": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=\u00a0\u202f\u3000"],
        ("required_input",),
    ),
    "forgo-reason-isolate": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=motif \u2067caché\u2069"],
        ("control_characters",),
    ),
    "forgo-reason-embedding": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=\u202bmotif\u202c"],
        ("control_characters",),
    ),
    "forgo-note-invisible": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=x", "note=\u200d"],
        ("empty_text",),
    ),
    "pay-mandate-right-to-left": (
        ["event", "REF", "pay", "amount=27000", "mandate=2025\u202e-004512"],
        ("control_characters",),
    ),
    "pay-note-invisible": (
        ["event", "REF", "pay", "amount=27000", "note=\u2060"],
        ("empty_text",),
    ),
    # A required input given blank is refused as not given, whoever sends it (N2).
    "pay-amount-empty": (["event", "REF", "pay", "amount=", "note=acompte"], ("required_input",)),
    "pay-amount-spaces": (["event", "REF", "pay", "amount=  \t"], ("required_input",)),
    "pay-amount-no-break-spaces": (
        ["event", "REF", "pay", "amount=\u00a0\u202f"],
        ("required_input",),
    ),
}

# Optional inputs given blank, as the dashboard's forms send their empty fields: not refused,
# left out as not given (N2), on the command line, the API and the forms alike. The event is
# recorded with exactly these inputs: no blank one in its history, `status --json` or emails.
BLANK_INPUT_CASES: dict[str, tuple[list[str], dict[str, str]]] = {
    "pay-mandate-spaces-note-empty": (
        ["event", "REF", "pay", "amount=27000", "mandate=   ", "note="],
        {"amount": "27000.00", "instalment": "1"},
    ),
    "pay-instalment-blank": (
        ["event", "REF", "pay", "amount=27000", "instalment= ", "mandate=2027-0042"],
        {"amount": "27000.00", "instalment": "1", "mandate": "2027-0042"},
    ),
    "pay-note-no-break-spaces": (
        ["event", "REF", "pay", "amount=27000", "note=\u00a0\u202f\u3000"],
        {"amount": "27000.00", "instalment": "1"},
    ),
    "forgo-note-tab": (
        ["event", "REF", "forgo_payment", "instalment=2", "reason=rapport absent", "note=\t"],
        {"instalment": "2", "reason": "rapport absent", "amount": "18000.00"},
    ),
}

# The environment a command runs in (a variable set to a bad value), and the refusal.
ENVIRONMENT_CASES: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "templates-missing": (
        {"CONVFLOW_TEMPLATES_DIR": "/nonexistent/templates"},
        ("not_a_directory",),
    ),
    "database-nonsense": ({"CONVFLOW_DATABASE_URL": "nonsense://"}, ("not_a_database_url",)),
    "database-empty": ({"CONVFLOW_DATABASE_URL": ""}, ("not_a_database_url",)),
    "database-mysql": ({"CONVFLOW_DATABASE_URL": "mysql://u:secret@h/db"}, ("not_a_database_url",)),
    "database-password-unescaped-at": (
        {"CONVFLOW_DATABASE_URL": "postgresql+psycopg://u:sec@secret@127.0.0.1/db"},
        ("database_url_unescaped",),
    ),
    "database-password-unescaped-slash": (
        {"CONVFLOW_DATABASE_URL": "postgresql+psycopg://u:sec/secret@127.0.0.1/db"},
        ("database_url_unescaped",),
    ),
    "database-port-word": (
        {"CONVFLOW_DATABASE_URL": "postgresql+psycopg://u:secret@127.0.0.1:notaport/db"},
        ("database_url_bad_port",),
    ),
    "database-port-beyond-65535": (
        {"CONVFLOW_DATABASE_URL": "postgresql+psycopg://u:secret@127.0.0.1:99999/db"},
        ("database_url_bad_port",),
    ),
    "database-port-zero": (
        {"CONVFLOW_DATABASE_URL": "postgresql+psycopg://u:secret@127.0.0.1:0/db"},
        ("database_url_bad_port",),
    ),
    "database-port-empty": (
        {"CONVFLOW_DATABASE_URL": "postgresql+psycopg://u:secret@127.0.0.1:/db"},
        ("database_url_bad_port",),
    ),
    "database-port-parameter-word": (
        {"CONVFLOW_DATABASE_URL": "postgresql+psycopg://u:secret@/db?port=abc"},
        ("database_url_bad_port",),
    ),
    "database-ipv6-unclosed": (
        {"CONVFLOW_DATABASE_URL": "postgresql+psycopg://u:secret@[::1/db"},
        ("not_a_database_url",),
    ),
    # an SMTP login by half, with or without a server: refused as the settings are read, not
    # when the first email leaves (serve and run-due crashed on it, a ValueError)
    "smtp-password-without-user": (
        {"CONVFLOW_SMTP_HOST": "127.0.0.1", "CONVFLOW_SMTP_PASSWORD": "secret"},
        ("smtp_login_incomplete",),
    ),
    "smtp-user-without-password": ({"CONVFLOW_SMTP_USER": "bob"}, ("smtp_login_incomplete",)),
    # a whole number is written with 0-9 (README): full-width and other scripts' digits were
    # read by int() (the administrator's A10: `CONVFLOW_EXTENSION_GRACE_DAYS=１５` gave 15)
    "grace-days-full-width": (
        {"CONVFLOW_EXTENSION_GRACE_DAYS": "\uff11\uff15"},
        ("not_a_whole_number",),
    ),
    "reminder-hour-full-width": ({"CONVFLOW_REMINDER_HOUR": "\uff19"}, ("not_a_whole_number",)),
    "grace-days-arabic-indic": (
        {"CONVFLOW_EXTENSION_GRACE_DAYS": "\u0661\u0665"},
        ("not_a_whole_number",),
    ),
    "reminder-hour-superscript": ({"CONVFLOW_REMINDER_HOUR": "\u00b2"}, ("not_a_whole_number",)),
}


# A history entry appended to the reference's file: `[[history]]` then these lines.
HISTORY_CASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "unknown-event": ('event = "frobnicate"\non = 2025-03-03', ("unknown_event",)),
    "automatic-event": ('event = "expire"\non = 2025-03-03', ("unknown_event",)),
    "year-9999": ('event = "submit"\non = 9999-12-31', ("date_out_of_range",)),
    "year-1": ('event = "submit"\non = 0001-01-01', ("date_out_of_range",)),
    "no-date": ('event = "submit"', ("required_field",)),
    "no-event": ("on = 2025-03-03", ("required_field",)),
    "text-date": ('event = "submit"\non = "hier"', ("file_not_a_date",)),
    "boolean-input": (
        'event = "submit"\non = 2025-03-03\ninputs = { note = true }',
        ("invalid_value",),
    ),
    "float-input": (
        'event = "submit"\non = 2025-03-03\ninputs = { note = 1.5 }',
        ("invalid_value",),
    ),
    "array-input": (
        'event = "submit"\non = 2025-03-03\ninputs = { note = [1] }',
        ("invalid_value",),
    ),
    "unknown-field": ('event = "submit"\non = 2025-03-03\nby = "x"', ("unknown_field",)),
    "sign-before-submit": (
        'event = "sign"\non = 2025-03-03\ninputs = { signatory = "martial.alvarez@example.org" }',
        ("invalid_transition",),
    ),
    "unknown-signatory": (
        'event = "submit"\non = 2025-03-03\n\n[[history]]\nevent = "sign"\n'
        'on = 2025-03-04\ninputs = { signatory = "x@example.org" }',
        ("unknown_signatory", "not_a_signatory"),
    ),
    "publish-without-url": (
        'event = "submit"\non = 2025-03-03\n\n[[history]]\nevent = "sign"\non = 2025-03-04\n'
        'inputs = { signatory = "martial.alvarez@example.org" }\n\n[[history]]\nevent = "sign"\n'
        'on = 2025-03-05\ninputs = { signatory = "mustapha.berra@example.org" }\n\n'
        '[[history]]\nevent = "publish"\non = 2025-03-06',
        ("required_input",),
    ),
    "publish-before-signature": (
        'event = "submit"\non = 2025-03-03\n\n[[history]]\nevent = "publish"\n'
        'on = 2025-03-04\ninputs = { url = "https://data.ampmetropole.fr/s.csv" }',
        ("publication_not_now",),
    ),
    "out-of-order": (
        'event = "submit"\non = 2025-03-03\n\n[[history]]\nevent = "cancel"\non = 2025-03-01',
        ("history_out_of_order",),
    ),
    "in-the-future": (
        'event = "submit"\non = 2099-03-03',
        ("dated_in_future", "dated_after_end", "now_in_future"),
    ),
}

# Spreadsheet rows: the template's example row with one cell replaced.
SHEET_CASES: dict[str, tuple[str, str, tuple[str, ...]]] = {}
for _name, (_value, _codes) in {
    "amount-words": ("deux cents", ("not_an_amount",)),
    "amount-negative": ("-5", ("amount_not_positive",)),  # said as zero is (finance tester, L2)
    "amount-zero": ("0", ("amount_not_positive",)),
    "amount-nan": ("NaN", ("not_an_amount",)),
    "amount-infinite": ("1e400", ("not_an_amount",)),
}.items():
    SHEET_CASES[_name] = ("amount", _value, _codes)
for _name, (_value, _codes) in {
    "end-9999": ("9999-12-31", ("date_out_of_range",)),
    "end-french-9999": ("31/12/9999", ("date_out_of_range",)),
    # a spreadsheet takes 31/12/2025: its refusals give that form as the example (big300.csv,
    # dates-amounts.csv were told « écrivez-la sous la forme 2025-12-31 »)
    "end-feb-30": ("30/02/2026", ("sheet_not_a_calendar_date",)),
    "end-words": ("fin 2026", ("sheet_not_a_date",)),
    "end-two-digit-year": ("31/12/27", ("sheet_not_a_date",)),
    "end-empty": ("", ("required_field",)),
}.items():
    SHEET_CASES[_name] = ("end_date", _value, _codes)
for _column in ("party1_signatory_email", "party2_signatory_email"):
    for _name, (_value, _codes) in {
        "no-at": ("mustapha", ("not_an_email",)),
        "accented": ("josé@exemple.fr", ("not_an_email",)),
        "empty": ("", ("required_field",)),
    }.items():  # fmt: skip
        SHEET_CASES[f"{_column}-{_name}"] = (_column, _value, _codes)
for _column in ("title", "object", "place", "party1_name", "party2_signatory_title"):
    for _name, (_value, _codes) in {
        "nul": ("a\x00b", ("control_characters",)), "escape": ("\x1b[31m", ("control_characters",)),
        "empty": ("", ("required_field", "empty_text")),
    }.items():  # fmt: skip
        SHEET_CASES[f"{_column}-{_name}"] = (_column, _value, _codes)
for _name, (_value, _codes) in {
    "reference-space": ("A B", ("pattern_mismatch",)), "reference-empty": ("", ("required_field",)),
    "key-upper": ("MET", ("pattern_mismatch",)), "days-text": ("trente", ("not_a_whole_number",)),
    "days-zero": ("0", ("number_too_small",)), "days-float": ("1.5", ("not_a_whole_number",)),
}.items():  # fmt: skip
    column = {"reference": "reference", "key": "party1_key"}.get(
        _name.split("-")[0], "dispute_window_days"
    )
    SHEET_CASES[_name] = (column, _value, _codes)

# Settings files given with --config.
CONFIG_CASES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    # its syntax refused as a convention file's is (line, column, why), not tomllib's English
    "latin-1": ("language = 'français'".encode("latin-1"), ("file_not_utf8",)),
    "nested": (b"x = " + b"[" * 5000 + b"]" * 5000, ("toml_too_deep",)),
    "syntax": (b"language = ", ("toml_invalid_value",)),
    "unknown-key": (b'colour = "blue"', ("settings_file_unknown_key", "unknown_setting")),
    "bad-port": (b"http_port = 99999", ("number_out_of_range",)),
    "bad-flag": (b'extend_acts = "peut-etre"', ("not_yes_or_no",)),
    "bad-language": (b'language = "de"', ("not_one_of",)),
    "bad-hour": (b"reminder_hour = 25", ("number_out_of_range",)),
    "full-width-hour": ('reminder_hour = "\uff19"'.encode(), ("not_a_whole_number",)),
    "bad-mail-from": (b'mail_from = "Service"', ("not_an_email",)),
    "bad-holidays": (b'extra_holidays = "demain"', ("not_a_date_list",)),
    # an SMTP login by half: smtplib cannot log in with it (serve crashed on it, a ValueError)
    "smtp-user-alone": (b'smtp_host = "127.0.0.1"\nsmtp_user = "bob"', ("smtp_login_incomplete",)),
    "smtp-password-alone": (b'smtp_password = "secret"', ("smtp_login_incomplete",)),
}

# Bodies posted to the API's event route (as an admin), with the status and code expected.
API_CASES: dict[str, tuple[str, int, tuple[str, ...]]] = {
    "nan-version": ('{"event": "submit", "expected_version": NaN}', 422, ("invalid_request",)),
    "infinite-version": (
        '{"event": "submit", "expected_version": 1e400}',
        422,
        ("invalid_request",),
    ),
    "boolean-version": ('{"event": "submit", "expected_version": true}', 422, ("invalid_request",)),
    "huge-version": (
        '{"event": "submit", "expected_version": 99999999999999999999}',
        422,
        ("invalid_request",),
    ),
    "on-9999": ('{"event": "submit", "on": "9999-12-31T23:59:59Z"}', 422, ("date_out_of_range",)),
    "on-year-1": (
        '{"event": "submit", "on": "0001-01-01T00:00:00+14:00"}',
        422,
        ("date_out_of_range",),
    ),
    "on-garbage": ('{"event": "submit", "on": "demain"}', 422, ("not_a_date",)),
    "on-number": ('{"event": "submit", "on": 20250303}', 422, ("invalid_request",)),
    "unknown-event": ('{"event": "frobnicate"}', 422, ("invalid_request",)),
    "automatic-event": ('{"event": "expire"}', 409, ("automatic_event",)),
    # a JSON whole number is read as its text (the retest's `"instalment": 1`): the domain's
    # own checks then apply; a number with a decimal point, a boolean, an object are refused
    "input-number": ('{"event": "submit", "inputs": {"note": 5}}', 409, ("dated_after_end",)),
    "input-instalment-number": (
        '{"event": "pay", "inputs": {"amount": "1.00", "instalment": 1}}',
        409,
        ("invalid_transition",),
    ),
    "input-float": ('{"event": "pay", "inputs": {"amount": 27000.5}}', 422, ("float_value",)),
    "input-float-exponent": (
        '{"event": "pay", "inputs": {"amount": 1e400}}',
        422,
        ("float_value",),
    ),
    "input-boolean": ('{"event": "submit", "inputs": {"note": true}}', 422, ("invalid_value",)),
    "input-object": ('{"event": "submit", "inputs": {"note": {"a": 1}}}', 422, ("invalid_value",)),
    "input-list": ('{"event": "submit", "inputs": {"note": ["a"]}}', 422, ("invalid_value",)),
    "input-null": ('{"event": "submit", "inputs": {"note": null}}', 422, ("invalid_request",)),
    "input-huge-number": (
        '{"event": "pay", "inputs": {"amount": ' + "9" * 4000 + "}}",
        422,
        ("invalid_request", "not_an_amount", "amount_too_large", "text_too_long"),
    ),
    "input-nul": (
        '{"event": "submit", "inputs": {"note": "a\\u0000b"}}',
        422,
        ("invalid_request", "control_characters"),
    ),
    "unknown-field": ('{"event": "submit", "colour": "red"}', 422, ("invalid_request",)),
    "not-json": ("{event: submit}", 422, ("invalid_request",)),
    "array-body": ('["submit"]', 422, ("invalid_request",)),
    "nested-deep": (  # the body cannot be read at all
        '{"event": "submit", "inputs": ' + "[" * 2000 + "]" * 2000 + "}",
        400,
        ("http_error",),
    ),
    "empty-body": ("", 422, ("invalid_request",)),
    "wrong-state": ('{"event": "pay", "inputs": {"amount": "1.00"}}', 409, ("invalid_transition",)),
}


# Amendment files given to `convflow amend REF --file` (the convention in force).
AMEND_CASES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "latin-1": ("[changes]\nplace = 'é'".encode("latin-1"), ("file_not_utf8",)),
    "nested": (b"x = " + b"[" * 5000 + b"]" * 5000, ("toml_too_deep",)),
    "syntax": (b"[changes\n", ("toml_unclosed",)),
    "date-of-no-calendar": (b"[changes]\nend_date = 2027-02-30\n", ("toml_not_a_date",)),
    "unknown-table": (b"[colours]\nred = 1\n", ("unknown_field", "unknown_table")),
    "end-9999": (b"[changes]\nend_date = 9999-12-31\n", ("date_out_of_range",)),
    "end-text": (b'[changes]\nend_date = "demain"\n', ("not_a_date",)),
    "amount-words": (b'[changes]\namount = "beaucoup"\n', ("not_an_amount",)),
    "amount-float": (b"[changes]\namount = 250000.5\n", ("float_value", "not_an_amount")),
    "unknown-term": (b'[changes]\ncolour = "red"\n', ("not_amendable",)),
    "no-change": (b"[changes]\n", ("no_change_declared",)),
    "changes-number": (b"changes = 5\n", ("not_a_table",)),
    "representatives-number": (b"representatives = 5\n", ("not_a_table",)),
    "representatives-table": (b'[representatives]\nparty = "crpv"\n', ("not_a_table",)),
    "representative-party-list": (
        b'[[representatives]]\nparty = ["x"]\nname = "N"\ntitle = "T"\nemail = "n@example.org"\n',
        ("unknown_party", "forbidden_characters", "not_amendable"),
    ),
    # "paid-": the convention's 200 000,00 € paid first: an amount below it would owe money back
    "paid-amount-below": (b'[changes]\namount = "150000.00"\n', ("amount_below_paid",)),
    # an instalment's amount (`instalment.<n>.amount`) on a convention paid once: no schedule
    "instalment-of-a-single-payment": (
        b'[changes]\n"instalment.1.amount" = "1000.00"\n',
        ("not_amendable",),
    ),
    "instalment-dotted-huge-number": (
        b'[changes]\ninstalment.99999999999999999999.amount = "1"\n',
        ("not_amendable",),
    ),
    "instalment-as-a-table": (b'[changes.instalment.1]\namount = "1"\n', ("not_amendable",)),
}

API_CASES.update(
    {
        "on-empty": ('{"event": "submit", "on": ""}', 409, ("dated_after_end",)),  # today: too late
        "on-naive": (
            '{"event": "submit", "on": "2025-03-03T10:00:00"}',
            422,
            ("instant_needs_timezone",),
        ),
        "too-many-inputs": (
            '{"event": "submit", "inputs": {' + ", ".join(f'"k{i}": "v"' for i in range(21)) + "}}",
            422,
            ("invalid_request",),
        ),
        "input-huge": (
            '{"event": "cancel", "inputs": {"reason": "' + "x" * 2000 + '"}}',
            422,
            ("invalid_request", "text_too_long"),
        ),
        # a free text of invisible characters only, or turning the line around (A4)
        "note-right-to-left": (
            '{"event": "submit", "inputs": {"note": "a\\u202eb"}}',
            422,
            ("control_characters",),
        ),
        "note-invisible-only": (
            '{"event": "submit", "inputs": {"note": "\\u200b\\u2060"}}',
            422,
            ("empty_text",),
        ),
        "cancel-reason-invisible-only": (
            '{"event": "cancel", "inputs": {"reason": "\\u200b"}}',
            422,
            ("empty_text",),
        ),
        "version-zero": ('{"event": "submit", "expected_version": 0}', 422, ("invalid_request",)),
        "version-negative": (
            '{"event": "submit", "expected_version": -1}',
            422,
            ("invalid_request",),
        ),
        "event-null": ('{"event": null}', 422, ("invalid_request",)),
        "version-stale": (
            '{"event": "submit", "expected_version": 7}',
            409,
            ("concurrent_change",),
        ),
        "body-over-1-mib": (  # refused from its Content-Length, before it is read
            '{"event": "submit", "inputs": {"note": "' + "x" * (3 * 1024 * 1024) + '"}}',
            413,
            ("body_too_large",),
        ),
        "long-input-echoed": (  # the 422 repeats a prefix of it, not the 900 kB
            '{"event": "submit", "on": "' + "x" * (900 * 1024) + '"}',
            422,
            ("invalid_request",),
        ),
    }
)


SCDL_CASES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "siret-luhn": ("idBeneficiaire", "12345678900016", ("not_a_siret",)),
    "siret-letters": ("idBeneficiaire", "1234567890001A", ("not_a_siret",)),
    "siret-short": ("idAttribuant", "2000548070001", ("not_a_siret",)),
    "rna-bad": ("rnaBeneficiaire", "W12", ("not_an_rna",)),
    "date-feb-30": ("dateConvention", "2025-02-30", ("scdl_not_a_date",)),
    "date-french": ("dateConvention", "10/03/2025", ("scdl_not_a_date",)),
    "date-empty": ("dateConvention", "", ("required_field",)),
    "period-three": ("datesPeriodeVersement", "2025-01-01/2025-02-01/2025-03-01",
                     ("scdl_not_a_date",)),
    # the tester's fr.csv: its refusal's example was « 200 000,00 », which SCDL refuses too
    "amount-french": ("montant", "200 000,00", ("scdl_not_an_amount",)),
    "amount-comma": ("montant", "27000,00", ("scdl_not_an_amount",)),
    "amount-infinite": ("montant", "1e400", ("scdl_not_an_amount",)),
    "amount-nan": ("montant", "NaN", ("scdl_not_an_amount",)),
    "amount-zero": ("montant", "0", ("amount_not_positive",)),
    "amount-empty": ("montant", "", ("required_field",)),
    "nature-other": ("nature", "aide", ("not_one_of",)),
    "share-nan": ("pourcentageSubvention", "NaN", ("scdl_share_out_of_range",)),
    "share-over": ("pourcentageSubvention", "1.5", ("scdl_share_out_of_range",)),
    "object-long": ("objet", "x" * 257, ("text_too_long",)),
    "object-escape": ("objet", "\x1b[31mrouge", ("control_characters",)),
    "name-nul": ("nomBeneficiaire", "a\x00b", ("control_characters",)),
    "eu-maybe": ("notificationUE", "peut-être", ("not_yes_or_no",)),
}  # fmt: skip
"""An SCDL « subventions » row (the test's second of three) with `column` given `value`:
the file is refused naming that line and column, and no draft is kept."""


# Keys misspelt in a convention file: refused, and the refusal named the key written but not
# the one meant (« montnat », « amout »). The reference convention's file with `written`
# replaced by `misspelt` (its first occurrence): the refusal's code, and the key it suggests
# (« vouliez-vous dire « amount » ? »); None where no key is close enough to be the one meant,
# and none is suggested. The key suggested is not also refused as missing: one slip, one problem.
MISSPELT_KEYS: dict[str, tuple[str, str, tuple[str, ...], str | None]] = {
    "amount": ('amount = "200000.00"', 'amout = "200000.00"', ("unknown_field",), "amount"),
    "amount-capital": ('amount = "200000.00"', 'Amount = "200000.00"', ("unknown_field",),
                       "amount"),
    "reference": ('reference = "AMP', 'refrence = "AMP', ("unknown_field",), "reference"),
    "end-date-hyphen": ("end_date = 2025", "end-date = 2025", ("unknown_field",), "end_date"),
    "table": ("[clauses]\n", "[clauzes]\n", ("unknown_field",), "clauses"),
    "sub-table": ("[clauses.articles]", "[clauses.article]", ("unknown_field",), "articles"),
    "reminders-table": ("[reminders]", "[reminder]", ("unknown_field",), "reminders"),
    "clause": ("dispute_window_days =", "dispute_windows_days =", ("unknown_field",),
               "dispute_window_days"),
    "signatory-email": ('email = "martial', 'emial = "martial', ("unknown_field",), "email"),
    "party-key": ('key = "crpv"', 'keys = "crpv"', ("unknown_field",), "key"),
    "history-event": ('event = "notify"', 'evnet = "notify"', ("unknown_field",), "event"),
    # a word of its own is no slip: nothing suggested, the key it stands for missing
    "french-word": ('amount = "200000.00"', 'montant = "200000.00"', ("unknown_field",), None),
    "other-word": ('place = "Marseille"', 'couleur = "Marseille"', ("unknown_field",), None),
}  # fmt: skip

# A spreadsheet's column header misspelt (column, header written, column suggested or None).
MISSPELT_COLUMNS: dict[str, tuple[str, str, str | None]] = {
    "amount": ("amount", "amout", "amount"),
    "accented": ("reference", "Référence", "reference"),
    "signatory-email": (
        "party2_signatory_email",
        "party2_signatory_mail",
        "party2_signatory_email",
    ),
    "french-word": ("place", "lieu", None),
}

# The same in an open-data (SCDL « subventions ») file's header.
MISSPELT_SCDL_COLUMNS: dict[str, tuple[str, str, str | None]] = {
    "amount": ("montant", "montnat", "montant"),
    "capital": ("dateConvention", "DateConvention", "dateConvention"),
    "accented": ("nomBeneficiaire", "nomBénéficiaire", "nomBeneficiaire"),
    "other-word": ("objet", "description", None),
}

# The same in the fields `POST /api/v1/conventions` takes (the file's, as JSON): the field at
# `path` renamed `misspelt`, refused 422 with the field suggested (or None).
MISSPELT_BODY_KEYS: dict[str, tuple[tuple[str | int, ...], str, str | None]] = {
    "amount": (("amount",), "amout", "amount"),
    "signatory-email": (("parties", 1, "signatories", 0, "email"), "mail", "email"),
    "clause": (("clauses", "dispute_window_days"), "dispute_window_dys", "dispute_window_days"),
    "french-word": (("place",), "lieu", None),
}
