"""Import benchmark (prints JSON): `secbot import` run as a subprocess into a fresh SQLite
database, on files generated in a temporary directory (spreadsheet rows as people keep them,
from benchmarks/bench_enrich.py, so enrichment has places, kinds and hosts to read):

1. 100,000 CSV rows: wall time (floor ≤ 20 s, enrichment on);
2. a 50 MB CSV file: wall time and peak RSS (floor ≤ 400 MB);
3. a 50 MB JSON file (a list of meetings, the same rows): wall time and peak RSS (≤ 400 MB).

Peak memory: the larger of the `secbot` process's own peak RSS (`os.wait4` gives each child's
rusage) and the proportional set size of it and the reader it forks for large files together,
sampled every 50 ms.

    .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--mb 50]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_enrich import sheet  # noqa: E402
from benchmarks.floors import at_most, verdict  # noqa: E402

SECONDS_100K = 20.0
PEAK_MB = 400.0


def _made(make: Any, path: Path, size: float) -> int:
    """`make(path, size)` in a forked process: a child of this one starts with its peak RSS
    (Linux copies the high-water mark on fork and keeps it over exec), so a file built here
    would count in the next import's `ru_maxrss`."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return int(pool.apply(make, (path, size)))


def csv_file(path: Path, rows: int) -> int:
    path.write_text(sheet(rows), encoding="utf-8")
    return rows


def csv_of_size(path: Path, mb: float) -> int:
    """A CSV of about `mb` megabytes (the same rows as `csv_file`, as many as fit)."""
    sample = sheet(2000)
    per_row = len(sample.encode()) / 2000
    rows = int(mb * 1_000_000 / per_row)
    path.write_text(sheet(rows), encoding="utf-8")
    return rows


def json_of_size(path: Path, mb: float) -> int:
    """A JSON list of about `mb` megabytes: the CSV's rows as objects with secbot's field names
    and the columns enrichment reads (`location`, `categories`)."""
    sample = sheet(2000)
    per_row = len(json.dumps(_objects(sample)).encode()) / 2000
    rows = int(mb * 1_000_000 / per_row)
    objects = _objects(sheet(rows))
    with path.open("w", encoding="utf-8") as f:
        f.write("[\n")
        for i, o in enumerate(objects):
            f.write(("  " if i == 0 else ",\n  ") + json.dumps(o, ensure_ascii=False))
        f.write("\n]\n")
    return rows


def _objects(text: str) -> list[dict[str, Any]]:
    from storage.importers.dates import read_dates

    found = []
    for row in csv.DictReader(text.splitlines()):
        start, end = read_dates(row["Dates"])
        o: dict[str, Any] = {"id": row["id"], "title": row["Meeting"], "start": start, "end": end}
        o["location"] = row["Location"]
        if row["Type"]:
            o["categories"] = [row["Type"]]
        if row["Notes"]:
            o["description"] = row["Notes"]
        found.append(o)
    return found


def run_import(path: Path, db: Path) -> dict[str, Any]:
    """`secbot import PATH` into a fresh database: seconds, peak RSS (MB), and its summary."""
    env = dict(os.environ)
    env.update(
        SECBOT_DATABASE_URL=f"sqlite:///{db}",
        SECBOT_SEED_ON_START="false",
        SECBOT_NOW="2015-12-15",
        SECBOT_LOG_LEVEL="warning",
    )
    argv = [sys.executable, "-c", "from handlers.cli.app import app; app()", "import", str(path)]
    out, err = db.with_suffix(".out"), db.with_suffix(".err")
    began = time.perf_counter()
    with out.open("w") as stdout, err.open("w") as stderr:
        child = subprocess.Popen(argv, env=env, stdout=stdout, stderr=stderr, cwd=ROOT)
        tree = 0  # the import and the reader it forks, sampled together
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            tree = max(tree, _tree_rss(child.pid))
            time.sleep(0.05)
    seconds = time.perf_counter() - began
    child.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"secbot import {path.name} failed ({code}): {err.read_text()[-2000:]}")
    said = out.read_text().strip().splitlines()
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # the largest single process
        "peak_tree_pss_mb": round(tree / 1024, 1),  # the import and its reader together
        "said": said[-1] if said else "",
    }


def _peak(run: dict[str, Any]) -> float:
    """The peak memory held: the larger of the sampled pair and the largest process."""
    return float(max(run["peak_rss_mb"], run["peak_tree_pss_mb"]))


def _tree_rss(pid: int) -> int:
    """Proportional set size (kB) of a process and its children: shared pages (the libraries
    the reader inherits when it is forked) are counted once between them, not in each."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    own = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return own + sum(_tree_rss(int(k)) for k in kids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--mb", type=float, default=50.0)
    args = parser.parse_args()
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        rows = _made(csv_file, t / "rows.csv", args.rows)
        out["csv_rows"] = {"rows": rows, **run_import(t / "rows.csv", t / "a.db")}
        (t / "rows.csv").unlink()
        rows = _made(csv_of_size, t / "big.csv", args.mb)
        size = (t / "big.csv").stat().st_size / 1e6
        out["csv_50mb"] = {
            "rows": rows,
            "mb": round(size, 1),
            **run_import(t / "big.csv", t / "b.db"),
        }
        (t / "big.csv").unlink()
        rows = _made(json_of_size, t / "big.json", args.mb)
        size = (t / "big.json").stat().st_size / 1e6
        out["json_50mb"] = {
            "rows": rows,
            "mb": round(size, 1),
            **run_import(t / "big.json", t / "c.db"),
        }
    scale = 100_000 / args.rows  # a smaller --rows is scaled to the 100k floor
    out.update(
        verdict(
            {
                "csv_100k_s": at_most(round(out["csv_rows"]["seconds"] * scale, 2), SECONDS_100K),
                "csv_50mb_peak_rss_mb": at_most(_peak(out["csv_50mb"]), PEAK_MB),
                "json_50mb_peak_rss_mb": at_most(_peak(out["json_50mb"]), PEAK_MB),
            }
        )
    )
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
