"""Run the benchmarks (`make bench`) and print one JSON document: each benchmark's own JSON,
and whether all its floors hold. Exits 1 when a floor does not hold, or when a benchmark
fails or prints no floors (every benchmark must: see benchmarks/floors.py).

    .venv/bin/python benchmarks/run.py [bench_feeds bench_teams ...]

Each benchmark runs alone, in its own process, one after the other; progress goes to stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def problems(result: Any) -> list[str]:
    """What is wrong with a benchmark's JSON as a report of floors (nothing when all hold)."""
    if not isinstance(result, dict) or not isinstance(result.get("floors"), dict):
        return ["prints no floors"]
    if not result["floors"]:
        return ["prints no floors"]
    found = []
    for name, floor in result["floors"].items():
        if not isinstance(floor, dict) or not isinstance(floor.get("holds"), bool):
            found.append(f"floor {name} does not say whether it holds")
        elif not floor["holds"]:
            bound = f"≤ {floor['at_most']}" if "at_most" in floor else f"≥ {floor.get('at_least')}"
            found.append(f"{name} = {floor.get('value')}, floor {bound}")
    return found


def run(path: Path) -> dict[str, Any]:
    print(f"== {path.name}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(path)], stdout=subprocess.PIPE, text=True)
    seconds = round(time.perf_counter() - started, 1)
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        result = None
    if done.returncode != 0:
        why = [f"exited with {done.returncode}"]
    elif result is None:
        why = ["printed no JSON"]
    else:
        why = problems(result)
    verdict = "ok" if not why else "; ".join(why)
    print(f"   {verdict} ({seconds} s)", file=sys.stderr, flush=True)
    return {"ok": not why, "problems": why, "seconds": seconds, "result": result}


def main(names: list[str]) -> int:
    paths = sorted(HERE.glob("bench_*.py"))
    if names:
        wanted = {n.removesuffix(".py") for n in names}
        unknown = wanted - {p.stem for p in paths}
        if unknown:
            sys.exit(f"no such benchmark: {', '.join(sorted(unknown))}")
        paths = [p for p in paths if p.stem in wanted]
    results = {p.stem: run(p) for p in paths}
    ok = all(r["ok"] for r in results.values())
    print(json.dumps({"benchmarks": results, "ok": ok}, indent=2, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
