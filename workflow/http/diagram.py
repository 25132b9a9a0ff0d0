"""The lifecycle drawn as an SVG on the server, from the transitions table itself, and named in
words beside it.

The states, ends and edges are `states.lifecycle`'s own data (`edges()`, the table the engine
runs), so the picture cannot drift from it; only where each state sits is chosen here, in two
layouts: wide (a row per path) and narrow (two columns, for a 375 px phone: every state, the
current one included, visible without scrolling sideways). The only words in the drawing are
the states' short names, each inside its own box. The edges leaving the current state are drawn
in the accent colour; their events are not written along them (a label placed by coordinates
ran out of the drawing or over another at some width) but listed beside the drawing
(`ways_out`, and `ways_by_state` for every state), where the browser lays the words out. Each
edge also carries its events' French names in its tooltip; the service's own transitions
(expire, terminate) are dashed and never shown as something a person records. No script,
nothing fetched: inline SVG styled by the stylesheet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from states.lifecycle import AUTOMATIC_EVENTS, END_STATES, STATES, edges
from workflow.wording import dashboard as labels

# Columns and rows, chosen so that few edges cross a box: the main path on the first row,
# the side paths (dispute, litigation, termination) and the ends below it.
PLACES = {
    "draft": (0, 0), "signature": (1, 0), "notification": (2, 0), "payment": (3, 0),
    "execution": (4, 0), "cancelled": (1, 1), "dispute": (3, 1), "litigation": (4, 1),
    "expired": (5, 1), "termination": (2, 2), "terminated": (5, 2),
}  # fmt: skip
# On a phone: the main path down the first column, the side paths and ends in the second.
NARROW_PLACES = {
    "draft": (0, 0), "cancelled": (1, 0), "signature": (0, 1), "termination": (1, 1),
    "notification": (0, 2), "dispute": (1, 2), "payment": (0, 3), "litigation": (1, 3),
    "execution": (0, 4), "expired": (1, 4), "terminated": (1, 5),
}  # fmt: skip
LAYOUTS = {"wide": PLACES, "narrow": NARROW_PLACES}


@dataclass(frozen=True)
class Geometry:
    """Sizes of a layout, in the drawing's units (CSS pixels when shown at its own width):
    a box is `width` by `height`, boxes are `column` and `row` apart, `side` and `top` are
    the margins (room for the start's dot beside the first box, for a loop over a box)."""

    column: float
    row: float
    width: float
    height: float
    side: float
    top: float


# Wide: the drawing is about as wide as a desktop's page. Narrow: 336 units, shown at about
# 310 px on a 375 px phone, so that a box's 13 px name is still about 12 px on the screen.
GEOMETRIES = {
    "wide": Geometry(column=172, row=96, width=150, height=44, side=56, top=36),
    "narrow": Geometry(column=170, row=84, width=146, height=44, side=10, top=30),
}
Point = tuple[float, float]
Curve = tuple[Point, Point, Point]


@dataclass(frozen=True)
class Lifecycle:
    """What the mermaid text says: the states, the start, the ends, the edges, the current."""

    states: tuple[str, ...]
    start: str | None
    ends: frozenset[str]
    edges: tuple[tuple[str, str, tuple[str, ...]], ...]
    current: str | None
    allowed: frozenset[str] | None = None
    """The events this convention may record now (None: every event of its state): an edge
    from the current state is open only when one of its events is among them."""


def lifecycle_of(current: str | None, allowed: frozenset[str] | None = None) -> Lifecycle:
    """The lifecycle as the transitions table says it, `current` its highlighted state and
    `allowed` the events its convention may record now (None: all of the state's)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for source, dest, trigger in edges():
        grouped.setdefault((source, dest), []).append(trigger)
    return Lifecycle(
        STATES, STATES[0], frozenset(END_STATES),
        tuple((s, t, tuple(triggers)) for (s, t), triggers in grouped.items()),
        current if current in STATES else None,
        allowed,
    )  # fmt: skip


def is_automatic(triggers: tuple[str, ...]) -> bool:
    """An edge only the service takes (its deadline falls), never a person."""
    return all(trigger in AUTOMATIC_EVENTS for trigger in triggers)


def _centres(states: tuple[str, ...], layout: str, g: Geometry) -> dict[str, Point]:
    places = dict(LAYOUTS[layout])
    spare = 0
    below = max(row for _, row in places.values()) + 1
    for state in states:  # a state added to the lifecycle later still gets a place
        if state not in places:
            places[state] = (spare, below)
            spare += 1
    return {
        state: (g.side + col * g.column + g.width / 2, g.top + row * g.row + g.height / 2)
        for state, (col, row) in places.items()
        if state in states
    }


def _boundary(centre: Point, toward: Point, g: Geometry) -> Point:
    """Where the line from a box's centre toward a point leaves the box."""
    dx, dy = toward[0] - centre[0], toward[1] - centre[1]
    scale = min(
        (g.width / 2 + 3) / abs(dx) if dx else math.inf,
        (g.height / 2 + 3) / abs(dy) if dy else math.inf,
    )
    return centre[0] + dx * scale, centre[1] + dy * scale


def _inside(point: Point, centre: Point, g: Geometry) -> bool:
    return (
        abs(point[0] - centre[0]) < g.width / 2 + 6 and abs(point[1] - centre[1]) < g.height / 2 + 6
    )


def _curve(a: Point, b: Point, bend: float, g: Geometry) -> Curve:
    length = math.dist(a, b)
    normal = ((a[1] - b[1]) / length, (b[0] - a[0]) / length)
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    control = (mid[0] + normal[0] * bend * length, mid[1] + normal[1] * bend * length)
    return _boundary(a, control, g), control, _boundary(b, control, g)


def _on_curve(curve: Curve, t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2) = curve
    u = 1 - t
    return u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2


def _route(source: str, dest: str, centres: dict[str, Point], g: Geometry) -> Curve:
    """A gentle curve from one box to another, bent further until it crosses no other box."""
    others = [centre for state, centre in centres.items() if state not in (source, dest)]
    for bend in (0.12, 0.3, -0.3, 0.5, -0.5):
        curve = _curve(centres[source], centres[dest], bend, g)
        samples = [_on_curve(curve, step / 20) for step in range(1, 20)]
        if not any(_inside(point, centre, g) for point in samples for centre in others):
            return curve
    return _curve(centres[source], centres[dest], 0.12, g)


def _path(curve: Curve) -> str:
    (x0, y0), (x1, y1), (x2, y2) = curve
    return f"M{x0:.1f},{y0:.1f} Q{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f}"


def _loop(centre: Point, g: Geometry) -> str:
    x, top = centre[0], centre[1] - g.height / 2
    return (
        f"M{x - 18:.1f},{top:.1f} C{x - 30:.1f},{top - 34:.1f} {x + 30:.1f},{top - 34:.1f} "
        f"{x + 18:.1f},{top - 3:.1f}"
    )


RETURNS = ("settle", "close_litigation")
"""Events that go back where the dispute came from: only that one of their edges is open."""


def _open(source: str, dest: str, triggers: tuple[str, ...], lifecycle: Lifecycle,
          back_to: str | None) -> bool:  # fmt: skip
    if source != lifecycle.current or is_automatic(triggers):
        return False
    if lifecycle.allowed is not None and not lifecycle.allowed.intersection(triggers):
        return False  # of the state's, not this convention's now (no report awaited)
    return back_to is None or dest == back_to or any(t not in RETURNS for t in triggers)


def _events(triggers: tuple[str, ...], source: str) -> str:
    """An edge's events as the history names them: 'Versement / Document reçu pour un
    versement'; on an ended convention, the only document still received is the financial
    report, named as such."""
    owing = any(t in triggers for t in ("pay", "forgo_payment"))
    return " / ".join(_event(t, source, owing) for t in dict.fromkeys(triggers))


def _event(trigger: str, source: str, owing: bool = True) -> str:
    """An event leaving `source` as the history names it (after the end, a `report_received`
    is the financial report's, or, while an instalment is still unpaid (`owing`: its payment
    is among the way's events), the document it waits for: rule 25)."""
    if trigger == "report_received" and source in END_STATES:
        financial = labels.event(trigger, inputs={"report": "financial"})
        return f"{financial} / {labels.event(trigger)}" if owing else financial
    return labels.event(trigger)


def _edge(source: str, dest: str, triggers: tuple[str, ...], lifecycle: Lifecycle,
          centres: dict[str, Point], back_to: str | None, g: Geometry) -> str:  # fmt: skip
    """The edge's path, with its events in its tooltip. Its events are not written in the
    drawing: the list beside it (`ways_out`) names them, laid out by the browser."""
    leaving = _open(source, dest, triggers, lifecycle, back_to)
    automatic = is_automatic(triggers)
    kind = "edge edge-next" if leaving else "edge edge-auto" if automatic else "edge"
    marker = "arrow-next" if leaving else "arrow"
    shape = _loop(centres[source], g) if source == dest else _path(_route(source, dest, centres, g))
    events = ", ".join(f"{_event(t, source)} ({t})" for t in triggers)
    title = escape(f"{labels.state(source)} → {labels.state(dest)}\u00a0: {events}")
    return (
        f'<path class="{kind}" d="{shape}" marker-end="url(#{marker})" '
        f'data-source="{escape(source)}" data-dest="{escape(dest)}">'
        f"<title>{title}</title></path>"
    )


def _node(state: str, lifecycle: Lifecycle, centre: Point, visited: frozenset[str],
          g: Geometry) -> str:  # fmt: skip
    classes = ["node"]
    if state == lifecycle.current:
        classes.append("node-current")
    elif state in visited:
        classes.append("node-visited")
    if state in lifecycle.ends:
        classes.append("node-end")
    x, y = centre[0] - g.width / 2, centre[1] - g.height / 2
    return (
        f'<g class="{" ".join(classes)}" data-state="{escape(state)}">'
        f"<title>{escape(labels.state(state))} ({escape(state)})</title>"
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{g.width:g}" height="{g.height:g}" rx="8"/>'
        f'<text x="{centre[0]:.1f}" y="{centre[1] + 5:.1f}" text-anchor="middle">'
        f"{escape(labels.short_state(state))}</text>"
        "</g>"
    )


def _start(centre: Point, g: Geometry) -> list[str]:
    """The dot and the arrow that say where every convention starts."""
    x, y = centre[0] - g.width / 2, centre[1]
    return [
        f'<circle class="start" cx="{x - 22:.1f}" cy="{y:.1f}" r="7"/>',
        f'<path class="edge" d="M{x - 15:.1f},{y:.1f} H{x - 3:.1f}" marker-end="url(#arrow)"/>',
    ]


_DEFS = (
    "<defs>"
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
    'orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker>'
    '<marker id="arrow-next" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path class="arrow-next" '
    'd="M0,0 L10,5 L0,10 z"/></marker>'
    "</defs>"
)


def state_diagram(
    current: str | None, visited: frozenset[str] = frozenset(), back_to: str | None = None,
    layout: str = "wide", allowed: Iterable[str] | None = None,
) -> Markup:  # fmt: skip
    """The lifecycle as an inline SVG, `current` highlighted and `visited` states tinted;
    in a dispute, `back_to` is the state a settlement returns to. `layout`: wide or narrow.
    `allowed`: the events the convention may record now, the only edges drawn open (None:
    every event of its state). The only words drawn are the states' names, each in its box."""
    return _state_diagram(current, visited, back_to, layout, _frozen(allowed))


def _frozen(allowed: Iterable[str] | None) -> frozenset[str] | None:
    return None if allowed is None else frozenset(allowed)


@lru_cache(maxsize=256)
def _state_diagram(
    current: str | None, visited: frozenset[str], back_to: str | None, layout: str,
    allowed: frozenset[str] | None,
) -> Markup:  # fmt: skip
    lifecycle = lifecycle_of(current, allowed)
    g = GEOMETRIES[layout]
    centres = _centres(lifecycle.states, layout, g)
    width = max(x for x, _ in centres.values()) + g.width / 2 + g.side
    height = max(y for _, y in centres.values()) + g.height / 2 + g.top
    now = lifecycle.current
    said = f"\u00a0; état actuel\u00a0: {labels.short_state(now)}" if now else ""
    parts = [
        f'<svg class="lifecycle lifecycle-{layout}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="lifecycle-title-{layout}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="lifecycle-title-{layout}">{escape(TITLE + said)}</title>',
        _DEFS,
    ]
    # Faint edges first, so the current state's edges are drawn over them.
    ordered = sorted(lifecycle.edges, key=lambda e: _open(e[0], e[1], e[2], lifecycle, back_to))
    parts += [_edge(s, t, triggers, lifecycle, centres, back_to, g) for s, t, triggers in ordered]
    if lifecycle.start in centres and layout == "wide":
        parts += _start(centres[lifecycle.start], g)
    parts += [_node(s, lifecycle, centres[s], visited, g) for s in lifecycle.states]
    parts.append("</svg>")
    return Markup("".join(parts))


TITLE = "Cycle de vie d'une convention"


@dataclass(frozen=True)
class Way:
    """One way out of a state, as the list beside the drawing says it: its events' names
    (`events`, the public names in `triggers`), where it leads (`targets`, their names in
    `dests`; several for a return to where a dispute came from), whether it stays in the
    state (`loop`) and whether only the service takes it, at a deadline (`automatic`)."""

    events: str
    triggers: tuple[str, ...]
    dests: tuple[str, ...]
    targets: tuple[str, ...]
    loop: bool
    automatic: bool

    @property
    def returns(self) -> bool:
        """Whether it goes back to the state a dispute came from (settle, close_litigation)."""
        return any(trigger in RETURNS for trigger in self.triggers)


def _ways(found: list[tuple[str, str, tuple[str, ...]]]) -> tuple[Way, ...]:
    """Edges of one state, those with the same events (and not a loop) gathered in one way."""
    grouped: dict[tuple[tuple[str, ...], bool], list[str]] = {}
    sources: dict[tuple[tuple[str, ...], bool], str] = {}
    for source, dest, triggers in found:
        key = (tuple(dict.fromkeys(triggers)), source == dest)
        grouped.setdefault(key, []).append(dest)
        sources[key] = source
    return tuple(
        Way(_events(triggers, sources[(triggers, loop)]), triggers, tuple(dests),
            tuple(labels.short_state(d) for d in dests), loop, is_automatic(triggers))
        for (triggers, loop), dests in grouped.items()
    )  # fmt: skip


def ways_out(
    current: str | None, back_to: str | None = None, allowed: Iterable[str] | None = None
) -> tuple[Way, ...]:
    """The ways out of `current` a person may record: the edges drawn in the accent colour,
    named (in a dispute or litigation, only the return to `back_to`; with `allowed`, only
    those whose events the convention may record now)."""
    return _ways_out(current, back_to, _frozen(allowed))


@lru_cache(maxsize=64)
def _ways_out(
    current: str | None, back_to: str | None, allowed: frozenset[str] | None
) -> tuple[Way, ...]:
    lifecycle = lifecycle_of(current, allowed)
    found = [e for e in lifecycle.edges if _open(*e, lifecycle, back_to)]
    if allowed is not None:  # an edge's events this convention may record now, and no other
        found = [(s, d, tuple(t for t in triggers if t in allowed)) for s, d, triggers in found]
    return _ways(found)


@lru_cache(maxsize=1)
def ways_by_state() -> tuple[tuple[str, str, tuple[Way, ...]], ...]:
    """Every state (public name, short name) with all its ways out, in the lifecycle's order:
    the whole drawing in words."""
    lifecycle = lifecycle_of(None)
    return tuple(
        (state, labels.short_state(state), _ways([e for e in lifecycle.edges if e[0] == state]))
        for state in lifecycle.states
    )
