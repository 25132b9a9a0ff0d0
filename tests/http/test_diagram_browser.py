"""The lifecycle diagram, measured in Chromium at a phone's width and a desktop's: every
state's and every transition's label readable, inside the diagram's box, none over another,
and the page never wider than the screen. Skipped without Chromium, unless
CONVFLOW_REQUIRE_BROWSER=1; CONVFLOW_SCREENSHOTS=folder keeps what the browser showed."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from states.convention import Convention
from states.financial_report import FinancialReport
from tests.http.conftest import REFERENCE, Tokens
from tests.http.test_browser import PAGE_WIDER_THAN_SCREEN, database_url, page, sign_in_page
from tests.integration import steps
from workflow.bootstrap import App
from workflow.usecases.due import run_due

pytestmark = pytest.mark.slow
__all__ = ["database_url", "page"]  # the fixtures, shared with the dashboard's browser tests
SHOTS = os.environ.get("CONVFLOW_SCREENSHOTS")
"""A folder to keep what the browser showed (screenshots), for a person to look at."""
SLACK = 0.5
"""Half a pixel: what rounding leaves of two boxes that merely touch."""

# Every label the diagram shows, as the reader sees it: the states' names and the transitions'
# (in the drawing, or in the lists beside it), each with its box on the screen and the box it
# must stay in (a state's own box in the drawing; the figure, or the list of every transition);
# the drawing shown (the other one is hidden), the figure, the area its box scrolls through.
_LABELS = """() => {
  const box = e => { const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const shown = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && e.checkVisibility({visibilityProperty: true}); };
  const figure = document.querySelector('figure.diagram');
  const svg = [...figure.querySelectorAll('svg.lifecycle')].filter(shown);
  const scroller = figure.querySelector('.diagram-scroll');
  const labels = [];
  for (const text of svg.flatMap(s => [...s.querySelectorAll('text')]).filter(shown)) {
    const node = text.closest('g.node');
    labels.push({text: text.textContent, kind: node ? 'state' : 'transition', box: box(text),
                 drawn: true, within: node ? box(node.querySelector('rect')) : null});
  }
  const words = '.ways-out li, .transitions-list dt, .transitions-list dd';
  for (const item of [...document.querySelectorAll(words)].filter(shown)) {
    labels.push({text: item.textContent.trim(), kind: item.matches('dt') ? 'state' : 'transition',
                 box: box(item), drawn: false,
                 within: box(item.closest('figure.diagram, details.transitions'))});
  }
  return {labels, drawings: svg.map(box), figure: box(figure), screen: window.innerWidth,
          scrolled: scroller.scrollWidth > scroller.clientWidth + 1,
          area: {left: box(scroller).left - scroller.scrollLeft,
                 right: box(scroller).left - scroller.scrollLeft + scroller.scrollWidth}};
}"""


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return all(
        (inner[side] >= outer[side] - SLACK) if side in ("left", "top")
        else (inner[side] <= outer[side] + SLACK)
        for side in ("left", "top", "right", "bottom")
    )  # fmt: skip


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > SLACK
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > SLACK
    )


def reach(app: App, state: str) -> None:
    """Bring the reference convention into `state` through the events a person records."""
    path = ["submit", "sign", "sign", "notify", "pay"]
    stops = {"signature": 1, "notification": 3, "execution": 5, "dispute": 5, "termination": 5}
    dated = {"submit": ("2025-03-03", {}), "notify": ("2025-03-20", {}),
             "pay": ("2025-04-01", {"amount": "200000.00"})}  # fmt: skip
    signatures = iter([("2025-03-05", steps.METROPOLE), ("2025-03-10", steps.CRPV)])
    for event in path[: stops.get(state, 0 if state == "draft" else 5)]:
        if event == "sign":
            on, signatory = next(signatures)
            steps.record(app, "sign", on, signatory=signatory)
        else:
            on, inputs = dated[event]
            steps.record(app, event, on, **inputs)
    if state in ("dispute", "litigation"):
        steps.record(app, "open_dispute", party="crpv", received="2025-06-02")
    if state == "litigation":
        steps.record(app, "go_to_court", "2025-07-10", court="Tribunal judiciaire de Marseille")
    if state == "termination":
        steps.record(app, "give_notice", "2025-05-05", party="metropole", received="2025-05-05")
    assert steps.state(app) == state


def _shot(page: Any, selector: str, name: str) -> None:
    if SHOTS:
        page.locator(selector).screenshot(path=str(Path(SHOTS) / name))


def _check_labels(page: Any, where: str) -> int:
    """Every label shown readable: in its box, the drawing clipping none, none over another,
    the page no wider than the screen. How many there are."""
    seen = page.evaluate(_LABELS)
    labels, (drawing,) = seen["labels"], seen["drawings"]
    assert not page.evaluate(PAGE_WIDER_THAN_SCREEN), where
    assert _inside(drawing, seen["figure"]) or seen["scrolled"], where
    assert seen["area"]["left"] - SLACK <= drawing["left"], where  # scrolled to, if need be
    assert drawing["right"] <= seen["area"]["right"] + SLACK, where
    for label in labels:
        said = f"{label['text']!r} ({label['kind']}, {where})"
        assert label["box"]["right"] > label["box"]["left"], said
        assert _inside(label["box"], label["within"] or drawing), said
        if label["drawn"]:  # the drawing clips what lies outside it
            assert _inside(label["box"], drawing), said
        assert label["box"]["right"] <= seen["screen"] + SLACK or seen["scrolled"], said
    for index, one in enumerate(labels):
        for other in labels[index + 1 :]:
            assert not _overlap(one["box"], other["box"]), (
                f"{one['text']!r} over {other['text']!r} ({where})"
            )
    return len(labels)


WAYS_OUT = {
    "draft": ["submit", "cancel"],
    "signature": ["sign", "sign", "cancel"],  # the last signature, or one still awaited
    "execution": ["report_received", "open_dispute", "give_notice"],  # paid: no payment left
    "dispute": ["report_received", "settle", "go_to_court"],  # settled: back to execution
    "litigation": ["report_received", "close_litigation"],
    "termination": ["report_received", "open_dispute"],
}
"""The events of the arrows drawn in blue, leaving each state (the service's own excepted),
for the reference convention owing its financial report: what the page says is possible."""


@pytest.fixture
def owing(app: App, reference_convention: Convention) -> App:
    """The reference convention imported, in draft, owing its financial report for 2025."""
    report = FinancialReport("by_convention", 2025)
    steps.load(app, replace(reference_convention, financial_report=report))
    return app


@pytest.mark.parametrize(
    "state", ["draft", "signature", "execution", "dispute", "litigation", "termination"]
)
def test_every_label_of_the_lifecycle_is_readable_at_375_and_1366_px(
    page: Any, owing: App, tokens: Tokens, state: str
):
    loaded = owing
    loaded.clock.now = steps.at("2025-07-15T09:00:00Z")  # type: ignore[attr-defined]
    reach(loaded, state)
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        where = f"{state} at {width} px"
        shown = _check_labels(page, where)
        # the blue arrows' events, in words beside the drawing: the public names, as issues say
        named = page.locator(".ways-out li").evaluate_all("all => all.map(e => e.dataset.events)")
        assert sorted(named) == sorted(WAYS_OUT[state]), where
        _shot(page, "figure.diagram", f"diagram-{state}-{width}.png")
        page.locator("details.transitions summary").click()  # every transition, in words
        _shot(page, "#cycle", f"diagram-{state}-{width}-list.png")
        assert _check_labels(page, f"{where}, every transition") > shown


def _possible(page: Any) -> str:
    """What the page says may be recorded now, beside the diagram."""
    return " ".join(page.locator("figure.diagram figcaption p").first.inner_text().split())


def test_an_ended_convention_says_its_financial_report_may_still_be_received_and_no_more(
    page: Any, owing: App, tokens: Tokens
) -> None:
    """Expired at its term, the convention still owes its financial report: the page says it
    may be recorded, the blue arrow and the list beside the drawing name it as the financial
    report; once received, nothing may be recorded, and nothing is drawn or named as possible."""
    reach(owing, "execution")
    run_due(owing, steps.at("2025-12-31T23:01:00Z"))
    assert steps.state(owing) == "expired"
    owing.clock.now = steps.at("2026-01-05T09:00:00Z")  # type: ignore[attr-defined]
    sign_in_page(page, tokens.admin)

    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        where = f"expired, its report owed, at {width} px"
        assert _possible(page) == (
            "État actuel : arrivée à son terme. Événements possibles : enregistrer la "
            "réception du compte rendu financier."
        ), where
        ways = page.locator(".ways-out li")
        assert ways.evaluate_all("all => all.map(e => e.dataset.events)") == ["report_received"]
        assert ways.first.inner_text() == "Compte rendu financier reçu (sans changer d'état)"
        assert page.locator("svg.lifecycle path.edge-next").count() == 2  # wide and narrow
        _check_labels(page, where)
        _shot(page, "#cycle", f"diagram-expired-owing-{width}.png")

    steps.record(owing, "report_received", "2026-01-05", report="financial")
    for width in (375, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/conventions/{REFERENCE}")
        where = f"expired, its report received, at {width} px"
        assert _possible(page) == (
            "État actuel : arrivée à son terme. Aucun événement ne peut plus être saisi."
        ), where
        assert page.locator(".ways-out").count() == 0, where
        assert page.locator("svg.lifecycle path.edge-next").count() == 0, where
        figure = page.locator("figure.diagram").inner_text()
        assert "Document reçu pour un versement" not in figure, where
        _check_labels(page, where)
        _shot(page, "#cycle", f"diagram-expired-received-{width}.png")
