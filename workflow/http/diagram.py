"""The lifecycle drawn as an SVG on the server, from the transitions table itself.

The states, ends and edges are `states.lifecycle`'s own data (`edges()`, the table the engine
runs), so the picture cannot drift from it; only where each state sits is chosen here, in two
layouts: wide (a row per path) and narrow (two columns, for a 375 px phone: every state, the
current one included, visible without scrolling sideways). Each edge carries the French name
of its events in its tooltip; those leaving the current state are drawn in the accent colour
and their events written beside them; the service's own transitions (expire, terminate) are
dashed and never shown as something a person records. No script, nothing fetched: inline
SVG styled by the stylesheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from states.lifecycle import AUTOMATIC_EVENTS, END_STATES, STATES, edges
from workflow.wording import dashboard as labels

SHORT_LABELS = {
    "draft": "Préparation",
    "signature": "Signature",
    "notification": "À notifier",
    "payment": "Versement attendu",
    "execution": "Exécution",
    "dispute": "Litige amiable",
    "litigation": "Contentieux",
    "termination": "Résiliation en cours",
    "expired": "Terme atteint",
    "terminated": "Résiliée",
    "cancelled": "Abandonnée",
}
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
COLUMN, ROW, WIDTH, HEIGHT, MARGIN = 172, 96, 150, 44, 36
Point = tuple[float, float]


@dataclass(frozen=True)
class Lifecycle:
    """What the mermaid text says: the states, the start, the ends, the edges, the current."""

    states: tuple[str, ...]
    start: str | None
    ends: frozenset[str]
    edges: tuple[tuple[str, str, tuple[str, ...]], ...]
    current: str | None


def lifecycle_of(current: str | None) -> Lifecycle:
    """The lifecycle as the transitions table says it, `current` its highlighted state."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for source, dest, trigger in edges():
        grouped.setdefault((source, dest), []).append(trigger)
    return Lifecycle(
        STATES, STATES[0], frozenset(END_STATES),
        tuple((s, t, tuple(triggers)) for (s, t), triggers in grouped.items()),
        current if current in STATES else None,
    )  # fmt: skip


def is_automatic(triggers: tuple[str, ...]) -> bool:
    """An edge only the service takes (its deadline falls), never a person."""
    return all(trigger in AUTOMATIC_EVENTS for trigger in triggers)


def _centres(states: tuple[str, ...], layout: str = "wide") -> dict[str, Point]:
    places = dict(LAYOUTS[layout])
    spare = 0
    below = max(row for _, row in places.values()) + 1
    for state in states:  # a state added to the lifecycle later still gets a place
        if state not in places:
            places[state] = (spare, below)
            spare += 1
    return {
        state: (MARGIN + 20 + col * COLUMN + WIDTH / 2, MARGIN + row * ROW + HEIGHT / 2)
        for state, (col, row) in places.items()
        if state in states
    }


def _boundary(centre: Point, toward: Point) -> Point:
    """Where the line from a box's centre toward a point leaves the box."""
    dx, dy = toward[0] - centre[0], toward[1] - centre[1]
    scale = min(
        (WIDTH / 2 + 3) / abs(dx) if dx else math.inf,
        (HEIGHT / 2 + 3) / abs(dy) if dy else math.inf,
    )
    return centre[0] + dx * scale, centre[1] + dy * scale


def _inside(point: Point, centre: Point) -> bool:
    return abs(point[0] - centre[0]) < WIDTH / 2 + 6 and abs(point[1] - centre[1]) < HEIGHT / 2 + 6


def _curve(a: Point, b: Point, bend: float) -> tuple[Point, Point, Point]:
    length = math.dist(a, b)
    normal = ((a[1] - b[1]) / length, (b[0] - a[0]) / length)
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    control = (mid[0] + normal[0] * bend * length, mid[1] + normal[1] * bend * length)
    return _boundary(a, control), control, _boundary(b, control)


def _on_curve(curve: tuple[Point, Point, Point], t: float) -> Point:
    (x0, y0), (x1, y1), (x2, y2) = curve
    u = 1 - t
    return u * u * x0 + 2 * u * t * x1 + t * t * x2, u * u * y0 + 2 * u * t * y1 + t * t * y2


def _route(source: str, dest: str, centres: dict[str, Point]) -> tuple[Point, Point, Point]:
    """A gentle curve from one box to another, bent further until it crosses no other box."""
    others = [centre for state, centre in centres.items() if state not in (source, dest)]
    for bend in (0.12, 0.3, -0.3, 0.5, -0.5):
        curve = _curve(centres[source], centres[dest], bend)
        samples = [_on_curve(curve, step / 20) for step in range(1, 20)]
        if not any(_inside(point, centre) for point in samples for centre in others):
            return curve
    return _curve(centres[source], centres[dest], 0.12)


def _path(curve: tuple[Point, Point, Point]) -> str:
    (x0, y0), (x1, y1), (x2, y2) = curve
    return f"M{x0:.1f},{y0:.1f} Q{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f}"


def _loop(centre: Point) -> str:
    x, top = centre[0], centre[1] - HEIGHT / 2
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
    return back_to is None or dest == back_to or any(t not in RETURNS for t in triggers)


def _edge(source: str, dest: str, triggers: tuple[str, ...], lifecycle: Lifecycle,
          centres: dict[str, Point], back_to: str | None) -> tuple[str, str]:  # fmt: skip
    """The edge's path, with its events in its tooltip; and, when it leaves the current state,
    its events' French names written beside it (drawn last, over the boxes)."""
    leaving = _open(source, dest, triggers, lifecycle, back_to)
    automatic = is_automatic(triggers)
    kind = "edge edge-next" if leaving else "edge edge-auto" if automatic else "edge"
    marker = "arrow-next" if leaving else "arrow"
    if source == dest:
        shape, middle = _loop(centres[source]), (centres[source][0], centres[source][1] - 52)
    else:
        curve = _route(source, dest, centres)
        shape, middle = _path(curve), _on_curve(curve, 0.5)
    events = ", ".join(f"{labels.event(t)} ({t})" for t in triggers)
    title = escape(f"{labels.state(source)} → {labels.state(dest)} : {events}")
    drawn = (
        f'<path class="{kind}" d="{shape}" marker-end="url(#{marker})">'
        f"<title>{title}</title></path>"
    )
    if not leaving:
        return drawn, ""
    said = escape(" / ".join(labels.event(t) for t in dict.fromkeys(triggers)))
    return drawn, (
        f'<text class="edge-label edge-label-next" x="{middle[0]:.1f}" y="{middle[1] - 4:.1f}" '
        f'text-anchor="middle">{said}</text>'
    )


def _node(state: str, lifecycle: Lifecycle, centre: Point, visited: frozenset[str]) -> str:
    classes = ["node"]
    if state == lifecycle.current:
        classes.append("node-current")
    elif state in visited:
        classes.append("node-visited")
    if state in lifecycle.ends:
        classes.append("node-end")
    x, y = centre[0] - WIDTH / 2, centre[1] - HEIGHT / 2
    label = escape(SHORT_LABELS.get(state, state))
    return (
        f'<g class="{" ".join(classes)}" data-state="{escape(state)}">'
        f"<title>{escape(labels.state(state))} ({escape(state)})</title>"
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{WIDTH}" height="{HEIGHT}" rx="8"/>'
        f'<text x="{centre[0]:.1f}" y="{centre[1] + 5:.1f}" text-anchor="middle">{label}</text>'
        "</g>"
    )


_DEFS = (
    "<defs>"
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
    'orient="auto-start-reverse"><path class="arrow" d="M0,0 L10,5 L0,10 z"/></marker>'
    '<marker id="arrow-next" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path class="arrow-next" '
    'd="M0,0 L10,5 L0,10 z"/></marker>'
    "</defs>"
)


@lru_cache(maxsize=256)
def state_diagram(
    current: str | None, visited: frozenset[str] = frozenset(), back_to: str | None = None,
    layout: str = "wide",
) -> Markup:  # fmt: skip
    """The lifecycle as an inline SVG, `current` highlighted and `visited` states tinted;
    in a dispute, `back_to` is the state a settlement returns to. `layout`: wide or narrow."""
    lifecycle = lifecycle_of(current)
    centres = _centres(lifecycle.states, layout)
    narrow = layout == "narrow"
    width = max(x for x, _ in centres.values()) + WIDTH / 2 + MARGIN
    height = max(y for _, y in centres.values()) + HEIGHT / 2 + MARGIN
    parts = [
        f'<svg class="lifecycle lifecycle-{layout}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-labelledby="lifecycle-title-{layout}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="lifecycle-title-{layout}">Cycle de vie d\'une convention'
        + (f" ; état actuel : {escape(SHORT_LABELS.get(current, current))}" if current else "")
        + "</title>",
        _DEFS,
    ]
    # Faint edges first, so the current state's edges are drawn over them.
    ordered = sorted(lifecycle.edges, key=lambda e: _open(e[0], e[1], e[2], lifecycle, back_to))
    drawn = [_edge(s, t, triggers, lifecycle, centres, back_to) for s, t, triggers in ordered]
    parts += [path for path, _ in drawn]
    if lifecycle.start in centres and not narrow:
        x, y = centres[lifecycle.start]
        parts.append(f'<circle class="start" cx="{x - WIDTH / 2 - 22:.1f}" cy="{y:.1f}" r="7"/>')
        parts.append(
            f'<path class="edge" d="M{x - WIDTH / 2 - 15:.1f},{y:.1f} H{x - WIDTH / 2 - 3:.1f}" '
            'marker-end="url(#arrow)"/>'
        )
    parts += [_node(s, lifecycle, centres[s], visited) for s in lifecycle.states]
    parts += [label for _, label in drawn if label]  # over the boxes, never under them
    parts.append("</svg>")
    return Markup("".join(parts))
