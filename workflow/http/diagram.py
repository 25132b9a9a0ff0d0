"""The lifecycle drawn as an SVG on the server, from `states.lifecycle.mermaid_diagram`.

The edges and the highlighted state are read from the same mermaid text the README shows, so
the picture cannot drift from the transitions table; only where each state sits is chosen
here. Edges leave the current state in the accent colour; the others are faint. No script,
nothing fetched: the SVG is inline and styled by the dashboard's stylesheet.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from states.lifecycle import mermaid_diagram
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
COLUMN, ROW, WIDTH, HEIGHT, MARGIN = 172, 96, 150, 44, 36
_EDGE = re.compile(r"^\s*(\[\*\]|\w+) --> (\[\*\]|\w+)(?:: (\w+))?\s*$")
_CURRENT = re.compile(r"^\s*class (\w+) current\s*$")
Point = tuple[float, float]


@dataclass(frozen=True)
class Lifecycle:
    """What the mermaid text says: the states, the start, the ends, the edges, the current."""

    states: tuple[str, ...]
    start: str | None
    ends: frozenset[str]
    edges: tuple[tuple[str, str, tuple[str, ...]], ...]
    current: str | None


def parse(text: str) -> Lifecycle:
    """Read a mermaid state diagram as `mermaid_diagram` writes it."""
    start, ends, current = None, set(), None
    edges: dict[tuple[str, str], list[str]] = {}
    states: list[str] = []
    for line in text.splitlines():
        if match := _CURRENT.match(line):
            current = match.group(1)
        elif match := _EDGE.match(line):
            source, dest, trigger = match.groups()
            if source == "[*]":
                start = dest
            elif dest == "[*]":
                ends.add(source)
            else:
                edges.setdefault((source, dest), []).append(trigger or "")
            states += [s for s in (source, dest) if s != "[*]" and s not in states]
    return Lifecycle(
        tuple(states),
        start,
        frozenset(ends),
        tuple((s, t, tuple(triggers)) for (s, t), triggers in edges.items()),
        current,
    )


def _centres(states: tuple[str, ...]) -> dict[str, Point]:
    places = dict(PLACES)
    spare = 0
    for state in states:  # a state added to the lifecycle later still gets a place
        if state not in places:
            places[state] = (spare, 3)
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
    if source != lifecycle.current:
        return False
    return back_to is None or dest == back_to or any(t not in RETURNS for t in triggers)


def _edge(source: str, dest: str, triggers: tuple[str, ...], lifecycle: Lifecycle,
          centres: dict[str, Point], back_to: str | None) -> str:  # fmt: skip
    leaving = _open(source, dest, triggers, lifecycle, back_to)
    kind = "edge edge-next" if leaving else "edge"
    marker = "arrow-next" if leaving else "arrow"
    shape = _loop(centres[source]) if source == dest else _path(_route(source, dest, centres))
    events = ", ".join(f"{labels.event(t)} ({t})" for t in triggers)
    title = escape(f"{labels.state(source)} → {labels.state(dest)} : {events}")
    return (
        f'<path class="{kind}" d="{shape}" marker-end="url(#{marker})">'
        f"<title>{title}</title></path>"
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
    current: str | None, visited: frozenset[str] = frozenset(), back_to: str | None = None
) -> Markup:
    """The lifecycle as an inline SVG, `current` highlighted and `visited` states tinted;
    in a dispute, `back_to` is the state a settlement returns to."""
    lifecycle = parse(mermaid_diagram(highlight=current))
    centres = _centres(lifecycle.states)
    width = max(x for x, _ in centres.values()) + WIDTH / 2 + MARGIN
    height = max(y for _, y in centres.values()) + HEIGHT / 2 + MARGIN
    parts = [
        f'<svg class="lifecycle" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        'aria-labelledby="lifecycle-title" xmlns="http://www.w3.org/2000/svg">',
        '<title id="lifecycle-title">Cycle de vie d\'une convention'
        + (f" ; état actuel : {escape(SHORT_LABELS.get(current, current))}" if current else "")
        + "</title>",
        _DEFS,
    ]
    # Faint edges first, so the current state's edges are drawn over them.
    ordered = sorted(lifecycle.edges, key=lambda e: _open(e[0], e[1], e[2], lifecycle, back_to))
    parts += [_edge(s, t, triggers, lifecycle, centres, back_to) for s, t, triggers in ordered]
    if lifecycle.start in centres:
        x, y = centres[lifecycle.start]
        parts.append(f'<circle class="start" cx="{x - WIDTH / 2 - 22:.1f}" cy="{y:.1f}" r="7"/>')
        parts.append(
            f'<path class="edge" d="M{x - WIDTH / 2 - 15:.1f},{y:.1f} H{x - WIDTH / 2 - 3:.1f}" '
            'marker-end="url(#arrow)"/>'
        )
    parts += [_node(s, lifecycle, centres[s], visited) for s in lifecycle.states]
    parts.append("</svg>")
    return Markup("".join(parts))
