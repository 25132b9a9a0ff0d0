"""The dashboard's templates, diagram and formatting, without a server."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jinja2 import UndefinedError

from states.lifecycle import END_STATES, STATES, edges, mermaid_diagram
from tests.unit.builders import reference_convention
from workflow.files.scdl import parse_scdl
from workflow.files.spreadsheet import COLUMNS, REQUIRED, Row
from workflow.http import intake_form
from workflow.http.diagram import (
    is_automatic,
    lifecycle_of,
    state_diagram,
    ways_by_state,
    ways_out,
)
from workflow.http.forms import (
    amendment_forms,
    award_form,
    committee_form,
    draft_form,
    event_forms,
    submitted_inputs,
)
from workflow.http.presenting import by_month, page_numbers, query_with, term_rows
from workflow.http.rendering import TEMPLATES, Pages, in_days, money
from workflow.http.schemas import EventName, StateName
from workflow.usecases.intake_drafts import IntakeDraft
from workflow.usecases.preview import PreviewedDeadline
from workflow.usecases.tokens import Principal
from workflow.wording import dashboard as labels
from workflow.wording.values import euros

SVG = "{http://www.w3.org/2000/svg}"
SCDL = Path(__file__).parents[1] / "e2e" / "scdl" / "subventions.csv"
TODAY = date(2025, 6, 1)


def sample_view(**changes: Any) -> dict[str, Any]:
    """A convention as `views.status` gives it, plus the keys the service adds later."""
    view: dict[str, Any] = {
        "reference": "R-1", "title": "<b>Titre</b>", "object": "Objet", "place": "Marseille",
        "state": "dispute", "version": 7, "effective_date": "2025-03-10", "award": None,
        "financial_report": {"basis": "by_law", "year": 2025, "exercise": "2025",
                             "due_date": "2026-06-30", "received_on": None, "status": "late"},
        "erasure": {"on": "2036-01-02", "archives_reference": "<i>AD13</i>", "by": "x"},
        "retention": {"closed_on": "2025-12-31", "kept_until": "2035-12-31",
                      "erasable_from": "2036-01-01", "explanation": "Dossier clos.\nConservé."},
        "end_date": "2025-12-31", "amount": "200000.00", "submitted_on": "2025-03-03",
        "notified_on": "2025-03-20", "paid_on": "2025-04-01", "paid_amount": "200000.00",
        "parties": [{"key": "metropole", "name": "Métropole"}, {"key": "crpv", "name": "CRPV"}],
        "signatories": [
            {"party": "metropole", "name": "A", "title": "VP", "email": "a@example.org",
             "signed_on": "2025-03-05"},
            {"party": "crpv", "name": "B", "title": "Dir", "email": "b@example.org",
             "signed_on": None},
        ],
        "allowed_events": ["settle", "go_to_court"],
        "dispute": {"party": "crpv", "opened_on": "2025-06-02", "window_end": "2025-07-02",
                    "earliest_court_date": "2025-07-03", "return_state": "execution",
                    "letter": {}},
        "notice": {"party": "metropole", "given_on": "2025-06-02",
                   "effective_end": "2025-12-02", "notice_end": "2025-12-02", "letter": {}},
        "deadlines": [{"kind": "dispute_window", "due_date": "2025-07-02",
                       "expires_at": "2025-07-02T22:00:00Z", "status": "pending",
                       "explanation": "Ligne 1\nLigne 2"}],
        "reminders": [{"kind": "dispute_window", "template": "reminder_dispute_window",
                       "label": "J-7", "days_before": 7, "planned_at": "2025-06-25T07:00:00Z",
                       "status": "planned"}],
        "outbox": [{"kind": "dispute_opened", "subject": "Litige", "status": "failed",
                    "attempts": 3, "last_error": "550 no such user",
                    "created_at": "2025-06-02T08:00:00Z", "sent_at": None}],
        "amendments": [
            {"number": 1, "title": "avenant n°\u00a01", "state": "in_force",
             "changes": {"end_date": "2026-06-30"},
             "applied": [{"field": "end_date", "label": "terme", "before": "2025-12-31",
                          "after": "2026-06-30"}],
             "signatures": {"a@example.org": "2025-06-10"}, "created_on": "2025-06-01",
             "submitted_on": "2025-06-02", "effective_date": "2025-06-10", "allowed_events": []},
            {"number": 2, "title": "avenant n°\u00a02", "state": "signature",
             "changes": {"amount": "250000.00", "signatory.crpv": "C|Dir|c@example.org"},
             "applied": [], "signatures": {"a@example.org": "2025-06-20"},
             "created_on": "2025-06-15", "submitted_on": "2025-06-16", "effective_date": None,
             "allowed_events": ["sign", "abandon"]},
        ],
        "terms": {"end_date": {"value": "2026-06-30", "set_by": "avenant n°\u00a01"},
                  "amount": {"value": "200000.00", "set_by": "convention"}},
        "committee": {"article": "article 3", "cadence_months": 6, "next_due": "2025-12-12",
                      "meetings": [{"held_on": "2025-06-12", "attendees": "<i>A</i>",
                                    "decisions": "D", "minutes": "Ligne 1\nLigne 2",
                                    "event": 9, "papers": [{"name": "cr.pdf",
                                                            "kind": "minutes",
                                                            "sha256": "cd" * 32}]}]},
    }  # fmt: skip
    view.update(changes)
    return view


def frame(role: str = "admin") -> dict[str, Any]:
    """What every page's frame needs."""
    return {
        "me": Principal(1, "alice", role),
        "csrf": "csrf-secret",
        "active": "conventions",
        "today": TODAY,
        "states": STATES,
    }


def contexts() -> dict[str, dict[str, Any]]:
    """A context for every page template."""
    item = {"reference": "R-1", "title": "<i>T</i>", "state": "execution", "kind": "expiry",
            "due_date": "2025-06-20", "expires_at": "2025-06-20T22:00:00Z",
            "status": "pending", "committee_name": None,
            "label": "terme de la convention"}  # fmt: skip
    passed = {
        **item,
        "kind": "dispute_window",
        "due_date": "2025-05-02",
        "expires_at": "2025-05-02T22:00:00Z",
        "passed_unrecorded": True,
    }
    overdue = {"reference": "R-1", "title": "<i>T</i>", "state": "execution", "kind": "payment",
               "instalment": 2, "due_date": "2025-05-20"}  # fmt: skip
    summary = {"reference": "R-1", "title": "T", "state": "execution", "effective_date": None,
               "end_date": "2025-12-31", "amount": "10.00", "next_deadline_at": None,
               "next_deadline_kind": None, "next_deadline_due": None,
               "parties": [{"key": "a", "name": "A"}], "committee_name": None,
               "next_deadline_label": None}  # fmt: skip
    found = {"items": [summary], "total": 120, "page": 2, "per_page": 50, "pages": 3,
             "sort": "reference", "order": "asc"}  # fmt: skip
    failed = {"items": [{"id": 1, "reference": "R-1", "kind": "k", "subject": "S",
                         "recipients": ["x@example.org"], "attempts": 5, "last_error": "550",
                         "created_at": "2025-06-01T08:00:00Z"}], "total": 1}  # fmt: skip
    view = sample_view()
    return {
        "overview.html": {**frame(), "counts": {"execution": 3}, "total": 3,
                          "upcoming": {"items": [item], "total": 5, "days": 90},
                          "timeline": by_month([item]), "timeline_days": 90, "failed": failed,
                          "overdue": [overdue], "overdue_total": 12},
        "conventions.html": {**frame(), "listing": {"state": "execution", "q": "x", "party": None,
                             "due_within_days": 30, "sort": "reference", "order": "asc",
                             "page": 2, "per_page": 50}, "found": found, "notes": ["note"],
                             "sorts": ["reference", "title"], "windows": (7, 30), "query": ""},
        "deadlines.html": {**frame(), "upcoming": {"items": [passed, item], "total": 2,
                                                   "days": 90},
                           "coming": [item], "coming_total": 1, "passed": [passed],
                           "overdue": [overdue], "overdue_total": 2,
                           "days": 90, "windows": (30, 90), "base_url": "http://x"},
        "convention.html": {**frame(), "view": view, "party_names": {"crpv": "CRPV"},
                            "history": [{"seq": 1, "event": "import", "from_state": None,
                                         "to_state": "draft", "date": "2025-03-01",
                                         "recorded_at": "2025-03-01T10:00:00Z",
                                         "actor": "alice", "inputs": {"file": "x.toml"}}],
                            "visited": frozenset({"draft"}), "forms": event_forms(view),
                            "draft_form": draft_form(sample_view(amendments=[])),
                            "award_form": award_form(sample_view(state="execution")),
                            "committee_form": committee_form(sample_view(state="execution")),
                            "papers": [{"sha256": "ab" * 32, "name": "<i>T</i>.pdf",
                                        "kind": "acknowledgement", "media_type": "application/pdf",
                                        "size": 1536, "event": 1, "amendment": None,
                                        "received_on": None, "added_by": "alice",
                                        "added_at": "2025-03-01T10:00:00Z",
                                        "signatures": [{"signer": "<b>X</b>", "intact": False,
                                                        "signed_at": "2025-03-01T10:00:00Z"}]}],
                            "document_kinds": ("acknowledgement", "other"),
                            "letters": ["dispute", "termination"],
                            "amendment_forms": amendment_forms(view),
                            "error": "refusé", "failed": "go_to_court", "given_on": "",
                            "done": "Enregistrer le règlement amiable"},
        "signin.html": {**frame(), "me": None, "nonce": "n", "next": "/",
                        "message": {"kind": "info", "text": "t"}},
        "error.html": {**frame(), "title": "Erreur", "message": "m"},
        "new_convention.html": {
            **frame(), "groups": intake_form.groups(
                {"title": "<i>T</i>", "parties[0].name": "<i>T</i>"},
                intake_form.Said({"title": "<b>Titre</b>"}, {"amount": "<i>T</i>"})),
            "carried": {"clauses.articles.payment": "<i>T</i>"},
            "problems": [intake_form.Problem("<i>T</i>", "<i>T</i>", "x"),
                         intake_form.Problem("", "<i>T</i>")],
            "editing": None, "upload_error": "<i>T</i>",
            "read_from": "<i>T</i>.pdf", "missing": ["<i>T</i>"], "doubts": ["<i>T</i>"],
            "preview": [PreviewedDeadline("expiry", "<i>T</i>", "<i>T</i>", "<i>T</i>")],
            "version": "", "action": "/nouvelle-convention", "intake_draft": 7,
            "facts": ["<i>T</i>"]},
        "drafts.html": {
            **frame(), "drafts": [IntakeDraft(
                7, {"parties[0].name": "<i>T</i>", "amount": "1.00", "object": "<i>T</i>"},
                {"nature": "<i>T</i>"}, ("reference",), "<i>T</i>.csv", 2, "<i>T</i>",
                datetime(2025, 6, 1, 10, tzinfo=UTC))],
            "error": "<i>T</i>", "done": "<i>T</i>"},
        "import.html": {
            **frame(), "columns": COLUMNS, "required": REQUIRED, "file_name": "<i>T</i>.csv",
            "report": [Row(2, reference_convention())], "refused": [
                {"line": 3, "column": "amount", "text": "<i>T</i>"}], "refused_not_shown": 1200,
            "content": "", "digest": "d", "imported": ["<i>T</i>"], "imported_count": 2,
            "already": False, "shown_rows": 1000,
            "scdl": parse_scdl(SCDL.read_text(encoding="utf-8"), "<i>T</i>.csv"),
            "drafts": [7]},
    }  # fmt: skip


def test_every_page_template_has_a_context_here():
    pages = {p.name for p in Path(TEMPLATES).glob("*.html") if not p.name.startswith("_")}

    assert pages == set(contexts())


@pytest.mark.parametrize("name", sorted(contexts()))
def test_every_template_renders_strictly_and_escapes(name: str):
    html = Pages().render(name, contexts()[name])

    assert html.startswith("<!doctype html>") and 'lang="fr"' in html
    assert "<i>T</i>" not in html and "<b>Titre</b>" not in html


def test_a_name_missing_from_the_context_is_an_error_not_a_blank():
    context = contexts()["error.html"]
    del context["message"]

    with pytest.raises(UndefinedError):
        Pages().render("error.html", context)


def test_the_convention_page_shows_what_the_service_adds_when_it_is_there():
    html = Pages().render("convention.html", contexts()["convention.html"])

    assert "7 jours avant" in html and "prévu" in html  # reminders
    assert "550 no such user" in html and "en échec" in html  # outbox
    assert "avenant n°\u00a01" in html and "Avenants" in html  # terms and amendments
    # What an amendment changes, as its email words it (no weekday in the table's column).
    assert (
        '<time datetime="2025-12-31">31\xa0décembre 2025</time> → '
        '<time datetime="2026-06-30">30\xa0juin 2026</time>'
    ) in html
    assert "Représentants de la partie crpv" in html
    assert "Enregistrer une signature de l&#39;avenant n°\u00a02" in html
    assert "Proposer un avenant" in html


def test_the_convention_page_works_without_those_keys():
    context = contexts()["convention.html"]
    for key in ("reminders", "outbox", "amendments", "terms"):
        del context["view"][key]

    html = Pages().render("convention.html", context)

    assert "Les rappels planifiés par le service apparaîtront ici" in html
    assert 'id="avenants"' not in html


def test_the_diagram_has_every_state_and_every_edge_of_the_lifecycle():
    svg = ElementTree.fromstring(str(state_diagram("execution", frozenset({"draft"}))))
    lifecycle = lifecycle_of(None)

    nodes = {g.get("data-state"): g.get("class") for g in svg.iter(f"{SVG}g")}
    edges = [p for p in svg.iter(f"{SVG}path") if "edge" in (p.get("class") or "")]
    assert set(nodes) == set(STATES)
    assert nodes["execution"] == "node node-current"
    assert nodes["draft"] == "node node-visited"
    assert all("node-end" in nodes[state] for state in END_STATES)
    assert len(edges) == len(lifecycle.edges) + 1  # and the start arrow
    leaving = [p for p in edges if "edge-next" in (p.get("class") or "")]
    assert len(leaving) == sum(1 for source, _, triggers in lifecycle.edges
                               if source == "execution" and not is_automatic(triggers))  # fmt: skip


def test_the_diagram_is_drawn_from_the_transitions_table():
    lifecycle = lifecycle_of("dispute")
    drawn = {(s, t, trigger) for s, t, triggers in lifecycle.edges for trigger in triggers}

    assert lifecycle.current == "dispute" and lifecycle.start == "draft"
    assert lifecycle.ends == frozenset(END_STATES)
    assert drawn == set(edges())  # every edge of the table, nothing else
    assert ("signature", "signature", ("sign",)) in lifecycle.edges
    assert "    dispute --> litigation: go_to_court" in mermaid_diagram()  # the README's too


def test_the_services_own_transitions_are_dashed_and_never_offered_to_a_person():
    svg = ElementTree.fromstring(str(state_diagram("execution", frozenset())))
    paths = {p.find(f"{SVG}title").text: p.get("class") for p in svg.iter(f"{SVG}path")
             if p.find(f"{SVG}title") is not None}  # fmt: skip
    expire = next(c for t, c in paths.items() if t and "(expire)" in t and "exécution" in t)
    notice = next(c for t, c in paths.items() if t and "(give_notice)" in t and "exécution" in t)

    assert expire == "edge edge-auto"
    assert notice == "edge edge-next"
    named = {way.events for way in ways_out("execution")}
    # what a person records; a later instalment, its report, or its renunciation (rule 25)
    # loop on execution
    assert named == {
        "Résiliation notifiée", "Litige notifié",
        "Versement / Document reçu pour un versement / Renonciation au versement",
    }  # fmt: skip
    assert not any(way.automatic for way in ways_out("execution"))
    every = {way.events: way for _, _, ways in ways_by_state() for way in ways}
    assert every["Arrivée à terme"].automatic and every["Résiliation effective"].automatic


def test_on_a_phone_two_columns_show_every_state_and_the_ways_out_are_named_beside():
    svg = ElementTree.fromstring(str(state_diagram("payment", frozenset(), None, "narrow")))
    width = float((svg.get("viewBox") or "").split()[2])
    drawn = [t.text for t in svg.iter(f"{SVG}text")]
    named = {way.events: way.targets for way in ways_out("payment")}

    assert width < 360  # shown at 375 px without scrolling sideways, its names about 12 px
    assert sorted(drawn) == sorted(labels.short_state(state) for state in STATES)  # no more
    assert named == {
        # forgoing the last payment awaited moves it as paying it would (A2)
        "Versement / Renonciation au versement": ("Exécution",),
        "Document reçu pour un versement / Renonciation au versement": ("Versement attendu",),
        "Litige notifié": ("Litige amiable",), "Résiliation notifiée": ("Résiliation en cours",),
    }  # fmt: skip


def test_every_way_out_of_every_state_is_named_once_and_a_return_names_its_choices():
    every = {state: ways for state, _, ways in ways_by_state()}

    assert list(every) == list(STATES)
    assert {(s, d, t) for s, ways in every.items() for w in ways for d in w.dests
            for t in w.triggers} == set(edges())  # fmt: skip
    settle = next(way for way in every["dispute"] if way.triggers == ("settle",))
    assert settle.returns and settle.dests == ("notification", "payment", "execution",
                                               "termination")  # fmt: skip
    assert every["cancelled"] == ()  # an end with no way out
    assert [w.dests for w in ways_out("dispute", "payment") if w.returns] == [("payment",)]


def test_after_the_end_the_financial_report_and_an_unpaid_instalment_s_document_are_named() -> None:
    """On an ended convention, `report_received` is the financial report's, or the document an
    instalment still unpaid at the end waits for (rule 25): its loop says both, in the list of
    every transition and in its tooltip."""
    every = {state: {w.triggers: w.events for w in ways} for state, _, ways in ways_by_state()}
    # beside it on the same loop, a dispute open at the end (rule 24) and the instalment still
    # unpaid (rule 25): their events
    after_the_end = {
        ("report_received", "settle", "go_to_court", "close_litigation", "pay", "forgo_payment"): (
            "Compte rendu financier reçu / Document reçu pour un versement / Règlement amiable / "
            "Saisine du tribunal / Fin du contentieux / Versement / Renonciation au versement"
        )
    }  # fmt: skip
    assert every["expired"] == after_the_end
    assert every["terminated"] == after_the_end
    assert every["execution"][("pay", "report_received", "forgo_payment")] == (
        "Versement / Document reçu pour un versement / Renonciation au versement"
    )
    svg = ElementTree.fromstring(str(state_diagram("expired", frozenset())))
    [loop] = [p.findtext(f"{SVG}title") for p in svg.iter(f"{SVG}path")
              if p.get("data-source") == p.get("data-dest") == "expired"]  # fmt: skip
    assert loop.startswith("arrivée à son terme → arrivée à son terme\u00a0: Compte rendu "
                           "financier reçu / Document reçu pour un versement "
                           "(report_received)")  # fmt: skip


def test_only_the_events_the_convention_may_record_now_are_drawn_and_named_open() -> None:
    """The blue arrows and the list beside them say what the page's « Événements possibles »
    says: an ended convention whose financial report is not owed, or already received, has
    none; one that still owes it has that one, named as such."""
    none = ElementTree.fromstring(str(state_diagram("expired", frozenset(), None, "wide", [])))
    assert not [p for p in none.iter(f"{SVG}path") if "edge-next" in (p.get("class") or "")]
    assert ways_out("expired", None, []) == ()
    [report] = ways_out("expired", None, ["report_received"])
    assert (report.events, report.loop) == ("Compte rendu financier reçu", True)
    # paid in full: the loop on execution is the report's alone, named alone
    named = {w.events for w in ways_out("execution", None, ["report_received", "give_notice"])}
    assert named == {"Document reçu pour un versement", "Résiliation notifiée"}


def test_the_published_names_match_the_lifecycle():
    from typing import get_args

    from states.lifecycle import EVENTS, SIDE_RECORDS

    assert get_args(StateName) == STATES
    assert get_args(EventName) == (*EVENTS, *SIDE_RECORDS)


def test_every_state_event_and_deadline_has_a_french_label():
    from states.inputs import INPUTS
    from states.lifecycle import PERSON_EVENTS

    assert all(labels.state(s) != s for s in STATES)
    assert all(labels.action(e) != e for e in PERSON_EVENTS)
    assert all(labels.input_label(k) != k for spec in INPUTS.values() for k in spec.accepted)


@pytest.mark.parametrize("amount", ["0.01", "999", "1000", "200000.00", "1234567.89"])
def test_amounts_are_written_as_babel_writes_them(amount: str):
    assert money(amount) == euros(Decimal(amount))


def test_days_are_said_in_french():
    assert [in_days(n) for n in (0, 1, 12, -1, -3, None)] == [
        "aujourd'hui", "demain", "dans 12 jours", "hier", "il y a 3 jours", "",
    ]  # fmt: skip


def test_list_addresses_leave_out_defaults_and_empty_values():
    params = {"state": "execution", "q": "", "sort": "reference", "order": "asc", "page": 1}

    assert query_with(params) == "?state=execution"
    assert query_with(params, page=3, q="a&b") == "?state=execution&q=a%26b&page=3"
    assert query_with({}) == ""


def test_pagination_shows_the_ends_and_the_pages_around_the_current_one():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(5, 20) == [1, None, 3, 4, 5, 6, 7, None, 20]
    assert page_numbers(2, 4) == [1, 2, 3, 4]


def test_consolidated_terms_may_come_as_a_mapping_or_a_list():
    as_mapping = term_rows({"end_date": {"value": "2026-06-30", "set_by": "avenant n°\u00a01"}})
    as_list = term_rows([{"name": "amount", "value": "10.00", "amendment": None}])

    assert as_mapping == [{"key": "end_date", "name": "Terme de la convention",
                           "value": "2026-06-30", "source": "avenant n°\u00a01"}]  # fmt: skip
    assert as_list == [
        {"key": "amount", "name": "Montant", "value": "10.00", "source": "convention initiale"}
    ]


def test_the_forms_offer_only_unsigned_signatories_and_the_amount_due():
    view = sample_view(allowed_events=["sign", "pay", "open_dispute"])

    forms = {form.event: form for form in event_forms(view)}

    assert forms["sign"].fields[0].options == (("b@example.org", "B — CRPV"),)
    assert forms["pay"].fields[0].value == "200000.00"
    widgets = {field.key: field.widget for field in forms["open_dispute"].fields}
    assert widgets["party"] == "select" and widgets["received"] == "date"
    assert widgets["uncollected"] == "checkbox" and widgets["subject"] == "textarea"


def test_a_submitted_form_gives_back_only_the_filled_inputs():
    form = {"csrf_token": "x", "event": "open_dispute", "in_party": "crpv", "in_received": "",
            "in_uncollected": "yes", "on": ""}  # fmt: skip

    assert submitted_inputs(form) == {"party": "crpv", "uncollected": "yes"}


def test_in_a_dispute_only_the_settlement_back_where_it_came_from_is_open():
    svg = ElementTree.fromstring(str(state_diagram("dispute", frozenset(), "execution")))

    opened = [p for p in svg.iter(f"{SVG}path") if "edge-next" in (p.get("class") or "")]
    titles = {p.find(f"{SVG}title").text for p in opened}  # type: ignore[union-attr]

    def edge(source: str, dest: str, trigger: str) -> str:
        return (
            f"{labels.state(source)} → {labels.state(dest)}\u00a0: {labels.event(trigger)} "
            f"({trigger})"
        )

    assert edge("dispute", "execution", "settle") in titles
    assert edge("dispute", "payment", "settle") not in titles
    assert edge("dispute", "litigation", "go_to_court") in titles


def test_the_diagrams_tooltips_are_in_french_with_the_public_names():
    svg = ElementTree.fromstring(str(state_diagram("execution", frozenset())))
    titles = {t.text for t in svg.iter(f"{SVG}title")}
    assert "en exécution (execution)" in titles
    assert any(t and t.startswith("en préparation → en signature\u00a0: ") and "(submit)" in t
               for t in titles)  # fmt: skip
