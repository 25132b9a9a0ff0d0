"""Issue 11's import target: 10 000 spreadsheet rows into SQLite in ≤ 30 s, and at least 20x
the rate of loading the same conventions one `convflow import FILE` command each; the same on
PostgreSQL beside it (issue 15.5), when its server answers.

Both are measured in the same run on fresh migrated databases: the spreadsheet with one
`convflow import lot.csv` process (start-up included), the baseline with `SAMPLE` separate
`convflow import conventionN.toml` processes, whose rate (files per second) stands for the
10 000 (timing 10 000 processes would take many minutes and say nothing more).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.service_memory import database
from workflow.files.spreadsheet import COLUMNS, template_csv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "convention-metropole-amp-crpv-paca-2025.toml"
ROWS, SAMPLE = 10_000, 30
TARGET_SECONDS, TARGET_RATIO = 30.0, 20.0
CONVFLOW = str(Path(sys.executable).parent / "convflow")


def _environment(folder: Path, url: str) -> dict[str, str]:
    return {**os.environ, "CONVFLOW_DATABASE_URL": url, "CONVFLOW_MAIL_DIR": str(folder / "mail")}


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([CONVFLOW, *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"convflow {' '.join(args[:2])} failed: {done.stderr.strip()}")


def _sheet(path: Path, rows: int) -> Path:
    example = next(csv.DictReader(io.StringIO(template_csv())))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for n in range(rows):
            writer.writerow({**example, "reference": f"LOT-{n:05d}", "end_date": "2027-12-31"})
    return path


def run(rows: int = ROWS, sample: int = SAMPLE, backend: str = "sqlite") -> dict[str, float]:
    """Seconds for the spreadsheet, files per second one command each, and their ratio, on
    `backend` (a SQLite file, or a throw-away PostgreSQL database)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "sheet"
        folder.mkdir()
        with database(folder, backend, "convflow.db") as url:
            env = _environment(folder, url)
            _run(["init"], env)
            sheet = _sheet(folder / "lot.csv", rows)
            started = time.perf_counter()
            _run(["import", str(sheet)], env)
            sheet_seconds = time.perf_counter() - started
        files_seconds = _one_by_one(Path(scratch) / "files", sample, backend)
    sheet_rate = rows / sheet_seconds
    files_rate = sample / files_seconds
    return {
        "rows": rows, "sheet_seconds": sheet_seconds, "sheet_rate": sheet_rate,
        "sample": sample, "files_rate": files_rate, "ratio": sheet_rate / files_rate,
    }  # fmt: skip


def _one_by_one(one_by_one: Path, sample: int, backend: str) -> float:
    """Seconds for `sample` conventions loaded one `convflow import FILE` process each."""
    one_by_one.mkdir()
    with database(one_by_one, backend, "convflow.db") as url:
        env = _environment(one_by_one, url)
        _run(["init"], env)
        text = EXAMPLE.read_text(encoding="utf-8")
        files = []
        for n in range(sample):
            path = one_by_one / f"convention{n}.toml"
            path.write_text(text.replace("AMP-CRPV-PACA-2025", f"ONE-{n:04d}"), encoding="utf-8")
            files.append(path)
        started = time.perf_counter()
        for path in files:
            _run(["import", "--without-history", str(path)], env)
        return time.perf_counter() - started


def met(figures: dict[str, float]) -> bool:
    """Both targets: the time and the ratio."""
    return figures["sheet_seconds"] <= TARGET_SECONDS and figures["ratio"] >= TARGET_RATIO


def report(figures: dict[str, float], backend: str = "sqlite") -> str:
    """The figures as the README quotes them."""
    store = "SQLite file" if backend == "sqlite" else "PostgreSQL on 127.0.0.1"
    return (
        f"spreadsheet import ({store}): {figures['rows']:.0f} rows in "
        f"{figures['sheet_seconds']:.1f} s "
        f"({figures['sheet_rate']:.0f} conventions/s; target ≤ {TARGET_SECONDS:.0f} s)\n"
        f"  baseline, one `convflow import FILE` per convention ({figures['sample']:.0f} "
        f"measured): {figures['files_rate']:.2f} conventions/s\n"
        f"  ratio {figures['ratio']:.0f}x (target ≥ {TARGET_RATIO:.0f}x)"
    )


def run_backends(backends: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """`run` on each backend, one after the other; the figures by backend."""
    return {backend: run(backend=backend) for backend in backends}


def report_backends(by_backend: dict[str, dict[str, float]]) -> str:
    """Each backend's figures, one block after the other."""
    return "\n".join(report(figures, backend) for backend, figures in by_backend.items())


if __name__ == "__main__":
    result = run()
    print(report(result))
    sys.exit(0 if met(result) else 1)
