"""The benchmark runner (`make bench`): floors read from each benchmark's JSON, and what it
says about a benchmark that fails, prints no JSON or no floors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import run
from benchmarks.floors import at_least, at_most, verdict


def script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(body)
    return path


def test_floors_say_whether_they_hold() -> None:
    report = verdict({"p99_ms": at_most(31.0, 30), "rate": at_least(1200, 1000)})
    assert report["ok"] is False
    assert report["floors"]["rate"] == {"value": 1200, "at_least": 1000, "holds": True}
    assert run.problems(report) == ["p99_ms = 31.0, floor ≤ 30"]
    assert run.problems(verdict({"p99_ms": at_most(30, 30)})) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("import json; print(json.dumps({'floors': {'x': {'value': 1, 'at_most': 2, "
         "'holds': True}}, 'ok': True}))", []),
        ("import json; print(json.dumps({'p50': 3}))", ["prints no floors"]),
        ("import json; print(json.dumps({'floors': {}}))", ["prints no floors"]),
        ("import json; print(json.dumps({'floors': {'x': {'value': 1}}}))",
         ["floor x does not say whether it holds"]),
        ("print('p50 3 ms')", ["printed no JSON"]),
        ("import sys; sys.exit(3)", ["exited with 3"]),
    ],
)  # fmt: skip
def test_each_benchmark_is_judged_by_its_json(
    tmp_path: Path, body: str, expected: list[str]
) -> None:
    outcome = run.run(script(tmp_path, "bench_x", body))
    assert outcome["problems"] == expected
    assert outcome["ok"] is (expected == [])


def test_the_enrichment_benchmark_reports_its_floor_as_the_runner_reads_it() -> None:
    """bench_enrich (a small sheet): its floor carries its value, bound and verdict."""
    root = Path(run.__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "benchmarks/bench_enrich.py", "300"],
        cwd=root, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["rows"] == 300
    floor = report["floors"]["ratio_max"]
    assert floor["at_most"] == 2.0 and isinstance(floor["holds"], bool)
    assert report["ok"] is floor["holds"]
    assert [p for p in run.problems(report) if not p.startswith("ratio_max = ")] == []
