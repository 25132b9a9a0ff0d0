"""Convention files: a declarative TOML description of a convention, checked field by field.

A malformed file is refused with the field (and its line) named; nothing reaches the
database until the whole file is valid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Annotated, Any, ClassVar, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from notifications.addresses import address_problem
from states.committee import Committee
from states.convention import Articles, Clauses, Convention, Party, ReminderOffsets, Signatory
from states.errors import CODES, InvalidInput, to_json
from states.financial_report import FinancialReport
from states.financial_report import checked as checked_report
from states.identifiers import PARTY_KEY_FORM, REFERENCE_FORM, YEAR_END_FORM
from states.inputs import EARLIEST, LATEST, parse_amount
from states.lifecycle import HISTORY_EVENTS
from states.open_data import is_rna, is_siret
from states.payments import INSTALMENT_TRIGGERS, MAX_INSTALMENTS, Instalment
from states.spelling import closest
from workflow.files.toml_text import TomlSyntaxError, read_toml, without_bom
from workflow.files.typed_numbers import as_typed
from workflow.usecases.commands import PastEvent

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: str) -> str:
    """Text a person wrote: no NUL nor terminal control character (they corrupt what is
    shown, and PostgreSQL refuses NUL)."""
    found = _CONTROL.search(value)
    if found:
        raise _refused("control_characters")
    return value


Offsets = Annotated[list[Annotated[int, Field(ge=0, le=730, strict=True)]], Field(max_length=12)]


def _refused(code: str, **params: Any) -> PydanticCustomError:
    """A validator's refusal, carrying one of convflow's codes and its parameters."""
    return PydanticCustomError(code, code, to_json(params))


Text = Annotated[str, AfterValidator(_printable)]
"""A text field of a convention file: printable, its length bounded where it is declared."""
NAME_MOST = 300
"""The most characters of a party's name."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SignatoryIn(_Strict):
    """A signatory as written in the file."""

    name: Text = Field(min_length=1, max_length=300)
    title: Text = Field(min_length=1, max_length=300)
    email: str = Field(max_length=320)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        # ASCII only: the mail here speaks no SMTPUTF8, so every email to it would fail.
        if not _EMAIL.match(value) or address_problem(value):
            raise _refused("not_an_email", value=value)
        return value


class PartyIn(_Strict):
    """A party as written in the file; `siret` (or an association's `rna`) identifies it in
    the open data (rule 19)."""

    key: str = Field(pattern=PARTY_KEY_FORM)
    name: Text = Field(min_length=1, max_length=NAME_MOST)
    signatories: list[SignatoryIn] = Field(min_length=1)
    siret: str | None = None
    rna: str | None = None

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str) -> str:
        compact = value.replace(" ", "")
        if not is_siret(compact):
            raise _refused("not_a_siret", value=value)
        return compact

    @field_validator("rna")
    @classmethod
    def _rna(cls, value: str) -> str:
        if not is_rna(value):
            raise _refused("not_an_rna", value=value)
        return value


class OpenDataIn(_Strict):
    """What the open data publish that the convention's text does not hold as such: its
    object in 256 characters at most, when article 1 is longer (rule 19)."""

    object: Text | None = Field(default=None, min_length=1, max_length=256)


class FinancialReportIn(_Strict):
    """Whether the beneficiary owes a financial report (rule 20): `basis` `by_law` (a
    private-law beneficiary and an earmarked subsidy, both to be stated), `by_convention` (the
    service requires it) or `not_required` (the default); `year`, the financial year the
    subsidy is granted for; `year_end`, the beneficiary's financial year end ("MM-DD")."""

    basis: str = "not_required"
    private_beneficiary: bool = False
    earmarked: bool = False
    year: int | None = Field(default=None, strict=True)
    year_end: str = Field(default="12-31", pattern=YEAR_END_FORM)

    def setting(self) -> FinancialReport:
        """The setting as the domain reads it (checked by the model's validator)."""
        month, day = (int(part) for part in self.year_end.split("-"))
        return FinancialReport(
            self.basis,  # type: ignore[arg-type]  # checked below
            self.year, (month, day), self.private_beneficiary, self.earmarked,
        )  # fmt: skip

    @model_validator(mode="after")
    def _lawful(self) -> FinancialReportIn:
        try:
            checked_report(self.setting())
        except InvalidInput as error:
            raise _refused(error.code, **error.own_params) from None
        return self


class RemindersIn(_Strict):
    """Reminder offsets (days before each deadline); missing ones take the defaults."""

    expiry: Offsets = list(ReminderOffsets.expiry)
    termination: Offsets = list(ReminderOffsets.termination)
    dispute_window: Offsets = list(ReminderOffsets.dispute_window)
    court_possible: bool = ReminderOffsets.court_possible
    signature_every_days: int = Field(
        default=ReminderOffsets.signature_every_days, ge=1, le=90, strict=True
    )
    payment: Offsets = list(ReminderOffsets.payment)
    publication: Offsets = list(ReminderOffsets.publication)
    financial_report: Offsets = list(ReminderOffsets.financial_report)


class ArticlesIn(_Strict):
    """Which article of the convention holds each clause, for explanations."""

    payment: str = Articles.payment
    term: str = Articles.term
    amendment: str = Articles.amendment
    dispute: str = Articles.dispute
    termination: str = Articles.termination
    committee: str = Articles.committee


def _bounded(value: date) -> date:
    """A date of this century (states.inputs' bounds), refused with them named otherwise."""
    if not EARLIEST <= value <= LATEST:
        raise _refused("date_out_of_range", value=value.isoformat(), low=EARLIEST.isoformat(),
                       high=LATEST.isoformat())  # fmt: skip
    return value


def _only(supported: str | bool) -> Any:
    """A validator accepting only the value convflow computes with today: a file saying
    otherwise is refused, never loaded to be computed the wrong way."""

    def check(value: Any) -> Any:
        if value != supported or type(value) is not type(supported):
            raise _refused("clause_not_supported", value=str(value), supported=str(supported))
        return value

    return check


class ClausesIn(_Strict):
    """The clause parameters; payment and signature targets default to the settings.

    `convflow extract` also writes how each clause counts; those keys are accepted when they
    say what convflow computes (calendar days from the letter's receipt, a notice in months
    from the letter, an extension by amendment) and refused otherwise."""

    dispute_window_days: int = Field(default=30, ge=1, le=365, strict=True)
    dispute_window_day_kind: Annotated[str, AfterValidator(_only("calendar"))] = "calendar"
    dispute_window_from: Annotated[str, AfterValidator(_only("receipt"))] = "receipt"
    termination_notice_months: int = Field(default=6, ge=1, le=120, strict=True)
    termination_notice_from: Annotated[str, AfterValidator(_only("letter"))] = "letter"
    extension_by_amendment: Annotated[bool, AfterValidator(_only(True))] = True
    payment_target_days: int | None = Field(default=None, ge=1, le=365, strict=True)
    signature_target_days: int | None = Field(default=None, ge=1, le=365, strict=True)
    articles: ArticlesIn = ArticlesIn()


AS_WRITTEN = ("amount", "share")
"""The keys whose whole numbers a file is read with as written (toml_text.read_toml): an
amount or a share is written in decimal digits, `0x10` is no amount of 16 euros."""


def _money(value: Any) -> Decimal:
    """An amount as a file writes it: text or a whole number, never a float."""
    if isinstance(value, float):
        raise _refused("float_value", value=as_typed(value))
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _refused("amount_expected")
    try:
        return parse_amount(str(value))
    except InvalidInput as error:
        raise _refused(error.code, **error.own_params) from None


_SHARE = re.compile(r"^\s*([0-9]{1,3}(?:[.,][0-9]{1,4})?)\s*%?\s*$")


class InstalmentIn(_Strict):
    """One payment of the schedule (article 2): its amount, or its share of the total in
    percent ("30 %"), or both as a convention writes them (« 70 %, soit 31 850,00 € ») when
    they agree (the amount is paid; see agreement), and what makes it due: the notification of
    the award, a date (`on`), or the receipt of a report (`report`, what it is called)."""

    amount: Decimal | None = None
    share: Decimal | None = None
    trigger: str = "notification"
    on: date | None = None
    report: Text | None = Field(default=None, min_length=1, max_length=300)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal | None:
        return None if value is None else _money(value)

    @field_validator("share", mode="before")
    @classmethod
    def _share(cls, value: Any) -> Decimal | None:
        if value is None:
            return None
        found = _SHARE.match(str(value)) if isinstance(value, str | int) else None
        share = Decimal(found.group(1).replace(",", ".")) if found else Decimal(0)
        if isinstance(value, bool) or not 0 < share <= 100:
            raise _refused("not_a_share", value=str(value))
        return share

    @field_validator("trigger")
    @classmethod
    def _trigger(cls, value: str) -> str:
        if value not in INSTALMENT_TRIGGERS:
            raise _refused("clause_not_supported", value=value,
                           supported=", ".join(INSTALMENT_TRIGGERS))  # fmt: skip
        return value

    @field_validator("on")
    @classmethod
    def _on(cls, value: date) -> date:
        return _bounded(value)

    @model_validator(mode="after")
    def _complete(self) -> InstalmentIn:
        if self.amount is None and self.share is None:
            raise _refused("instalment_amount_or_share")
        if (self.trigger == "date") != (self.on is not None):
            raise _refused("instalment_date_for_date_only", trigger=self.trigger)
        if (self.trigger == "report") != (self.report is not None):
            raise _refused("instalment_report_for_report_only", trigger=self.trigger)
        return self


class PaymentIn(_Strict):
    """How the amount is paid: one payment after the award's notification (nothing written,
    or one instalment on the notification), or instalments in the order they are paid."""

    instalments: list[InstalmentIn] = Field(default=[], max_length=MAX_INSTALMENTS)


def agrees(amount: Decimal, share: Decimal, total: Decimal) -> bool:
    """Whether an instalment's amount and its share, both written, say the same payment: the
    share of the total is the amount to the cent (half up), or the amount's part of the total,
    rounded as the share is written, is the share (« 33,33 %, soit 15 166,67 € » of 45 500 €:
    a third, its share written to the hundredth)."""
    if (total * share / 100).quantize(_CENT, ROUND_HALF_UP) == amount:
        return True
    written = Decimal(1).scaleb(min(share.as_tuple().exponent, 0))  # type: ignore[arg-type]
    return total > 0 and (amount * 100 / total).quantize(written, ROUND_HALF_UP) == share


def _disagreement(payment: PaymentIn, total: Decimal, raw: Any) -> ValidationError | None:
    """The instalments whose amount and share, both written, do not agree (agrees), each as
    a problem of its share (`instalment_amount_share_differ`), the share as written."""
    found = []
    for number, part in enumerate(payment.instalments):
        if part.amount is None or part.share is None or agrees(part.amount, part.share, total):
            continue
        written = raw["instalments"][number]["share"] if isinstance(raw, dict) else part.share
        makes = (total * part.share / 100).quantize(_CENT, ROUND_HALF_UP)
        params = {
            "instalment": number + 1,
            "share": str(written).strip(),
            "amount": str(part.amount),
            "total": str(total),
            "share_amount": str(makes),
        }
        found.append({"type": _refused("instalment_amount_share_differ", **params),
                      "loc": ("instalments", number, "share"), "input": written})  # fmt: skip
    return ValidationError.from_exception_data("payment", found) if found else None  # type: ignore[arg-type]


def schedule(parsed: ConventionIn) -> tuple[Instalment, ...]:
    """The payment schedule a file declares, shares turned into amounts (to the cent, half
    up); none for the single payment on notification."""
    written = parsed.payment.instalments
    if len(written) == 1 and written[0].trigger == "notification":
        return ()
    return tuple(
        Instalment(
            number=number,
            amount=amount,
            trigger=part.trigger,  # type: ignore[arg-type]  # checked by its validator
            on=part.on,
            report=part.report,
        )
        for number, (part, amount) in enumerate(
            zip(written, instalment_amounts(parsed), strict=True), start=1
        )
    )


def instalment_amounts(parsed: ConventionIn) -> list[Decimal]:
    """Each written instalment's amount: as written, or its share of the total (to the
    cent, half up)."""
    return [
        part.amount
        if part.amount is not None
        else (parsed.amount * (part.share or 0) / 100).quantize(_CENT, ROUND_HALF_UP)
        for part in parsed.payment.instalments
    ]


_CENT = Decimal("0.01")


class CommitteeIn(_Strict):
    """The steering committee a clause creates (article 3): its name and article."""

    name: Text = Field(min_length=1, max_length=300)
    article: str = Field(default=Articles.committee, min_length=1, max_length=40)


class HistoryIn(_Strict):
    """One event of a convention's life before it was loaded, as `convflow event` records it:
    `[[history]]` with `event`, `on` (its date) and its `inputs` (e.g. the signatory)."""

    event: str = Field(min_length=1, max_length=40)
    on: date
    inputs: dict[str, str | date | int] = {}

    @field_validator("on")
    @classmethod
    def _on(cls, value: date) -> date:
        return _bounded(value)

    @field_validator("event")
    @classmethod
    def _event(cls, value: str) -> str:
        if value not in HISTORY_EVENTS:
            raise _refused("unknown_event", event=value, events=HISTORY_EVENTS)
        return value

    @field_validator("inputs", mode="before")
    @classmethod
    def _inputs(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key, given in value.items():
                if isinstance(given, bool | float | dict | list):
                    raise _refused("invalid_value", detail=f"{key} = {given!r}", expected="input")
        return value


class ConventionIn(_Strict):
    """A whole convention file."""

    reference: str = Field(pattern=REFERENCE_FORM)
    title: Text = Field(min_length=1, max_length=1000)
    object: Text = Field(min_length=1, max_length=5000)
    amount: Decimal
    end_date: date
    place: Text = Field(min_length=1, max_length=200)
    parties: list[PartyIn] = Field(min_length=2)
    amount_basis: Annotated[str, AfterValidator(_only("TTC"))] = "TTC"
    takes_effect: Annotated[str, AfterValidator(_only("signature"))] = "signature"
    clauses: ClausesIn = ClausesIn()
    reminders: RemindersIn = RemindersIn()
    payment: PaymentIn = PaymentIn()
    committee: CommitteeIn | None = None
    open_data: OpenDataIn = OpenDataIn()
    financial_report: FinancialReportIn = FinancialReportIn()
    history: list[HistoryIn] = Field(default=[], max_length=500)

    @field_validator("end_date")
    @classmethod
    def _end_date(cls, value: date) -> date:
        return _bounded(value)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Decimal:
        return _money(value)

    @field_validator("payment", mode="wrap")
    @classmethod
    def _payment(cls, value: Any, handler: ValidatorFunctionWrapHandler,
                 info: ValidationInfo) -> PaymentIn:  # fmt: skip
        """Each instalment's amount and share agree, where both are written (agrees): the
        disagreement named at the instalment's share, as its other problems are."""
        payment: PaymentIn = handler(value)
        total = info.data.get("amount")
        disagreement = _disagreement(payment, total, value) if total is not None else None
        if disagreement is not None:
            raise disagreement
        return payment

    @model_validator(mode="after")
    def _unique(self) -> ConventionIn:
        keys = [p.key for p in self.parties]
        if len(set(keys)) != len(keys):
            raise _refused("duplicate_party_keys", keys=keys)
        emails = [s.email.lower() for p in self.parties for s in p.signatories]
        duplicates = sorted({e for e in emails if emails.count(e) > 1})
        if duplicates:
            raise _refused("duplicate_signatory_emails", emails=duplicates)
        self._check_schedule()
        return self

    def _check_schedule(self) -> None:
        """The instalments add up to the amount, to the cent, and none is due after the term."""
        if not self.payment.instalments:
            return
        total = sum(instalment_amounts(self), Decimal(0))
        if total != self.amount:
            raise _refused("instalments_do_not_add_up", total=str(self.amount),
                           instalments=str(total))  # fmt: skip
        for part in schedule(self):
            if part.on is not None and part.on > self.end_date:
                raise _refused("instalment_after_term", instalment=part.number,
                               on=part.on.isoformat(), end=self.end_date.isoformat())  # fmt: skip


MAX_PROBLEMS = 200
"""The most problems of a file a refusal keeps (its own and the first others, in `others`):
past them, only how many more (`problems_not_shown`). A file of 200 000 bad rows made a
refusal of 800 000 problems: 1.7 GB of memory and a minute to say it."""


class ConventionFileError(InvalidInput):
    """A convention (or amendment) file is malformed: it names the file, line and field;
    `others` lists the file's further problems, each as {field, line, code, params}, the first
    MAX_PROBLEMS of the file kept; `problems_not_shown` counts the others past them (absent when
    none is)."""

    FRAME: ClassVar[tuple[str, ...]] = ("field", "file", "line", "others", "problems_not_shown")

    def __init__(
        self, source: str, line: int | None, field: str, code: str, /,
        others: Sequence[Mapping[str, Any]] = (), problems_not_shown: int = 0, **params: Any,
    ) -> None:  # fmt: skip
        self.source, self.line = source, line
        kept = list(others[: MAX_PROBLEMS - 1])
        not_shown = len(others) - len(kept) + problems_not_shown
        super().__init__(field, code, file=source, line=line, others=kept,
                         problems_not_shown=not_shown or None, **params)  # fmt: skip


class FileProblems:
    """A file's problems as its rows are checked ({field, line, code, params} each): the first
    MAX_PROBLEMS kept, the others only counted, so that a file of many bad rows costs no more
    memory than one of a few. Its length is how many there are."""

    def __init__(self) -> None:
        self.kept: list[Mapping[str, Any]] = []
        self.not_kept = 0

    def add(self, *problems: Mapping[str, Any]) -> None:
        """Some problems more, in the file's order."""
        room = MAX_PROBLEMS - len(self.kept)
        self.kept += problems[:room]
        self.not_kept += max(len(problems) - room, 0)

    def __len__(self) -> int:
        return len(self.kept) + self.not_kept


def refuse_rows(source: str, problems: FileProblems, kept: int) -> None:
    """All or nothing for a file of rows: its first problem raised, the others kept attached to
    it ({line, field, code, params} each) and the rest counted; a file with no row at all
    refused too."""
    if problems:
        first, *others = problems.kept
        raise ConventionFileError(source, first["line"], first["field"], first["code"],
                                  others=others, problems_not_shown=problems.not_kept,
                                  **first["params"])  # fmt: skip
    if not kept:
        raise ConventionFileError(source, None, "file", "spreadsheet_without_rows")


@dataclass(frozen=True)
class ConventionFile:
    """What a convention file holds: the convention, in `draft`, and its past events."""

    convention: Convention
    history: tuple[PastEvent, ...] = ()


def read_convention_file(
    path: Path, *, payment_target_days: int, signature_target_days: int
) -> Convention:
    """The convention a TOML file describes, in `draft`; raise naming what is wrong."""
    return read_file(
        path, payment_target_days=payment_target_days, signature_target_days=signature_target_days
    ).convention


def read_file(
    path: Path, *, payment_target_days: int, signature_target_days: int
) -> ConventionFile:
    """The convention a TOML file describes and its history; raise naming what is wrong."""
    from workflow.files.utf8 import read_utf8  # it raises this module's refusal

    text = read_utf8(path)
    return parse_file(
        text,
        str(path),
        payment_target_days=payment_target_days,
        signature_target_days=signature_target_days,
    )


def parse_convention(
    text: str, source: str, *, payment_target_days: int, signature_target_days: int
) -> Convention:
    """The convention a TOML text describes; `source` names it in error messages."""
    return parse_file(
        text, source, payment_target_days=payment_target_days,
        signature_target_days=signature_target_days,
    ).convention  # fmt: skip


def parse_file(
    text: str, source: str, *, payment_target_days: int, signature_target_days: int
) -> ConventionFile:
    """The convention a TOML text describes and its history; `source` names it in errors."""
    text = without_bom(text)
    try:
        data = read_toml(text, as_written=AS_WRITTEN)
    except TomlSyntaxError as error:
        raise toml_refusal(source, error) from None
    try:
        parsed = ConventionIn.model_validate(data)
    except ValidationError as error:
        raise _file_error(text, source, error) from None
    _refuse_disorder(parsed, text, source)
    history = tuple(
        PastEvent(entry.event, entry.on, {key: str(value) for key, value in entry.inputs.items()},
                  locate(text, ("history", number)))
        for number, entry in enumerate(parsed.history)
    )  # fmt: skip
    return ConventionFile(to_domain(parsed, payment_target_days, signature_target_days), history)


def _refuse_disorder(parsed: ConventionIn, text: str, source: str) -> None:
    """The history's entries come in the order of their dates: the first one dated before
    the entry above it is refused, named with its line as the history's other refusals are."""
    dates = [entry.on for entry in parsed.history]
    for number in range(1, len(dates)):
        if dates[number] < dates[number - 1]:
            raise ConventionFileError(
                source, locate(text, ("history", number)), f"history[{number}]",
                "history_out_of_order", dates=[d.isoformat() for d in dates],
            )  # fmt: skip


def parse_mapping(
    data: Mapping[str, Any], source: str, *, payment_target_days: int, signature_target_days: int
) -> ConventionFile:
    """The convention a mapping of the file's fields describes (JSON through the API: dates
    as ISO text); the same checks as a file, each problem named by its field."""
    try:
        parsed = ConventionIn.model_validate(dict(data))
    except ValidationError as error:
        raise _file_error("", source, error) from None
    _refuse_disorder(parsed, "", source)
    history = tuple(
        PastEvent(entry.event, entry.on, {key: str(value) for key, value in entry.inputs.items()})
        for entry in parsed.history
    )
    return ConventionFile(to_domain(parsed, payment_target_days, signature_target_days), history)


def file_data(convention: Convention) -> dict[str, Any]:
    """A convention's terms as the file's fields (the inverse of reading a file), for a
    draft edited through the API: dates and amounts as text, as JSON carries them."""
    clauses, offsets = convention.clauses, convention.clauses.reminders
    return {
        "reference": convention.reference,
        "title": convention.title,
        "object": convention.object,
        "amount": str(convention.amount),
        "end_date": convention.end_date.isoformat(),
        "place": convention.place,
        "clauses": {
            "dispute_window_days": clauses.dispute_window_days,
            "termination_notice_months": clauses.termination_notice_months,
            "payment_target_days": clauses.payment_target_days,
            "signature_target_days": clauses.signature_target_days,
            "articles": asdict(clauses.articles),  # the committee's too: an edit keeps it
        },
        "reminders": {
            "expiry": list(offsets.expiry),
            "termination": list(offsets.termination),
            "dispute_window": list(offsets.dispute_window),
            "court_possible": offsets.court_possible,
            "signature_every_days": offsets.signature_every_days,
            "payment": list(offsets.payment),
            "publication": list(offsets.publication),
            "financial_report": list(offsets.financial_report),
        },
        "payment": {"instalments": [_instalment_data(i) for i in clauses.instalments]},
        **_committee_data(convention),
        "open_data": {"object": convention.open_data_object} if convention.open_data_object else {},
        "financial_report": _financial_report_data(convention.financial_report),
        "parties": [
            {
                "key": party.key,
                "name": party.name,
                **({"siret": party.siret} if party.siret else {}),
                **({"rna": party.rna} if party.rna else {}),
                "signatories": [
                    {"name": s.name, "title": s.title, "email": s.email}
                    for s in convention.signatories
                    if s.party == party.key
                ],
            }
            for party in convention.parties
        ],
    }


def _committee_data(convention: Convention) -> dict[str, Any]:
    """The `[committee]` table of a file, when the convention names its committee: its name
    and article (the article is also among the clauses' articles, which win in a file)."""
    name = convention.committee.name
    if name is None:
        return {}
    return {"committee": {"name": name, "article": convention.clauses.articles.committee}}


def _instalment_data(instalment: Instalment) -> dict[str, Any]:
    data: dict[str, Any] = {"amount": str(instalment.amount), "trigger": instalment.trigger}
    if instalment.on is not None:
        data["on"] = instalment.on.isoformat()
    if instalment.report is not None:
        data["report"] = instalment.report
    return data


def toml_refusal(source: str, error: TomlSyntaxError) -> ConventionFileError:
    """A TOML syntax error as the refusal of the file `source`: its line, the key written
    there, why in convflow's words."""
    return ConventionFileError(source, error.line, error.key, error.code, **error.params)


def _file_error(text: str, source: str, error: ValidationError) -> ConventionFileError:
    """One error naming the first problem's field and line, and every other problem after it.
    A key misspelt is one problem, not two: the key it most likely meant is not also said to
    be missing (`amout` suggests `amount`, which is then not refused as missing)."""
    items = error.errors()
    meant = {
        (*loc[:-1], closest(str(loc[-1]), known_keys(loc[:-1])))
        for loc in (tuple(item["loc"]) for item in items if item["type"] == "extra_forbidden")
    }
    problems = []
    for item in items:
        loc = tuple(item["loc"])
        if item["type"] == "missing" and loc in meant:
            continue
        line = locate(text, loc)
        code, params = problem_of(item)
        field = _dotted(loc) or "file"
        problems.append((line is None, line or 0, field, line, code, params))
    problems.sort(key=lambda p: p[:2])
    _, _, field, line, code, params = problems[0]
    others = [{"field": f, "line": n, "code": c, "params": p} for _, _, f, n, c, p in problems[1:]]
    return ConventionFileError(source, line, field, code, others=others, **params)


_SAME_CODE = {
    "missing": "required_field",
    "string_too_short": "empty_text",
}
_WHOLE = ("int_parsing", "int_type", "int_from_float")
_FLAG = ("bool_parsing", "bool_type")


def problem_of(error: ErrorDetails) -> tuple[str, dict[str, Any]]:
    """A validation problem as one of convflow's codes and its parameters."""
    kind, context, given = error["type"], dict(error.get("ctx") or {}), error.get("input")
    if kind in _OWN and (isinstance(error.get("ctx"), dict) or not CODES.get(kind, True)):
        return kind, context  # raised by our validators with a code of ours
    if kind == "extra_forbidden":  # a key misspelt, most often: the one meant, if one is close
        loc = tuple(error["loc"])
        return "unknown_field", {"closest": closest(str(loc[-1]), known_keys(loc[:-1]))}
    if kind in _SAME_CODE:
        return _SAME_CODE[kind], {}
    if kind.startswith(("date_", "datetime_")):
        return "file_not_a_date", {"value": str(given)}
    if kind in _WHOLE:
        return "not_a_whole_number", {"value": str(given)}
    if kind in _FLAG:
        return "not_yes_or_no", {"value": str(given)}
    bounds = {
        "string_too_long": ("text_too_long", {"most": context.get("max_length"),
                                              "given": len(str(given))}),
        "too_short": ("too_few_items", {"least": context.get("min_length")}),
        "too_long": ("too_many_items", {"most": context.get("max_length")}),
        "greater_than_equal": ("number_too_small", {"least": context.get("ge")}),
        "less_than_equal": ("number_too_large", {"most": context.get("le")}),
        "string_pattern_mismatch": (
            "pattern_mismatch", {"value": str(given), "pattern": context.get("pattern")}
        ),
    }  # fmt: skip
    if kind in bounds:
        return bounds[kind]
    return "invalid_value", {"detail": str(error["msg"]), "expected": _EXPECTED.get(kind, "value")}


def known_keys(table: Sequence[int | str]) -> tuple[str, ...]:
    """The keys the file's table at `table` takes (() for the file itself, ('parties', 1,
    'signatories', 0) for a signatory's): those a misspelt key is held against."""
    model: type[BaseModel] | None = ConventionIn
    for part in table:
        if isinstance(part, int):  # an entry of a list: its items' keys
            continue
        field = model.model_fields.get(part) if model is not None else None
        model = model_in(field.annotation) if field is not None else None
    return tuple(model.model_fields) if model is not None else ()


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field's type holds: itself, or that of its list or its `| None`."""
    if get_origin(annotation) is None:
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        return annotation if is_model else None
    return next((m for m in map(model_in, get_args(annotation)) if m is not None), None)


_EXPECTED = {
    "string_type": "text",
    "list_type": "list",
    "tuple_type": "list",
    "set_type": "list",
    "model_type": "fields",
    "model_attributes_type": "fields",
    "dict_type": "fields",
}
"""What a field takes, by the check that refused a value of another sort: said in words, where
`detail` keeps the library's English for scripts that read it."""


_OWN = frozenset(
    {"not_an_email", "float_value", "amount_expected", "not_an_amount", "amount_not_positive",
     "duplicate_party_keys", "duplicate_signatory_emails", "unknown_event", "invalid_value",
     "clause_not_supported", "instalments_do_not_add_up",
     "date_out_of_range", "control_characters", "amount_too_large",
     "instalment_amount_or_share", "instalment_amount_share_differ",
     "instalment_date_for_date_only",
     "instalment_report_for_report_only", "instalment_after_term", "not_a_share", "not_a_siret",
     "not_an_rna", "unknown_report_basis", "report_not_by_law", "report_year_missing",
     "not_a_year_end", "number_out_of_range", "report_year_without_report"}
)  # fmt: skip
"""The codes this module's validators raise themselves."""


def _dotted(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _articles(parsed: ConventionIn) -> dict[str, str]:
    """Where each clause sits; the committee's article from `[committee]` if only it says."""
    articles = parsed.clauses.articles.model_dump()
    if parsed.committee and "committee" not in parsed.clauses.articles.model_fields_set:
        articles["committee"] = parsed.committee.article
    return articles


def to_domain(parsed: ConventionIn, payment_days: int, signature_days: int) -> Convention:
    reminders = parsed.reminders
    clauses = Clauses(
        dispute_window_days=parsed.clauses.dispute_window_days,
        termination_notice_months=parsed.clauses.termination_notice_months,
        payment_target_days=parsed.clauses.payment_target_days or payment_days,
        signature_target_days=parsed.clauses.signature_target_days or signature_days,
        instalments=schedule(parsed),
        reminders=ReminderOffsets(
            expiry=tuple(sorted(set(reminders.expiry), reverse=True)),
            termination=tuple(sorted(set(reminders.termination), reverse=True)),
            dispute_window=tuple(sorted(set(reminders.dispute_window), reverse=True)),
            court_possible=reminders.court_possible,
            signature_every_days=reminders.signature_every_days,
            payment=tuple(sorted(set(reminders.payment), reverse=True)),
            publication=tuple(sorted(set(reminders.publication), reverse=True)),
            financial_report=tuple(sorted(set(reminders.financial_report), reverse=True)),
        ),
        articles=Articles(**_articles(parsed)),
    )
    return Convention(
        reference=parsed.reference,
        title=parsed.title,
        object=parsed.object,
        place=parsed.place,
        amount=parsed.amount,
        end_date=parsed.end_date,
        clauses=clauses,
        parties=[Party(p.key, p.name, p.siret, p.rna) for p in parsed.parties],
        open_data_object=parsed.open_data.object,
        financial_report=parsed.financial_report.setting(),
        committee=Committee(name=parsed.committee.name if parsed.committee else None),
        signatories=[
            Signatory(party=p.key, name=s.name, title=s.title, email=s.email)
            for p in parsed.parties
            for s in p.signatories
        ],
    )


def _financial_report_data(report: FinancialReport) -> dict[str, Any]:
    """The `[financial_report]` table of a file, only what differs from the defaults."""
    if not report.required:
        return {}
    month, day = report.year_end
    return {
        "basis": report.basis, "private_beneficiary": report.private_beneficiary,
        "earmarked": report.earmarked, "year": report.year, "year_end": f"{month:02d}-{day:02d}",
    }  # fmt: skip


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([\"']?)([A-Za-z0-9_\-.]+)\1\s*=")
"""A `key =` line; its key bare, dotted (`instalment.2.amount`) or quoted, read as one name."""


def locate(text: str, loc: Sequence[int | str]) -> int | None:
    """The line of the field at `loc` (e.g. ('parties', 1, 'signatories', 0, 'email')).

    A small reader of TOML's line structure (table headers and `key =` lines): enough to point
    at the field a validation error names, or at its table when the field is missing.
    """
    wanted = tuple(loc)
    counters: dict[tuple[int | str, ...], int] = {}
    table: tuple[int | str, ...] = ()
    best: tuple[int, int] | None = None  # (matched depth, line)
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _table_path(header.group(1) == "[[", header.group(2), table, counters)
            path = table
        elif (key := _KEY.match(line)) is not None:
            path = (*table, key.group(2))
        else:
            continue
        depth = _common_prefix(path, wanted)
        if depth == len(path) and (best is None or depth > best[0]):
            best = (depth, number)
    return best[1] if best else None


def _table_path(
    is_array: bool,
    name: str,
    current: tuple[int | str, ...],
    counters: dict[tuple[int | str, ...], int],
) -> tuple[int | str, ...]:
    parts = [part.strip().strip("\"'") for part in name.split(".")]
    path: tuple[int | str, ...] = ()
    for i, part in enumerate(parts):
        path = (*path, part)
        last = i == len(parts) - 1
        if last and is_array:
            index = counters.get(path, -1) + 1
            counters[path] = index
            for key in [k for k in counters if len(k) > len(path) and k[: len(path)] == path]:
                del counters[key]
            path = (*path, index)
        elif not last and path in counters:
            path = (*path, counters[path])
    return path


def _common_prefix(path: tuple[int | str, ...], wanted: tuple[int | str, ...]) -> int:
    depth = 0
    for mine, theirs in zip(path, wanted, strict=False):
        if mine != theirs:
            break
        depth += 1
    return depth
