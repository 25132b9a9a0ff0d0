"""SpiffWorkflow as a peer baseline: the same five steps as a BPMN process, each completed and
the workflow saved, serialized, in SQLite after it (WAL, synchronous=FULL, 1 transaction).

Two ways a service would use it: the workflows kept in memory and saved after each step (the
cheapest for SpiffWorkflow), or each step reading its workflow back from the database first,
as convflow's command path reads its convention.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.parser import BpmnParser  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # type: ignore[import-untyped]
from SpiffWorkflow.util.task import TaskState  # type: ignore[import-untyped]

STEPS = ("submit", "sign_1", "sign_2", "notify", "pay")
"""The reference lifecycle of bench.transitions, one user task per event."""


def _bpmn() -> bytes:
    tasks = "".join(f'<bpmn:userTask id="{step}" name="{step}"/>' for step in STEPS)
    nodes = ["start", *STEPS, "end"]
    flows = "".join(
        f'<bpmn:sequenceFlow id="flow_{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(itertools.pairwise(nodes))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'id="definitions" targetNamespace="http://bpmn.io/schema/bpmn">'
        '<bpmn:process id="convention" isExecutable="true"><bpmn:startEvent id="start"/>'
        f'{tasks}<bpmn:endEvent id="end"/>{flows}</bpmn:process></bpmn:definitions>'
    ).encode()


def _spec() -> Any:
    parser = BpmnParser()
    parser.add_bpmn_str(_bpmn(), "convention.bpmn")
    return parser.get_spec("convention")


def _step(workflow: Any, on: str) -> None:
    """Complete the one task waiting for a person, then run what follows it."""
    (task,) = workflow.get_tasks(state=TaskState.READY, manual=True)
    task.data["on"] = on
    task.run()
    workflow.do_engine_steps()


def _database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE workflow (id INTEGER PRIMARY KEY, version INTEGER, state TEXT)")
    return db


def run(directory: Path, conventions: int, *, reload: bool = False) -> float:
    """Steps per second: each of `conventions` workflows walks the five steps, round by round,
    saved after each step (and read back before it when `reload`)."""
    serializer = BpmnWorkflowSerializer()
    spec = _spec()
    db = _database(directory / ("spiff-reload.db" if reload else "spiff.db"))
    workflows = []
    for i in range(conventions):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        serialized = serializer.serialize_json(workflow)
        db.execute("INSERT INTO workflow VALUES (?, 1, ?)", (i, serialized))
        workflows.append(workflow)
    start = time.perf_counter()
    for step, _ in enumerate(STEPS):
        on = f"2025-03-{step + 3:02d}"
        for i in range(conventions):
            db.execute("BEGIN IMMEDIATE")
            if reload:
                (stored,) = db.execute("SELECT state FROM workflow WHERE id = ?", (i,)).fetchone()
                workflows[i] = serializer.deserialize_json(stored)
            _step(workflows[i], on)
            db.execute(
                "UPDATE workflow SET state = ?, version = version + 1 WHERE id = ?",
                (serializer.serialize_json(workflows[i]), i),
            )
            db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    assert all(workflow.is_completed() for workflow in workflows)
    db.close()
    return conventions * len(STEPS) / elapsed
